/**
 * Reductions as PyTorch calls them: over all dims, one dim, a list of dims (negative
 * allowed), with `keepdim`. sum/prod of ints and bools give int32 (torch: int64); mean,
 * std, var, norm and logsumexp need floats (ints are promoted where torch promotes).
 */
import type { ReduceOp } from '../backend/backend.js';
import { type DType, isFloat } from '../dtype.js';
import { DtypeError, fmtShape, IndexError } from '../errors.js';
import { normDim } from '../shape/views.js';
import { emptyTensor, type Tensor } from '../tensor.js';
import { castTo } from './cast.js';
import { binaryOp, unaryOp } from './elementwise.js';
import { inplaceBinary } from './inplace.js';

/** A reduction's `dim`: one dim, a list, or null/undefined for all dims. */
export type Dims = number | readonly number[] | null | undefined;

/** Sorted, distinct, non-negative dims; all dims when `dim` is absent or an empty list. */
export function normDims(op: string, dim: Dims, ndim: number): number[] {
  if (dim === null || dim === undefined) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof dim === 'number' ? [dim] : dim;
  if (list.length === 0) return Array.from({ length: ndim }, (_, i) => i);
  const dims = list.map((d) => normDim(op, d, ndim));
  const seen = new Set<number>();
  for (const d of dims) {
    if (seen.has(d))
      throw new IndexError(`${op}: dim ${d} appears multiple times in the list of dims`);
    seen.add(d);
  }
  // A rank-0 tensor accepts dim 0/-1 but has no axis to reduce.
  return dims.filter((d) => d < ndim).sort((a, b) => a - b);
}

function reducedShape(
  shape: readonly number[],
  axes: readonly number[],
  keepdim: boolean,
): number[] {
  const out: number[] = [];
  shape.forEach((s, d) => {
    if (!axes.includes(d)) out.push(s);
    else if (keepdim) out.push(1);
  });
  return out;
}

/** Runs backend reduce `op` over `axes` of `t` (already of the input dtype the op needs). */
function reduceRaw(
  op: ReduceOp,
  t: Tensor,
  axes: readonly number[],
  keepdim: boolean,
  outDtype: DType,
): Tensor {
  const out = emptyTensor(reducedShape(t.shape, axes, keepdim), outDtype, t.backend);
  const flatShape = reducedShape(t.shape, axes, false);
  const ov = out.backendView;
  t.backend.reduce(op, t.backendView, axes, {
    ...ov,
    shape: flatShape,
    strides: contiguous(flatShape),
  });
  return out;
}

function contiguous(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    s[d] = acc;
    acc *= shape[d]!;
  }
  return s;
}

/** Runs `fn` on `t` cast to `dtype`, disposing the cast copy afterwards. */
function withDtype<T>(t: Tensor, dtype: DType, fn: (x: Tensor) => T): T {
  if (t.dtype === dtype) return fn(t);
  const x = castTo(t, dtype);
  try {
    return fn(x);
  } finally {
    x.dispose();
  }
}

function requireFloat(op: string, t: Tensor): void {
  if (!isFloat(t.dtype))
    throw new DtypeError(
      `${op}: input dtype ${t.dtype} (shape ${fmtShape(t.shape)}) is not floating point; convert with .float() first`,
    );
}

function requireNonEmpty(op: string, t: Tensor, axes: readonly number[]): void {
  for (const d of axes)
    if (t.shape[d] === 0)
      throw new IndexError(
        `${op}: cannot reduce over dim ${d} of size 0 (shape ${fmtShape(t.shape)}): the result has no identity`,
      );
}

function countOver(t: Tensor, axes: readonly number[]): number {
  return axes.reduce((n, d) => n * t.shape[d]!, 1);
}

/** Sum over `dim` (all by default). @example tensor([[1, 2], [3, 4]]).sum(0) // → tensor([4, 6], dtype=torch.int32) */
export function sum(t: Tensor, dim?: Dims, keepdim = false): Tensor {
  const axes = normDims('sum', dim, t.live('sum').ndim);
  const dtype = isFloat(t.dtype) ? t.dtype : 'int32';
  return withDtype(t, dtype, (x) => reduceRaw('sum', x, axes, keepdim, dtype));
}

/** Product over `dim` (all by default). */
export function prod(t: Tensor, dim?: Dims, keepdim = false): Tensor {
  const axes = normDims('prod', dim, t.live('prod').ndim);
  const dtype = isFloat(t.dtype) ? t.dtype : 'int32';
  return withDtype(t, dtype, (x) => reduceRaw('prod', x, axes, keepdim, dtype));
}

/** Mean over `dim` (all by default); floats only, as torch. */
export function mean(t: Tensor, dim?: Dims, keepdim = false): Tensor {
  const axes = normDims('mean', dim, t.live('mean').ndim);
  requireFloat('mean', t);
  const s = reduceRaw('sum', t, axes, keepdim, t.dtype);
  return inplaceBinary('div', s, countOver(t, axes));
}

/** True where every element over `dim` is nonzero. */
export function all(t: Tensor, dim?: Dims, keepdim = false): Tensor {
  const axes = normDims('all', dim, t.live('all').ndim);
  return reduceRaw('all', t, axes, keepdim, 'bool');
}

/** True where any element over `dim` is nonzero. */
export function any(t: Tensor, dim?: Dims, keepdim = false): Tensor {
  const axes = normDims('any', dim, t.live('any').ndim);
  return reduceRaw('any', t, axes, keepdim, 'bool');
}

/** The largest (or smallest) values over `dims` (torch's amax/amin); NaN propagates. */
export function extreme(op: 'max' | 'min', t: Tensor, dim?: Dims, keepdim = false): Tensor {
  const axes = normDims(op, dim, t.live(op).ndim);
  requireNonEmpty(op, t, axes);
  return reduceRaw(op, t, axes, keepdim, t.dtype);
}

/** Index of the first largest/smallest element over `dim`, or of the flattened tensor. */
export function argExtreme(
  op: 'argmax' | 'argmin',
  t: Tensor,
  dim?: number | null,
  keepdim = false,
): Tensor {
  t.live(op);
  if (dim === null || dim === undefined) {
    const axes = normDims(op, null, t.ndim);
    requireNonEmpty(op, t, axes);
    const out = reduceRaw(op, t, axes, keepdim, 'int32');
    return out;
  }
  const axes = normDims(op, dim, t.ndim);
  requireNonEmpty(op, t, axes);
  return reduceRaw(op, t, axes, keepdim, 'int32');
}

/** `max(dim)`/`min(dim)`: values and the int32 indices where they occur, as torch. */
export function extremeWithIndices(
  op: 'max' | 'min',
  t: Tensor,
  dim: number,
  keepdim = false,
): { values: Tensor; indices: Tensor } {
  const values = extreme(op, t, dim, keepdim);
  try {
    const indices = argExtreme(op === 'max' ? 'argmax' : 'argmin', t, dim, keepdim);
    return { values, indices };
  } catch (e) {
    values.dispose();
    throw e;
  }
}

/** Options of `std`/`var`: `correction` (default 1: Bessel's) and `keepdim`. */
export interface VarianceOptions {
  correction?: number;
  keepdim?: boolean;
}

/**
 * Variance over `dim` with `Σ(x−mean)² / max(0, N − correction)`.
 * @example
 * const x = tensor([1, 2, 3, 4], { dtype: 'float32' });
 * x.var() // → tensor(1.6667)
 * x.var({ correction: 0 }) // → tensor(1.2500)
 */
export function variance(
  t: Tensor,
  dim?: Dims,
  keepdim?: boolean,
  options: VarianceOptions = {},
  op = 'var',
): Tensor {
  const axes = normDims(op, dim, t.live(op).ndim);
  requireFloat(op, t);
  const keep = keepdim ?? options.keepdim ?? false;
  const correction = options.correction ?? 1;
  const m = mean(t, axes, true);
  const centered = binaryOp('sub', t, m);
  m.dispose();
  const sq = unaryOp('square', centered);
  centered.dispose();
  const s = reduceRaw('sum', sq, axes, keep, t.dtype);
  sq.dispose();
  return inplaceBinary('div', s, Math.max(0, countOver(t, axes) - correction));
}

/** Standard deviation: `sqrt(var)`, same arguments. */
export function std(
  t: Tensor,
  dim?: Dims,
  keepdim?: boolean,
  options: VarianceOptions = {},
): Tensor {
  const v = variance(t, dim, keepdim, options, 'std');
  try {
    return unaryOp('sqrt', v);
  } finally {
    v.dispose();
  }
}

/**
 * Vector/Frobenius norm over `dim` (all by default): p = 'fro' or 2 → sqrt(Σx²), 1 → Σ|x|,
 * Infinity → max|x|.
 * @example tensor([[3, 4]], { dtype: 'float32' }).norm() // → tensor(5.)
 */
export function norm(t: Tensor, p: 'fro' | number = 'fro', dim?: Dims, keepdim = false): Tensor {
  requireFloat('norm', t.live('norm'));
  const axes = normDims('norm', dim, t.ndim);
  if (p === 'fro' || p === 2) {
    const sq = unaryOp('square', t);
    const s = reduceRaw('sum', sq, axes, keepdim, t.dtype);
    sq.dispose();
    try {
      return unaryOp('sqrt', s);
    } finally {
      s.dispose();
    }
  }
  if (p !== 1 && p !== Infinity)
    throw new DtypeError(`norm: p=${p} is not supported (use 'fro', 2, 1 or Infinity)`);
  const a = unaryOp('abs', t);
  try {
    return p === 1 ? reduceRaw('sum', a, axes, keepdim, t.dtype) : extreme('max', a, axes, keepdim);
  } finally {
    a.dispose();
  }
}

/**
 * `log(Σ exp(x))` over `dim`, computed stably by subtracting the max (infinite maxima are
 * replaced by 0 so that all -inf rows give -inf, as torch).
 */
export function logsumexp(t: Tensor, dim: Dims, keepdim = false): Tensor {
  t.live('logsumexp');
  const dtype = isFloat(t.dtype) ? t.dtype : 'float32';
  return withDtype(t, dtype, (x) => {
    const axes = normDims('logsumexp', dim, x.ndim);
    if (countOver(x, axes) === 0) {
      const out = emptyTensor(reducedShape(x.shape, axes, keepdim), dtype, x.backend);
      return inplaceBinary('add', out, -Infinity);
    }
    const m = reduceRaw('max', x, axes, true, dtype);
    const ma = x.backend.array(m.backendView.storage);
    for (let i = 0; i < ma.length; i++) if (!Number.isFinite(ma[i]!)) ma[i] = 0;
    const shifted = binaryOp('sub', x, m);
    const e = unaryOp('exp', shifted);
    shifted.dispose();
    const s = reduceRaw('sum', e, axes, true, dtype);
    e.dispose();
    const l = unaryOp('log', s);
    s.dispose();
    inplaceBinary('add', l, m);
    m.dispose();
    if (keepdim) return l;
    const squeezed = l.withLayout(
      reducedShape(x.shape, axes, false),
      contiguous(reducedShape(x.shape, axes, false)),
      0,
    );
    l.dispose();
    return squeezed;
  });
}
