/**
 * The two allocating kernels einsum needs besides GEMM, on labelled views: summing labels
 * away and a broadcast multiply of two operands aligned to one label order. Results are
 * fresh contiguous tensors owned by the returned `LabelledView`.
 */
import type { Backend } from '../backend/backend.js';
import type { DType } from '../dtype.js';
import { emptyTensor, outputTensor } from '../tensor.js';
import { alignedView, type LabelledView } from './labelled-view.js';

/** Frees the temporary behind `lv`, if einsum made one. */
export function release(lv: LabelledView): void {
  lv.owner?.dispose();
}

/** `lv` with the labels in `summed` reduced away by a sum; the other dims keep their order. */
export function sumLabels(
  lv: LabelledView,
  summed: readonly number[],
  dtype: DType,
  backend: Backend,
): LabelledView {
  const axes: number[] = [];
  const kept: number[] = [];
  lv.labels.forEach((id, d) => {
    if (summed.includes(id)) axes.push(d);
    else kept.push(id);
  });
  const shape = kept.map((id) => lv.view.shape[lv.labels.indexOf(id)]!);
  const out = emptyTensor(shape, dtype, backend);
  backend.reduce('sum', lv.view, axes, out.backendView);
  return { view: out.backendView, labels: kept, owner: out };
}

/** The elementwise product of `a` and `b` broadcast over the labels in `order`. */
export function multiplyAligned(
  a: LabelledView,
  b: LabelledView,
  order: readonly number[],
  sizes: readonly number[],
  dtype: DType,
  backend: Backend,
): LabelledView {
  // The multiply writes every element, so the output skips the zero fill (for a large
  // outer product that fill costs as much as the kernel).
  const out = outputTensor(
    order.map((id) => sizes[id]!),
    dtype,
    backend,
  );
  backend.binary(
    'mul',
    alignedView(a, order, sizes),
    alignedView(b, order, sizes),
    out.backendView,
  );
  return { view: out.backendView, labels: [...order], owner: out };
}
