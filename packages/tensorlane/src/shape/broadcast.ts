/** NumPy/PyTorch broadcasting: align trailing dims; each pair must be equal or contain a 1. */
import { fmtShape, ShapeError } from '../errors.js';

/** Two sizes of one dim that do not broadcast: `dim` counts from the end (-1 is the last). */
export interface BroadcastConflict {
  readonly dim: number;
  readonly sizes: readonly [number, number];
}

/**
 * The shape every one of `shapes` broadcasts to, or a `ShapeError` whose message is
 * `describe(conflict)` for the first pair of sizes that disagree (earlier shapes first).
 * @example broadcastAll([[2, 1], [3], [1, 1, 1]], () => 'no') // → [1, 2, 3]
 */
export function broadcastAll(
  shapes: readonly (readonly number[])[],
  describe: (conflict: BroadcastConflict) => string,
): number[] {
  const n = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(n).fill(1);
  for (const s of shapes) {
    for (let i = 1; i <= s.length; i++) {
      const [have, d] = [out[n - i]!, s[s.length - i]!];
      if (have !== d && have !== 1 && d !== 1)
        throw new ShapeError(describe({ dim: -i, sizes: [have, d] }));
      if (have === 1) out[n - i] = d;
    }
  }
  return out;
}

/**
 * The broadcast shape of `a` and `b`, or a `ShapeError` naming the op, both shapes and the
 * first incompatible dim (counted from the end, as the rule is applied).
 * @example broadcastShapes('add', [3, 1], [4]) // → [3, 4]
 */
export function broadcastShapes(op: string, a: readonly number[], b: readonly number[]): number[] {
  return broadcastAll(
    [a, b],
    ({ dim, sizes }) =>
      `${op}: ${fmtShape(a)} and ${fmtShape(b)}: shapes cannot broadcast (dim ${dim}: ${sizes[0]} vs ${sizes[1]})`,
  );
}

/**
 * Strides that make a view of `shape`/`strides` read as `target` (which `shape` must
 * broadcast to): new leading dims and stretched size-1 dims get stride 0.
 */
export function broadcastStrides(
  shape: readonly number[],
  strides: readonly number[],
  target: readonly number[],
): number[] {
  const out = new Array<number>(target.length).fill(0);
  const lead = target.length - shape.length;
  for (let d = 0; d < shape.length; d++) {
    out[lead + d] = shape[d] === 1 && target[lead + d] !== 1 ? 0 : strides[d]!;
  }
  return out;
}
