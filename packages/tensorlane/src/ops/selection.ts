/**
 * Selecting elements, as PyTorch: `where`, `maskedFill` (and in place), `tril`/`triu`
 * (`where` against a diagonal band), and the int32-index ops `gather`, `scatter`,
 * `scatterAdd`, `indexSelect` and `embedding` (the backend's `gather`/`scatter` kernels).
 * Every index value is checked against its dim before anything is allocated, so a bad
 * index is an `IndexError` naming the op, the value and the valid range, never a wrong
 * read or a trap.
 */

import { describeValue, expectInt, expectOperand, expectTensor } from '../argument-checks.js';
import { withGrad } from '../autograd/graph.js';
import type { ScatterMode, View } from '../backend/backend.js';
import { DtypeError, fmtShape, IndexError, ShapeError } from '../errors.js';
import { resultType } from '../promote.js';
import { broadcastAll } from '../shape/broadcast.js';
import { contiguousStrides, isContiguousLayout } from '../shape/strides.js';
import { normDim } from '../shape/views.js';
import { emptyTensor, outputTensor, Tensor } from '../tensor.js';
import { checkWritable } from './inplace.js';
import {
  asTensor,
  broadcastView,
  disposeAll,
  type Operand,
  scalarTensor,
  shapeOf,
} from './operands.js';

// ---- index tensors -----------------------------------------------------------------------

/**
 * `index` if it is an int32 tensor, else a `DtypeError` (an `ArgumentError` if it is not a
 * tensor at all).
 */
export function expectIndexTensor(op: string, name: string, index: unknown): Tensor {
  const t = expectTensor(op, name, index).live(op);
  if (t.dtype !== 'int32')
    throw new DtypeError(
      `${op}: ${name} must be an int32 tensor, got ${describeValue(t)}` +
        (t.dtype === 'bool'
          ? ' (boolean masks: use maskedFill or where)'
          : ' (convert with .int())'),
    );
  return t;
}

/**
 * Throws an `IndexError` unless every value of the int32 tensor `index` lies in
 * `[-size, size)` (`negative`) or `[0, size)`; `what` names what is indexed in the message
 * (`dim 1 of size 4`, `a weight of 5 rows`). Reads the values in place when contiguous.
 */
export function checkIndexRange(
  op: string,
  index: Tensor,
  size: number,
  negative: boolean,
  what: string,
): void {
  const n = index.numel();
  if (n === 0) return;
  const v = index.backendView;
  const values = isContiguousLayout(v.shape, v.strides)
    ? index.backend.array(v.storage).subarray(v.offset, v.offset + n)
    : index.data();
  const lo = negative ? -size : 0;
  let min = values[0]!;
  let max = min;
  for (let i = 1; i < n; i++) {
    const x = values[i]!;
    if (x < min) min = x;
    else if (x > max) max = x;
  }
  if (min >= lo && max < size) return;
  const bad = values.find((x) => x < lo || x >= size)!;
  const range = size === 0 ? 'it has no valid index' : `expected ${lo}..${size - 1}`;
  throw new IndexError(`${op}: index ${bad} is out of range for ${what} (${range})`);
}

/** `x` on `backend` (a temporary copy in `temps` when it lives elsewhere). */
function onBackend(x: Tensor, backend: Tensor['backend'], temps: Tensor[]): Tensor {
  return asTensor(x, x.dtype, backend, temps);
}

/** A temporary clone of `x` when it shares `t`'s storage (a kernel must not read what it writes). */
function unaliased(t: Tensor, x: Tensor, temps: Tensor[]): Tensor {
  if (x.storageHandle !== t.storageHandle) return x;
  const c = x.clone();
  temps.push(c);
  return c;
}

// ---- where, maskedFill, tril/triu ----------------------------------------------------------

function expectBoolTensor(op: string, name: string, x: unknown): Tensor {
  const t = expectTensor(op, name, x).live(op);
  if (t.dtype !== 'bool')
    throw new DtypeError(
      `${op}: ${name} must be a bool tensor, got ${describeValue(t)} (compare first, e.g. x.gt(0), or use .bool())`,
    );
  return t;
}

/**
 * `cond ? a : b` elementwise, as `torch.where`: the three broadcast together, `a` and `b`
 * may be JS numbers, and the result has their promoted dtype (`where(c, intTensor, 0.5)` is
 * float32). `cond` must be bool.
 * @example where(tensor([true, false, true]), tensor([1, 2, 3]), 0) // → tensor([1, 0, 3], dtype=torch.int32)
 * @example where(m.gt(4), m, m.neg()).toArray() // → [[-1, -2, -3], [-4, 5, 6], [7, 8, 9]]
 */
export function where(cond: Tensor, a: Operand, b: Operand): Tensor {
  const c = expectBoolTensor('where', 'condition', cond);
  const x = expectOperand('where', 'input', a);
  const y = expectOperand('where', 'other', b);
  if (x instanceof Tensor) x.live('where');
  if (y instanceof Tensor) y.live('where');
  const dtype = resultType([x, y]);
  const shapes = [c.shape, shapeOf(x), shapeOf(y)];
  const shape = broadcastAll(
    shapes,
    ({ dim, sizes }) =>
      `where: condition ${fmtShape(shapes[0]!)}, input ${fmtShape(shapes[1]!)} and other ` +
      `${fmtShape(shapes[2]!)} cannot broadcast (dim ${dim}: ${sizes[0]} vs ${sizes[1]})`,
  );
  return withGrad('where', [c, x, y], () => {
    const backend = c.backend;
    const temps: Tensor[] = [];
    try {
      const tc = onBackend(c, backend, temps);
      const ta = asTensor(x, dtype, backend, temps);
      const tb = asTensor(y, dtype, backend, temps);
      const out = outputTensor(shape, dtype, backend);
      if (out.numel() > 0)
        backend.where(
          broadcastView(tc, shape),
          broadcastView(ta, shape),
          broadcastView(tb, shape),
          out.backendView,
        );
      return out;
    } finally {
      disposeAll(temps);
    }
  });
}

/** The fill value of maskedFill: a number, a boolean or a 0-d tensor. */
function fillValue(op: string, value: unknown): number | boolean | Tensor {
  const v = expectOperand(op, 'value', value);
  if (v instanceof Tensor && v.live(op).ndim !== 0)
    throw new ShapeError(
      `${op}: value must be a number or a 0-d tensor, got a tensor of shape ${fmtShape(v.shape)}`,
    );
  return v;
}

/**
 * `t` with `value` wherever `mask` is true, as `torch.Tensor.masked_fill`: `mask` (bool)
 * broadcasts with `t`, and `value` (a number or a 0-d tensor) is cast to `t`'s dtype.
 * @example tensor([1, 2, 3]).maskedFill(tensor([true, false, true]), 0) // → tensor([0, 2, 0], dtype=torch.int32)
 */
export function maskedFill(t: Tensor, mask: Tensor, value: Operand): Tensor {
  expectTensor('maskedFill', 'tensor', t).live('maskedFill');
  const m = expectBoolTensor('maskedFill', 'mask', mask);
  const v = fillValue('maskedFill', value);
  const shape = broadcastAll(
    [t.shape, m.shape],
    ({ dim, sizes }) =>
      `maskedFill: tensor ${fmtShape(t.shape)} and mask ${fmtShape(m.shape)} cannot broadcast ` +
      `(dim ${dim}: ${sizes[0]} vs ${sizes[1]})`,
  );
  return withGrad('maskedFill', [t, m, v], () => {
    const temps: Tensor[] = [];
    try {
      const tm = onBackend(m, t.backend, temps);
      const tv = fillTensor(v, t, temps);
      const out = outputTensor(shape, t.dtype, t.backend);
      if (out.numel() > 0)
        t.backend.where(
          broadcastView(tm, shape),
          broadcastView(tv, shape),
          broadcastView(t, shape),
          out.backendView,
        );
      return out;
    } finally {
      disposeAll(temps);
    }
  });
}

/** The fill value as a 0-d tensor of `t`'s dtype on its backend. */
function fillTensor(v: number | boolean | Tensor, t: Tensor, temps: Tensor[]): Tensor {
  if (!(v instanceof Tensor)) return asTensor(v, t.dtype, t.backend, temps);
  return asTensor(unaliased(t, v, temps), t.dtype, t.backend, temps);
}

/**
 * `maskedFill` in place: `mask` must broadcast to `t`'s shape. Returns `t`.
 * @example const x = zeros(3); x.maskedFill_(tensor([false, true, false]), -Infinity); x // → tensor([0., -inf, 0.])
 */
export function maskedFillInPlace(t: Tensor, mask: Tensor, value: Operand): Tensor {
  expectTensor('maskedFill_', 'tensor', t);
  checkWritable('maskedFill_', t, value);
  const m = expectBoolTensor('maskedFill_', 'mask', mask);
  const v = fillValue('maskedFill_', value);
  const shape = broadcastAll(
    [t.shape, m.shape],
    ({ dim, sizes }) =>
      `maskedFill_: tensor ${fmtShape(t.shape)} and mask ${fmtShape(m.shape)} cannot broadcast ` +
      `(dim ${dim}: ${sizes[0]} vs ${sizes[1]})`,
  );
  if (shape.length !== t.ndim || shape.some((s, i) => s !== t.shape[i]))
    throw new ShapeError(
      `maskedFill_: mask ${fmtShape(m.shape)} must broadcast to the tensor's shape ${fmtShape(t.shape)} (it gives ${fmtShape(shape)})`,
    );
  const temps: Tensor[] = [];
  try {
    const tm = unaliased(t, onBackend(m, t.backend, temps), temps);
    const tv = fillTensor(v, t, temps);
    if (t.numel() > 0)
      t.backend.where(
        broadcastView(tm, t.shape),
        broadcastView(tv, t.shape),
        t.backendView,
        t.backendView,
      );
    return t;
  } finally {
    disposeAll(temps);
  }
}

/**
 * Keeps the elements on and below (`upper`: above) diagonal `k` of the last two dims.
 * The condition is a bool band of `rows + cols - 1` entries, one per diagonal, read as a
 * `rows × cols` view with strides `[-1, 1]`: `band[j - i + rows - 1]` says whether element
 * `(i, j)` stays. One `where` over the whole batch, no mask of the matrix's size.
 */
function triangle(op: 'tril' | 'triu', t: Tensor, k: number): Tensor {
  expectTensor(op, 'tensor', t).live(op);
  const diag = expectInt(op, 'diagonal', k);
  if (t.ndim < 2)
    throw new ShapeError(
      `${op}: needs a tensor with at least 2 dims, got shape ${fmtShape(t.shape)}`,
    );
  return withGrad(op, [t], () => triangleCopy(op, t, diag), { diagonal: diag });
}

function triangleCopy(op: 'tril' | 'triu', t: Tensor, diag: number): Tensor {
  const out = outputTensor(t.shape, t.dtype, t.backend);
  if (out.numel() === 0) return out;
  const rows = t.shape[t.ndim - 2]!;
  const cols = t.shape[t.ndim - 1]!;
  const temps: Tensor[] = [];
  try {
    const band = emptyTensor([rows + cols - 1], 'bool', t.backend);
    temps.push(band);
    const bits = t.backend.array(band.backendView.storage);
    for (let p = 0; p < rows + cols - 1; p++) {
      const offset = p - (rows - 1); // j - i
      bits[p] = (op === 'tril' ? offset <= diag : offset >= diag) ? 1 : 0;
    }
    const cond: View = {
      ...band.backendView,
      offset: rows - 1,
      shape: t.shape,
      strides: [...new Array<number>(t.ndim - 2).fill(0), -1, 1],
    };
    const zero = scalarTensor(0, t.dtype, t.backend);
    temps.push(zero);
    t.backend.where(cond, t.backendView, broadcastView(zero, t.shape), out.backendView);
    return out;
  } finally {
    disposeAll(temps);
  }
}

/**
 * The lower triangle of the last two dims (the elements with `j - i <= k`), the rest 0,
 * as `torch.tril`; batched over leading dims.
 * @example
 * m.tril() // → tensor([[1., 0., 0.],
 * //                    [4., 5., 0.],
 * //                    [7., 8., 9.]])
 * @example ones(2, 3).tril(1).toArray() // → [[1, 1, 0], [1, 1, 1]]
 */
export function tril(t: Tensor, k = 0): Tensor {
  return triangle('tril', t, k);
}

/**
 * The upper triangle of the last two dims (the elements with `j - i >= k`), the rest 0,
 * as `torch.triu`.
 * @example m.triu(1).toArray() // → [[0, 2, 3], [0, 0, 6], [0, 0, 0]]
 */
export function triu(t: Tensor, k = 0): Tensor {
  return triangle('triu', t, k);
}

// ---- gather, scatter, indexSelect, embedding ------------------------------------------------

/** `view` with a size-1 dim added in front when it is 0-d (torch treats 0-d as 1-d here). */
function atLeast1d(v: View): View {
  return v.shape.length > 0 ? v : { ...v, shape: [1], strides: [0] };
}

/** Shape checks shared by gather and scatter (torch's `gather_shape_check`/`scatter_shape_check`). */
function checkAlongShapes(
  op: string,
  self: Tensor,
  dim: number,
  index: Tensor,
  src?: Tensor,
): void {
  const rank = (x: Tensor) => Math.max(x.ndim, 1);
  const size = (x: Tensor, d: number) => (x.ndim === 0 ? 1 : x.shape[d]!);
  const named = [['index', index], ...(src ? [['src', src] as const] : [])] as const;
  for (const [name, x] of named)
    if (rank(x) !== rank(self))
      throw new ShapeError(
        `${op}: ${name} ${fmtShape(x.shape)} must have as many dims as the tensor ${fmtShape(self.shape)}`,
      );
  for (let d = 0; d < rank(self); d++) {
    if (d !== dim && size(index, d) > size(self, d))
      throw new ShapeError(
        `${op}: index ${fmtShape(index.shape)} is larger than the tensor ${fmtShape(self.shape)} in dim ${d} ` +
          `(${size(index, d)} vs ${size(self, d)}); only dim ${dim} may be larger`,
      );
    if (src && size(index, d) > size(src, d))
      throw new ShapeError(
        `${op}: index ${fmtShape(index.shape)} is larger than src ${fmtShape(src.shape)} in dim ${d} ` +
          `(${size(index, d)} vs ${size(src, d)})`,
      );
  }
}

/**
 * Values of `t` along `dim` at the positions `index` gives, as `torch.gather`:
 * `out[i][j] = t[index[i][j]][j]` for `dim = 0`. `index` is int32 with `t`'s rank and, off
 * `dim`, no larger than `t`; the result has `index`'s shape. Negative index values are an
 * `IndexError`, as in torch.
 * @example m.gather(1, tensor([[0], [2], [1]])).toArray() // → [[1], [6], [8]]
 */
export function gather(t: Tensor, dim: number, index: Tensor): Tensor {
  expectTensor('gather', 'tensor', t).live('gather');
  const idx = expectIndexTensor('gather', 'index', index);
  const d = normDim('gather', expectInt('gather', 'dim', dim), t.ndim);
  checkAlongShapes('gather', t, d, idx);
  const size = t.ndim === 0 ? 1 : t.shape[d]!;
  checkIndexRange('gather', idx, size, false, `dim ${d} of size ${size}`);
  return withGrad('gather', [t, idx], () => gatherAlong(t, d, idx), { dim: d });
}

/** The gather kernel call on checked arguments. */
function gatherAlong(t: Tensor, d: number, idx: Tensor): Tensor {
  const temps: Tensor[] = [];
  try {
    const ti = onBackend(idx, t.backend, temps);
    const out = outputTensor(idx.shape, t.dtype, t.backend);
    if (out.numel() > 0)
      t.backend.gather(
        atLeast1d(t.backendView),
        d,
        atLeast1d(ti.backendView),
        atLeast1d(out.backendView),
      );
    return out;
  } finally {
    disposeAll(temps);
  }
}

/** The checks and the kernel call of scatter/scatterAdd, in place into `t`. */
function scatterInto(
  op: string,
  mode: ScatterMode,
  t: Tensor,
  dim: number,
  index: Tensor,
  src: Operand,
): Tensor {
  expectTensor(op, 'tensor', t);
  checkWritable(op, t, src);
  const idx = expectIndexTensor(op, 'index', index);
  const d = normDim(op, expectInt(op, 'dim', dim), t.ndim);
  const s = mode === 'add' ? expectTensor(op, 'src', src) : expectOperand(op, 'src', src);
  if (s instanceof Tensor) {
    s.live(op);
    if (s.dtype !== t.dtype)
      throw new DtypeError(
        `${op}: src must have the tensor's dtype ${t.dtype}, got ${describeValue(s)}`,
      );
  }
  checkAlongShapes(op, t, d, idx, s instanceof Tensor ? s : undefined);
  const size = t.ndim === 0 ? 1 : t.shape[d]!;
  checkIndexRange(op, idx, size, false, `dim ${d} of size ${size}`);
  if (idx.numel() === 0) return t;
  const temps: Tensor[] = [];
  try {
    const ti = unaliased(t, onBackend(idx, t.backend, temps), temps);
    const ts =
      s instanceof Tensor
        ? unaliased(t, onBackend(s, t.backend, temps), temps)
        : asTensor(s, t.dtype, t.backend, temps);
    const iv = atLeast1d(ti.backendView);
    // src is read at index's coordinates (it may be larger); a scalar at stride 0.
    const sv = atLeast1d(ts.backendView);
    const srcView: View = {
      ...sv,
      shape: iv.shape,
      strides: s instanceof Tensor ? sv.strides : iv.shape.map(() => 0),
    };
    t.backend.scatter(mode, atLeast1d(t.backendView), d, iv, srcView);
    return t;
  } finally {
    disposeAll(temps);
  }
}

/**
 * `scatter` in place: `t[index[i][j]][j] = src[i][j]` for `dim = 0` (`src` a tensor of
 * `t`'s dtype, read at `index`'s coordinates, or a number). With repeated index values the
 * last write in row-major order wins (torch leaves that order unspecified). Returns `t`.
 * @example zeros(3).scatter_(0, tensor([2, 0]), tensor([5, 7], { dtype: 'float32' })) // → tensor([7., 0., 5.])
 */
export function scatterInPlace(t: Tensor, dim: number, index: Tensor, src: Operand): Tensor {
  return scatterInto('scatter_', 'assign', t, dim, index, src);
}

/**
 * A copy of `t` with `src` written at the positions `index` gives along `dim`, as
 * `torch.scatter` (see `scatter_`).
 * @example zeros(2, 3).scatter(1, tensor([[2], [0]]), 1).toArray() // → [[0, 0, 1], [1, 0, 0]]
 */
export function scatter(t: Tensor, dim: number, index: Tensor, src: Operand): Tensor {
  expectTensor('scatter', 'tensor', t).live('scatter');
  return withGrad(
    'scatter',
    [t, index, src],
    () => scatterCopy('scatter', 'assign', t, dim, index, src),
    {
      dim: normDim('scatter', expectInt('scatter', 'dim', dim), t.ndim),
    },
  );
}

/** A clone of `t` scattered into (the clone is freed if the scatter throws). */
function scatterCopy(...args: Parameters<typeof scatterInto>): Tensor {
  const [op, mode, t, ...rest] = args;
  const out = t.clone();
  try {
    return scatterInto(op, mode, out, ...rest);
  } catch (e) {
    out.dispose();
    throw e;
  }
}

/**
 * `scatterAdd` in place: `t[index[i][j]][j] += src[i][j]` for `dim = 0`, summing repeats
 * in row-major order (deterministic, unlike torch on a GPU). Returns `t`.
 * @example zeros(3).scatterAdd_(0, tensor([0, 0, 2]), ones(3)) // → tensor([2., 0., 1.])
 */
export function scatterAddInPlace(t: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  return scatterInto('scatterAdd_', 'add', t, dim, index, src);
}

/**
 * A copy of `t` with `src` added at the positions `index` gives along `dim`, as
 * `torch.scatter_add`: the way to sum values into bins.
 * @example zeros(3).scatterAdd(0, tensor([1, 1, 1, 2]), ones(4)) // → tensor([0., 3., 1.])
 */
export function scatterAdd(t: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  expectTensor('scatterAdd', 'tensor', t).live('scatterAdd');
  const d = normDim('scatterAdd', expectInt('scatterAdd', 'dim', dim), t.ndim);
  return withGrad(
    'scatterAdd',
    [t, index, src],
    () => scatterCopy('scatterAdd', 'add', t, dim, index, src),
    {
      dim: d,
    },
  );
}

/**
 * The slices of `t` along `dim` at the positions of the 1-D int32 `index` (repeats
 * allowed), as `torch.index_select`; negative values are an `IndexError`, as in torch.
 * @example m.indexSelect(0, tensor([2, 0])).toArray() // → [[7, 8, 9], [1, 2, 3]]
 */
export function indexSelect(t: Tensor, dim: number, index: Tensor): Tensor {
  expectTensor('indexSelect', 'tensor', t).live('indexSelect');
  const idx = expectIndexTensor('indexSelect', 'index', index);
  if (idx.ndim > 1)
    throw new ShapeError(
      `indexSelect: index must be 1-D (or 0-d), got shape ${fmtShape(idx.shape)}`,
    );
  const d = normDim('indexSelect', expectInt('indexSelect', 'dim', dim), t.ndim);
  const size = t.ndim === 0 ? 1 : t.shape[d]!;
  checkIndexRange('indexSelect', idx, size, false, `dim ${d} of size ${size}`);
  if (t.ndim === 0) {
    if (idx.numel() !== 1)
      throw new ShapeError(
        `indexSelect: a 0-d tensor takes an index of one element, got shape ${fmtShape(idx.shape)}`,
      );
    return withGrad('indexSelect', [t, idx], () => t.clone());
  }
  return withGrad('indexSelect', [t, idx], () => selectAlong(t, d, idx, [idx.numel()]), { dim: d });
}

/**
 * Internal: `t` gathered along `d` at the values of `index` (checked, any shape), the dim
 * replaced by `indexShape` dims (whose product is `index.numel()`). One kernel call: the
 * index is read flattened and broadcast (stride 0) over every other dim.
 */
export function selectAlong(
  t: Tensor,
  d: number,
  index: Tensor,
  indexShape: readonly number[],
): Tensor {
  const n = index.numel();
  const shape = [...t.shape.slice(0, d), ...indexShape, ...t.shape.slice(d + 1)];
  const temps: Tensor[] = [];
  try {
    const flat = index.reshape(-1);
    temps.push(flat);
    const ti = onBackend(flat, t.backend, temps);
    const out = outputTensor(shape, t.dtype, t.backend);
    if (out.numel() === 0) return out;
    // The kernel sees out with the index dims merged into one (they are contiguous).
    const gathered = [...t.shape.slice(0, d), n, ...t.shape.slice(d + 1)];
    const iv = ti.backendView;
    const indexView: View = {
      ...iv,
      shape: gathered,
      strides: gathered.map((_, k) => (k === d ? iv.strides[0]! : 0)),
    };
    const ov = out.backendView;
    const outView: View = { ...ov, shape: gathered, strides: contiguousStrides(gathered) };
    t.backend.gather(t.backendView, d, indexView, outView);
    return out;
  } finally {
    disposeAll(temps);
  }
}

/**
 * Rows of `weight` (`[numEmbeddings, dim]`) at the int32 token ids of `input` (any shape),
 * as `torch.nn.functional.embedding` (forward only; no `padding_idx`/`max_norm`): the
 * result has shape `[...input.shape, dim]`.
 * @example embedding(tensor([[0, 2]]), m).toArray() // → [[[1, 2, 3], [7, 8, 9]]]
 */
export function embedding(input: Tensor, weight: Tensor): Tensor {
  const idx = expectIndexTensor('embedding', 'input', input);
  const w = expectTensor('embedding', 'weight', weight).live('embedding');
  if (w.ndim !== 2)
    throw new ShapeError(
      `embedding: weight must be 2-D [numEmbeddings, embeddingDim], got shape ${fmtShape(w.shape)}`,
    );
  checkIndexRange('embedding', idx, w.shape[0]!, false, `a weight of ${w.shape[0]} rows`);
  return withGrad('embedding', [idx, w], () => selectAlong(w, 0, idx, idx.shape));
}
