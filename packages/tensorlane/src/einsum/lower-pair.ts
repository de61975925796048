/**
 * One pairwise contraction, classified as PyTorch's `sumproduct_pair` does: each label of
 * the pair is batch (in both, kept), left-only, right-only (kept) or summed (in both, not
 * kept). A label summed away that only one side has is reduced on that side first; a pair
 * with nothing summed is a broadcast multiply; otherwise it is one batched product
 * `[batch, left, summed] × [batch, summed, right] → [batch, left, right]`.
 */
import type { Backend } from '../backend/backend.js';
import type { DType } from '../dtype.js';
import { batchedProduct } from './batched-product.js';
import { multiplyAligned, release, sumLabels } from './labelled-ops.js';
import type { LabelledView } from './labelled-view.js';

/** What every lowering step needs to allocate and size its results. */
export interface LoweringContext {
  readonly sizes: readonly number[];
  readonly dtype: DType;
  readonly backend: Backend;
}

/** The dims of a pair contraction by role; each list is ordered as the result will be. */
export interface PairGroups {
  readonly batch: readonly number[];
  readonly left: readonly number[];
  readonly right: readonly number[];
  readonly summed: readonly number[];
}

/** `lv` with the labels that nothing after it needs summed away (no-op when none). */
export function sumUnneeded(
  lv: LabelledView,
  needed: (id: number) => boolean,
  ctx: LoweringContext,
): LabelledView {
  const unneeded = lv.labels.filter((id) => !needed(id));
  if (unneeded.length === 0) return lv;
  const reduced = sumLabels(lv, unneeded, ctx.dtype, ctx.backend);
  release(lv);
  return reduced;
}

/** Sorts `ids` by their position in `preferred` (ids absent from it keep their order, last). */
function byPreference(ids: number[], preferred: readonly number[] | undefined): number[] {
  if (!preferred) return ids;
  const rank = (id: number) => {
    const r = preferred.indexOf(id);
    return r < 0 ? Number.POSITIVE_INFINITY : r;
  };
  let sorted = true;
  for (let k = 1; k < ids.length && sorted; k++) sorted = rank(ids[k - 1]!) <= rank(ids[k]!);
  if (sorted) return ids;
  return ids
    .map((id, k) => ({ id, k }))
    .sort((x, y) => rank(x.id) - rank(y.id) || x.k - y.k)
    .map((e) => e.id);
}

/** Classifies the labels of `a` and `b` given the labels `keep` the result must hold. */
export function pairGroups(
  a: readonly number[],
  b: readonly number[],
  keep: ReadonlySet<number>,
  preferred?: readonly number[],
): PairGroups {
  const inB = (id: number) => b.includes(id);
  const inA = (id: number) => a.includes(id);
  return {
    batch: byPreference(
      a.filter((id) => inB(id) && keep.has(id)),
      preferred,
    ),
    left: byPreference(
      a.filter((id) => !inB(id)),
      preferred,
    ),
    right: byPreference(
      b.filter((id) => !inA(id)),
      preferred,
    ),
    summed: a.filter((id) => inB(id) && !keep.has(id)),
  };
}

/**
 * Contracts `a` with `b`, keeping the labels in `keep`; consumes both (their temporaries
 * are released). The result's labels are batch, left-only, right-only, each group ordered
 * by `preferred` when given (the final step passes the output order, so the closing
 * permutation is often the identity).
 */
export function contractPair(
  a: LabelledView,
  b: LabelledView,
  keep: ReadonlySet<number>,
  ctx: LoweringContext,
  preferred?: readonly number[],
): LabelledView {
  a = sumUnneeded(a, (id) => keep.has(id) || b.labels.includes(id), ctx);
  b = sumUnneeded(b, (id) => keep.has(id) || a.labels.includes(id), ctx);
  const groups = pairGroups(a.labels, b.labels, keep, preferred);
  try {
    if (groups.summed.length === 0) {
      const order = [...groups.batch, ...groups.left, ...groups.right];
      return multiplyAligned(a, b, order, ctx.sizes, ctx.dtype, ctx.backend);
    }
    return batchedProduct(a, b, groups, ctx);
  } finally {
    release(a);
    release(b);
  }
}
