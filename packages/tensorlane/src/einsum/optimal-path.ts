/**
 * The cheapest pairwise contraction order, by dynamic programming over subsets of operands.
 *
 * NumPy's `_optimal_path` tries every sequence of pairs (factorial). The cost of a
 * contraction tree depends only on which operands each subtree covers, because a
 * subtree's result keeps exactly the labels needed outside it. So the best tree for a
 * subset S is the best split S = A ∪ B: cost(A) + cost(B) + flops(A, B), which visits
 * 3^n pairs instead of n!·(n-1)!/2^(n-1) sequences and finds the same minimum. Like NumPy,
 * an intermediate larger than `memoryLimit` elements is not allowed.
 */
import { flopCount, type LabelSet, sizeOf } from './contraction-cost.js';

/** A path in `np.einsum_path` form: each step lists positions in the current operand list. */
export type ContractionPath = number[][];

/**
 * The FLOP-optimal path (NumPy's cost model) whose intermediates stay within `memoryLimit`
 * elements. When no such path exists it drops the limit rather than fall back to one
 * n-ary contraction, which is what NumPy does instead.
 *
 * @example optimalPath([labelSet([0, 1]), labelSet([1, 2]), labelSet([2])], labelSet([0]), [9, 9, 9], 81) // → [[1, 2], [0, 1]]
 */
export function optimalPath(
  inputs: readonly LabelSet[],
  output: LabelSet,
  sizes: readonly number[],
  memoryLimit: number,
): ContractionPath {
  const n = inputs.length;
  if (n === 1) return [[0]];
  const full = (1 << n) - 1;
  // labels[S]: every label of the operands in S; result[S]: the ones S's result keeps.
  const labels: LabelSet[] = new Array(full + 1).fill(0n);
  for (let s = 1; s <= full; s++) {
    const low = s & -s;
    labels[s] = labels[s ^ low]! | inputs[31 - Math.clz32(low)]!;
  }
  const result: LabelSet[] = new Array(full + 1).fill(0n);
  const cost = new Float64Array(full + 1).fill(Number.POSITIVE_INFINITY);
  const split = new Int32Array(full + 1);
  for (let s = 1; s <= full; s++) {
    if ((s & (s - 1)) === 0) {
      result[s] = labels[s]!;
      cost[s] = 0;
      continue;
    }
    result[s] = labels[s]! & (labels[full ^ s]! | output);
    if (s !== full && sizeOf(result[s]!, sizes) > memoryLimit) continue;
    // Submasks `a` that hold the lowest operand of s, so each split is visited once.
    const low = s & -s;
    for (let a = (s - 1) & s; a > 0; a = (a - 1) & s) {
      if ((a & low) === 0) continue;
      const b = s ^ a;
      const before = cost[a]! + cost[b]!;
      if (!(before < cost[s]!)) continue;
      const touched = result[a]! | result[b]!;
      const total = before + flopCount(touched, (touched & ~result[s]!) !== 0n, 2, sizes);
      if (total < cost[s]!) {
        cost[s] = total;
        split[s] = a;
      }
    }
  }
  if (cost[full] === Number.POSITIVE_INFINITY) {
    return optimalPath(inputs, output, sizes, Number.POSITIVE_INFINITY);
  }
  return treeToPath(split, n);
}

/** Replays the split tree as positional steps: contract two entries, append the result. */
function treeToPath(split: Int32Array, n: number): ContractionPath {
  const current: number[] = Array.from({ length: n }, (_, i) => 1 << i);
  const path: ContractionPath = [];
  const visit = (s: number): void => {
    if ((s & (s - 1)) === 0) return;
    const a = split[s]!;
    visit(a);
    visit(s ^ a);
    const i = current.indexOf(a);
    const j = current.indexOf(s ^ a);
    const step = i < j ? [i, j] : [j, i];
    current.splice(step[1]!, 1);
    current.splice(step[0]!, 1);
    current.push(s);
    path.push(step);
  };
  visit((1 << n) - 1);
  return path;
}
