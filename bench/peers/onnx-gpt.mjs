// GPT-2 as an ONNX graph for the onnxruntime-web contender of bench/gpt.bench.mjs, encoded
// here (no onnx package). One graph serves prefill and decode: inputs are the token ids,
// their positions, an additive mask [T, P + T] and each layer's past keys and values
// [nh, P, hs] (P = 0 for a prefill); outputs are the last position's logits [1, V] and the
// present keys and values [nh, P + T, hs]. Weights are initializers (raw little-endian
// bytes), linear weights stored [in, out]; ops of opset 17: Gather, LayerNormalization,
// MatMul, Add, Mul, Split, Reshape, Transpose, Concat, Softmax, Erf, Slice.

import { varint as varintBytes } from './onnx-model.mjs';

// Protobuf pieces are lists of Uint8Arrays, joined once at the end, so the 600 MB of
// weights are never copied into JavaScript arrays.
const varint = (n) => new Uint8Array(varintBytes(n));
const size = (parts) => parts.reduce((n, p) => n + p.length, 0);
const key = (field, wire) => varint((field << 3) | wire);
const int = (field, n) => [key(field, 0), varint(n)];
const msg = (field, parts) => [key(field, 2), varint(size(parts)), ...parts];
const str = (field, s) => msg(field, [new TextEncoder().encode(s)]);
const f32 = (field, x) => [key(field, 5), new Uint8Array(new Float32Array([x]).buffer)];

const FLOAT = 1;
const INT32 = 6;
const INT64 = 7;

function tensorProto(name, dims, type, raw) {
  return [
    ...dims.flatMap((d) => int(1, d)),
    ...int(2, type),
    ...str(8, name),
    ...msg(9, [new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength)]),
  ];
}
function valueInfo(name, type, dims) {
  const shape = dims.flatMap((d) => msg(1, typeof d === 'string' ? str(2, d) : int(1, d)));
  return [...str(1, name), ...msg(2, msg(1, [...int(1, type), ...msg(2, shape)]))];
}
const attrInt = (name, i) => [...str(1, name), ...int(3, i), ...int(20, 2)];
const attrFloat = (name, x) => [...str(1, name), ...f32(2, x), ...int(20, 1)];
const attrInts = (name, is) => [...str(1, name), ...is.flatMap((i) => int(8, i)), ...int(20, 7)];

/** The ONNX bytes of GPT-2 with nanoGPT's `weights` (name → { shape, data }) and `config`. */
export function gptOnnxModel(weights, { nLayer, nHead, nEmbd: C, vocabSize: V }) {
  const hs = C / nHead;
  const nodes = [];
  const inits = [];
  let n = 0;
  const node = (op, inputs, attrs = [], output = `t${n++}`) => {
    nodes.push([
      ...inputs.flatMap((i) => str(1, i)),
      ...str(2, output),
      ...str(3, `${op}_${output}`),
      ...str(4, op),
      ...attrs.flatMap((a) => msg(5, a)),
    ]);
    return output;
  };
  const init = (name, dims, type, raw) => {
    inits.push(tensorProto(name, dims, type, raw));
    return name;
  };
  const floatInit = (name, value) => init(name, [], FLOAT, new Float32Array([value]));
  const i64 = (name, values) =>
    init(name, [values.length], INT64, BigInt64Array.from(values, BigInt));
  /** nn.Linear's [out, in] weight as [in, out]. */
  const transposed = ({ shape: [rows, cols], data }) => {
    const t = new Float32Array(rows * cols);
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < cols; c++) t[c * rows + r] = data[r * cols + c];
    return t;
  };
  const weight = (name) => init(name, weights[name].shape, FLOAT, weights[name].data);
  const linear = (x, p) => {
    const w = weights[`${p}.weight`];
    init(`${p}.weight`, [w.shape[1], w.shape[0]], FLOAT, transposed(w));
    return node('Add', [node('MatMul', [x, `${p}.weight`]), weight(`${p}.bias`)]);
  };
  const layerNorm = (x, p) =>
    node(
      'LayerNormalization',
      [x, weight(`${p}.weight`), weight(`${p}.bias`)],
      [attrInt('axis', -1), attrFloat('epsilon', 1e-5)],
    );

  floatInit('half', 0.5);
  floatInit('one', 1);
  floatInit('rsqrt2', Math.SQRT1_2);
  floatInit('scale', 1 / Math.sqrt(hs));
  i64('qkv_split', [C, C, C]);
  i64('heads_shape', [-1, nHead, hs]);
  i64('merged_shape', [-1, C]);
  i64('last_start', [-1]);
  i64('last_end', [2 ** 53 - 1]);
  i64('axis0', [0]);

  let x = node('Add', [
    node('Gather', [weight('transformer.wte.weight'), 'ids']),
    node('Gather', [weight('transformer.wpe.weight'), 'pos']),
  ]);
  const inputs = [
    valueInfo('ids', INT32, ['T']),
    valueInfo('pos', INT32, ['T']),
    valueInfo('mask', FLOAT, ['T', 'S']),
  ];
  const outputs = [valueInfo('logits', FLOAT, [1, V])];
  const heads = (t) =>
    node('Transpose', [node('Reshape', [t, 'heads_shape'])], [attrInts('perm', [1, 0, 2])]);
  for (let i = 0; i < nLayer; i++) {
    const p = `transformer.h.${i}.`;
    const qkv = linear(layerNorm(x, `${p}ln_1`), `${p}attn.c_attn`);
    const [q, k, v] = ['q', 'k', 'v'].map((s) => `${s}${i}`);
    nodes.push([
      ...str(1, qkv),
      ...str(1, 'qkv_split'),
      ...[q, k, v].flatMap((o) => str(2, o)),
      ...str(3, `Split_${i}`),
      ...str(4, 'Split'),
      ...msg(5, attrInt('axis', 1)),
    ]);
    inputs.push(
      valueInfo(`past_k${i}`, FLOAT, [nHead, 'P', hs]),
      valueInfo(`past_v${i}`, FLOAT, [nHead, 'P', hs]),
    );
    const K = node('Concat', [`past_k${i}`, heads(k)], [attrInt('axis', 1)], `present_k${i}`);
    const Vv = node('Concat', [`past_v${i}`, heads(v)], [attrInt('axis', 1)], `present_v${i}`);
    outputs.push(valueInfo(K, FLOAT, [nHead, 'S', hs]), valueInfo(Vv, FLOAT, [nHead, 'S', hs]));
    const kT = node('Transpose', [K], [attrInts('perm', [0, 2, 1])]);
    const scores = node('Add', [node('Mul', [node('MatMul', [heads(q), kT]), 'scale']), 'mask']);
    const att = node('Softmax', [scores], [attrInt('axis', -1)]);
    const y = node('Reshape', [
      node('Transpose', [node('MatMul', [att, Vv])], [attrInts('perm', [1, 0, 2])]),
      'merged_shape',
    ]);
    x = node('Add', [x, linear(y, `${p}attn.c_proj`)]);
    const f = linear(layerNorm(x, `${p}ln_2`), `${p}mlp.c_fc`);
    const erf = node('Erf', [node('Mul', [f, 'rsqrt2'])]);
    const g = node('Mul', [node('Mul', [f, 'half']), node('Add', [erf, 'one'])]);
    x = node('Add', [x, linear(g, `${p}mlp.c_proj`)]);
  }
  const last = node('Slice', [x, 'last_start', 'last_end', 'axis0']);
  init('wte_t', [C, V], FLOAT, transposed(weights['transformer.wte.weight']));
  node('MatMul', [layerNorm(last, 'transformer.ln_f'), 'wte_t'], [], 'logits');

  const graph = [
    ...nodes.flatMap((nd) => msg(1, nd)),
    ...str(2, 'gpt2'),
    ...inits.flatMap((t) => msg(5, t)),
    ...inputs.flatMap((vi) => msg(11, vi)),
    ...outputs.flatMap((vi) => msg(12, vi)),
  ];
  const parts = [...int(1, 8), ...msg(8, [...str(1, ''), ...int(2, 17)]), ...msg(7, graph)];
  const out = new Uint8Array(size(parts));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
