/**
 * Monomorphic inner loops for the hot binary ops of the js kernels. A loop that calls an op
 * through a function value is megamorphic across ops and runs several times slower; these
 * spell each op out. Semantics equal `element-ops.ts` (the generic path handles the rest:
 * bool operands, int32 mul/div/pow, pow).
 */
import type { TypedArray } from '../../dtype.js';
import type { BinaryOp } from '../backend.js';

type Out = { [i: number]: number | boolean };

/**
 * Runs one row of `op` if it has a dedicated loop and returns true; false means "use the
 * generic path". `p`, `q`, `r` are the first offsets, `ia`, `ib`, `io` the strides.
 */
export function binaryRow(
  op: BinaryOp,
  x: TypedArray,
  y: TypedArray,
  o: Out,
  p: number,
  q: number,
  r: number,
  n: number,
  ia: number,
  ib: number,
  io: number,
): boolean {
  // A counter, not an end offset: rank-0 rows have n = 1 with all strides 0.
  switch (op) {
    case 'add':
      for (let i = 0; i < n; i++, p += ia, q += ib, r += io) o[r] = x[p]! + y[q]!;
      return true;
    case 'sub':
      for (let i = 0; i < n; i++, p += ia, q += ib, r += io) o[r] = x[p]! - y[q]!;
      return true;
    case 'mul':
      for (let i = 0; i < n; i++, p += ia, q += ib, r += io) o[r] = x[p]! * y[q]!;
      return true;
    case 'div':
      for (let i = 0; i < n; i++, p += ia, q += ib, r += io) o[r] = x[p]! / y[q]!;
      return true;
    case 'eq':
      for (let i = 0; i < n; i++, p += ia, q += ib, r += io) o[r] = x[p]! === y[q]!;
      return true;
    case 'ne':
      for (let i = 0; i < n; i++, p += ia, q += ib, r += io) o[r] = x[p]! !== y[q]!;
      return true;
    case 'lt':
      for (let i = 0; i < n; i++, p += ia, q += ib, r += io) o[r] = x[p]! < y[q]!;
      return true;
    case 'le':
      for (let i = 0; i < n; i++, p += ia, q += ib, r += io) o[r] = x[p]! <= y[q]!;
      return true;
    case 'gt':
      for (let i = 0; i < n; i++, p += ia, q += ib, r += io) o[r] = x[p]! > y[q]!;
      return true;
    case 'ge':
      for (let i = 0; i < n; i++, p += ia, q += ib, r += io) o[r] = x[p]! >= y[q]!;
      return true;
    default:
      return false;
  }
}
