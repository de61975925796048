// Builds small ONNX models in memory (a hand-written protobuf encoder: no onnx package is
// needed) for the onnxruntime-web contender: MatMul, and attention as
// MatMul → Mul(scale) → Softmax → MatMul.

/** Protobuf wire encoding of the few field kinds ONNX needs. */
export function varint(n) {
  const out = [];
  // Negative int64s are sent as their 64-bit two's complement (ten bytes).
  let v = BigInt.asUintN(64, BigInt(n));
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return out;
}
const key = (field, wire) => varint((field << 3) | wire);
const int = (field, n) => [...key(field, 0), ...varint(n)];
const bytes = (field, b) => [...key(field, 2), ...varint(b.length), ...b];
const str = (field, s) => bytes(field, [...new TextEncoder().encode(s)]);

const FLOAT = 1;

function valueInfo(name, shape) {
  const dims = shape.flatMap((d) => bytes(1, int(1, d)));
  const tensorType = [...int(1, FLOAT), ...bytes(2, dims)];
  return [...str(1, name), ...bytes(2, bytes(1, tensorType))];
}

function node(op, inputs, outputs, attributes = []) {
  return [
    ...inputs.flatMap((i) => str(1, i)),
    ...outputs.flatMap((o) => str(2, o)),
    ...str(3, `${op}_${outputs[0]}`),
    ...str(4, op),
    ...attributes.flatMap((a) => bytes(5, a)),
  ];
}

function model(nodes, inputs, outputs, initializers = []) {
  const graph = [
    ...nodes.flatMap((n) => bytes(1, n)),
    ...str(2, 'g'),
    ...initializers.flatMap((t) => bytes(5, t)),
    ...inputs.flatMap(([n, s]) => bytes(11, valueInfo(n, s))),
    ...outputs.flatMap(([n, s]) => bytes(12, valueInfo(n, s))),
  ];
  return new Uint8Array([
    ...int(1, 8),
    ...bytes(8, [...str(1, ''), ...int(2, 13)]),
    ...bytes(7, graph),
  ]);
}

/** A scalar float initializer (TensorProto: dims none, data_type 1, float_data). */
function scalar(name, x) {
  return [
    ...int(2, FLOAT),
    ...bytes(4, [...new Uint8Array(new Float32Array([x]).buffer)]),
    ...str(8, name),
  ];
}

/** `C = A · B` with A `[...batch, m, k]`, B `[...batch, k, n]`. */
export function matmulModel(aShape, bShape, cShape) {
  return model(
    [node('MatMul', ['A', 'B'], ['C'])],
    [
      ['A', aShape],
      ['B', bShape],
    ],
    [['C', cShape]],
  );
}

/** `O = softmax(Q·Kᵀ·scale)·V` with Q `[h, L, d]`, KT `[h, d, S]` (pre-transposed), V `[h, S, d]`. */
export function attentionModel(h, L, S, d) {
  const axis = [...str(1, 'axis'), ...int(3, -1), ...int(20, 2)];
  return model(
    [
      node('MatMul', ['Q', 'KT'], ['S0']),
      node('Mul', ['S0', 'scale'], ['S1']),
      node('Softmax', ['S1'], ['P'], [axis]),
      node('MatMul', ['P', 'V'], ['O']),
    ],
    [
      ['Q', [h, L, d]],
      ['KT', [h, d, S]],
      ['V', [h, S, d]],
    ],
    [['O', [h, L, d]]],
    [scalar('scale', 1 / Math.sqrt(d))],
  );
}
