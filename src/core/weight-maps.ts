/**
 * What a linear model's per-class weights look like on the canonical image: pixel weights are
 * already a 28×28 map; HOG weights are folded back onto their cells (summed over every block that
 * holds the cell), orientation by orientation, for the classic HOG glyph picture.
 */
import { EXTRACTORS } from './features.js';
import { type HogOptions, hogLength } from './hog.js';
import { CANONICAL_SIZE, type FeatureKind } from './types.js';

/** Where one HOG part lies in a feature vector and how its cells are laid out. */
export interface HogPart {
  /** Index of the part's first feature in the feature vector. */
  offset: number;
  /** Side of a cell in canonical pixels. */
  cellSize: number;
  cellsX: number;
  cellsY: number;
  /** Side of a block in cells. */
  blockSize: number;
  orientations: number;
}

function hogPart(offset: number, options: Required<Omit<HogOptions, 'interpolate' | 'spatial'>>) {
  const cellsX = Math.floor(CANONICAL_SIZE / options.cellSize);
  const cellsY = Math.floor(CANONICAL_SIZE / options.cellSize);
  return {
    offset,
    cellSize: options.cellSize,
    cellsX,
    cellsY,
    blockSize: options.blockSize,
    orientations: options.orientations,
  };
}

/**
 * The HOG parts of a feature kind, in feature order: one for 'hog' (7-px cells), two for 'hog2'
 * (7-px then 4-px cells), none for 'pixels'. Checked against the extractor's length.
 */
export function hogParts(kind: FeatureKind): HogPart[] {
  const seven = { orientations: 9, cellSize: 7, blockSize: 2 };
  const four = { orientations: 9, cellSize: 4, blockSize: 2 };
  let parts: HogPart[];
  if (kind === 'pixels') return [];
  if (kind === 'hog') parts = [hogPart(0, seven)];
  else if (kind === 'hog2')
    parts = [hogPart(0, seven), hogPart(hogLength(CANONICAL_SIZE, CANONICAL_SIZE, seven), four)];
  else
    throw new RangeError(`feature kind must be pixels, hog or hog2, got ${JSON.stringify(kind)}`);
  const last = parts[parts.length - 1];
  const end =
    last.offset +
    hogLength(CANONICAL_SIZE, CANONICAL_SIZE, {
      orientations: last.orientations,
      cellSize: last.cellSize,
      blockSize: last.blockSize,
    });
  if (end !== EXTRACTORS[kind].length)
    throw new RangeError(
      `HOG parts of '${kind}' cover ${end} features, expected ${EXTRACTORS[kind].length}`,
    );
  return parts;
}

/**
 * Folds per-feature values of a HOG part onto its cells: `keep(value)` of each (cell,
 * orientation) feature of every block containing the cell, summed; `cellsY × cellsX ×
 * orientations` values, row-major. Features are in `hog`'s order (block row, block column, cell
 * row in block, cell column, orientation).
 */
export function foldOntoCells(
  values: ArrayLike<number>,
  part: HogPart,
  keep: (v: number) => number = (v) => v,
): Float64Array {
  const { offset, cellsX, cellsY, blockSize: b, orientations: n } = part;
  const blocksX = cellsX - b + 1;
  const blocksY = cellsY - b + 1;
  const length = blocksX * blocksY * b * b * n;
  if (values.length < offset + length)
    throw new RangeError(
      `weights has ${values.length} values, a HOG part at ${offset} needs ${offset + length}`,
    );
  const out = new Float64Array(cellsY * cellsX * n);
  let f = offset;
  for (let by = 0; by < blocksY; by++) {
    for (let bx = 0; bx < blocksX; bx++) {
      for (let r = 0; r < b; r++) {
        for (let c = 0; c < b; c++) {
          const cell = ((by + r) * cellsX + bx + c) * n;
          for (let o = 0; o < n; o++, f++) out[cell + o] += keep(values[f]);
        }
      }
    }
  }
  return out;
}

/**
 * Per cell and orientation, the sum of the positive weights of that (cell, orientation) feature in
 * every block containing the cell (see `foldOntoCells`).
 */
export function hogCellWeights(weights: ArrayLike<number>, part: HogPart): Float64Array {
  return foldOntoCells(weights, part, (w) => (w > 0 ? w : 0));
}

/**
 * The edge direction drawn for orientation bin `o` of `n`: the bin's gradient angle
 * (o + ½)·180°/n, measured from +x towards +y (down), turned by 90°, as a unit vector (dx, dy).
 */
export function glyphDirection(o: number, n: number): [number, number] {
  const angle = (((o + 0.5) * 180) / n / 180) * Math.PI;
  // A gradient (cos a, sin a) runs across the stroke; the stroke's edge runs along (−sin a, cos a).
  return [-Math.sin(angle), Math.cos(angle)];
}
