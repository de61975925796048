/**
 * The common einsum of two operands that is one batched product and nothing else
 * (`'ik,kj->ij'`, `'bhqd,bhkd->bhqk'`): its lowering depends only on the plan, so the dim
 * groups are worked out once per plan and a repeated call goes straight to the GEMM, with
 * none of the general lowering's labelled views and label sets. Other equations, and
 * operands whose dim groups do not merge without a copy, take the general path.
 */
import { emptyTensor, outputTensor, type Tensor } from '../tensor.js';
import { groupedView } from './batched-product.js';
import type { EinsumPlan } from './einsum-plan.js';
import { pairGroups } from './lower-pair.js';

/** The lowering of a single-product plan, as dim indices. */
interface SingleProduct {
  /** Dims of operand 0 forming [batch, left, summed], and of operand 1 [batch, summed, right]. */
  readonly aDims: readonly (readonly number[])[];
  readonly bDims: readonly (readonly number[])[];
  /** Result shape in [batch, left, right] label order, and the output's dim of each. */
  readonly shape: readonly number[];
  readonly resultDims: readonly (readonly number[])[];
  /** For each output dim, its dim in the result; null when that is the identity. */
  readonly permutation: readonly number[] | null;
  /** Elements summed per output element (0: the output is zeros). */
  readonly depth: number;
}

const lowered = new WeakMap<EinsumPlan, SingleProduct | null>();

function lower(plan: EinsumPlan): SingleProduct | null {
  const { spec, path } = plan;
  if (spec.inputs.length !== 2 || path.length !== 1) return null;
  const [a, b] = spec.inputs as [readonly number[], readonly number[]];
  const output = spec.output;
  const distinct = (ids: readonly number[]) => new Set(ids).size === ids.length;
  // No diagonal, no broadcast size-1 dim, and no label only one operand has and the output
  // drops (those are summed on their side first).
  if (!distinct(a) || !distinct(b)) return null;
  const stretched = (ids: readonly number[], n: number) =>
    ids.some((id, d) => spec.inputShapes[n]![d] !== spec.sizes[id]);
  if (stretched(a, 0) || stretched(b, 1)) return null;
  const needed = (id: number, other: readonly number[]) =>
    output.includes(id) || other.includes(id);
  if (!a.every((id) => needed(id, b)) || !b.every((id) => needed(id, a))) return null;
  const g = pairGroups(a, b, new Set(output), output);
  if (g.summed.length === 0) return null;
  const labels = [...g.batch, ...g.left, ...g.right];
  const dimsIn = (ids: readonly number[], group: readonly number[]) =>
    group.map((id) => ids.indexOf(id));
  const permutation = output.map((id) => labels.indexOf(id));
  const size = (ids: readonly number[]) => ids.reduce((p, id) => p * spec.sizes[id]!, 1);
  return {
    aDims: [g.batch, g.left, g.summed].map((group) => dimsIn(a, group)),
    bDims: [g.batch, g.summed, g.right].map((group) => dimsIn(b, group)),
    shape: labels.map((id) => spec.sizes[id]!),
    resultDims: [g.batch, g.left, g.right].map((group) => dimsIn(labels, group)),
    permutation: permutation.every((d, k) => d === k) ? null : permutation,
    depth: size(g.summed),
  };
}

/**
 * The result of a single-product plan on checked operands, or null when the plan is not
 * one or an operand would need a copy (the general path then runs).
 */
export function singleProduct(plan: EinsumPlan, operands: readonly Tensor[]): Tensor | null {
  let p = lowered.get(plan);
  if (p === undefined) {
    p = lower(plan);
    lowered.set(plan, p);
  }
  if (p === null) return null;
  const [ta, tb] = operands as [Tensor, Tensor];
  const a3 = groupedView(ta.backendView, p.aDims);
  const b3 = groupedView(tb.backendView, p.bDims);
  if (!a3 || !b3) return null;
  const backend = ta.backend;
  // A GEMM writes every element unless nothing is summed; then the zeroed storage is the answer.
  const out =
    p.depth > 0
      ? outputTensor(p.shape, ta.dtype, backend)
      : emptyTensor(p.shape, ta.dtype, backend);
  try {
    const out3 = groupedView(out.backendView, p.resultDims)!;
    if (p.depth > 0 && out3.shape[0]! * out3.shape[1]! * out3.shape[2]! > 0)
      backend.gemm(a3, b3, out3);
  } catch (e) {
    out.dispose();
    throw e;
  }
  if (!p.permutation) return out;
  const strides = out.stride();
  const view = out.withLayout(
    p.permutation.map((d) => p.shape[d]!),
    p.permutation.map((d) => strides[d]!),
    0,
  );
  out.dispose();
  return view;
}
