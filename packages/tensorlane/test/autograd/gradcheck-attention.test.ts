/**
 * scaledDotProductAttention (plain, isCausal, bool and float masks, broadcast batch dims;
 * q, k, v and a float mask) and dropout (the saved mask scales the gradient).
 */
import { expect } from 'vitest';
import {
  dropout,
  manualSeed,
  noGrad,
  randn,
  scaledDotProductAttention as sdpa,
  tensor,
} from '../../src/index.js';
import { gradcheck } from '../../src/testing/index.js';
import { describeBackends } from '../backend-cases.js';
import { leaf } from './grad-leaves.js';
import { checkWeighted } from './weighted-gradcheck.js';

describeBackends('gradcheck: attention and dropout', (it) => {
  it('q, k, v without a mask (L ≠ S, Ev ≠ E)', () => {
    manualSeed(51);
    const [q, k, v] = [leaf(2, 3, 4), leaf(2, 5, 4), leaf(2, 5, 3)];
    expect(checkWeighted((q, k, v) => sdpa(q, k, v), [q, k, v])).toBe(true);
    expect(checkWeighted((q, k, v) => sdpa(q, k, v, { scale: 0.3 }), [q, k, v])).toBe(true);
  });
  it('isCausal, square and L < S', () => {
    manualSeed(52);
    const [q, k, v] = [leaf(1, 2, 4, 3), leaf(1, 2, 4, 3), leaf(1, 2, 4, 2)];
    expect(checkWeighted((q, k, v) => sdpa(q, k, v, { isCausal: true }), [q, k, v])).toBe(true);
    const [q2, k2, v2] = [leaf(3, 3), leaf(5, 3), leaf(5, 2)];
    expect(checkWeighted((q, k, v) => sdpa(q, k, v, { isCausal: true }), [q2, k2, v2])).toBe(true);
  });
  it('a bool mask and a float mask (its gradient too), broadcast batch dims', () => {
    manualSeed(53);
    const [q, k, v] = [leaf(2, 2, 3, 4), leaf(2, 1, 4, 4), leaf(1, 2, 4, 2)];
    const keep = tensor([
      [true, false, true, true],
      [true, true, false, false],
      [false, true, true, true],
    ]);
    expect(checkWeighted((q, k, v) => sdpa(q, k, v, { mask: keep }), [q, k, v])).toBe(true);
    const add = leaf(2, 1, 3, 4);
    expect(checkWeighted((q, k, v, m) => sdpa(q, k, v, { mask: m }), [q, k, v, add])).toBe(true);
  });
  it('the recorded forward equals the fused kernel', () => {
    manualSeed(54);
    const [q, k, v] = [randn([2, 5, 8]), randn([2, 7, 8]), randn([2, 7, 4])];
    const fused = sdpa(q, k, v, { isCausal: true });
    q.requiresGrad_();
    const recorded = sdpa(q, k, v, { isCausal: true });
    expect(recorded.gradFn?.name).toBe('ScaledDotProductAttentionBackward');
    const diff = noGrad(() => recorded.sub(fused).abs().amax().item());
    expect(diff).toBeLessThan(1e-5);
  });
  it('dropout: the gradient is the saved mask (0 or 1/(1−p)); p = 1 gives zeros', () => {
    const x = leaf(4, 5);
    manualSeed(55);
    const y = dropout(x, 0.4);
    y.sum().backward();
    const scale = 1 / 0.6;
    const yv = y.data() as Float64Array;
    const gv = x.grad!.data() as Float64Array;
    for (let i = 0; i < yv.length; i++) expect(gv[i]).toBeCloseTo(yv[i] === 0 ? 0 : scale, 12);
    expect(gv.some((g) => g === 0) && gv.some((g) => g !== 0)).toBe(true);
    // gradcheck needs the same mask on every call: reseed inside.
    expect(
      gradcheck(
        (a) => {
          manualSeed(56);
          return dropout(a, 0.3).mul(a).sum();
        },
        [x],
      ),
    ).toBe(true);
    const z = dropout(x, 1);
    expect(z.requiresGrad).toBe(true);
    x.grad = null;
    z.sum().backward();
    expect(x.grad!.abs().sum().item()).toBe(0);
  });
});
