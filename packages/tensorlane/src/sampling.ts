/**
 * Sampling on the seeded generator (`random.ts`): `multinomial`, `bernoulli`, `randperm`.
 * Every draw happens in JS from the one xoshiro128** stream, so a seed gives the same
 * samples in every runtime and on both backends. The streams, for reimplementation:
 *  - `bernoulli`: per element in row-major order, u = a `rand` draw of the probabilities'
 *    dtype (24 bits for float32, 53 for float64); the sample is 1 when u < p.
 *  - `randperm(n)`: Fisher–Yates from the top, position i ← `uniformBelow(i + 1)` for
 *    i = n − 1 … 1, starting from 0, 1, …, n − 1.
 *  - `multinomial` with replacement: per row, per sample, u = U53 · Σw and the first index
 *    whose running sum exceeds u. Without replacement: per row, per category j (all of
 *    them, in order), E_j = −ln(1 − U53); the samples are the categories with w_j > 0 in
 *    decreasing order of w_j / E_j (the exponential race, which gives the distribution of
 *    drawing one at a time and renormalising), ties kept in index order.
 * Torch's own streams differ, so samples match torch in distribution, not value by value.
 */
import {
  expectBoolean,
  expectDtype,
  expectInt,
  expectOptions,
  expectTensor,
} from './argument-checks.js';
import { fromFlat } from './creation.js';
import { type DType, isFloat } from './dtype.js';
import { ArgumentError, DtypeError, fmtShape, ShapeError } from './errors.js';
import { uniform24, uniform53, uniformBelow } from './random.js';
import type { Tensor } from './tensor.js';

/**
 * `numSamples` category indices per row of `probs` (1-D `[C]` or 2-D `[R, C]` of
 * non-negative weights, normalised or not), as `torch.multinomial`; int32 indices of shape
 * `[numSamples]` or `[R, numSamples]`. Without replacement a row needs at least
 * `numSamples` nonzero weights. A negative, non-finite or all-zero row is an `ArgumentError`.
 * @example manualSeed(0); multinomial(tensor([0, 0, 1], { dtype: 'float32' }), 2, true) // → tensor([2, 2], dtype=torch.int32)
 */
export function multinomial(probs: Tensor, numSamples: number, replacement = false): Tensor {
  const op = 'multinomial';
  expectTensor(op, 'input', probs).live(op);
  const k = expectInt(op, 'numSamples', numSamples, 1);
  expectBoolean(op, 'replacement', replacement);
  if (!isFloat(probs.dtype))
    throw new DtypeError(`${op}: probabilities must be float32 or float64, got ${probs.dtype}`);
  if (probs.ndim !== 1 && probs.ndim !== 2)
    throw new ShapeError(`${op}: probabilities must be 1-D or 2-D, got ${fmtShape(probs.shape)}`);
  const c = probs.shape[probs.ndim - 1]!;
  const rows = probs.ndim === 2 ? probs.shape[0]! : 1;
  const w = probs.data();
  // Every row is checked before anything is drawn, so a bad row consumes no randomness.
  for (let r = 0; r < rows; r++) {
    let total = 0;
    let nonzero = 0;
    for (let j = 0; j < c; j++) {
      const v = w[r * c + j]!;
      if (!Number.isFinite(v) || v < 0)
        throw new ArgumentError(
          `${op}: row ${r} holds ${v} at category ${j}; weights must be finite and ≥ 0`,
        );
      total += v;
      if (v > 0) nonzero++;
    }
    if (total <= 0)
      throw new ArgumentError(`${op}: row ${r} sums to ${total}; it needs a positive weight`);
    if (!replacement && k > nonzero)
      throw new ArgumentError(
        `${op}: cannot draw ${k} samples without replacement from row ${r}, which has ` +
          `${nonzero} nonzero weights`,
      );
  }
  const out = new Float64Array(rows * k);
  for (let r = 0; r < rows; r++) {
    const row = w.subarray(r * c, (r + 1) * c);
    const picks = replacement ? drawWithReplacement(row, k) : drawWithoutReplacement(row, k);
    out.set(picks, r * k);
  }
  return fromFlat(out, probs.ndim === 2 ? [rows, k] : [k], 'int32');
}

function drawWithReplacement(w: ArrayLike<number>, k: number): number[] {
  const cumulative = new Float64Array(w.length);
  let total = 0;
  for (let j = 0; j < w.length; j++) cumulative[j] = total += w[j]!;
  const picks: number[] = [];
  for (let s = 0; s < k; s++) {
    const u = uniform53() * total;
    // The first index whose running sum exceeds u: zero weights are never picked.
    let lo = 0;
    let hi = w.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid]! > u) hi = mid;
      else lo = mid + 1;
    }
    picks.push(lo);
  }
  return picks;
}

function drawWithoutReplacement(w: ArrayLike<number>, k: number): number[] {
  const keys: { j: number; key: number }[] = [];
  for (let j = 0; j < w.length; j++) {
    const e = -Math.log(1 - uniform53());
    if (w[j]! > 0) keys.push({ j, key: w[j]! / e });
  }
  keys.sort((a, b) => b.key - a.key || a.j - b.j);
  return keys.slice(0, k).map((x) => x.j);
}

/**
 * 0/1 samples with probability `probs` per element, as `torch.bernoulli`: same shape and
 * dtype as `probs` (float, every element in [0, 1]).
 * @example manualSeed(0); bernoulli(tensor([0, 1, 1], { dtype: 'float32' })) // → tensor([0., 1., 1.])
 */
export function bernoulli(probs: Tensor): Tensor {
  const op = 'bernoulli';
  expectTensor(op, 'input', probs).live(op);
  if (!isFloat(probs.dtype))
    throw new DtypeError(`${op}: probabilities must be float32 or float64, got ${probs.dtype}`);
  const p = probs.data();
  for (let i = 0; i < p.length; i++)
    if (!(p[i]! >= 0 && p[i]! <= 1))
      throw new ArgumentError(
        `${op}: probability ${p[i]} at flat index ${i} of ${fmtShape(probs.shape)} is outside [0, 1]`,
      );
  const draw = probs.dtype === 'float32' ? uniform24 : uniform53;
  const out = new Float64Array(p.length);
  for (let i = 0; i < p.length; i++) out[i] = draw() < p[i]! ? 1 : 0;
  return fromFlat(out, probs.shape, probs.dtype);
}

/**
 * A random permutation of `0 … n − 1`, as `torch.randperm` (int32 by default).
 * @example manualSeed(1); randperm(5).sum().item() // → 10
 */
export function randperm(n: number, options?: { dtype?: DType }): Tensor {
  const op = 'randperm';
  expectInt(op, 'n', n, 0, 2 ** 31 - 1);
  const dtype = expectDtype(op, expectOptions(op, options, ['dtype']).dtype ?? 'int32');
  if (dtype === 'bool') throw new DtypeError(`${op}: dtype bool cannot hold a permutation`);
  const perm = new Float64Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = uniformBelow(i + 1);
    const t = perm[i]!;
    perm[i] = perm[j]!;
    perm[j] = t;
  }
  return fromFlat(perm, [n], dtype);
}
