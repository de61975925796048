/**
 * `sort`, `argsort` and `topk` along one dim, as torch: values and int32 indices (torch:
 * int64). The order is torch's: NaN above +Infinity (last ascending, first descending), -0
 * equal to +0. Sorting is stable; `topk` returns the first k of that stable order, so among
 * equal values it picks the lowest indices (torch leaves the choice unspecified) and its
 * rows come out sorted whether or not `sorted` is asked (allowed: torch's unsorted order is
 * unspecified). Bool sorts as torch does; topk rejects bool, as torch.
 */
import { expectBoolean, expectInt, expectTensor } from '../argument-checks.js';
import { recordGrad } from '../autograd/graph.js';
import type { View } from '../backend/backend.js';
import { DtypeError, fmtShape, IndexError } from '../errors.js';
import { normDim } from '../shape/views.js';
import { outputTensor, type Tensor } from '../tensor.js';

/** `t` along `dim` (normalised) sorted into the first `k` of each row. */
function sortedPrefix(
  op: 'sort' | 'topk',
  t: Tensor,
  dim: number,
  k: number,
  descending: boolean,
): { values: Tensor; indices: Tensor } {
  const backend = t.backend;
  const shape = t.shape.slice();
  if (t.ndim > 0) shape[dim] = k;
  const values = outputTensor(shape, t.dtype, backend);
  const indices = outputTensor(shape, 'int32', backend);
  // Move `dim` last in every view (a permutation of strides, no copy).
  const lastOf = (v: View): View => {
    if (v.shape.length === 0) return v;
    const perm = v.shape.map((_, d) => d).filter((d) => d !== dim);
    perm.push(dim);
    return { ...v, shape: perm.map((d) => v.shape[d]!), strides: perm.map((d) => v.strides[d]!) };
  };
  backend.sort(
    lastOf(t.backendView),
    descending,
    lastOf(values.backendView),
    lastOf(indices.backendView),
  );
  // The gradient goes back to the positions the values came from (as max(dim)'s).
  recordGrad(op, [t], values, { dim, keepdim: true, indices });
  return { values, indices };
}

/**
 * Sorts along `dim` (default last), stably: `{ values, indices }`.
 * @example sort(tensor([3, 1, 2])).indices // → tensor([1, 2, 0], dtype=torch.int32)
 */
export function sort(t: Tensor, dim = -1, descending = false): { values: Tensor; indices: Tensor } {
  expectTensor('sort', 'input', t).live('sort');
  const d = normDim('sort', expectInt('sort', 'dim', dim), t.ndim);
  const desc = expectBoolean('sort', 'descending', descending);
  return sortedPrefix('sort', t, d, t.ndim === 0 ? 1 : t.shape[d]!, desc);
}

/**
 * The int32 indices that sort `t` along `dim` (stable).
 * @example argsort(tensor([2, 1, 2, 1]), -1, true) // → tensor([0, 2, 1, 3], dtype=torch.int32)
 */
export function argsort(t: Tensor, dim = -1, descending = false): Tensor {
  const { values, indices } = sort(t, dim, descending);
  values.dispose();
  return indices;
}

/**
 * The `k` largest (or smallest) elements along `dim`: `{ values, indices }`, best first.
 * @example topk(tensor([1, 5, 3, 4]), 2).values // → tensor([5, 4], dtype=torch.int32)
 */
export function topk(
  t: Tensor,
  k: number,
  dim = -1,
  largest = true,
  sorted = true,
): { values: Tensor; indices: Tensor } {
  expectTensor('topk', 'input', t).live('topk');
  const d = normDim('topk', expectInt('topk', 'dim', dim), t.ndim);
  expectBoolean('topk', 'largest', largest);
  expectBoolean('topk', 'sorted', sorted);
  const size = t.ndim === 0 ? 1 : t.shape[d]!;
  const kk = expectInt('topk', 'k', k, 0);
  if (kk > size)
    throw new IndexError(
      `topk: k = ${kk} is larger than dim ${d} of size ${size} (shape ${fmtShape(t.shape)})`,
    );
  if (t.dtype === 'bool')
    throw new DtypeError(
      `topk: not supported for bool tensors (shape ${fmtShape(t.shape)}), as torch; convert with .int() first`,
    );
  return sortedPrefix('topk', t, d, kk, largest);
}
