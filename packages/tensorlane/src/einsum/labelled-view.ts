/**
 * Einsum's working values: a backend view whose dims carry label ids, plus the temporary
 * tensor (if any) that owns its storage. Everything here builds views by stride arithmetic
 * and copies nothing: a repeated label is a diagonal (strides summed), a broadcast dim is
 * stride 0, a permutation reorders strides.
 */
import type { View } from '../backend/backend.js';
import type { Tensor } from '../tensor.js';

/** A view with one distinct label id per dim. */
export interface LabelledView {
  readonly view: View;
  readonly labels: readonly number[];
  /**
   * The einsum-made temporary holding the data, or null for a caller's operand. When set,
   * `view` is the owner's whole (contiguous) layout: temporaries are never re-viewed.
   */
  readonly owner: Tensor | null;
}

/**
 * `t` with repeated labels folded into one diagonal dim (its stride is the sum of the
 * repeated dims' strides, so `'ii->i'` reads `t[k, k]` at `k·(s0 + s1)`), and size-1 dims
 * stretched to their label's broadcast size with stride 0.
 *
 * @example
 * // labels [i, i] on a [3, 3] tensor with strides [3, 1]:
 * const { view } = diagonalView(zeros(3, 3), [0, 0], [3]);
 * [view.shape, view.strides] // → [[3], [4]]
 */
export function diagonalView(
  t: Tensor,
  labels: readonly number[],
  sizes: readonly number[],
): LabelledView {
  const v = t.backendView;
  const distinct: number[] = [];
  const strides: number[] = [];
  labels.forEach((id, d) => {
    const stride = v.shape[d] === 1 && sizes[id] !== 1 ? 0 : v.strides[d]!;
    const k = distinct.indexOf(id);
    if (k >= 0) strides[k]! += stride;
    else {
      distinct.push(id);
      strides.push(stride);
    }
  });
  const shape = distinct.map((id) => sizes[id]!);
  return { view: { ...v, shape, strides }, labels: distinct, owner: null };
}

/**
 * The view read along `order` (a list of label ids): dims it has are reordered, labels it
 * lacks become stride-0 dims of their full size, so two operands aligned to one order can
 * meet in a broadcast elementwise kernel.
 */
export function alignedView(
  lv: LabelledView,
  order: readonly number[],
  sizes: readonly number[],
): View {
  const { view, labels } = lv;
  const shape = order.map((id) => sizes[id]!);
  const strides = order.map((id) => {
    const d = labels.indexOf(id);
    return d < 0 ? 0 : view.strides[d]!;
  });
  return { ...view, shape, strides };
}

/**
 * One dim standing for the dims `dims` of `view`, in that order, when the strides allow it
 * without a copy (each dim's stride = the next one's stride × size, size-1 dims ignored);
 * null otherwise. A dim of size 0 makes the merged dim size 0.
 */
export function mergeDims(
  view: View,
  dims: readonly number[],
): { size: number; stride: number } | null {
  let size = 1;
  for (const d of dims) size *= view.shape[d]!;
  const live = dims.filter((d) => view.shape[d] !== 1);
  if (size === 0 || live.length === 0) return { size, stride: 0 };
  for (let k = 0; k + 1 < live.length; k++) {
    const d = live[k]!;
    const next = live[k + 1]!;
    if (view.strides[d] !== view.strides[next]! * view.shape[next]!) return null;
  }
  return { size, stride: view.strides[live[live.length - 1]!]! };
}
