/**
 * The API's limits and enumerations as plain values: the schemas in `schemas.ts` are built from
 * them, and the pages import them without pulling in the schema library.
 */

/** The limits the API enforces. The schemas state them; the OpenAPI document shows them. */
export const LIMITS = {
  /** Largest JSON body of any route but import and predict, in bytes. */
  jsonBodyBytes: 1024 * 1024,
  /** Largest body of `POST /api/predict` (an uploaded image or base64 JSON), in bytes. */
  predictBodyBytes: 4 * 1024 * 1024,
  /** Largest import file, in bytes. */
  importBodyBytes: 32 * 1024 * 1024,
  /** Most samples one import may add. */
  importSamples: 50_000,
  /** Most strokes in one drawing. */
  strokes: 100,
  /** Most points in one drawing, over all its strokes (so also in one stroke). */
  points: 10_000,
  /** Most strokes with ink in a number (`POST /api/recognize-number`): 3 × 60 − 3 candidate digits at most. */
  numberStrokes: 60,
  /** Most candidate digits (runs of 1–3 strokes) one number request reads. */
  numberCandidates: 180,
  /** Longest number a length hint may ask for. */
  numberDigits: 20,
  /** Canvas sides are integers in this range. */
  minCanvas: 8,
  maxCanvas: 1024,
  /** Largest brush diameter, in canvas pixels (it must be > 0). */
  maxBrushWidth: 64,
  /**
   * Coordinates may lie outside the canvas by up to one canvas side (a pointer captured past the
   * edge), no further: x ∈ [−width, 2·width], y ∈ [−height, 2·height].
   */
  coordinateMargin: 1,
  /** Point timestamps are milliseconds in [0, 1 hour]. */
  maxTimestampMs: 3_600_000,
  /** Largest side of a pixel array or decoded image. */
  maxImageSide: 2048,
  /** Largest side of a `pixels` array sent as JSON. */
  maxPixelsSide: 256,
  /** Session ids: 1–64 characters of A–Z a–z 0–9 _ -. */
  sessionId: /^[A-Za-z0-9_-]{1,64}$/,
  /** Page size of `GET /api/samples`. */
  maxPageSize: 200,
  defaultPageSize: 50,
  /** Most examples of one session's handwriting the Draw page adapts to (the newest). */
  personalExamples: 500,
} as const;

/** Pointer types a sample may record. */
export const POINTER_TYPES = ['mouse', 'pen', 'touch'] as const;
/** A pointer type a sample may record. */
export type PointerType = (typeof POINTER_TYPES)[number];

/** Sources a client may give a new sample (imports come through the import route). */
export const CLIENT_SOURCES = ['collect', 'feedback'] as const;

/** Where a stored sample came from (the store's `SAMPLE_SOURCES`; a test keeps them equal). */
export const SAMPLE_SOURCES = ['collect', 'feedback', 'import'] as const;

/** Where a model version stands (the store's `MODEL_STATUSES`; a test keeps them equal). */
export const MODEL_STATUSES = ['serving', 'candidate', 'candidate-rejected', 'retired'] as const;

/** States of a retraining job. */
export const JOB_STATUSES = ['running', 'succeeded', 'failed', 'cancelled'] as const;

/** Export and import file formats. */
export const EXPORT_FORMATS = ['csv', 'jsonl'] as const;
export const IMPORT_FORMATS = ['csv', 'jsonl', 'unipen'] as const;

/**
 * The Draw page's number pad: as high as the model's canvas and this many times as wide (a
 * number's drawing is then within the API's canvas limits).
 */
export const NUMBER_PAD_ASPECT = 2.5;
