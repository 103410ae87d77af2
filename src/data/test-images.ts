/**
 * Hand-built hostile images for tests: decompression bombs of the kinds an attacker sends to an
 * image endpoint. Each is small on the wire and large (or slow) when decoded without limits.
 */
import { deflateSync } from 'node:zlib';

/** CRC-32 of PNG chunks (ISO 3309, the polynomial 0xEDB88320). */
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

/** One PNG chunk: length, type, data, CRC. */
export function pngChunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** The 13 bytes of an IHDR: 8-bit gray (colour type 0), optionally Adam7-interlaced. */
export function ihdr(width: number, height: number, interlaced = false): Buffer {
  const d = Buffer.alloc(13);
  d.writeUInt32BE(width, 0);
  d.writeUInt32BE(height, 4);
  d[8] = 8;
  d[9] = 0;
  d[12] = interlaced ? 1 : 0;
  return d;
}

/** A PNG made of the given chunks after the signature, ending with IEND. */
export function pngOf(...chunks: Buffer[]): Buffer {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, ...chunks, pngChunk('IEND', new Uint8Array(0))]);
}

/** An interlaced 16×16 gray PNG whose pixels inflate to `inflatedBytes` zeros (a few KB sent). */
export function interlacedBombPng(inflatedBytes: number): Buffer {
  return pngOf(
    pngChunk('IHDR', ihdr(16, 16, true)),
    pngChunk('IDAT', deflateSync(Buffer.alloc(inflatedBytes), { level: 9 })),
  );
}

/** A 16×16 PNG with a second IHDR declaring `width`×`height`, and that many pixels' data. */
export function secondHeaderPng(width: number, height: number): Buffer {
  return pngOf(
    pngChunk('IHDR', ihdr(16, 16)),
    pngChunk('IHDR', ihdr(width, height)),
    pngChunk('IDAT', deflateSync(Buffer.alloc((width + 1) * height), { level: 9 })),
  );
}

/**
 * A JPEG that opens with `FF D8 FF 00` (a stuffed zero where a marker belongs, which jpeg-js
 * skips) and then a baseline frame of `width`×`height`, three components, no scan data.
 */
export function confusingJpeg(width: number, height: number): Buffer {
  const sof = [0xff, 0xc0, 0x00, 0x11, 0x08, height >> 8, height & 0xff, width >> 8, width & 0xff];
  const components = [0x03, 0x01, 0x11, 0x00, 0x02, 0x11, 0x00, 0x03, 0x11, 0x00];
  return Buffer.from([0xff, 0xd8, 0xff, 0x00, ...sof, ...components, 0xff, 0xd9]);
}
