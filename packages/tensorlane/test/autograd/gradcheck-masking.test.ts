/**
 * where (both branches, broadcast), maskedFill (input and a 0-d fill tensor), tril/triu,
 * clamp with tensor bounds (one node; ties, crossed bounds and NaN against torch's
 * gradients in fixtures/clamp-grad-cases.json), sign/round (zero gradient).
 */
import { expect } from 'vitest';
import { manualSeed, maskedFill, type Tensor, tensor, tril, triu, where } from '../../src/index.js';
import { gradcheck } from '../../src/testing/index.js';
import { describeBackends } from '../backend-cases.js';
import clampCases from '../fixtures/clamp-grad-cases.json' with { type: 'json' };
import { leaf } from './grad-leaves.js';
import { checkWeighted } from './weighted-gradcheck.js';

/** JSON has no NaN: the fixture writes it as null. */
const decode = (xs: readonly (number | null)[]) => xs.map((v) => (v === null ? Number.NaN : v));

const mask23 = () =>
  tensor([
    [true, false, true],
    [false, false, true],
  ]);

describeBackends('gradcheck: masking', (it) => {
  it('where: both branches, broadcast, and a scalar branch', () => {
    manualSeed(41);
    const [a, b] = [leaf(2, 3), leaf(3)];
    expect(checkWeighted((a, b) => where(mask23(), a, b), [a, b])).toBe(true);
    expect(checkWeighted((b) => where(mask23(), 0.5, b), [b])).toBe(true);
    expect(checkWeighted((a) => where(tensor([true, false, false]), a, -1), [a])).toBe(true);
  });
  it('maskedFill: the filled positions get 0; a 0-d fill tensor gets their sum', () => {
    manualSeed(42);
    const [x, v] = [leaf(2, 3), leaf(1).sum().detach().requiresGrad_()];
    expect(checkWeighted((a) => maskedFill(a, mask23(), -Infinity).exp(), [x])).toBe(true);
    expect(checkWeighted((a, v) => a.maskedFill(tensor([false, true, true]), v), [x, v])).toBe(
      true,
    );
    const y = x.maskedFill(mask23(), 3);
    y.sum().backward();
    expect(x.grad!.toArray()).toEqual([
      [0, 1, 0],
      [1, 1, 0],
    ]);
  });
  it('tril and triu with diagonals, batched', () => {
    manualSeed(43);
    const x = leaf(2, 3, 4);
    for (const k of [-1, 0, 2]) {
      expect(checkWeighted((a) => tril(a, k), [x])).toBe(true);
      expect(checkWeighted((a) => triu(a, k), [x])).toBe(true);
    }
  });
  it('clamp with tensor bounds', () => {
    manualSeed(44);
    const [x, lo, hi] = [leaf(2, 4), leaf(4).sub(0.5), leaf(2, 1).add(1)];
    const [l, h] = [lo.detach().requiresGrad_(), hi.detach().requiresGrad_()];
    expect(checkWeighted((a, l, h) => a.clamp(l, h), [x, l, h])).toBe(true);
    expect(checkWeighted((a, l) => a.clamp(l), [x, l])).toBe(true);
    expect(checkWeighted((a, h) => a.clamp(null, h), [x, h])).toBe(true);
  });
  for (const c of clampCases.cases)
    it(`clamp, ${c.name}: torch's gradients where x ties a bound, bounds cross, x is NaN`, () => {
      const x = tensor(decode(c.x), { requiresGrad: true });
      const bound = (b: number[] | number | null) =>
        Array.isArray(b) ? tensor(b, { requiresGrad: true }) : b;
      const [lo, hi] = [bound(c.min), bound(c.max)];
      const y = x.clamp(lo, hi);
      expect(y.gradFn?.name).toBe('ClampBackward');
      const w = tensor(decode(c.x).map((_, i) => i + 1));
      y.mul(w).sum().backward();
      expect(y.toArray()).toEqual(decode(c.y));
      expect(x.grad!.toArray()).toEqual(c.grad_x);
      if (lo instanceof Object) expect(lo.grad!.toArray()).toEqual(c.grad_min);
      if (hi instanceof Object) expect(hi.grad!.toArray()).toEqual(c.grad_max);
    });
  it('sign and round have zero gradient', () => {
    const x = leaf(5);
    for (const f of [(a: Tensor) => a.sign(), (a: Tensor) => a.round()]) {
      expect(gradcheck((a) => f(a).mul(a).sum(), [x])).toBe(true);
      const y = f(x);
      expect(y.requiresGrad).toBe(true);
      y.sum().backward();
      expect(x.grad!.toArray()).toEqual([0, 0, 0, 0, 0]);
      x.grad = null;
    }
  });
});
