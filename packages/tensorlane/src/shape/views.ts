/**
 * View ops: new shape/strides/offset over the same storage, no element copied (except
 * `reshape`/`flatten`, which copy only when no view can express the result, as in PyTorch).
 */

import { noGrad } from '../autograd/grad-mode.js';
import { recordGrad } from '../autograd/graph.js';
import { ArgumentError, fmtShape, IndexError, ShapeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { contiguousStrides, numelOf } from './strides.js';

/** Shape arguments as PyTorch takes them: `f(2, 3)` or `f([2, 3])`. */
export type ShapeArgs = readonly (number | readonly number[])[];

/**
 * A dim in `[-ndim, ndim)` made non-negative; a rank-0 tensor accepts 0 and -1 (as torch).
 * @example normDim('sum', -1, 3) // → 2
 */
export function normDim(op: string, dim: number, ndim: number): number {
  const n = Math.max(ndim, 1);
  if (typeof dim !== 'number')
    throw new ArgumentError(
      `${op}: dim must be an integer, got ${typeof dim === 'string' ? JSON.stringify(dim) : typeof dim}`,
    );
  if (!Number.isInteger(dim) || dim < -n || dim >= n)
    throw new IndexError(
      `${op}: dim ${dim} is out of range for a tensor of rank ${ndim} (expected ${-n}..${n - 1})`,
    );
  return dim < 0 ? dim + n : dim;
}

/** Flattens `f(2, 3)` / `f([2, 3])` argument lists into one shape, checking the entries. */
export function parseShape(op: string, args: ShapeArgs, allowMinusOne = false): number[] {
  const shape = args.length === 1 && Array.isArray(args[0]) ? args[0].slice() : (args as number[]);
  for (const s of shape)
    if (!Number.isInteger(s) || (s < 0 && !(allowMinusOne && s === -1)))
      throw new ShapeError(
        `${op}: invalid shape ${fmtShape(shape)}: sizes must be non-negative integers`,
      );
  return shape.slice();
}

/** Resolves a single -1 entry from the element count, or throws naming both sizes. */
function inferShape(op: string, shape: number[], numel: number): number[] {
  const free = shape.indexOf(-1);
  if (free !== shape.lastIndexOf(-1))
    throw new ShapeError(
      `${op}: shape ${fmtShape(shape)}: only one dimension can be inferred (-1)`,
    );
  const known = numelOf(shape.filter((_, i) => i !== free));
  const out = shape.slice();
  if (free >= 0) {
    if (known === 0 || numel % known !== 0)
      throw new ShapeError(`${op}: shape ${fmtShape(shape)} is invalid for input of size ${numel}`);
    out[free] = numel / known;
  }
  if (numelOf(out) !== numel)
    throw new ShapeError(`${op}: shape ${fmtShape(shape)} is invalid for input of size ${numel}`);
  return out;
}

/**
 * Strides that view `oldShape`/`oldStrides` as `newShape`, or null if impossible without a
 * copy (PyTorch's `computeStride`: each run of merged old dims must be contiguous in itself).
 */
function viewStrides(
  oldShape: readonly number[],
  oldStrides: readonly number[],
  newShape: readonly number[],
): number[] | null {
  // Empty and rank-0 tensors view as anything of the same numel.
  if (numelOf(oldShape) === 0 || oldShape.length === 0) return contiguousStrides(newShape);
  const newStrides = new Array<number>(newShape.length).fill(0);
  let viewD = newShape.length - 1;
  let chunkBase = oldStrides[oldStrides.length - 1] ?? 1;
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let d = oldShape.length - 1; d >= 0; d--) {
    tensorNumel *= oldShape[d]!;
    const chunkEnds =
      d === 0 || (oldShape[d - 1] !== 1 && oldStrides[d - 1] !== tensorNumel * chunkBase);
    if (chunkEnds) {
      while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] === 1)) {
        newStrides[viewD] = viewNumel * chunkBase;
        viewNumel *= newShape[viewD]!;
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (d > 0) {
        chunkBase = oldStrides[d - 1]!;
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  if (viewD !== -1) return null;
  return newStrides;
}

/** `t.view(shape)`: same storage, new shape; ShapeError if the strides cannot express it. */
export function view(t: Tensor, args: ShapeArgs): Tensor {
  const shape = inferShape('view', parseShape('view', args, true), t.live('view').numel());
  const strides = viewStrides(t.shape, t.stride(), shape);
  if (!strides)
    throw new ShapeError(
      `view: cannot view a tensor of shape ${fmtShape(t.shape)} with strides ${fmtShape(t.stride())} ` +
        `as ${fmtShape(shape)}: its elements are not laid out compatibly; use reshape() (which copies)`,
    );
  return recordGrad('view', [t], t.withLayout(shape, strides, t.offset));
}

/** `t.reshape(shape)`: a view when possible, otherwise a contiguous copy. */
export function reshape(t: Tensor, args: ShapeArgs, op = 'reshape'): Tensor {
  const shape = inferShape(op, parseShape(op, args, true), t.live(op).numel());
  const strides = viewStrides(t.shape, t.stride(), shape);
  if (strides) return recordGrad('reshape', [t], t.withLayout(shape, strides, t.offset));
  const copy = noGrad(() => t.clone());
  try {
    return recordGrad('reshape', [t], copy.withLayout(shape, contiguousStrides(shape), 0));
  } finally {
    copy.dispose();
  }
}

/** Inserts a size-1 dim at `dim` (in `[-ndim-1, ndim]`). */
export function unsqueeze(t: Tensor, dim: number): Tensor {
  const d = normDim('unsqueeze', dim, t.ndim + 1);
  const shape = t.shape.slice();
  const strides = t.stride();
  const stride = d < t.ndim ? shape[d]! * strides[d]! : 1;
  shape.splice(d, 0, 1);
  strides.splice(d, 0, stride);
  return recordGrad('unsqueeze', [t], t.withLayout(shape, strides, t.offset));
}

/** Removes size-1 dims: all of them, or those among `dim` (a number or list). */
export function squeeze(t: Tensor, dim?: number | readonly number[]): Tensor {
  if (dim !== undefined && typeof dim !== 'number' && !Array.isArray(dim))
    throw new ArgumentError(
      `squeeze: dim must be an integer or a list of integers, got ${typeof dim}`,
    );
  const dims =
    dim === undefined
      ? t.shape.map((_, i) => i)
      : (typeof dim === 'number' ? [dim] : dim).map((d) => normDim('squeeze', d, t.ndim));
  const strides = t.stride();
  const keep = t.shape.map((s, i) => !(s === 1 && dims.includes(i)));
  const out = t.withLayout(
    t.shape.filter((_, i) => keep[i]),
    strides.filter((_, i) => keep[i]),
    t.offset,
  );
  return recordGrad('squeeze', [t], out);
}

/** Broadcasts size-1 dims (and new leading dims) to `sizes` with stride 0; -1 keeps a dim. */
export function expand(t: Tensor, args: ShapeArgs): Tensor {
  const sizes = parseShape('expand', args, true);
  const lead = sizes.length - t.ndim;
  if (lead < 0)
    throw new ShapeError(
      `expand: ${fmtShape(t.shape)} to ${fmtShape(sizes)}: the target has fewer dims than the tensor`,
    );
  const strides = t.stride();
  const shape = new Array<number>(sizes.length);
  const outStrides = new Array<number>(sizes.length);
  for (let i = 0; i < sizes.length; i++) {
    const want = sizes[i]!;
    if (i < lead) {
      if (want < 0)
        throw new ShapeError(
          `expand: ${fmtShape(t.shape)} to ${fmtShape(sizes)}: -1 is not allowed for a new leading dim`,
        );
      shape[i] = want;
      outStrides[i] = 0;
      continue;
    }
    const have = t.shape[i - lead]!;
    if (want === -1 || want === have) {
      shape[i] = have;
      outStrides[i] = strides[i - lead]!;
    } else if (have === 1) {
      shape[i] = want;
      outStrides[i] = 0;
    } else {
      throw new ShapeError(
        `expand: ${fmtShape(t.shape)} to ${fmtShape(sizes)}: dim ${i} has size ${have}, which is not 1 and differs from ${want}`,
      );
    }
  }
  return recordGrad('expand', [t], t.withLayout(shape, outStrides, t.offset));
}

/** Swaps two dims. */
export function transpose(t: Tensor, dim0: number, dim1: number): Tensor {
  const a = normDim('transpose', dim0, t.ndim);
  const b = normDim('transpose', dim1, t.ndim);
  const order = t.shape.map((_, i) => (i === a ? b : i === b ? a : i));
  return permute(t, [order]);
}

/** Reorders dims: `permute(1, 0)` or `permute([1, 0])`. */
export function permute(t: Tensor, args: ShapeArgs): Tensor {
  const raw = args.length === 1 && Array.isArray(args[0]) ? args[0] : (args as number[]);
  const dims = raw.map((d) => normDim('permute', d, t.ndim));
  if (dims.length !== t.ndim || new Set(dims).size !== dims.length)
    throw new ShapeError(
      `permute: dims ${fmtShape(raw)} are not a permutation of the ${t.ndim} dims of a tensor of shape ${fmtShape(t.shape)}`,
    );
  const strides = t.stride();
  const out = t.withLayout(
    dims.map((d) => t.shape[d]!),
    dims.map((d) => strides[d]!),
    t.offset,
  );
  return recordGrad('permute', [t], out, { dims });
}

/** Keeps `length` entries of `dim` starting at `start`. */
export function narrow(t: Tensor, dim: number, start: number, length: number): Tensor {
  const d = normDim('narrow', dim, t.ndim);
  const size = t.shape[d]!;
  const s = start < 0 ? start + size : start;
  if (!Number.isInteger(s) || !Number.isInteger(length) || s < 0 || length < 0 || s + length > size)
    throw new IndexError(
      `narrow: start ${start} and length ${length} exceed dim ${dim} of size ${size} (shape ${fmtShape(t.shape)})`,
    );
  const shape = t.shape.slice();
  shape[d] = length;
  const out = t.withLayout(shape, t.stride(), t.offset + s * t.stride(d));
  return recordGrad('narrow', [t], out, { dim: d, start: s });
}

/** Merges dims `start..end` (inclusive) into one; a copy only if reshape needs one. */
export function flatten(t: Tensor, startDim = 0, endDim = -1): Tensor {
  if (t.ndim === 0) return reshape(t, [[1]], 'flatten');
  const a = normDim('flatten', startDim, t.ndim);
  const b = normDim('flatten', endDim, t.ndim);
  if (a > b)
    throw new IndexError(
      `flatten: start_dim ${startDim} comes after end_dim ${endDim} (rank ${t.ndim})`,
    );
  const shape = [...t.shape.slice(0, a), numelOf(t.shape.slice(a, b + 1)), ...t.shape.slice(b + 1)];
  return reshape(t, [shape], 'flatten');
}
