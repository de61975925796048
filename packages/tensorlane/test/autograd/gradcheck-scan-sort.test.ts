/** cumsum, cumprod (with zeros: one, several, leading), sort, topk, max(dim) values. */
import { expect } from 'vitest';
import { cumprod, cumsum, manualSeed, sort, tensor, topk } from '../../src/index.js';
import { describeBackends } from '../backend-cases.js';
import { leaf } from './grad-leaves.js';
import { checkWeighted } from './weighted-gradcheck.js';

describeBackends('gradcheck: scans and sorts', (it) => {
  it('cumsum along each dim', () => {
    manualSeed(61);
    const x = leaf(3, 4);
    expect(checkWeighted((a) => cumsum(a, 0), [x])).toBe(true);
    expect(checkWeighted((a) => a.cumsum(-1), [x])).toBe(true);
  });
  it('cumprod without zeros', () => {
    manualSeed(62);
    const x = leaf(3, 4);
    expect(checkWeighted((a) => cumprod(a, 1), [x])).toBe(true);
    expect(checkWeighted((a) => a.cumprod(0), [x])).toBe(true);
  });
  it('cumprod with zeros: one, two, leading, trailing', () => {
    const x = tensor(
      [
        [1.5, 0, 2, -0.5, 3],
        [0, 1.2, 0, 2, 0.7],
        [0.8, -1.1, 1.3, 2, 0],
        [0, 0, 1.1, 0.9, -2],
      ],
      { dtype: 'float64', requiresGrad: true },
    );
    // Finite differences step across 0, and the function is a polynomial: exact enough.
    expect(checkWeighted((a) => cumprod(a, 1), [x])).toBe(true);
    expect(checkWeighted((a) => cumprod(a, 0), [x])).toBe(true);
  });
  it('sort (both orders), topk, max(dim) values', () => {
    manualSeed(63);
    const x = leaf(3, 5);
    expect(checkWeighted((a) => sort(a, 1).values, [x])).toBe(true);
    expect(checkWeighted((a) => a.sort(0, true).values, [x])).toBe(true);
    expect(checkWeighted((a) => topk(a, 2).values, [x])).toBe(true);
    expect(checkWeighted((a) => a.topk(2, 0, false).values, [x])).toBe(true);
    expect(checkWeighted((a) => a.max(1).values, [x])).toBe(true);
    expect(x.topk(2).values.gradFn?.name).toBe('TopkBackward');
    expect(x.sort().values.gradFn?.name).toBe('SortBackward');
  });
});
