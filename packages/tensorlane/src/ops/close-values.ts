/**
 * The closeness rule shared by `isclose`/`allclose` and `tensorlane/testing`'s `near`:
 * numpy's `|a − b| ≤ atol + rtol·|b|`, asymmetric in `b` (the reference value).
 */
import { describeValue } from '../argument-checks.js';
import { ArgumentError } from '../errors.js';

/** Tolerances for closeness checks. */
export interface CloseOptions {
  /** Relative tolerance, scaled by `|b|`. */
  readonly rtol?: number;
  /** Absolute tolerance. */
  readonly atol?: number;
  /** Count NaN as close to NaN (never to a number). Default false. */
  readonly equalNan?: boolean;
}

/**
 * Whether `a` is within `atol + rtol·|b|` of `b`. Equal values are always close, so
 * `Infinity` is close to `Infinity` of the same sign only; any other non-finite pair is
 * not (numpy guards the formula the same way: `|x − ∞| ≤ rtol·∞` would otherwise pass).
 * @example closeValues(1.0005, 1, 1e-3, 1e-5, false) // → true
 */
export function closeValues(
  a: number,
  b: number,
  rtol: number,
  atol: number,
  equalNan: boolean,
): boolean {
  if (a === b) return true;
  if (Number.isFinite(a) && Number.isFinite(b)) return Math.abs(a - b) <= atol + rtol * Math.abs(b);
  return equalNan && Number.isNaN(a) && Number.isNaN(b);
}

/** Throws a `RangeError` naming `op` when a tolerance is negative or NaN, as torch does. */
export function checkTolerances(op: string, rtol: number, atol: number): void {
  if (typeof rtol !== 'number' || !(rtol >= 0))
    throw new ArgumentError(`${op}: rtol must be a number ≥ 0, got ${describeValue(rtol)}`);
  if (typeof atol !== 'number' || !(atol >= 0))
    throw new ArgumentError(`${op}: atol must be a number ≥ 0, got ${describeValue(atol)}`);
}
