/**
 * What a number reading looks like on screen, shared by the Draw page's number mode and
 * `<digit-pad mode="number">`: a box over each digit on the pad (the unsure ones marked), and a
 * row of the digits with their confidence, where an unsure digit offers its likeliest digits to
 * pick and a Redraw that removes just its strokes. Every element also gets a `part` name (`mark`,
 * `mark-unsure`, `digit`, `digit-unsure`, …) so the element's page can style them with `::part`.
 */
import type { NumberReading } from '../core/number.js';
import type { NumberWords } from './number-words.js';
import { formatConfidence } from './present.js';

/** What the digit row's buttons do. */
export interface DigitRowActions {
  /** The person says the `index`-th digit is `digit`. */
  pick(index: number, digit: number): void;
  /** The person wants to write the `index`-th digit again (remove its strokes). */
  redraw(index: number): void;
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  part: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  e.className = className;
  e.setAttribute('part', part);
  return e;
}

/**
 * Fills `marks` (an overlay exactly over the pad) with one box per digit of `reading`, placed in
 * percent of the pad's logical `width` × `height`, padded by half the brush; the unsure ones
 * (`final` only) get the class and part `unsure`.
 */
export function renderMarks(
  marks: HTMLElement,
  reading: NumberReading,
  words: NumberWords,
  final: boolean,
  pad: { width: number; height: number; brushWidth: number },
): void {
  const m = pad.brushWidth / 2;
  marks.replaceChildren(
    ...reading.digits.map((d, i) => {
      const unsure = final && words.digits[i].unsure;
      const box = el('div', 'number-mark', unsure ? 'mark mark-unsure' : 'mark');
      box.classList.toggle('unsure', unsure);
      box.style.left = `${(100 * (d.box.minX - m)) / pad.width}%`;
      box.style.top = `${(100 * (d.box.minY - m)) / pad.height}%`;
      box.style.width = `${(100 * (d.box.maxX - d.box.minX + 2 * m)) / pad.width}%`;
      box.style.height = `${(100 * (d.box.maxY - d.box.minY + 2 * m)) / pad.height}%`;
      return box;
    }),
  );
}

/**
 * Fills `row` (a list) with one card per digit of `words`: the digit, its confidence (or
 * "picked"), and for an unsure digit (`final` only) buttons to pick one of its likeliest digits
 * or to redraw it.
 */
export function renderDigits(
  row: HTMLElement,
  words: NumberWords,
  final: boolean,
  actions: DigitRowActions,
): void {
  row.replaceChildren(
    ...words.digits.map((d, i) => {
      const unsure = final && d.unsure;
      const card = el('li', 'number-digit', unsure ? 'digit digit-unsure' : 'digit');
      card.classList.toggle('unsure', unsure);
      card.classList.toggle('picked', d.picked);
      const big = el('span', 'number-digit-value', 'digit-value');
      big.textContent = String(d.digit);
      const conf = el('span', 'number-digit-confidence', 'digit-confidence');
      conf.textContent = d.picked ? 'picked' : formatConfidence(d.confidence);
      card.append(big, conf);
      if (unsure) {
        const choices = el('span', 'number-digit-choices', 'digit-choices');
        for (const c of d.choices) {
          const b = el('button', '', 'button pick');
          b.type = 'button';
          b.textContent = String(c);
          b.title = `The ${i + 1}. digit is ${c}`;
          b.addEventListener('click', () => actions.pick(i, c));
          choices.append(b);
        }
        const redraw = el('button', 'number-redraw', 'button redraw');
        redraw.type = 'button';
        redraw.textContent = 'Redraw';
        redraw.title = 'Erase just this digit and write it again';
        redraw.addEventListener('click', () => actions.redraw(i));
        choices.append(redraw);
        card.append(choices);
      }
      return card;
    }),
  );
}
