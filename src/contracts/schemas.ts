/**
 * Every shape of the JSON API, written once as a TypeBox schema: Fastify validates requests with
 * it (see `server/validate.ts`), its `Static` type types the handlers and the pages, and
 * `@fastify/swagger` turns the routes' schemas into the OpenAPI document. The limits come from
 * `limits.ts`. An `x-expected` annotation is what an error message says was expected, where the
 * schema's own keywords would say it less clearly.
 *
 * Rules a schema cannot say (coordinates within one canvas side of that drawing's canvas, the
 * points of all strokes together, exactly one input to predict) are checked beside it, in
 * `server/validate.ts`.
 */
import { type Static, type TSchema, type TSchemaOptions, Type } from 'typebox';
import { VERDICTS } from '../core/contracts.js';
import {
  CLIENT_SOURCES,
  EXPORT_FORMATS,
  IMPORT_FORMATS,
  JOB_STATUSES,
  LIMITS,
  MODEL_STATUSES,
  POINTER_TYPES,
  SAMPLE_SOURCES,
} from './limits.js';

/** A string that is one of `values` (a JSON Schema `enum` with its type, so unions can tell). */
function Enum<const T extends readonly string[]>(values: T, options: TSchemaOptions = {}) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

/**
 * A reference to a shared schema (one with an `$id`, in `SHARED_SCHEMAS`): validated through its
 * `$ref`, typed as the schema, and one entry of the OpenAPI document's components.
 */
function Ref<T extends TSchema>(schema: T, options: TSchemaOptions = {}) {
  const id = (schema as { $id?: unknown }).$id;
  if (typeof id !== 'string') throw new TypeError('Ref: the schema has no $id');
  return Type.Unsafe<Static<T>>({ $ref: `${id}#`, ...options });
}

/** `schema` or null. */
function Nullable<T extends TSchema>(schema: T, options: TSchemaOptions = {}) {
  return Type.Union([schema, Type.Null()], options);
}

// ---- requests --------------------------------------------------------------------------------

const Coordinate = (title: string, description: string) =>
  Type.Number({
    title,
    description: `${description} At most one canvas side outside the canvas.`,
  });

const Timestamp = Type.Number({
  title: 't',
  minimum: 0,
  maximum: LIMITS.maxTimestampMs,
  description: 'Milliseconds since the drawing started.',
});

/** A point: `{x, y, t?}` or, as in strokes JSONL, `[x, y]` / `[x, y, t]`. */
export const Point = Type.Union(
  [
    Type.Object(
      {
        x: Coordinate('x', 'Canvas pixels from the left.'),
        y: Coordinate('y', 'Canvas pixels from the top.'),
        t: Type.Optional(Timestamp),
      },
      { additionalProperties: false },
    ),
    Type.Unsafe<[number, number] | [number, number, number]>({
      type: 'array',
      prefixItems: [
        { type: 'number', title: 'x' },
        { type: 'number', title: 'y' },
        { ...Timestamp },
      ],
      minItems: 2,
      maxItems: 3,
      'x-expected': '[x, y] or [x, y, t]',
    }),
  ],
  {
    description: '{x, y, t?} or, as in strokes JSONL, [x, y] / [x, y, t].',
    'x-expected': 'a point {x, y, t?}, [x, y] or [x, y, t]',
  },
);
export type PointInput = Static<typeof Point>;

/** A drawing as the clients send it: strokes of points on a canvas, with the brush width. */
export const Drawing = Type.Object(
  {
    strokes: Type.Array(
      Type.Array(Point, {
        minItems: 1,
        maxItems: LIMITS.points,
        'x-expected': `an array of 1 to ${LIMITS.points} points`,
      }),
      {
        maxItems: LIMITS.strokes,
        'x-expected': `an array of at most ${LIMITS.strokes} strokes`,
        description: `At most ${LIMITS.strokes} strokes and ${LIMITS.points} points in all.`,
      },
    ),
    width: Type.Integer({ minimum: LIMITS.minCanvas, maximum: LIMITS.maxCanvas }),
    height: Type.Integer({ minimum: LIMITS.minCanvas, maximum: LIMITS.maxCanvas }),
    brushWidth: Type.Number({ exclusiveMinimum: 0, maximum: LIMITS.maxBrushWidth }),
  },
  { $id: 'Drawing', additionalProperties: false },
);
export type DrawingInput = Static<typeof Drawing>;

/** A digit label. */
export const Label = Type.Integer({ minimum: 0, maximum: 9 });

/** A session id (anonymous, chosen by the browser). */
export const SessionId = Type.String({
  pattern: LIMITS.sessionId.source,
  maxLength: 64,
  'x-expected': '1–64 characters of A–Z, a–z, 0–9, _ or -',
});

/** The body of `POST /api/samples`. */
export const SampleBody = Type.Object(
  {
    label: Label,
    drawing: Ref(Drawing),
    source: Enum(CLIENT_SOURCES),
    sessionId: Type.Optional(Nullable(SessionId)),
    pointerType: Type.Optional(Nullable(Enum(POINTER_TYPES))),
    confirmNotDigit: Type.Optional(
      Type.Boolean({
        description:
          'The person confirmed that a drawing the model reads as not a digit is this digit; without it such a drawing is refused (409).',
      }),
    ),
  },
  { additionalProperties: false },
);
export type SampleBody = Static<typeof SampleBody>;

/** The body of `PATCH /api/samples/{id}`. */
export const RelabelBody = Type.Object({ label: Label }, { additionalProperties: false });
export type RelabelBody = Static<typeof RelabelBody>;

/** The JSON body of `POST /api/predict`: exactly one of `drawing`, `pixels` or `image`. */
export const PredictBody = Type.Object(
  {
    drawing: Type.Optional(Ref(Drawing)),
    pixels: Type.Optional(
      Type.Array(Type.Number({ minimum: 0, maximum: 255 }), {
        maxItems: LIMITS.maxPixelsSide * LIMITS.maxPixelsSide,
        description: 'Row-major gray levels 0–255, either polarity; width × height of them.',
      }),
    ),
    width: Type.Optional(Type.Integer({ minimum: 1, maximum: LIMITS.maxPixelsSide })),
    height: Type.Optional(Type.Integer({ minimum: 1, maximum: LIMITS.maxPixelsSide })),
    image: Type.Optional(
      Type.String({
        maxLength: LIMITS.predictBodyBytes,
        description: 'A PNG or JPEG, base64 (a data: URL is accepted).',
        'x-expected': 'a base64 PNG or JPEG string',
      }),
    ),
  },
  {
    additionalProperties: false,
    description: 'Exactly one of drawing, pixels (with width and height) or image.',
  },
);
export type PredictBody = Static<typeof PredictBody>;

/** A form's hints about the number it expects (`POST /api/recognize-number`). */
export const NumberHints = Type.Object(
  {
    length: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: LIMITS.numberDigits,
        description: 'Exactly this many digits.',
      }),
    ),
    min: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: Number.MAX_SAFE_INTEGER,
        description: 'The smallest number allowed.',
      }),
    ),
    max: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: Number.MAX_SAFE_INTEGER,
        description: 'The largest number allowed.',
      }),
    ),
    digitsOnly: Type.Optional(
      Type.Boolean({
        description:
          'Only digits (default true); false lets a mark the not-a-digit reader refuses (a dash, a dot) be left out.',
      }),
    ),
  },
  { additionalProperties: false },
);
export type NumberHints = Static<typeof NumberHints>;

/** The body of `POST /api/recognize-number`. */
export const NumberBody = Type.Object(
  { drawing: Ref(Drawing), hints: Type.Optional(NumberHints) },
  {
    additionalProperties: false,
    description: `The digits written side by side on one canvas: at most ${LIMITS.numberStrokes} strokes with ink.`,
  },
);
export type NumberBody = Static<typeof NumberBody>;

/** The filters shared by listing, export and stats. */
const filters = {
  label: Type.Optional(Label),
  source: Type.Optional(Enum(SAMPLE_SOURCES)),
  session: Type.Optional(SessionId),
  mispredicted: Type.Optional(
    Type.Boolean({ description: 'Only samples whose stored prediction differs from the label.' }),
  ),
};

/** The query of `GET /api/stats`. */
export const FilterQuery = Type.Object(filters, { additionalProperties: false });
export type FilterQuery = Static<typeof FilterQuery>;

/** The query of `GET /api/samples`. */
export const ListQuery = Type.Object(
  {
    ...filters,
    limit: Type.Integer({
      minimum: 1,
      maximum: LIMITS.maxPageSize,
      default: LIMITS.defaultPageSize,
    }),
    offset: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, default: 0 }),
  },
  { additionalProperties: false },
);
export type ListQuery = Static<typeof ListQuery>;

/** The query of `GET /api/samples/export`. */
export const ExportQuery = Type.Object(
  { format: Enum(EXPORT_FORMATS), ...filters },
  { additionalProperties: false },
);
export type ExportQuery = Static<typeof ExportQuery>;

/** The query of `POST /api/samples/import`. */
export const ImportQuery = Type.Object(
  { format: Enum(IMPORT_FORMATS) },
  { additionalProperties: false },
);
export type ImportQuery = Static<typeof ImportQuery>;

/** A sample id in a path: a positive integer, as digits. */
export const IdParams = Type.Object({
  id: Type.String({
    pattern: '^[1-9][0-9]{0,14}$',
    title: 'sample id',
    'x-expected': 'a positive integer',
  }),
});

/** A model version in a path: a positive integer, as digits. */
export const VersionParams = Type.Object({
  version: Type.String({
    pattern: '^[1-9][0-9]{0,8}$',
    title: 'model version',
    'x-expected': 'a positive integer',
  }),
});

// ---- responses -------------------------------------------------------------------------------

/** Every error: `{statusCode, error, message}`, the message naming the problem. */
export const ErrorBody = Type.Object(
  {
    statusCode: Type.Integer(),
    error: Type.String(),
    message: Type.String(),
  },
  { $id: 'Error' },
);

/** An error answer of a route (its description says when). */
export const ErrorAnswer = (description: string) => Ref(ErrorBody, { description });

/** An answer without a body (204, 304). */
export const NoBody = (description: string) => Type.Unsafe<void>({ type: 'null', description });

/** An answer that is not JSON, or JSON sent as prepared text: described, not typed. */
export const Other = <T>(description: string, content?: Record<string, { schema: object }>) =>
  Type.Unsafe<T>(content ? { description, content } : { type: 'object', description });

/** `GET /healthz`. */
export const Health = Type.Object({
  status: Type.Literal('ok'),
  modelVersion: Type.String(),
  servingVersion: Type.Integer(),
  samples: Type.Integer(),
});

/** `GET /api/model/canvas`. */
export const ModelCanvas = Type.Object({
  modelVersion: Type.String(),
  canvas: Type.Object({ size: Type.Integer(), brushWidth: Type.Number() }),
});

/** What `POST /api/predict` answers. */
export const Recognition = Type.Object(
  {
    empty: Type.Boolean({ description: 'No ink: nothing below is a prediction.' }),
    digit: Type.Integer({ minimum: -1, maximum: 9 }),
    confidence: Type.Number({ minimum: 0, maximum: 1 }),
    probabilities: Type.Array(Type.Number(), { minItems: 10, maxItems: 10 }),
    accepted: Type.Boolean({
      description:
        'true only for an accepted digit (verdict "digit"); when false, the verdict says why.',
    }),
    verdict: Enum(VERDICTS, {
      description:
        'digit: accepted; unsure: confidence below the threshold between digits (ask for a redraw); not-a-digit: the not-a-digit reader says the drawing is no digit; empty: no ink.',
    }),
    notDigit: Nullable(Type.Number({ minimum: 0, maximum: 1 }), {
      description:
        'P(not a digit) of the not-a-digit reader for a drawing; null for plain images or a model without one.',
    }),
    top2: Type.Array(Type.Integer(), { minItems: 2, maxItems: 2 }),
    threshold: Type.Number(),
    readers: Type.Optional(
      Type.Object({}, { additionalProperties: true, description: "Each reader's answer." }),
    ),
    agree: Type.Optional(Type.Boolean({ description: 'Whether the readers agree.' })),
    modelVersion: Type.String(),
  },
  { $id: 'Recognition' },
);
export type RecognitionJson = Static<typeof Recognition>;

/** One digit of a number reading. */
const NumberDigit = Type.Object({
  digit: Type.Integer({ minimum: 0, maximum: 9 }),
  confidence: Type.Number({
    minimum: 0,
    maximum: 1,
    description: 'P(these strokes are one digit) × P(the digit | the strokes).',
  }),
  groupProbability: Type.Number({
    minimum: 0,
    maximum: 1,
    description: 'P(these strokes are exactly one digit), over every grouping of the strokes.',
  }),
  unsure: Type.Boolean({
    description: 'Marked: not accepted at the threshold, or its strokes not surely one digit.',
  }),
  verdict: Enum(VERDICTS),
  probabilities: Type.Array(Type.Number(), { minItems: 10, maxItems: 10 }),
  top2: Type.Array(Type.Integer(), { minItems: 2, maxItems: 2 }),
  notDigit: Nullable(Type.Number({ minimum: 0, maximum: 1 })),
  strokes: Type.Array(Type.Integer({ minimum: 0 }), {
    description: "Indices of the digit's strokes in the drawing.",
  }),
  box: Type.Object({
    minX: Type.Number(),
    maxX: Type.Number(),
    minY: Type.Number(),
    maxY: Type.Number(),
  }),
});

/** What `POST /api/recognize-number` answers. */
export const NumberReading = Type.Object(
  {
    empty: Type.Boolean({ description: 'No ink.' }),
    number: Type.String({
      pattern: '^[0-9]*$',
      description: 'The most probable number that fits the hints ("" when empty or none fits).',
    }),
    confidence: Type.Number({ minimum: 0, maximum: 1 }),
    accepted: Type.Boolean({
      description: 'Every digit sure and the number within the hints.',
    }),
    digits: Type.Array(NumberDigit),
    alternatives: Type.Array(
      Type.Object({ number: Type.String(), probability: Type.Number({ minimum: 0, maximum: 1 }) }),
      { description: 'The most probable whole numbers, most probable first.' },
    ),
    segmentationProbability: Type.Number({ minimum: 0, maximum: 1 }),
    skipped: Type.Array(Type.Integer(), {
      description: 'Strokes left out as marks that are no digit (digitsOnly false).',
    }),
    candidates: Type.Integer({ description: 'Candidate digits read.' }),
    problem: Type.Optional(Type.String({ description: 'Why no number fits the hints.' })),
    threshold: Type.Number({ description: "The model's threshold each digit is judged at." }),
    modelVersion: Type.String(),
  },
  { $id: 'NumberReading' },
);
export type NumberReadingJson = Static<typeof NumberReading>;

/** A stored sample as the API reports it. */
export const Sample = Type.Object(
  {
    id: Type.Integer(),
    label: Label,
    source: Enum(SAMPLE_SOURCES),
    sessionId: Nullable(Type.String()),
    pointerType: Nullable(Type.String()),
    modelVersion: Nullable(Type.String()),
    predicted: Nullable(Type.Integer()),
    confidence: Nullable(Type.Number()),
    notDigit: Type.Boolean({
      description:
        'The model read the drawing as not a digit and the label was confirmed anyway: retraining skips it until it is relabelled (PATCH clears the mark).',
    }),
    createdAt: Type.String({ format: 'date-time' }),
    canvas: Nullable(
      Type.Object({ width: Type.Integer(), height: Type.Integer(), brushWidth: Type.Number() }),
    ),
    strokeCount: Type.Integer(),
    image: Type.String({
      contentEncoding: 'base64',
      description: 'The canonical 28×28 image, 784 bytes row-major, ink 255.',
    }),
    drawing: Type.Optional(
      Nullable(Ref(Drawing), {
        description: 'Only from GET /api/samples/{id}; null for image-only imports.',
      }),
    ),
  },
  { $id: 'Sample' },
);
export type SampleJson = Static<typeof Sample>;

/** The path parameters of a session's routes. */
export const SessionParams = Type.Object({ sessionId: SessionId });

/** The query of `GET /api/sessions/{sessionId}/examples`. */
export const ExamplesQuery = Type.Object(
  {
    after: Type.Integer({
      minimum: 0,
      maximum: Number.MAX_SAFE_INTEGER,
      default: 0,
      description:
        'Only samples with a larger id: the Draw page keeps the id it forgot up to ("Forget my handwriting").',
    }),
  },
  { additionalProperties: false },
);
export type ExamplesQuery = Static<typeof ExamplesQuery>;

/** One example of a person's handwriting: a feedback sample's label and strokes. */
export const Example = Type.Object({
  id: Type.Integer(),
  label: Label,
  /** The stored prediction: an example whose prediction differs was a correction. */
  predicted: Nullable(Type.Integer()),
  drawing: Ref(Drawing),
});

/** `GET /api/sessions/{sessionId}/examples`. */
export const SessionExamples = Type.Object({
  sessionId: Type.String(),
  limit: Type.Integer({ description: 'The most examples answered (the newest).' }),
  examples: Type.Array(Example, { description: 'Oldest first.' }),
});
export type SessionExamplesJson = Static<typeof SessionExamples>;

/** `GET /api/samples`. */
export const SamplePage = Type.Object({
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
  samples: Type.Array(Ref(Sample)),
});

/** `POST /api/samples/import`. */
export const Imported = Type.Object({ imported: Type.Integer(), total: Type.Integer() });

/** `GET /api/stats`. */
export const Stats = Type.Object(
  {
    total: Type.Integer(),
    byLabel: Type.Array(Type.Integer(), { minItems: 10, maxItems: 10 }),
    bySource: Type.Record(Type.String(), Type.Integer()),
    byDay: Type.Array(Type.Object({ day: Type.String({ format: 'date' }), count: Type.Integer() })),
    next: Type.Integer({
      description: 'The least-collected digit over all samples (smallest on ties).',
    }),
  },
  { $id: 'Stats' },
);
export type Stats = Static<typeof Stats>;

/** A model version's figures on one data set. */
const SetFigures = Type.Object({
  n: Type.Integer(),
  accuracy: Type.Number(),
  redrawRate: Type.Number(),
  acceptedAccuracy: Type.Number(),
  /** The version it was compared with and that version's accuracy (held-out, MNIST test). */
  comparedWith: Type.Optional(Type.Integer()),
  servingAccuracy: Type.Optional(Type.Number()),
});
export type SetFiguresJson = Static<typeof SetFigures>;

/** A model version as `GET /api/models` reports it. */
export const ModelVersion = Type.Object(
  {
    version: Type.Integer(),
    modelId: Type.String(),
    createdAt: Type.String({ format: 'date-time' }),
    promotedAt: Nullable(Type.String({ format: 'date-time' })),
    status: Enum(MODEL_STATUSES, {
      description:
        'serving (exactly one); candidate: trained but not compared (no held-out app ' +
        'drawings) or the serving model changed meanwhile; candidate-rejected: worse than ' +
        'the serving model on the held-out app drawings; retired: served before.',
    }),
    summary: Type.Object(
      {
        origin: Type.Optional(Type.String()),
        reason: Type.Optional(Type.String()),
        sources: Type.Optional(Type.Array(Type.String())),
        rows: Type.Optional(Type.Integer()),
      },
      {
        description:
          'Where it came from: origin, sources, app samples used, rows, features, C, seconds, reason.',
      },
    ),
    metrics: Type.Object(
      {
        cv: Type.Optional(SetFigures),
        heldOut: Type.Optional(SetFigures),
        mnistTest: Type.Optional(SetFigures),
      },
      {
        description:
          'By data set (cv: out-of-fold; heldOut: the held-out app drawings, with the ' +
          'accuracy of the model it was compared with; mnistTest): n, accuracy, redrawRate, ' +
          'acceptedAccuracy.',
      },
    ),
    report: Nullable(Type.String(), { description: 'URL of its HTML report.' }),
  },
  { $id: 'ModelVersion' },
);
export type ModelVersionJson = Static<typeof ModelVersion>;

/** `GET /api/models`. */
export const ModelList = Type.Object({
  serving: Type.Integer(),
  versions: Type.Array(Ref(ModelVersion)),
});

/** A retraining job (the core's `RetrainJob`). */
export const TrainingJob = Type.Object(
  {
    id: Type.Integer(),
    status: Enum(JOB_STATUSES),
    startedAt: Type.String({ format: 'date-time' }),
    finishedAt: Nullable(Type.String({ format: 'date-time' })),
    phase: Nullable(Type.String()),
    label: Nullable(Type.String()),
    done: Type.Integer(),
    total: Type.Integer(),
    etaSeconds: Nullable(Type.Number()),
    elapsedSeconds: Type.Number(),
    log: Type.Array(Type.String()),
    error: Nullable(Type.String()),
    result: Nullable(
      Type.Object(
        {},
        {
          additionalProperties: true,
          description:
            'The new version: version, modelId, status, promoted, reason, comparedWith, ' +
            'heldOut {n, candidateAccuracy, servingAccuracy}, seconds.',
        },
      ),
    ),
  },
  {
    $id: 'TrainingJob',
    description:
      'A retraining job. Progress is per phase (features of each source, cross-validation, ' +
      'evaluate); etaSeconds is the time left in the current phase at its rate so far.',
  },
);

/** `GET /api/admin/train`. */
export const TrainState = Type.Object({
  job: Nullable(Ref(TrainingJob)),
  heldOutDrawings: Type.Integer({ minimum: 0 }),
});

/** The schemas that routes reference by `$id` (`Ref`): the OpenAPI document's components. */
export const SHARED_SCHEMAS = [
  Drawing,
  ErrorBody,
  Recognition,
  NumberReading,
  Sample,
  Stats,
  ModelVersion,
  TrainingJob,
];

/** References for the routes' answers (the description is the answer's, in the document). */
export const Refs = {
  Recognition: (description = 'OK') => Ref(Recognition, { description }),
  NumberReading: (description = 'OK') => Ref(NumberReading, { description }),
  Sample: (description = 'OK') => Ref(Sample, { description }),
  Stats: (description = 'OK') => Ref(Stats, { description }),
  ModelVersion: (description = 'OK') => Ref(ModelVersion, { description }),
  TrainingJob: (description = 'OK') => Ref(TrainingJob, { description }),
};
