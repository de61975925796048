/**
 * `[batch, left, summed] × [batch, summed, right] → [batch, left, right]` for labelled
 * views, as ONE batched GEMM. Each label group is merged into a single dim by stride
 * arithmetic when the operand's layout allows (the GEMM packing reads any strides, so
 * transposed operands cost nothing); an operand whose groups do not merge is copied once
 * into the group order, as PyTorch's `sumproduct_pair` does before its `bmm`.
 */
import type { View } from '../backend/backend.js';
import { emptyTensor, outputTensor } from '../tensor.js';
import { release } from './labelled-ops.js';
import { alignedView, type LabelledView, mergeDims } from './labelled-view.js';
import type { LoweringContext, PairGroups } from './lower-pair.js';

/**
 * `view` with each group of its dims (`dims[g]`, dim indices) merged into one dim, or null
 * when its strides do not allow it.
 */
export function groupedView(view: View, dims: readonly (readonly number[])[]): View | null {
  const shape: number[] = [];
  const strides: number[] = [];
  for (const g of dims) {
    const m = mergeDims(view, g);
    if (m === null) return null;
    shape.push(m.size);
    strides.push(m.stride);
  }
  return { storage: view.storage, offset: view.offset, shape, strides };
}

/** `lv` as a 3-D view over three label groups, or null when its strides do not allow it. */
function view3(lv: LabelledView, groups: readonly (readonly number[])[]): View | null {
  return groupedView(
    lv.view,
    groups.map((g) => g.map((id) => lv.labels.indexOf(id))),
  );
}

/** `lv` as a 3-D view over the groups, copying it into group order if it must. */
function gemmOperand(
  lv: LabelledView,
  groups: readonly (readonly number[])[],
  ctx: LoweringContext,
  temps: LabelledView[],
): View {
  const direct = view3(lv, groups);
  if (direct) return direct;
  const order = groups.flat();
  const copy = outputTensor(
    order.map((id) => ctx.sizes[id]!),
    ctx.dtype,
    ctx.backend,
  );
  ctx.backend.copy(alignedView(lv, order, ctx.sizes), copy.backendView);
  const packed: LabelledView = { view: copy.backendView, labels: order, owner: copy };
  temps.push(packed);
  return view3(packed, groups)!;
}

/** The contraction of `a` and `b` over `groups.summed`; result labels batch, left, right. */
export function batchedProduct(
  a: LabelledView,
  b: LabelledView,
  groups: PairGroups,
  ctx: LoweringContext,
): LabelledView {
  const labels = [...groups.batch, ...groups.left, ...groups.right];
  const out = emptyTensor(
    labels.map((id) => ctx.sizes[id]!),
    ctx.dtype,
    ctx.backend,
  );
  const result: LabelledView = { view: out.backendView, labels, owner: out };
  const temps: LabelledView[] = [];
  try {
    const a3 = gemmOperand(a, [groups.batch, groups.left, groups.summed], ctx, temps);
    const b3 = gemmOperand(b, [groups.batch, groups.summed, groups.right], ctx, temps);
    const out3 = view3(result, [groups.batch, groups.left, groups.right])!;
    // Storage is allocated zeroed, which is already the answer for an empty sum.
    if (a3.shape[2]! > 0 && out.numel() > 0) ctx.backend.gemm(a3, b3, out3);
    return result;
  } catch (e) {
    out.dispose();
    throw e;
  } finally {
    for (const t of temps) release(t);
  }
}
