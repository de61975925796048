/**
 * NumPy's cost model for einsum contractions (`numpy/_core/einsumfunc.py`: `_flop_count`,
 * `_find_contraction`), kept identical so FLOP counts compare 1:1 with `np.einsum_path`.
 * Label sets are bigint bitsets over label ids (ids can exceed 31 with wide ellipses).
 */

/** A set of label ids as a bitset. */
export type LabelSet = bigint;

/** The bitset of `ids`. */
export function labelSet(ids: Iterable<number>): LabelSet {
  let set = 0n;
  for (const id of ids) set |= 1n << BigInt(id);
  return set;
}

/** The ids in a bitset, ascending. */
export function labelsOf(set: LabelSet): number[] {
  const ids: number[] = [];
  for (let id = 0; set !== 0n; id++, set >>= 1n) if (set & 1n) ids.push(id);
  return ids;
}

/** Number of elements of a tensor indexed by `set`: the product of its label sizes. */
export function sizeOf(set: LabelSet, sizes: readonly number[]): number {
  let n = 1;
  for (let id = 0; set !== 0n; id++, set >>= 1n) if (set & 1n) n *= sizes[id]!;
  return n;
}

/**
 * FLOPs of one contraction step over the labels `contracted` (NumPy's `_flop_count`):
 * one multiply per extra operand, plus one add when some label is summed away.
 */
export function flopCount(
  contracted: LabelSet,
  summedAway: boolean,
  operandCount: number,
  sizes: readonly number[],
): number {
  const factor = Math.max(1, operandCount - 1) + (summedAway ? 1 : 0);
  return sizeOf(contracted, sizes) * factor;
}

/** What contracting some operands together produces (NumPy's `_find_contraction`). */
export interface Contraction {
  /** Labels the step's result keeps: those still needed by other operands or the output. */
  readonly result: LabelSet;
  /** The operands left afterwards: the untouched ones in order, then `result`. */
  readonly remaining: LabelSet[];
  /** Labels summed away by this step. */
  readonly removed: LabelSet;
  /** Every label the step touches. */
  readonly contracted: LabelSet;
}

/** The contraction of the operands at `positions` among `inputs`. */
export function findContraction(
  positions: readonly number[],
  inputs: readonly LabelSet[],
  output: LabelSet,
): Contraction {
  let contracted = 0n;
  let keep = output;
  const remaining: LabelSet[] = [];
  inputs.forEach((set, i) => {
    if (positions.includes(i)) contracted |= set;
    else {
      remaining.push(set);
      keep |= set;
    }
  });
  const result = keep & contracted;
  remaining.push(result);
  return { result, remaining, removed: contracted & ~result, contracted };
}

/** FLOPs of contracting the operands at `positions` in one step. */
export function contractionFlops(
  positions: readonly number[],
  inputs: readonly LabelSet[],
  output: LabelSet,
  sizes: readonly number[],
): number {
  const c = findContraction(positions, inputs, output);
  return flopCount(c.contracted, c.removed !== 0n, positions.length, sizes);
}
