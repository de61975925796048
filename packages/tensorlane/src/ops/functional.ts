/**
 * The free-function forms of the tensor methods, as `torch.add(a, b)`: either operand of a
 * binary op may be a JS number (`add(2, t)`), with the same broadcasting and promotion.
 */
import type { Tensor } from '../tensor.js';
import { binaryOp, type ClampBound, clampOp, unaryOp } from './elementwise.js';
import type { Operand } from './operands.js';
import * as red from './reduce.js';

/** @example add(tensor([1, 2]), 10) // → tensor([11, 12], dtype=torch.int32) */
export const add = (a: Operand, b: Operand): Tensor => binaryOp('add', a, b);
export const sub = (a: Operand, b: Operand): Tensor => binaryOp('sub', a, b);
export const mul = (a: Operand, b: Operand): Tensor => binaryOp('mul', a, b);
/** True division (ints give float32). */
export const div = (a: Operand, b: Operand): Tensor => binaryOp('div', a, b);
export const pow = (a: Operand, b: Operand): Tensor => binaryOp('pow', a, b);
export const maximum = (a: Operand, b: Operand): Tensor => binaryOp('maximum', a, b);
export const minimum = (a: Operand, b: Operand): Tensor => binaryOp('minimum', a, b);
export const eq = (a: Operand, b: Operand): Tensor => binaryOp('eq', a, b);
export const ne = (a: Operand, b: Operand): Tensor => binaryOp('ne', a, b);
export const lt = (a: Operand, b: Operand): Tensor => binaryOp('lt', a, b);
export const le = (a: Operand, b: Operand): Tensor => binaryOp('le', a, b);
export const gt = (a: Operand, b: Operand): Tensor => binaryOp('gt', a, b);
export const ge = (a: Operand, b: Operand): Tensor => binaryOp('ge', a, b);

export const neg = (t: Tensor): Tensor => unaryOp('neg', t);
export const abs = (t: Tensor): Tensor => unaryOp('abs', t);
export const sqrt = (t: Tensor): Tensor => unaryOp('sqrt', t);
export const exp = (t: Tensor): Tensor => unaryOp('exp', t);
export const log = (t: Tensor): Tensor => unaryOp('log', t);
export const sin = (t: Tensor): Tensor => unaryOp('sin', t);
export const cos = (t: Tensor): Tensor => unaryOp('cos', t);
export const tanh = (t: Tensor): Tensor => unaryOp('tanh', t);
export const sigmoid = (t: Tensor): Tensor => unaryOp('sigmoid', t);
export const relu = (t: Tensor): Tensor => unaryOp('relu', t);
export const square = (t: Tensor): Tensor => unaryOp('square', t);
export const reciprocal = (t: Tensor): Tensor => unaryOp('reciprocal', t);
export const floor = (t: Tensor): Tensor => unaryOp('floor', t);
export const ceil = (t: Tensor): Tensor => unaryOp('ceil', t);
/** Rounds half to even. */
export const round = (t: Tensor): Tensor => unaryOp('round', t);
export const clamp = (t: Tensor, min?: ClampBound, max?: ClampBound): Tensor =>
  clampOp(t, min, max);
export const clampMin = (t: Tensor, min: Operand): Tensor => clampOp(t, min, null);
export const clampMax = (t: Tensor, max: Operand): Tensor => clampOp(t, null, max);

/** @example sum(m, 0) */
export const sum = (t: Tensor, dim?: red.Dims, keepdim = false): Tensor => red.sum(t, dim, keepdim);
export const mean = (t: Tensor, dim?: red.Dims, keepdim = false): Tensor =>
  red.mean(t, dim, keepdim);
export const prod = (t: Tensor, dim?: red.Dims, keepdim = false): Tensor =>
  red.prod(t, dim, keepdim);
export const all = (t: Tensor, dim?: red.Dims, keepdim = false): Tensor => red.all(t, dim, keepdim);
export const any = (t: Tensor, dim?: red.Dims, keepdim = false): Tensor => red.any(t, dim, keepdim);
export const amax = (t: Tensor, dim?: red.Dims, keepdim = false): Tensor =>
  red.extreme('max', t, dim, keepdim);
export const amin = (t: Tensor, dim?: red.Dims, keepdim = false): Tensor =>
  red.extreme('min', t, dim, keepdim);
export const argmax = (t: Tensor, dim?: number | null, keepdim = false): Tensor =>
  red.argExtreme('argmax', t, dim, keepdim);
export const argmin = (t: Tensor, dim?: number | null, keepdim = false): Tensor =>
  red.argExtreme('argmin', t, dim, keepdim);
export const norm = (
  t: Tensor,
  p: 'fro' | number = 'fro',
  dim?: red.Dims,
  keepdim = false,
): Tensor => red.norm(t, p, dim, keepdim);
export const logsumexp = (t: Tensor, dim: red.Dims, keepdim = false): Tensor =>
  red.logsumexp(t, dim, keepdim);
