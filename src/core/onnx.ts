/**
 * ONNX files of the exported readers (`reader-export.ts`), written by a small protocol-buffer
 * encoder: each file is one graph `probabilities = Softmax(Gemm(features, W, b, transB = 1))`
 * over a batch of rows, plain tensors in and out, with the reader's facts as metadata. Only the
 * messages and fields of onnx.proto that such a graph needs are written.
 */
import type { ExportedReader } from './reader-export.js';

/** onnx.proto's IR version and the default-domain opset the graphs declare. */
export const ONNX_IR_VERSION = 8;
export const ONNX_OPSET = 13;

/** TensorProto.DataType values of the element types offered. */
export const ONNX_ELEMENT_TYPES = { float32: 1, float64: 11 } as const;
/** The element type of an exported graph's tensors. */
export type OnnxElementType = keyof typeof ONNX_ELEMENT_TYPES;

/** AttributeProto.AttributeType INT. */
const ATTRIBUTE_INT = 2;

// Protocol-buffer wire types.
const VARINT = 0;
const LENGTH_DELIMITED = 2;

/** One message being encoded: fields appended in order, bytes concatenated at the end. */
class Message {
  readonly #parts: Uint8Array[] = [];
  #length = 0;

  #push(bytes: Uint8Array): void {
    this.#parts.push(bytes);
    this.#length += bytes.length;
  }

  #varint(v: number): void {
    if (!(Number.isSafeInteger(v) && v >= 0))
      throw new RangeError(`a varint must be a safe integer ≥ 0, got ${v}`);
    const out: number[] = [];
    while (v >= 0x80) {
      out.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    out.push(v);
    this.#push(Uint8Array.from(out));
  }

  int(field: number, v: number): this {
    this.#varint((field << 3) | VARINT);
    this.#varint(v);
    return this;
  }

  bytes(field: number, bytes: Uint8Array): this {
    this.#varint((field << 3) | LENGTH_DELIMITED);
    this.#varint(bytes.length);
    this.#push(bytes);
    return this;
  }

  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }

  message(field: number, m: Message): this {
    return this.bytes(field, m.finish());
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.#length);
    let at = 0;
    for (const p of this.#parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

/** Little-endian bytes of `values` as float32 or float64 (TensorProto.raw_data). */
function rawData(values: Float64Array, type: OnnxElementType): Uint8Array {
  const step = type === 'float32' ? 4 : 8;
  const out = new Uint8Array(values.length * step);
  const view = new DataView(out.buffer);
  // DataView writes little-endian whatever the host's byte order is.
  for (let i = 0; i < values.length; i++) {
    if (step === 4) view.setFloat32(i * 4, values[i], true);
    else view.setFloat64(i * 8, values[i], true);
  }
  return out;
}

function tensor(name: string, dims: number[], values: Float64Array, type: OnnxElementType) {
  const t = new Message();
  for (const d of dims) t.int(1, d); // dims
  return t
    .int(2, ONNX_ELEMENT_TYPES[type]) // data_type
    .string(8, name) // name
    .bytes(9, rawData(values, type)); // raw_data
}

/** ValueInfoProto of a 2-D tensor whose first dimension is the batch (`N`). */
function valueInfo(name: string, columns: number, type: OnnxElementType): Message {
  const shape = new Message()
    .message(1, new Message().string(2, 'N')) // dim { dim_param }
    .message(1, new Message().int(1, columns)); // dim { dim_value }
  const tensorType = new Message().int(1, ONNX_ELEMENT_TYPES[type]).message(2, shape);
  return new Message().string(1, name).message(2, new Message().message(1, tensorType));
}

function node(op: string, inputs: string[], outputs: string[], ints: Record<string, number>) {
  const n = new Message();
  for (const i of inputs) n.string(1, i);
  for (const o of outputs) n.string(2, o);
  n.string(3, op.toLowerCase()).string(4, op);
  for (const [name, v] of Object.entries(ints))
    n.message(5, new Message().string(1, name).int(3, v).int(20, ATTRIBUTE_INT));
  return n;
}

/** Names of the graph's input and output tensors. */
export const ONNX_INPUT = 'features';
export const ONNX_OUTPUT = 'probabilities';

/** Options of `onnxModel`. */
export interface OnnxOptions {
  /** Element type of the input, weights and output. Default 'float32'. */
  type?: OnnxElementType;
  /** Extra metadata_props (string pairs), e.g. the digitrec model id. */
  metadata?: Record<string, string>;
  /** producer_version. */
  producerVersion?: string;
}

/**
 * The ONNX ModelProto bytes of one exported reader: input `features` [N, d], output
 * `probabilities` [N, k] = Softmax(features · Wᵀ + b, axis 1).
 */
export function onnxModel(reader: ExportedReader, options: OnnxOptions = {}): Uint8Array {
  const type = options.type ?? 'float32';
  if (!(type in ONNX_ELEMENT_TYPES))
    throw new RangeError(`type must be 'float32' or 'float64', got ${String(type)}`);
  const k = reader.classes.length;
  const d = reader.nFeatures;
  if (reader.weights.length !== k * d || reader.intercepts.length !== k)
    throw new RangeError(
      `reader ${reader.name}: expected ${k} × ${d} weights and ${k} intercepts, got ${reader.weights.length} and ${reader.intercepts.length}`,
    );
  const graph = new Message()
    .message(1, node('Gemm', [ONNX_INPUT, 'W', 'b'], ['logits'], { transB: 1 }))
    .message(1, node('Softmax', ['logits'], [ONNX_OUTPUT], { axis: 1 }))
    .string(2, `digitrec ${reader.name} reader`)
    .message(5, tensor('W', [k, d], reader.weights, type))
    .message(5, tensor('b', [k], reader.intercepts, type))
    .string(10, reader.description)
    .message(11, valueInfo(ONNX_INPUT, d, type))
    .message(12, valueInfo(ONNX_OUTPUT, k, type));
  const metadata: Record<string, string> = {
    reader: reader.name,
    classes: JSON.stringify(reader.classes),
    threshold: JSON.stringify(reader.threshold),
    input: JSON.stringify(reader.input),
    ...options.metadata,
  };
  const model = new Message()
    .int(1, ONNX_IR_VERSION)
    .string(2, 'digitrec')
    .string(3, options.producerVersion ?? '')
    .string(6, reader.description)
    .message(7, graph)
    .message(8, new Message().string(1, '').int(2, ONNX_OPSET));
  for (const [key, value] of Object.entries(metadata))
    model.message(14, new Message().string(1, key).string(2, value));
  return model.finish();
}
