/**
 * Numbers, booleans, typed arrays, (nested) arrays and tensors as one dense form: a shape
 * and its elements in row-major order. Comparisons of numeric values go through it, so a
 * tensor compares with a nested array of the same shape, and shapes are never broadcast.
 */
import { isTensorLike, isTypedArray } from './tensor-like.js';

export interface Dense {
  readonly shape: readonly number[];
  readonly values: ArrayLike<number>;
}

/**
 * The dense form of `x`, or `undefined` when `x` is not numeric or is ragged.
 * Booleans become 1/0, as bool tensors store them.
 * @example toDense([[1, 2], [3, 4]]) // → {shape: [2, 2], values: [1, 2, 3, 4]}
 */
export function toDense(x: unknown): Dense | undefined {
  if (typeof x === 'number') return { shape: [], values: [x] };
  if (typeof x === 'boolean') return { shape: [], values: [x ? 1 : 0] };
  if (isTensorLike(x)) return { shape: x.shape.slice(), values: x.data() };
  if (isTypedArray(x)) {
    if (typeof (x as unknown as ArrayLike<unknown>)[0] === 'bigint') return undefined;
    return { shape: [x.length], values: x };
  }
  if (!Array.isArray(x)) return undefined;
  if (x.length === 0) return { shape: [0], values: [] };
  const parts: Dense[] = [];
  for (const item of x) {
    const d = toDense(item);
    if (d === undefined) return undefined;
    parts.push(d);
  }
  const inner = parts[0]!.shape;
  if (!parts.every((p) => sameShape(p.shape, inner))) return undefined;
  const values: number[] = [];
  for (const p of parts) for (let i = 0; i < p.values.length; i++) values.push(p.values[i]!);
  return { shape: [x.length, ...inner], values };
}

/** True if both shapes have the same dims. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}

/** The multi-index of row-major position `flat` in `shape`. @example unravel(5, [2, 3]) // → [1, 2] */
export function unravel(flat: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    const n = shape[d]!;
    idx[d] = flat % n;
    flat = Math.floor(flat / n);
  }
  return idx;
}
