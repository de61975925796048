/**
 * Deep equality for tests, with the reason when values differ. Numeric containers
 * (tensors, typed arrays, nested arrays) must have the same shape — no broadcasting and
 * no truncation, unlike fastcore's `test_eq` — and equal elements, where NaN equals NaN
 * and 0 equals -0 (as numpy.testing.assert_array_equal). Dtypes are not compared.
 */
import { fmtShape } from '../errors.js';
import { type Dense, sameShape, toDense, unravel } from './dense.js';
import { isTensorLike, isTypedArray } from './tensor-like.js';

function sameNumber(a: number, b: number): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

/** |a − b|, counting a NaN or infinity mismatch as infinitely far. */
function distance(a: number, b: number): number {
  const d = Math.abs(a - b);
  return Number.isNaN(d) ? Infinity : d;
}

function denseMismatch(a: Dense, b: Dense): string | undefined {
  if (!sameShape(a.shape, b.shape))
    return `shapes differ: ${fmtShape(a.shape)} vs ${fmtShape(b.shape)}`;
  let count = 0;
  let worst = -1;
  let worstDistance = -1;
  for (let i = 0; i < a.values.length; i++) {
    const x = a.values[i]!;
    const y = b.values[i]!;
    if (sameNumber(x, y)) continue;
    count++;
    const d = distance(x, y);
    if (d > worstDistance) {
      worstDistance = d;
      worst = i;
    }
  }
  if (count === 0) return undefined;
  const x = a.values[worst]!;
  const y = b.values[worst]!;
  return (
    `${count} of ${a.values.length} elements differ; worst at ${fmtShape(unravel(worst, a.shape))}: ` +
    `${x} vs ${y} (|a − b| = ${Math.abs(x - y)})`
  );
}

function isNumericContainer(x: unknown): boolean {
  return isTensorLike(x) || isTypedArray(x);
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/**
 * Why `a` and `b` are not equal, or `undefined` when they are.
 * @example mismatch([1, 2], [1, 3]) // → 'at [1]: 2 vs 3'
 */
export function mismatch(a: unknown, b: unknown, path = ''): string | undefined {
  const where = path === '' ? '' : `at ${path}: `;
  if (isNumericContainer(a) || isNumericContainer(b)) {
    const da = toDense(a);
    const db = toDense(b);
    if (da === undefined || db === undefined)
      return `${where}${da === undefined ? 'left' : 'right'} side is not numeric or is ragged`;
    const why = denseMismatch(da, db);
    return why === undefined ? undefined : where + why;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${where}lengths differ: ${a.length} vs ${b.length}`;
    for (let i = 0; i < a.length; i++) {
      const why = mismatch(a[i], b[i], `${path}[${i}]`);
      if (why !== undefined) return why;
    }
    return undefined;
  }
  if (typeof a === 'number' && typeof b === 'number')
    return sameNumber(a, b) ? undefined : `${where}${a} vs ${b}`;
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    if (ka.join('\u0000') !== kb.join('\u0000'))
      return `${where}keys differ: {${ka.join(', ')}} vs {${kb.join(', ')}}`;
    for (const k of ka) {
      const why = mismatch(a[k], b[k], `${path}.${k}`);
      if (why !== undefined) return why;
    }
    return undefined;
  }
  if (a === b) return undefined;
  const ta = Array.isArray(a) ? 'array' : typeof a;
  const tb = Array.isArray(b) ? 'array' : typeof b;
  return ta === tb ? `${where}values differ` : `${where}types differ: ${ta} vs ${tb}`;
}

/**
 * Deep equality as `testEq` checks it (see the module comment).
 * @example
 * equals(tensor([[1, 2]]), [[1, 2]]) // → true
 * equals([1, 1], 1) // → false
 */
export function equals(a: unknown, b: unknown): boolean {
  return mismatch(a, b) === undefined;
}
