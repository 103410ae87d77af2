/**
 * A complete, valid model file for tests across the project (core, data, server, web): 10 digit
 * classes over the 784 canonical pixels, all weights and intercepts zero unless overridden.
 */
import type { ModelFile } from './contracts.js';
import type { Drawing } from './types.js';

/** Number of features of the fixture: the canonical pixels. */
export const FIXTURE_FEATURES = 784;

/** A pixel-feature model; `overrides` replace whole fields (weights default to zeros per class). */
export function fixtureModel(overrides: Partial<ModelFile> = {}): ModelFile {
  const classes = overrides.classes ?? [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const d = overrides.nFeatures ?? FIXTURE_FEATURES;
  return {
    format: 'digitrec-model',
    version: 1,
    id: 'fixture',
    createdAt: '2026-11-24',
    features: 'pixels',
    preprocessing: { deskew: false, downscaleTo: 0, rasterSide: 0 },
    canvas: { size: 280, brushWidth: 18 },
    classes,
    nFeatures: d,
    weights: classes.map(() => new Array(d).fill(0)),
    intercepts: classes.map(() => 0),
    temperature: 1,
    threshold: 0.5,
    targetError: 0.01,
    C: 1,
    cv: {
      Cs: [0.1, 1],
      scoring: 'accuracy',
      foldKind: 'stratified',
      nFolds: 2,
      scores: [
        [0.5, 0.6],
        [0.55, 0.65],
      ],
      meanScores: [0.525, 0.625],
      bestC: 1,
    },
    metrics: {},
    training: {
      sources: [{ name: 'x', count: 3, hash: 'ff', weight: 1 }],
      n: 3,
      hash: 'ff',
      seed: 0,
    },
    ...overrides,
  };
}

/** A vertical bar down the middle of the fixture's 280×280 canvas: a drawing for the tests. */
export const BAR: Drawing = Object.freeze({
  width: 280,
  height: 280,
  brushWidth: 18,
  strokes: [
    [
      { x: 140, y: 60 },
      { x: 140, y: 220 },
    ],
  ],
});
