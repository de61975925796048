/**
 * `layerNorm` and `rmsNorm` over the trailing `normalizedShape` dims, as torch's
 * `F.layer_norm` and `F.rms_norm` (torch 2.4): one fused backend kernel per call (the row
 * statistics, then the output with weight and bias), never a mean/var chain. Unlike torch,
 * int and bool inputs compute in float32 (as `softmax` here) instead of being rejected.
 */
import { expectNumber, expectTensor } from '../argument-checks.js';
import { withGrad } from '../autograd/graph.js';
import { type DType, isFloat } from '../dtype.js';
import { ArgumentError, fmtShape, ShapeError } from '../errors.js';
import { outputTensor, type Tensor } from '../tensor.js';
import { asTensor, disposeAll, rowsView } from './operands.js';

/** float32 and float64 machine epsilon: `F.rms_norm`'s default `eps`. */
const MACHINE_EPS: Partial<Record<DType, number>> = { float32: 2 ** -23, float64: 2 ** -52 };

/** `normalizedShape` as a list of sizes (torch takes an int or a list). */
function parseNormalizedShape(op: string, value: unknown): number[] {
  const shape = typeof value === 'number' ? [value] : value;
  if (
    !Array.isArray(shape) ||
    shape.length === 0 ||
    !shape.every((s) => Number.isInteger(s) && s >= 0)
  )
    throw new ArgumentError(
      `${op}: normalizedShape must be a size or a non-empty list of sizes, got ${JSON.stringify(value)}`,
    );
  return shape;
}

/** A weight or bias of exactly `normalizedShape`, or null when absent. */
function affine(op: string, name: string, value: unknown, shape: readonly number[]): Tensor | null {
  if (value === undefined || value === null) return null;
  const t = expectTensor(op, name, value).live(op);
  if (t.ndim !== shape.length || t.shape.some((s, i) => s !== shape[i]))
    throw new ShapeError(
      `${op}: ${name} has shape ${fmtShape(t.shape)} but normalizedShape is ${fmtShape(shape)}`,
    );
  return t;
}

function normalize(
  op: string,
  kind: 'layer' | 'rms',
  x: Tensor,
  normalizedShape: unknown,
  weightArg: unknown,
  biasArg: unknown,
  epsArg: unknown,
): Tensor {
  expectTensor(op, 'input', x).live(op);
  const shape = parseNormalizedShape(op, normalizedShape);
  const k = shape.length;
  if (x.ndim < k || shape.some((s, i) => x.shape[x.ndim - k + i] !== s))
    throw new ShapeError(
      `${op}: normalizedShape ${fmtShape(shape)} does not match the trailing dims of input ` +
        `${fmtShape(x.shape)} (expected input of shape [*, ${shape.join(', ')}])`,
    );
  const weight = affine(op, 'weight', weightArg, shape);
  const bias = affine(op, 'bias', biasArg, shape);
  // As softmax here: int and bool inputs compute in float32 (torch rejects them).
  const dtype: DType = isFloat(x.dtype) ? x.dtype : 'float32';
  const eps =
    epsArg === undefined || epsArg === null ? MACHINE_EPS[dtype]! : expectNumber(op, 'eps', epsArg);
  if (!(eps >= 0)) throw new ArgumentError(`${op}: eps must be ≥ 0, got ${eps}`);
  const inputs = kind === 'layer' ? [x, weight, bias] : [x, weight];
  return withGrad(op, inputs, () => normRows(kind, x, k, weight, bias, eps, dtype), { k, eps });
}

/** The fused kernel call of `normalize` on checked arguments. */
function normRows(
  kind: 'layer' | 'rms',
  x: Tensor,
  k: number,
  weight: Tensor | null,
  bias: Tensor | null,
  eps: number,
  dtype: DType,
): Tensor {
  const backend = x.backend;
  const temps: Tensor[] = [];
  try {
    const out = outputTensor(x.shape, dtype, backend);
    if (out.numel() === 0) return out;
    const [vw, vb] = [weight, bias].map((t) => {
      if (!t) return null;
      return rowsView(asTensor(t, dtype, backend, temps), k, temps);
    });
    const rows = rowsView(asTensor(x, dtype, backend, temps), k, temps);
    const flat = { ...out.backendView, shape: rows.shape, strides: [rows.shape[1]!, 1] };
    const vector = (v: typeof vw) => v && { ...v, shape: [v.shape[1]!], strides: [1] };
    backend.norm(kind, rows, vector(vw), vector(vb), eps, flat);
    return out;
  } finally {
    disposeAll(temps);
  }
}

/**
 * Layer normalization over the trailing `normalizedShape` dims, as `F.layer_norm`:
 * `(x − mean)/sqrt(var + eps)·weight + bias` with the biased variance. `weight` and `bias`
 * have shape `normalizedShape` (null or omitted: none).
 * @example layerNorm(tensor([[1, 2, 3]]), [3]) // → tensor([[-1.2247,  0.0000,  1.2247]])
 */
export function layerNorm(
  x: Tensor,
  normalizedShape: number | readonly number[],
  weight?: Tensor | null,
  bias?: Tensor | null,
  eps = 1e-5,
): Tensor {
  return normalize('layerNorm', 'layer', x, normalizedShape, weight, bias, eps);
}

/**
 * RMS normalization over the trailing `normalizedShape` dims, as torch 2.4's `F.rms_norm`:
 * `x/sqrt(mean(x²) + eps)·weight`; `eps` omitted or null is the dtype's machine epsilon.
 * @example rmsNorm(tensor([[3, 4]]), 2) // → tensor([[0.8485, 1.1314]])
 */
export function rmsNorm(
  x: Tensor,
  normalizedShape: number | readonly number[],
  weight?: Tensor | null,
  eps?: number | null,
): Tensor {
  return normalize('rmsNorm', 'rms', x, normalizedShape, weight, null, eps);
}
