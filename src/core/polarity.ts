/**
 * Polarity: whatever the input's convention, make ink high (1) on a zero background, as in MNIST
 * and in the rasteriser's output.
 */
import { checkImage } from './image.js';
import type { GrayImage } from './types.js';

/**
 * The background level of an image: the median of its border pixels. The median, not the mean,
 * so that ink touching the edge (a tight crop) does not tip it while less than half the border is
 * ink.
 */
export function borderLevel(img: GrayImage): number {
  checkImage(img);
  const { width: w, height: h, data } = img;
  const border: number[] = [];
  for (let x = 0; x < w; x++) {
    border.push(data[x]);
    if (h > 1) border.push(data[(h - 1) * w + x]);
  }
  for (let y = 1; y < h - 1; y++) {
    border.push(data[y * w]);
    if (w > 1) border.push(data[y * w + w - 1]);
  }
  border.sort((a, b) => a - b);
  const m = border.length >> 1;
  return border.length % 2 === 1 ? border[m] : (border[m - 1] + border[m]) / 2;
}

/**
 * Returns the image with ink high on a zero background. Dark ink on a light background (border
 * level above 0.5) is inverted; then a non-zero background level b is mapped to 0 by
 * v ↦ max(0, (v − b) / (1 − b)), so a grey scan or photo has a clean background for cropping.
 * Light-on-dark input with a zero border (a canvas, MNIST) is returned as is (the same object).
 */
export function toInkHigh(img: GrayImage): GrayImage {
  const level = borderLevel(img);
  const invert = level > 0.5;
  const bg = invert ? 1 - level : level;
  if (!invert && bg <= 0) return img;
  const src = img.data;
  const data = new Float32Array(src.length);
  // bg ≤ 0.5 here, so the stretch 1 / (1 − bg) is at most 2.
  const gain = 1 / (1 - bg);
  for (let i = 0; i < src.length; i++) {
    const v = invert ? 1 - src[i] : src[i];
    data[i] = v > bg ? (v - bg) * gain : 0;
  }
  return { width: img.width, height: img.height, data };
}

/**
 * `borderLevel` of a `canvasWidth × canvasHeight` canvas that is 0 everywhere except `img`, placed
 * with its top-left pixel at (x, y) (it must lie inside): the same median of the same values,
 * found without building the canvas. A region clear of the canvas edge gives 0 at once.
 */
export function regionBorderLevel(
  img: GrayImage,
  x: number,
  y: number,
  canvasWidth: number,
  canvasHeight: number,
): number {
  checkImage(img);
  const { width: w, height: h, data } = img;
  if (x < 0 || y < 0 || x + w > canvasWidth || y + h > canvasHeight) {
    throw new RangeError(
      `the ${w}×${h} region at (${x}, ${y}) must lie inside the ${canvasWidth}×${canvasHeight} canvas`,
    );
  }
  if (x > 0 && y > 0 && x + w < canvasWidth && y + h < canvasHeight) return 0;
  // The region's pixels on the canvas border, visited as `borderLevel` visits them.
  const inside: number[] = [];
  const row = (cy: number) => {
    if (cy < y || cy >= y + h) return;
    for (let i = 0; i < w; i++) inside.push(data[(cy - y) * w + i]);
  };
  const column = (cx: number) => {
    if (cx < x || cx >= x + w) return;
    for (let cy = Math.max(1, y); cy < Math.min(y + h, canvasHeight - 1); cy++) {
      inside.push(data[(cy - y) * w + cx - x]);
    }
  };
  row(0);
  if (canvasHeight > 1) row(canvasHeight - 1);
  column(0);
  if (canvasWidth > 1) column(canvasWidth - 1);
  const n =
    canvasWidth * (canvasHeight > 1 ? 2 : 1) +
    Math.max(0, canvasHeight - 2) * (canvasWidth > 1 ? 2 : 1);
  // The sorted border is: the negative values inside, the zeros outside, the rest inside.
  inside.sort((a, b) => a - b);
  const zeros = n - inside.length;
  let negatives = 0;
  while (negatives < inside.length && inside[negatives] < 0) negatives++;
  const at = (k: number) =>
    k < negatives ? inside[k] : k < negatives + zeros ? 0 : inside[k - zeros];
  const m = n >> 1;
  return n % 2 === 1 ? at(m) : (at(m - 1) + at(m)) / 2;
}
