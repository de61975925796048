/** The op numbers the kernel ABI takes; they mirror the enums in crates/kernels/src. */
import type { BinaryOp, ReduceOp, UnaryOp } from './backend.js';

/** `binary::ArithOp`. */
export const ARITH_CODE: Partial<Record<BinaryOp, number>> = {
  add: 0,
  sub: 1,
  mul: 2,
  div: 3,
  pow: 4,
  maximum: 5,
  minimum: 6,
};

/** `binary::CmpOp`. */
export const COMPARE_CODE: Partial<Record<BinaryOp, number>> = {
  eq: 0,
  ne: 1,
  lt: 2,
  le: 3,
  gt: 4,
  ge: 5,
};

/** `unary::UnaryOp`. */
export const UNARY_CODE: Record<UnaryOp, number> = {
  neg: 0,
  abs: 1,
  sqrt: 2,
  exp: 3,
  log: 4,
  sin: 5,
  cos: 6,
  tanh: 7,
  sigmoid: 8,
  relu: 9,
  square: 10,
  reciprocal: 11,
  floor: 12,
  ceil: 13,
  round: 14,
  clamp: 15,
};

/** `reduce::ReduceOp` (float32 only; all/any and other dtypes use the js kernels). */
export const REDUCE_CODE: Partial<Record<ReduceOp, number>> = {
  sum: 0,
  prod: 1,
  max: 2,
  min: 3,
  argmax: 4,
  argmin: 5,
};

/** `copy::Kind`: how each dtype's elements are stored. */
export const KIND_CODE = { float32: 0, float64: 1, int32: 2, bool: 3 } as const;
