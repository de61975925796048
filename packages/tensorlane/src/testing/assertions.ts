/**
 * The lesson's test helpers (`test`, `test_eq`, `test_near` from fastai's 01_matmul,
 * fastcore's `test_ne`), throwing `TestFailure` with both sides printed.
 */
import { ArgumentError } from '../errors.js';
import type { CloseOptions } from '../ops/close-values.js';
import { mismatch } from './equals.js';
import { NEAR_DEFAULTS, nearMismatch } from './near.js';
import { show } from './show.js';
import { TestFailure } from './test-failure.js';

function fail(cname: string, a: unknown, b: unknown, detail?: string): never {
  const why = detail === undefined ? '' : `\n${detail}`;
  throw new TestFailure(cname, `${cname}:\n${show(a)}\n${show(b)}${why}`);
}

/**
 * Passes when `cmp(a, b)` is truthy; otherwise throws `TestFailure` printing `cname`
 * (default: the function's name) and both values.
 * @example test(3, 4, (a, b) => a < b, '<')
 */
export function test<A, B>(a: A, b: B, cmp: (a: A, b: B) => unknown, cname?: string): void {
  if (!cmp(a, b)) fail(cname ?? (cmp.name || 'cmp'), a, b);
}

/**
 * Passes when `a` equals `b`: deep equality over numbers, strings, arrays, plain objects,
 * typed arrays and tensors; numeric containers must match in shape (see `equals`).
 * @example testEq(tensor([[1, 2]]), [[1, 2]])
 */
export function testEq(a: unknown, b: unknown): void {
  const why = mismatch(a, b);
  if (why !== undefined) fail('==', a, b, why);
}

/** Passes when `a` does not equal `b` (the negation of `testEq`). @example testNe([1, 2], [2, 1]) */
export function testNe(a: unknown, b: unknown): void {
  if (mismatch(a, b) === undefined) fail('!=', a, b, 'the values are equal');
}

/**
 * Passes when `near(a, b, opts)`: same shape and `|a − b| ≤ atol + rtol·|b|` everywhere
 * (defaults rtol 1e-3, atol 1e-5). The failure names the worst element and its difference.
 * @example testNear(a.matmul(b), expected)
 */
export function testNear(a: unknown, b: unknown, opts: CloseOptions = {}): void {
  const why = nearMismatch(a, b, opts);
  if (why === undefined) return;
  const rtol = opts.rtol ?? NEAR_DEFAULTS.rtol;
  const atol = opts.atol ?? NEAR_DEFAULTS.atol;
  fail(`near (rtol=${rtol}, atol=${atol})`, a, b, why);
}

/**
 * fastcore's `test_close`: passes when `a` and `b` have the same shape and every element
 * differs by at most `eps` (an absolute tolerance, default 1e-5; fastcore's is strict `<`).
 * @example testClose(tensor([1.000001, 2]), [1, 2])
 */
export function testClose(a: unknown, b: unknown, eps = 1e-5): void {
  if (typeof eps !== 'number' || !(eps >= 0))
    throw new ArgumentError(`testClose: eps must be a number ≥ 0, got ${String(eps)}`);
  const why = nearMismatch(a, b, { rtol: 0, atol: eps });
  if (why !== undefined) fail(`close (eps=${eps})`, a, b, why);
}
