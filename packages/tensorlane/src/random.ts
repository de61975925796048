/**
 * Seeded random tensors that give identical numbers in every runtime and on both backends.
 *
 * Generator: xoshiro128** (Blackman & Vigna) over four 32-bit words, using only 32-bit
 * integer math (`Math.imul`, shifts), so results never depend on the engine. Seeding
 * (`manualSeed(seed)`, 0 ≤ seed < 2^53): splitmix32 is started at `seed mod 2^32` and its
 * next four outputs fill the state; then `state[0] ^= floor(seed / 2^32)`. The default seed
 * is torch's, 67280421310721. Derived streams:
 *  - `rand` float32: `(next() >>> 8) · 2^-24`; float64: 53 bits `((a >>> 5) · 2^26 + (b >>> 6)) · 2^-53`.
 *  - `randn`: Box–Muller in float64 on pairs: u1 = 1 − U53, u2 = U53,
 *    r = sqrt(−2 ln u1), values r·cos(2πu2) then r·sin(2πu2) (an odd count drops the last),
 *    then rounded to the dtype.
 *  - `randint(low, high)`: draw x = next() until x < 2^32 − (2^32 mod n), return low + x mod n
 *    (n = high − low), which is unbiased.
 *  - `sampling.ts` (multinomial, bernoulli, randperm, dropout's mask) draws from the same
 *    stream with the rules written there.
 * `test/fixtures/gen_random.py` reimplements this independently for the tests.
 */

import {
  describeValue,
  expectDtype,
  expectInt,
  expectOptionalDtype,
  expectOptions,
} from './argument-checks.js';
import {
  type CreationOptions,
  filledTensor,
  requiringGrad,
  type ShapeAndOptions,
  shapeAndOptions,
} from './creation.js';
import type { DType } from './dtype.js';
import { ArgumentError, DtypeError } from './errors.js';
import { numelOf } from './shape/strides.js';
import { parseShape } from './shape/views.js';
import type { Tensor } from './tensor.js';

/** torch's default seed, which the generator starts from (`torch.initial_seed()` in a fresh process). */
export const DEFAULT_SEED = 67280421310721;
const state = new Uint32Array(4);
let initialSeed = DEFAULT_SEED;

function splitmix32(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * Seeds the global generator (an integer in [0, 2^53)).
 * @example manualSeed(42); const a = randn(3); manualSeed(42); testEq(randn(3), a)
 */
export function manualSeed(seed: number): void {
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new ArgumentError(`manualSeed: seed must be an integer in [0, 2^53), got ${seed}`);
  initialSeed = seed;
  const next = splitmix32(seed % 2 ** 32);
  for (let i = 0; i < 4; i++) state[i] = next();
  state[0] = (state[0]! ^ Math.floor(seed / 2 ** 32)) >>> 0;
}

/** The seed the generator was last seeded with. */
export function initialSeedValue(): number {
  return initialSeed;
}

manualSeed(DEFAULT_SEED);

/** The next 32-bit output of xoshiro128** (an unsigned integer). */
export function nextUint32(): number {
  const s0 = state[0]!;
  const s1 = state[1]!;
  const s2 = state[2]!;
  const s3 = state[3]!;
  const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
  const t = (s1 << 9) >>> 0;
  const n2 = (s2 ^ s0) >>> 0;
  const n3 = (s3 ^ s1) >>> 0;
  state[1] = s1 ^ n2;
  state[0] = s0 ^ n3;
  state[2] = n2 ^ t;
  state[3] = rotl(n3, 11);
  return r;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** A uniform double in [0, 1) from two outputs (53 bits). */
export function uniform53(): number {
  const a = nextUint32() >>> 5;
  const b = nextUint32() >>> 6;
  return (a * 67108864 + b) / 9007199254740992;
}

/** A uniform float32 in [0, 1) from one output (24 bits): `rand`'s float32 draw. */
export function uniform24(): number {
  return (nextUint32() >>> 8) * 2 ** -24;
}

/**
 * An unbiased integer in [0, range) for 1 ≤ range ≤ 2^32: draws until below the largest
 * multiple of `range`, then takes the remainder.
 */
export function uniformBelow(range: number): number {
  const limit = 2 ** 32 - (2 ** 32 % range);
  let x = nextUint32();
  while (x >= limit) x = nextUint32();
  return x % range;
}

function floatDtype(op: string, dtype: DType | undefined): DType {
  const d = expectOptionalDtype(op, dtype) ?? 'float32';
  if (d !== 'float32' && d !== 'float64')
    throw new DtypeError(`${op}: dtype must be float32 or float64, got ${d}`);
  return d;
}

/**
 * Uniform samples in [0, 1). @example manualSeed(0); rand(2, 3)
 */
export function rand(...args: ShapeAndOptions): Tensor {
  const { shape, options } = shapeAndOptions('rand', args);
  const dtype = floatDtype('rand', options.dtype);
  return requiringGrad(
    filledTensor(shape, dtype, (values) => fillUniform(values, numelOf(shape), dtype, 0, 1)),
    options,
  );
}

/** `n` draws of `low + (high − low)·u` into `values`, u from `rand`'s stream for `dtype`. */
export function fillUniform(
  values: { [i: number]: number },
  n: number,
  dtype: DType,
  low: number,
  high: number,
): void {
  const draw = dtype === 'float32' ? uniform24 : uniform53;
  for (let i = 0; i < n; i++) values[i] = low + (high - low) * draw();
}

/** `n` draws of `mean + std·z` into `values`, z from `randn`'s Box–Muller pairs. */
export function fillNormal(
  values: { [i: number]: number },
  n: number,
  mean: number,
  std: number,
): void {
  for (let i = 0; i < n; i += 2) {
    const u1 = 1 - uniform53();
    const u2 = uniform53();
    const r = Math.sqrt(-2 * Math.log(u1));
    values[i] = mean + std * (r * Math.cos(2 * Math.PI * u2));
    if (i + 1 < n) values[i + 1] = mean + std * (r * Math.sin(2 * Math.PI * u2));
  }
}

/**
 * Standard normal samples (Box–Muller). @example manualSeed(0); randn(784, 10)
 */
export function randn(...args: ShapeAndOptions): Tensor {
  const { shape, options } = shapeAndOptions('randn', args);
  const dtype = floatDtype('randn', options.dtype);
  return requiringGrad(
    filledTensor(shape, dtype, (values) => fillNormal(values, numelOf(shape), 0, 1)),
    options,
  );
}

/**
 * Uniform integers in [low, high), as `torch.randint`: `randint(high, size)` or
 * `randint(low, high, size)`, with an optional `{ dtype }` (default int32; a float dtype
 * holds the same integers). The range may span at most 2^32 values.
 * @example randint(0, 10, [2, 3]).dtype // → 'int32'
 */
export function randint(
  lowOrHigh: number,
  highOrSize: number | readonly number[],
  sizeOrOptions?: readonly number[] | CreationOptions,
  options?: CreationOptions,
): Tensor {
  const op = 'randint';
  let low = 0;
  let high: number;
  let size: unknown;
  let opts: unknown = options;
  if (Array.isArray(highOrSize)) {
    high = expectInt(op, 'high', lowOrHigh);
    size = highOrSize;
    if (options !== undefined)
      throw new ArgumentError(`${op}: randint(high, size, options) takes 3 arguments, got 4`);
    opts = sizeOrOptions;
  } else {
    low = expectInt(op, 'low', lowOrHigh);
    high = expectInt(op, 'high', highOrSize);
    size = sizeOrOptions;
  }
  if (!Array.isArray(size))
    throw new ArgumentError(`${op}: size must be an array of sizes, got ${describeValue(size)}`);
  const shape = parseShape(op, [size]);
  const dtype = expectDtype(
    op,
    expectOptions(op, opts as CreationOptions, ['dtype']).dtype ?? 'int32',
  );
  if (dtype === 'bool') throw new DtypeError(`${op}: dtype bool cannot hold integers`);
  const range = high - low;
  if (range <= 0 || range > 2 ** 32)
    throw new ArgumentError(
      `${op}: low ${low} must be less than high ${high}, spanning at most 2^32 values`,
    );
  if (dtype === 'int32' && (low < -(2 ** 31) || high - 1 > 2 ** 31 - 1))
    throw new DtypeError(`${op}: [${low}, ${high}) does not fit int32; pass { dtype: 'float64' }`);
  const n = numelOf(shape);
  // Allocated before drawing: a shape too large to hold fails before the generator moves.
  return filledTensor(shape, dtype, (values) => {
    for (let i = 0; i < n; i++) values[i] = low + uniformBelow(range);
  });
}
