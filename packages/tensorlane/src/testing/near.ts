/**
 * `near`: the lesson's `torch.allclose(a, b, rtol=1e-3, atol=1e-5)` for tests, on
 * numbers, arrays, typed arrays and tensors. Unlike `allclose` it never broadcasts: the
 * shapes must match, so a wrong-shaped result cannot pass by accident.
 */

import { fmtShape } from '../errors.js';
import { type CloseOptions, checkTolerances, closeValues } from '../ops/close-values.js';
import { sameShape, toDense, unravel } from './dense.js';

/** The lesson's tolerances: looser than numpy's defaults, fit for float32 results. */
export const NEAR_DEFAULTS = { rtol: 1e-3, atol: 1e-5 } as const;

/**
 * Why `a` is not near `b`, or `undefined` when every element is. The worst element is
 * the one furthest past its allowed difference (a NaN or infinity mismatch first).
 */
export function nearMismatch(a: unknown, b: unknown, opts: CloseOptions = {}): string | undefined {
  const rtol = opts.rtol ?? NEAR_DEFAULTS.rtol;
  const atol = opts.atol ?? NEAR_DEFAULTS.atol;
  const equalNan = opts.equalNan ?? false;
  checkTolerances('near', rtol, atol);
  const da = toDense(a);
  const db = toDense(b);
  if (da === undefined || db === undefined)
    return `${da === undefined ? 'left' : 'right'} side is not numeric or is ragged`;
  if (!sameShape(da.shape, db.shape))
    return `shapes differ: ${fmtShape(da.shape)} vs ${fmtShape(db.shape)}`;
  let count = 0;
  let worst = -1;
  let worstExcess = -1;
  for (let i = 0; i < da.values.length; i++) {
    const x = da.values[i]!;
    const y = db.values[i]!;
    if (closeValues(x, y, rtol, atol, equalNan)) continue;
    count++;
    const allowed = atol + rtol * Math.abs(y);
    const excess = Number.isFinite(x) && Number.isFinite(y) ? Math.abs(x - y) / allowed : Infinity;
    if (excess > worstExcess) {
      worstExcess = excess;
      worst = i;
    }
  }
  if (count === 0) return undefined;
  const x = da.values[worst]!;
  const y = db.values[worst]!;
  const why =
    Number.isFinite(x) && Number.isFinite(y)
      ? `|a − b| = ${Math.abs(x - y)}, allowed ${atol + rtol * Math.abs(y)}`
      : Number.isNaN(x) || Number.isNaN(y)
        ? 'NaN is never near'
        : 'an infinity is near only the same infinity';
  return (
    `${count} of ${da.values.length} elements not near; worst at ${fmtShape(unravel(worst, da.shape))}: ` +
    `${x} vs ${y} (${why})`
  );
}

/**
 * True when `a` and `b` have the same shape and every element satisfies
 * `|a − b| ≤ atol + rtol·|b|` (defaults rtol 1e-3, atol 1e-5). NaN is never near a number.
 * @example near(tensor([1.0001, 2]), [1, 2]) // → true
 */
export function near(a: unknown, b: unknown, opts: CloseOptions = {}): boolean {
  return nearMismatch(a, b, opts) === undefined;
}
