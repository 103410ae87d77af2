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
