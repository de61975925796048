/**
 * Scalar definitions of every elementwise op, per dtype family. They are the semantic
 * reference: the js kernels apply them directly and the wasm kernels are tested against them.
 * Results are plain numbers; storing into the output typed array rounds (float32) or wraps
 * (int32) exactly as the dtype requires.
 */
import type { DType } from '../../dtype.js';
import type { BinaryOp, UnaryOp } from '../backend.js';
import { erf64, gelu64, geluTanh64, silu64, softplus64 } from './special-functions.js';

export type BinaryFn = (x: number, y: number) => number | boolean;
export type UnaryFn = (x: number, lo: number, hi: number) => number;

const comparisons = {
  eq: (x: number, y: number) => x === y,
  ne: (x: number, y: number) => x !== y,
  lt: (x: number, y: number) => x < y,
  le: (x: number, y: number) => x <= y,
  gt: (x: number, y: number) => x > y,
  ge: (x: number, y: number) => x >= y,
};

/**
 * C's pow, which torch.pow follows: JS `**` except that 1 to any power (NaN included) and
 * -1 to ±Infinity are 1, where `**` gives NaN.
 */
function cPow(x: number, y: number): number {
  return x === 1 || (x === -1 && Math.abs(y) === Infinity) ? 1 : x ** y;
}

// Math.max/min propagate NaN, as torch.maximum/minimum do.
const floatBinary: Record<BinaryOp, BinaryFn> = {
  add: (x, y) => x + y,
  sub: (x, y) => x - y,
  mul: (x, y) => x * y,
  div: (x, y) => x / y,
  pow: cPow,
  maximum: Math.max,
  minimum: Math.min,
  ...comparisons,
};

const intBinary: Record<BinaryOp, BinaryFn> = {
  ...floatBinary,
  // imul: the double product of two int32s can exceed 2^53 and lose the low bits.
  mul: Math.imul,
  // Only reached by integer division proper; `div` on tensors promotes ints to float.
  div: (x, y) => (y === 0 ? 0 : Math.trunc(x / y)),
  pow: (x, y) => intPow(x, y),
};

// Bools are 0/1 bytes: arithmetic must stay in {0, 1} (torch: True + True == True).
const boolBinary: Record<BinaryOp, BinaryFn> = {
  ...floatBinary,
  add: (x, y) => x | y,
  sub: (x, y) => x ^ y,
  mul: (x, y) => x & y,
  div: (x, y) => x & y,
  pow: (x, y) => x | (y ^ 1),
  maximum: (x, y) => x | y,
  minimum: (x, y) => x & y,
};

/** x**y for int32 by squaring with wrapping multiplies (y < 0 gives 0 unless |x| is 1). */
function intPow(x: number, y: number): number {
  if (y < 0) return x === 1 ? 1 : x === -1 ? (y & 1 ? -1 : 1) : 0;
  let result = 1;
  let base = x;
  while (y > 0) {
    if (y & 1) result = Math.imul(result, base);
    base = Math.imul(base, base);
    y >>>= 1;
  }
  return result;
}

/** Round half to even, as torch.round (not Math.round, which rounds half up). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

const unaryFns: Record<UnaryOp, UnaryFn> = {
  neg: (x) => -x,
  abs: Math.abs,
  sqrt: Math.sqrt,
  exp: Math.exp,
  log: Math.log,
  sin: Math.sin,
  cos: Math.cos,
  tanh: Math.tanh,
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  relu: (x) => (x > 0 ? x : x === 0 || x < 0 ? 0 : x),
  square: (x) => x * x,
  reciprocal: (x) => 1 / x,
  floor: Math.floor,
  ceil: Math.ceil,
  round: roundHalfEven,
  clamp: (x, lo, hi) => Math.min(Math.max(x, lo), hi),
  erf: erf64,
  gelu: gelu64,
  geluTanh: geluTanh64,
  silu: silu64,
  // NaN and ±0 give +0, as torch.sign.
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : 0),
  // `lo` is the negative slope.
  leakyRelu: (x, lo) => (x > 0 ? x : x * lo),
  // `lo`, `hi` are beta and threshold.
  softplus: softplus64,
  log1p: Math.log1p,
  expm1: Math.expm1,
};

const intUnary: Record<UnaryOp, UnaryFn> = {
  ...unaryFns,
  square: (x) => Math.imul(x, x),
};

/** The scalar function of a binary op on operands of `dtype`. */
export function binaryFn(op: BinaryOp, dtype: DType): BinaryFn {
  if (dtype === 'bool') return boolBinary[op];
  return dtype === 'int32' ? intBinary[op] : floatBinary[op];
}

/** The scalar function of a unary op on operands of `dtype`. */
export function unaryFn(op: UnaryOp, dtype: DType): UnaryFn {
  return dtype === 'int32' ? intUnary[op] : unaryFns[op];
}
