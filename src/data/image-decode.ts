/**
 * Decoding uploaded or stored images (PNG through pngjs, JPEG through jpeg-js) into grayscale,
 * and encoding grayscale images as PNG for thumbnails and reports. Pure: bytes in, bytes out.
 */
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
/** Largest JPEG decoded, in megapixels (jpeg-js's guard against decompression bombs). */
export const MAX_JPEG_MEGAPIXELS = 100;
/** Memory jpeg-js may use while decoding, in MB. */
export const MAX_JPEG_MEMORY_MB = 1024;

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

function decodeRgba(
  bytes: Uint8Array,
  source: string,
): { width: number; height: number; rgba: Uint8Array } {
  const format = detectImageFormat(bytes);
  if (format === 'png') {
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
        maxResolutionInMP: MAX_JPEG_MEGAPIXELS,
        maxMemoryUsageInMB: MAX_JPEG_MEMORY_MB,
      });
      if (!(img.width > 0 && img.height > 0)) throw new Error('no image frame');
      return { width: img.width, height: img.height, rgba: img.data };
    } catch (error) {
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
  const { width, height, rgba } = decodeRgba(bytes, source);
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
