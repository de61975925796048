/**
 * `isclose` and `allclose` as in numpy/PyTorch: elementwise `|a − b| ≤ atol + rtol·|b|`
 * with broadcasting, defaults rtol 1e-5, atol 1e-8, equalNan false. Values compare in
 * double precision whatever the dtypes.
 */

import { expectBoolean, expectOptions, expectTensor } from '../argument-checks.js';
import { fromFlat } from '../creation.js';
import { broadcastShapes, broadcastStrides } from '../shape/broadcast.js';
import { contiguousStrides, numelOf } from '../shape/strides.js';
import type { Tensor } from '../tensor.js';
import { type CloseOptions, checkTolerances, closeValues } from './close-values.js';

interface Side {
  readonly shape: readonly number[];
  readonly values: ArrayLike<number>;
}

function sideOf(op: string, x: Tensor | number): Side {
  if (typeof x === 'number') return { shape: [], values: [x] };
  expectTensor(op, 'other', x).live(op);
  return { shape: x.shape, values: x.data() };
}

/** Calls `visit(flat, i, j)` for each output element and its row-major source indices. */
function forEachPair(
  a: Side,
  b: Side,
  shape: readonly number[],
  visit: (flat: number, i: number, j: number) => boolean,
): void {
  const sa = broadcastStrides(a.shape, contiguousStrides(a.shape), shape);
  const sb = broadcastStrides(b.shape, contiguousStrides(b.shape), shape);
  const idx = new Array<number>(shape.length).fill(0);
  const n = numelOf(shape);
  let i = 0;
  let j = 0;
  for (let flat = 0; flat < n; flat++) {
    if (!visit(flat, i, j)) return;
    // Odometer step: bump the last dim, carrying into earlier ones.
    for (let d = shape.length - 1; d >= 0; d--) {
      idx[d]!++;
      i += sa[d]!;
      j += sb[d]!;
      if (idx[d]! < shape[d]!) break;
      i -= sa[d]! * shape[d]!;
      j -= sb[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
}

function resolve(op: string, opts: CloseOptions) {
  expectOptions(op, opts, ['rtol', 'atol', 'equalNan']);
  if (opts.equalNan !== undefined) expectBoolean(op, 'equalNan', opts.equalNan);
  const rtol = opts.rtol ?? 1e-5;
  const atol = opts.atol ?? 1e-8;
  checkTolerances(op, rtol, atol);
  return { rtol, atol, equalNan: opts.equalNan ?? false };
}

/**
 * A bool tensor, true where `a` is close to `b` (broadcast together).
 * @example isclose(tensor([1, 1.1]), 1) // → tensor([ True, False])
 */
export function isclose(a: Tensor, b: Tensor | number, opts: CloseOptions = {}): Tensor {
  const { rtol, atol, equalNan } = resolve('isclose', opts);
  const left = sideOf('isclose', a);
  const right = sideOf('isclose', b);
  const shape = broadcastShapes('isclose', left.shape, right.shape);
  const flags = new Uint8Array(numelOf(shape));
  forEachPair(left, right, shape, (flat, i, j) => {
    flags[flat] = closeValues(left.values[i]!, right.values[j]!, rtol, atol, equalNan) ? 1 : 0;
    return true;
  });
  return fromFlat(flags, shape, 'bool');
}

/**
 * True when every element of `a` is close to `b` (broadcast together), as `torch.allclose`.
 * @example allclose(tensor([1, 2]), tensor([1, 2.00001])) // → true
 */
export function allclose(a: Tensor, b: Tensor | number, opts: CloseOptions = {}): boolean {
  const { rtol, atol, equalNan } = resolve('allclose', opts);
  const left = sideOf('allclose', a);
  const right = sideOf('allclose', b);
  const shape = broadcastShapes('allclose', left.shape, right.shape);
  let all = true;
  forEachPair(left, right, shape, (_flat, i, j) => {
    all = closeValues(left.values[i]!, right.values[j]!, rtol, atol, equalNan);
    return all;
  });
  return all;
}
