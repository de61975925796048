/**
 * Reductions as PyTorch calls them: over all dims, one dim, a list of dims (negative
 * allowed), with `keepdim`. sum/prod of ints and bools give int32 (torch: int64); mean,
 * std, var, norm and logsumexp need floats (ints are promoted where torch promotes).
 */

import {
  expectBoolean,
  expectDims,
  expectInt,
  expectNumber,
  expectOptions,
  expectTensor,
  INT32_MAX,
  INT32_MIN,
} from '../argument-checks.js';
import { recordGrad, withGrad } from '../autograd/graph.js';
import type { ReduceOp } from '../backend/backend.js';
import { type DType, isFloat } from '../dtype.js';
import { DtypeError, fmtShape, IndexError } from '../errors.js';
import { normDim } from '../shape/views.js';
import { outputTensor, type Tensor } from '../tensor.js';
import { castTo } from './cast.js';
import { binaryOp, unaryOp } from './elementwise.js';
import { inplaceBinary } from './inplace.js';
import { asTensor, disposeAll } from './operands.js';

/** A reduction's `dim`: one dim, a list, or null/undefined for all dims. */
export type Dims = number | readonly number[] | null | undefined;

/** Sorted, distinct, non-negative dims; all dims when `dim` is absent or an empty list. */
export function normDims(op: string, dim: Dims, ndim: number): number[] {
  expectDims(op, dim);
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

/** `t` after checking that it is a live tensor and `keepdim` a boolean. */
function input(op: string, t: Tensor, keepdim: unknown = false): Tensor {
  expectBoolean(op, 'keepdim', keepdim);
  return expectTensor(op, 'input', t).live(op);
}

/**
 * Runs backend reduce `op` over `axes` of `t` (already of the input dtype the op needs).
 * Kernels index with 32-bit integers, so a reduction over more than 2³¹ − 1 elements (only
 * possible through broadcast, stride-0 dims) reduces one slice of each broadcast dim and
 * scales: a sum by the count, a product to its power; max/min/all/any are unchanged.
 */
function reduceRaw(
  op: ReduceOp,
  t: Tensor,
  axes: readonly number[],
  keepdim: boolean,
  outDtype: DType,
  split = true,
): Tensor {
  if (split && countOver(t, axes) > INT32_MAX)
    return reduceBroadcast(op, t, axes, (slice) =>
      reduceRaw(op, slice, axes, keepdim, outDtype, false),
    );
  // Every backend's reduce writes each output element.
  const out = outputTensor(reducedShape(t.shape, axes, keepdim), outDtype, t.backend);
  const flatShape = reducedShape(t.shape, axes, false);
  const ov = out.backendView;
  t.backend.reduce(op, t.backendView, axes, {
    ...ov,
    shape: flatShape,
    strides: contiguous(flatShape),
  });
  return out;
}

/** `reduce` over a slice of each broadcast dim of `t`, scaled to the whole (see reduceRaw). */
function reduceBroadcast(
  op: ReduceOp,
  t: Tensor,
  axes: readonly number[],
  reduce: (slice: Tensor) => Tensor,
): Tensor {
  if (op === 'argmax' || op === 'argmin') throw indexTooWide(op, t, axes);
  const strides = t.stride();
  const broadcast = axes.filter((d) => strides[d] === 0 && t.shape[d]! > 1);
  const shape = t.shape.map((s, d) => (broadcast.includes(d) ? 1 : s));
  const slice = t.withLayout(shape, strides, t.offset);
  try {
    const r = reduce(slice);
    if (op !== 'sum' && op !== 'prod') return r;
    // Scaled in float64 on the (few) outputs: the count itself may not be a float32.
    const factor = broadcast.reduce((n, d) => n * t.shape[d]!, 1);
    const values = r.backend.array(r.backendView.storage);
    for (let i = 0; i < values.length; i++)
      values[i] = op === 'sum' ? values[i]! * factor : values[i]! ** factor;
    return r;
  } finally {
    slice.dispose();
  }
}

/** The error of an argmax/argmin over more elements than an int32 index can count. */
function indexTooWide(op: string, t: Tensor, axes: readonly number[]): IndexError {
  return new IndexError(
    `${op}: reducing ${countOver(t, axes)} elements (shape ${fmtShape(t.shape)}): the index ` +
      'may not fit int32 (tensorlane has no int64)',
  );
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
  const axes = normDims('sum', dim, input('sum', t, keepdim).ndim);
  if (!isFloat(t.dtype)) return integerReduce('sum', t, axes, keepdim);
  return withGrad('sum', [t], () => reduceRaw('sum', t, axes, keepdim, t.dtype), { axes, keepdim });
}

/** Product over `dim` (all by default). */
export function prod(t: Tensor, dim?: Dims, keepdim = false): Tensor {
  const axes = normDims('prod', dim, input('prod', t, keepdim).ndim);
  if (!isFloat(t.dtype)) return integerReduce('prod', t, axes, keepdim);
  return withGrad('prod', [t], () => reduceRaw('prod', t, axes, keepdim, t.dtype), {
    axes,
    keepdim,
  });
}

/**
 * int32 (or bool) sum/prod as an int32 result. PyTorch accumulates integers in int64;
 * without int64 the kernel accumulates in float64 (exact while the result fits int32: a
 * product's magnitude never shrinks, and a sum's partial sums stay below 2⁵³ for up to 2²²
 * elements) and a result outside int32 is a `DtypeError`, never a wrapped value.
 */
function integerReduce(op: 'sum' | 'prod', t: Tensor, axes: readonly number[], keepdim: boolean) {
  const wide = reduceRaw(op, t, axes, keepdim, 'float64');
  try {
    const values = wide.data();
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v >= INT32_MIN && v <= INT32_MAX) continue;
      throw new DtypeError(
        `${op}: the ${op === 'sum' ? 'sum' : 'product'} of ${t.dtype} ${fmtShape(t.shape)} is ${v}, ` +
          `outside int32 (${INT32_MIN}..${INT32_MAX}; PyTorch would give int64): ` +
          `call .double() first to ${op === 'sum' ? 'sum' : 'multiply'} in float64`,
      );
    }
    return castTo(wide, 'int32');
  } finally {
    wide.dispose();
  }
}

/** Mean over `dim` (all by default); floats only, as torch. */
export function mean(t: Tensor, dim?: Dims, keepdim = false): Tensor {
  const axes = normDims('mean', dim, input('mean', t, keepdim).ndim);
  requireFloat('mean', t);
  return withGrad(
    'mean',
    [t],
    () => inplaceBinary('div', reduceRaw('sum', t, axes, keepdim, t.dtype), countOver(t, axes)),
    { axes, keepdim },
  );
}

/** True where every element over `dim` is nonzero. */
export function all(t: Tensor, dim?: Dims, keepdim = false): Tensor {
  const axes = normDims('all', dim, input('all', t, keepdim).ndim);
  return reduceRaw('all', t, axes, keepdim, 'bool');
}

/** True where any element over `dim` is nonzero. */
export function any(t: Tensor, dim?: Dims, keepdim = false): Tensor {
  const axes = normDims('any', dim, input('any', t, keepdim).ndim);
  return reduceRaw('any', t, axes, keepdim, 'bool');
}

/** The largest (or smallest) values over `dims` (torch's amax/amin); NaN propagates. */
export function extreme(op: 'max' | 'min', t: Tensor, dim?: Dims, keepdim = false): Tensor {
  const axes = normDims(op, dim, input(op, t, keepdim).ndim);
  requireNonEmpty(op, t, axes);
  return withGrad(
    op === 'max' ? 'amax' : 'amin',
    [t],
    () => reduceRaw(op, t, axes, keepdim, t.dtype),
    {
      axes,
      keepdim,
    },
  );
}

/** Index of the first largest/smallest element over `dim`, or of the flattened tensor. */
export function argExtreme(
  op: 'argmax' | 'argmin',
  t: Tensor,
  dim?: number | null,
  keepdim = false,
): Tensor {
  input(op, t, keepdim);
  if (dim !== null && dim !== undefined) expectInt(op, 'dim', dim);
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

/**
 * `max(dim)`/`min(dim)`: values and the int32 indices where they occur, as torch, from one
 * pass of the backend's argmax/argmin (each value is the element its index names).
 */
export function extremeWithIndices(
  op: 'max' | 'min',
  t: Tensor,
  dim: number,
  keepdim = false,
): { values: Tensor; indices: Tensor } {
  input(op, t, keepdim);
  const d = normDim(op, expectInt(op, 'dim', dim), t.ndim);
  const axes = [d].slice(0, t.ndim);
  requireNonEmpty(op, t, axes);
  const arg = op === 'max' ? 'argmax' : 'argmin';
  if (countOver(t, axes) > INT32_MAX) throw indexTooWide(arg, t, axes);
  const shape = reducedShape(t.shape, axes, keepdim);
  const flat = reducedShape(t.shape, axes, false);
  const indices = outputTensor(shape, 'int32', t.backend);
  let values: Tensor | undefined;
  try {
    values = outputTensor(shape, t.dtype, t.backend);
    const flatView = (x: Tensor) => ({ ...x.backendView, shape: flat, strides: contiguous(flat) });
    t.backend.reduce(arg, t.backendView, axes, flatView(indices), flatView(values));
    recordGrad(`${op}Dim`, [t], values, { dim: d, keepdim, indices });
    return { values, indices };
  } catch (e) {
    values?.dispose();
    indices.dispose();
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
  const axes = normDims(op, dim, input(op, t, keepdim ?? false).ndim);
  const o = expectOptions(op, options, ['correction', 'keepdim']);
  if (o.correction !== undefined) expectNumber(op, 'correction', o.correction);
  if (o.keepdim !== undefined) expectBoolean(op, 'keepdim', o.keepdim);
  requireFloat(op, t);
  const keep = keepdim ?? o.keepdim ?? false;
  const correction = o.correction ?? 1;
  return withGrad('var', [t], () => centeredSquares(t, axes, keep, correction), {
    axes,
    keepdim: keep,
    correction,
  });
}

function centeredSquares(t: Tensor, axes: number[], keep: boolean, correction: number): Tensor {
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
  requireFloat('norm', input('norm', t, keepdim));
  const axes = normDims('norm', dim, t.ndim);
  if (p !== 'fro' && p !== 2 && p !== 1 && p !== Infinity)
    throw new DtypeError(`norm: p=${p} is not supported (use 'fro', 2, 1 or Infinity)`);
  return withGrad('norm', [t], () => pNorm(t, p, axes, keepdim), { p, axes, keepdim });
}

function pNorm(t: Tensor, p: 'fro' | number, axes: number[], keepdim: boolean): Tensor {
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
  const a = unaryOp('abs', t);
  try {
    return p === 1 ? reduceRaw('sum', a, axes, keepdim, t.dtype) : extreme('max', a, axes, keepdim);
  } finally {
    a.dispose();
  }
}

/**
 * `log(Σ exp(x))` over `dim`, computed stably as `max + log Σ exp(x − max)` in one kernel
 * (an infinite max is taken as 0, so rows of −inf give −inf and a +inf entry +inf, as torch).
 * @example tensor([[0, Math.log(3)]], { dtype: 'float32' }).logsumexp(1) // → tensor([1.3863])
 */
export function logsumexp(t: Tensor, dim: Dims, keepdim = false): Tensor {
  input('logsumexp', t, keepdim);
  const dtype = isFloat(t.dtype) ? t.dtype : 'float32';
  const axes = normDims('logsumexp', dim, t.ndim);
  return withGrad('logsumexp', [t], () => stableLogSumExp(t, dtype, axes, keepdim), {
    axes,
    keepdim,
  });
}

/**
 * The backend reduces the last axis of a view: one reduced dim goes last as a permuted view
 * of the contiguous input (no copy), several are copied last and merged into one (that copy
 * also serves a strided input, which is not made contiguous first).
 */
function stableLogSumExp(t: Tensor, dtype: DType, axes: number[], keepdim: boolean): Tensor {
  const temps: Tensor[] = [];
  try {
    let x = asTensor(t, dtype, t.backend, temps);
    if (axes.length === 1 && !x.isContiguous()) {
      x = x.contiguous();
      temps.push(x);
    }
    const keptAxes = x.shape.map((_, d) => d).filter((d) => !axes.includes(d));
    const flat = reducedShape(x.shape, axes, false);
    let rows = x.permute([...keptAxes, ...axes]);
    temps.push(rows);
    if (axes.length !== 1) {
      const merged = rows.contiguous();
      temps.push(merged);
      rows = merged.reshape([...flat, countOver(x, axes)]);
      temps.push(rows);
    }
    const out = outputTensor(reducedShape(x.shape, axes, keepdim), dtype, x.backend);
    x.backend.logsumexp(rows.backendView, {
      ...out.backendView,
      shape: flat,
      strides: contiguous(flat),
    });
    return out;
  } finally {
    disposeAll(temps);
  }
}
