/**
 * Small images for the report as PNG data: URIs: canonical digits (dark ink on white, as drawn)
 * and weight maps in a diverging colour map.
 */
import { PNG } from 'pngjs';
import type { GrayImage } from '../../core/types.js';
import { encodePng } from '../image-decode.js';

/** A data: URI of PNG bytes. */
export function pngDataUri(bytes: Uint8Array): string {
  return `data:image/png;base64,${Buffer.from(bytes).toString('base64')}`;
}

/** The canonical image (ink 1) as a PNG of dark ink on white. */
export function inkOnPaperUri(img: GrayImage): string {
  const data = new Float32Array(img.data.length);
  for (let i = 0; i < data.length; i++) data[i] = 1 - Math.min(1, Math.max(0, img.data[i]));
  return pngDataUri(encodePng({ width: img.width, height: img.height, data }));
}

/** Ends and middle of the diverging colour map: negative blue, zero white, positive red. */
const NEGATIVE = [33, 102, 172];
const ZERO = [247, 247, 247];
const POSITIVE = [178, 24, 43];

/** The colour of `t` in [−1, 1] on the diverging map, as [r, g, b]. */
export function divergingColour(t: number): [number, number, number] {
  const a = Math.min(1, Math.abs(t));
  const end = t < 0 ? NEGATIVE : POSITIVE;
  return [0, 1, 2].map((i) => Math.round(ZERO[i] + (end[i] - ZERO[i]) * a)) as [
    number,
    number,
    number,
  ];
}

/** CSS gradient of the diverging map, for the colour bar. */
export const DIVERGING_CSS = `linear-gradient(to right, rgb(${NEGATIVE}), rgb(${ZERO}), rgb(${POSITIVE}))`;

/** `width × height` values (row-major) as an RGB PNG on the diverging map, ±`max` at the ends. */
export function weightMapUri(
  values: ArrayLike<number>,
  width: number,
  height: number,
  max: number,
): string {
  if (values.length !== width * height)
    throw new RangeError(`values has ${values.length} entries, expected ${width * height}`);
  const png = new PNG({ width, height, colorType: 2 });
  for (let i = 0; i < values.length; i++) {
    const [r, g, b] = divergingColour(max > 0 ? values[i] / max : 0);
    png.data[4 * i] = r;
    png.data[4 * i + 1] = g;
    png.data[4 * i + 2] = b;
    png.data[4 * i + 3] = 255;
  }
  return pngDataUri(PNG.sync.write(png, { colorType: 2 }));
}
