/** NumPy/PyTorch broadcasting: align trailing dims; each pair must be equal or contain a 1. */
import { fmtShape, ShapeError } from '../errors.js';

/**
 * The broadcast shape of `a` and `b`, or a `ShapeError` naming the op, both shapes and the
 * first incompatible dim (counted from the end, as the rule is applied).
 * @example broadcastShapes('add', [3, 1], [4]) // → [3, 4]
 */
export function broadcastShapes(op: string, a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 1; i <= n; i++) {
    const da = i <= a.length ? a[a.length - i]! : 1;
    const db = i <= b.length ? b[b.length - i]! : 1;
    if (da !== db && da !== 1 && db !== 1)
      throw new ShapeError(
        `${op}: ${fmtShape(a)} and ${fmtShape(b)}: shapes cannot broadcast (dim -${i}: ${da} vs ${db})`,
      );
    out[n - i] = da === 1 ? db : da;
  }
  return out;
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
