/**
 * Decoding uploaded or stored images (PNG through pngjs, JPEG through jpeg-js) into grayscale,
 * and encoding grayscale images as PNG for thumbnails and reports. Pure: bytes in, bytes out.
 */
import { inflateSync } from 'node:zlib';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { checkImage } from '../core/image.js';
import type { GrayImage } from '../core/types.js';
import { checkBytes, checkSource, DataFormatError } from './errors.js';

/** The 8-byte signature every PNG file starts with. */
export const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] as const;
/** The start-of-image marker and the first byte of the next marker, which every JPEG starts with. */
export const JPEG_SIGNATURE = [0xff, 0xd8, 0xff] as const;
/** ITU-R BT.601 luma weights of red, green and blue (what JPEG and most "to grayscale" tools use). */
export const LUMA_WEIGHTS = [0.299, 0.587, 0.114] as const;
/** Default largest side, in pixels, of an image `decodeImage` decodes (`options.maxSide`). */
export const DEFAULT_MAX_IMAGE_SIDE = 4096;
/**
 * Memory jpeg-js may use while decoding, per decoded RGBA byte of the largest allowed image
 * (coefficient blocks, component planes and the output together stay well under this).
 */
const JPEG_MEMORY_PER_OUTPUT_BYTE = 6;
/** The PNG chunk that declares the image's size and pixel format (it must come first, once). */
const PNG_IHDR = 'IHDR';
/** PNG chunk types of the compressed pixels and of the end of the image. */
const PNG_IDAT = 'IDAT';
const PNG_IEND = 'IEND';
/** Channels per PNG colour type (0 gray, 2 RGB, 3 palette, 4 gray + alpha, 6 RGBA). */
const PNG_CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
/** Adam7 passes of an interlaced PNG: [x start, x step, y start, y step]. */
const ADAM7_PASSES = [
  [0, 8, 0, 8],
  [4, 8, 0, 8],
  [0, 4, 4, 8],
  [2, 4, 0, 4],
  [0, 2, 2, 4],
  [1, 2, 0, 2],
  [0, 1, 1, 2],
] as const;

/** Image formats `decodeImage` reads. */
export type ImageFormat = 'png' | 'jpeg';

/** Signatures of formats people may try, named in the error message though not supported. */
const UNSUPPORTED_SIGNATURES: { name: string; bytes: number[] }[] = [
  { name: 'GIF', bytes: [0x47, 0x49, 0x46, 0x38] },
  { name: 'BMP', bytes: [0x42, 0x4d] },
  { name: 'WebP', bytes: [0x52, 0x49, 0x46, 0x46] },
  { name: 'TIFF', bytes: [0x49, 0x49, 0x2a, 0x00] },
  { name: 'TIFF', bytes: [0x4d, 0x4d, 0x00, 0x2a] },
];

/** Options of `decodeImage`. */
export interface DecodeImageOptions {
  /**
   * What transparent pixels are composited over, as a gray level in [0, 1], or `'auto'` (the
   * default): the opposite of the ink. The ink's level is the alpha-weighted mean luma of the
   * image; when it is below 0.5 (dark ink) the background is white (1), otherwise black (0). So
   * black strokes on a transparent canvas become black on white, white strokes become white on
   * black, and the polarity is then detected by the core as for any other image.
   */
  background?: number | 'auto';
  /**
   * Largest width and height accepted, in pixels (default `DEFAULT_MAX_IMAGE_SIDE`). Checked on
   * the header the decoder itself reads, before any pixel is decoded; a PNG's compressed pixels
   * must also inflate to no more than that header implies, so a small file cannot decode into a
   * large one (a decompression bomb).
   */
  maxSide?: number;
}

function startsWith(bytes: Uint8Array, signature: readonly number[]): boolean {
  if (bytes.length < signature.length) return false;
  return signature.every((b, i) => bytes[i] === b);
}

function hex(bytes: Uint8Array | readonly number[]): string {
  return Array.from(bytes, (b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');
}

/** The format of image bytes by their magic number, or `undefined` when neither PNG nor JPEG. */
export function detectImageFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (startsWith(bytes, PNG_SIGNATURE)) return 'png';
  if (startsWith(bytes, JPEG_SIGNATURE)) return 'jpeg';
  return undefined;
}

function unknownFormat(bytes: Uint8Array, source: string): DataFormatError {
  const expected = `expected a PNG (${hex(PNG_SIGNATURE)}) or JPEG (${hex(JPEG_SIGNATURE)}) image`;
  if (bytes.length === 0)
    return new DataFormatError({ file: source, offset: 0 }, `${expected}, got an empty file`);
  const other = UNSUPPORTED_SIGNATURES.find((s) => startsWith(bytes, s.bytes));
  const found = hex(bytes.subarray(0, 8));
  return new DataFormatError(
    { file: source, offset: 0 },
    `${expected}, got ${other ? `a ${other.name} image (${found})` : found}`,
  );
}

function u32be(b: Uint8Array, i: number): number {
  return ((b[i] << 24) >>> 0) + (b[i + 1] << 16) + (b[i + 2] << 8) + b[i + 3];
}

function checkSides(width: number, height: number, maxSide: number, source: string, what: string) {
  if (width < 1 || height < 1 || width > maxSide || height > maxSide)
    throw new DataFormatError(
      { file: source },
      `could not decode ${what}: it declares ${width}×${height} pixels; each side must be 1–${maxSide}`,
    );
}

/** Bytes of a PNG's filtered scanlines (the inflated IDAT stream) for its header's size. */
function pngInflatedBytes(
  width: number,
  height: number,
  bitsPerPixel: number,
  interlaced: boolean,
): number {
  const rows = (w: number, h: number) =>
    w > 0 && h > 0 ? h * (1 + Math.ceil((w * bitsPerPixel) / 8)) : 0;
  if (!interlaced) return rows(width, height);
  let total = 0;
  for (const [x0, dx, y0, dy] of ADAM7_PASSES)
    total += rows(Math.ceil((width - x0) / dx), Math.ceil((height - y0) / dy));
  return total;
}

/**
 * Walks a PNG's chunks before pngjs sees them: exactly one IHDR, first; its size within
 * `maxSide`; every chunk inside the file; and the IDAT stream inflating to at most the bytes the
 * header implies (inflation stops there). pngjs then decodes what was checked.
 */
function checkPng(bytes: Uint8Array, source: string, maxSide: number): void {
  const fail = (problem: string): never => {
    throw new DataFormatError({ file: source }, `could not decode PNG: ${problem}`);
  };
  let offset = PNG_SIGNATURE.length;
  let header:
    | { width: number; height: number; bitsPerPixel: number; interlaced: boolean }
    | undefined;
  const idat: Uint8Array[] = [];
  while (offset + 8 <= bytes.length) {
    const length = u32be(bytes, offset);
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    if (offset + 12 + length > bytes.length)
      fail(`chunk ${JSON.stringify(type)} at byte ${offset} runs past the end of the file`);
    if (type === PNG_IHDR) {
      if (header) fail(`a second IHDR chunk at byte ${offset}; expected exactly one`);
      if (length !== 13) fail(`IHDR chunk: expected 13 bytes, got ${length}`);
      const d = offset + 8;
      const width = u32be(bytes, d);
      const height = u32be(bytes, d + 4);
      const channels = PNG_CHANNELS[bytes[d + 9]];
      if (channels === undefined) fail(`IHDR chunk: unknown colour type ${bytes[d + 9]}`);
      checkSides(width, height, maxSide, source, 'PNG');
      const crc = u32be(bytes, d + length);
      if (crc32(bytes.subarray(offset + 4, d + length)) !== crc) fail('IHDR chunk: bad CRC');
      header = {
        width,
        height,
        bitsPerPixel: channels * bytes[d + 8],
        interlaced: bytes[d + 12] !== 0,
      };
    } else if (!header) {
      fail(`expected the IHDR chunk first, got ${JSON.stringify(type)}`);
    } else if (type === PNG_IDAT) {
      idat.push(bytes.subarray(offset + 8, offset + 8 + length));
    }
    offset += 12 + length;
    if (type === PNG_IEND) break;
  }
  if (!header) throw new DataFormatError({ file: source }, 'could not decode PNG: no IHDR chunk');
  const { width, height } = header;
  const expected = pngInflatedBytes(width, height, header.bitsPerPixel, header.interlaced);
  try {
    inflateSync(Buffer.concat(idat), { maxOutputLength: Math.max(1, expected) });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
      fail(
        `pixels inflate to more than the ${expected} bytes its ${width}×${height} header implies`,
      );
    // Other zlib errors are left for pngjs to report in its words.
  }
}

/** CRC-32 (ISO 3309, polynomial 0xEDB88320) of PNG chunk type and data. */
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

function decodeRgba(
  bytes: Uint8Array,
  source: string,
  maxSide: number,
): { width: number; height: number; rgba: Uint8Array } {
  const format = detectImageFormat(bytes);
  if (format === 'png') {
    checkPng(bytes, source, maxSide);
    try {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
      return { width: png.width, height: png.height, rgba: png.data };
    } catch (error) {
      throw new DataFormatError(
        { file: source },
        `could not decode PNG: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
  if (format === 'jpeg') {
    try {
      const img = jpeg.decode(bytes, {
        useTArray: true,
        formatAsRGBA: true,
        tolerantDecoding: false,
        // jpeg-js checks the frame it reads against these before allocating for it.
        maxResolutionInMP: (maxSide * maxSide) / 1e6,
        maxMemoryUsageInMB: Math.ceil(
          (maxSide * maxSide * 4 * JPEG_MEMORY_PER_OUTPUT_BYTE) / 2 ** 20,
        ),
      });
      if (!(img.width > 0 && img.height > 0)) throw new Error('no image frame');
      checkSides(img.width, img.height, maxSide, source, 'JPEG');
      return { width: img.width, height: img.height, rgba: img.data };
    } catch (error) {
      if (error instanceof DataFormatError) throw error;
      throw new DataFormatError(
        { file: source },
        `could not decode JPEG: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
  throw unknownFormat(bytes, source);
}

/**
 * Decodes a PNG or JPEG (detected by magic bytes, not by name) to a grayscale image: BT.601 luma
 * scaled to [0, 1], transparent pixels composited as `options.background` says. The polarity is
 * left as found. Unknown or broken bytes throw a `DataFormatError` naming `source`.
 */
export function decodeImage(
  bytes: Uint8Array,
  source: string,
  options: DecodeImageOptions = {},
): GrayImage {
  checkBytes('bytes', bytes);
  checkSource(source);
  const background = options.background ?? 'auto';
  if (
    background !== 'auto' &&
    !(typeof background === 'number' && background >= 0 && background <= 1)
  )
    throw new RangeError(
      `options.background: expected 'auto' or a gray level in [0, 1], got ${String(background)}`,
    );
  const maxSide = options.maxSide ?? DEFAULT_MAX_IMAGE_SIDE;
  if (!(Number.isInteger(maxSide) && maxSide >= 1))
    throw new RangeError(`options.maxSide: expected a positive integer, got ${String(maxSide)}`);
  const { width, height, rgba } = decodeRgba(bytes, source, maxSide);
  const n = width * height;
  const data = new Float32Array(n);
  const [wr, wg, wb] = LUMA_WEIGHTS;
  let opaque = true;
  let inkSum = 0;
  let alphaSum = 0;
  for (let i = 0, j = 0; i < n; i++, j += 4) {
    const luma = (wr * rgba[j] + wg * rgba[j + 1] + wb * rgba[j + 2]) / 255;
    const alpha = rgba[j + 3] / 255;
    data[i] = luma;
    if (alpha < 1) opaque = false;
    inkSum += alpha * luma;
    alphaSum += alpha;
  }
  if (opaque) return { width, height, data };
  // Fully transparent: no ink to compare with; white is as good as any uniform background.
  const bg =
    background === 'auto' ? (alphaSum > 0 && inkSum / alphaSum >= 0.5 ? 0 : 1) : background;
  for (let i = 0, j = 3; i < n; i++, j += 4) {
    const alpha = rgba[j] / 255;
    data[i] = alpha * data[i] + (1 - alpha) * bg;
  }
  return { width, height, data };
}

/**
 * Encodes a grayscale image as an 8-bit grayscale PNG (values clamped to [0, 1], scaled to 0–255
 * and rounded). `TypeError`/`RangeError` for a malformed image or a non-finite value.
 */
export function encodePng(img: GrayImage): Uint8Array {
  checkImage(img);
  const gray = Buffer.alloc(img.data.length);
  for (let i = 0; i < gray.length; i++) {
    const v = img.data[i];
    if (!Number.isFinite(v))
      throw new RangeError(`img.data[${i}]: expected a finite value in [0, 1], got ${v}`);
    gray[i] = Math.round(Math.min(1, Math.max(0, v)) * 255);
  }
  const png = new PNG({ width: img.width, height: img.height });
  png.data = gray;
  return PNG.sync.write(png, {
    colorType: 0,
    inputColorType: 0,
    inputHasAlpha: false,
    bitDepth: 8,
  });
}
