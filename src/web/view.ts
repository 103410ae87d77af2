/**
 * Small DOM renderers shared by the pages: bar lists and 28×28 images.
 */
import type { GrayImage } from '../core/types.js';
import { percentLabel } from './present.js';

/** Fills an `<ol>` with one bar per digit 0–9: width ∝ value / max, labelled with `label(v)`. */
export function renderBars(
  list: HTMLElement,
  values: readonly number[],
  options: { max?: number; label?: (v: number) => string; highlight?: number; asked?: number } = {},
): void {
  const max = options.max ?? Math.max(1, ...values);
  const label = options.label ?? percentLabel;
  if (list.children.length !== values.length) {
    list.replaceChildren(
      ...values.map((_, d) => {
        const li = document.createElement('li');
        const name = document.createElement('span');
        name.className = 'label';
        name.textContent = String(d);
        const track = document.createElement('span');
        track.className = 'track';
        track.setAttribute('aria-hidden', 'true');
        const fill = document.createElement('span');
        fill.className = 'fill';
        fill.style.display = 'block';
        track.append(fill);
        const value = document.createElement('span');
        value.className = 'value';
        li.append(name, track, value);
        return li;
      }),
    );
  }
  values.forEach((v, d) => {
    const li = list.children[d] as HTMLElement;
    const fill = li.querySelector('.fill') as HTMLElement;
    (li.querySelector('.value') as HTMLElement).textContent = label(v);
    fill.style.width = `${max > 0 ? (100 * v) / max : 0}%`;
    li.classList.toggle('is-top', d === options.highlight);
    li.classList.toggle('asked', d === options.asked);
  });
}

/** Draws a grayscale image (ink 1) onto a canvas of its size, white ink on black or the reverse. */
export function drawGray(canvas: HTMLCanvasElement, img: GrayImage, inkOnWhite = false): void {
  canvas.width = img.width;
  canvas.height = img.height;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const out = ctx.createImageData(img.width, img.height);
  for (let i = 0; i < img.data.length; i++) {
    const v = Math.round(Math.max(0, Math.min(1, img.data[i])) * 255);
    const g = inkOnWhite ? 255 - v : v;
    out.data[4 * i] = g;
    out.data[4 * i + 1] = g;
    out.data[4 * i + 2] = g;
    out.data[4 * i + 3] = 255;
  }
  ctx.putImageData(out, 0, 0);
}

/** A 28×28 image from the API's base64 bytes (ink 255). */
export function imageFromBase64(b64: string, side = 28): GrayImage {
  const bin = atob(b64);
  const data = new Float32Array(side * side);
  for (let i = 0; i < data.length && i < bin.length; i++) data[i] = bin.charCodeAt(i) / 255;
  return { width: side, height: side, data };
}
