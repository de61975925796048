/** layerNorm and rmsNorm: input, weight and bias gradients against float64 finite differences. */
import { expect } from 'vitest';
import { layerNorm, manualSeed, rmsNorm } from '../../src/index.js';
import { describeBackends } from '../backend-cases.js';
import { leaf } from './grad-leaves.js';
import { checkWeighted } from './weighted-gradcheck.js';

describeBackends('gradcheck: normalization', (it) => {
  it('layerNorm over the last dim, with weight and bias', () => {
    manualSeed(11);
    const [x, w, b] = [leaf(3, 5), leaf(5), leaf(5)];
    expect(checkWeighted((x, w, b) => layerNorm(x, [5], w, b), [x, w, b])).toBe(true);
  });
  it('layerNorm over two trailing dims, no affine, and weight only', () => {
    manualSeed(12);
    const x = leaf(2, 3, 4);
    expect(checkWeighted((x) => layerNorm(x, [3, 4]), [x])).toBe(true);
    const w = leaf(3, 4);
    expect(checkWeighted((x, w) => layerNorm(x, [3, 4], w, null, 1e-3), [x, w])).toBe(true);
  });
  it('layerNorm of a tensor that is all normalized dims (no leading dims)', () => {
    manualSeed(13);
    const [x, w, b] = [leaf(6), leaf(6), leaf(6)];
    expect(checkWeighted((x, w, b) => layerNorm(x, 6, w, b), [x, w, b])).toBe(true);
  });
  it('rmsNorm with and without weight', () => {
    manualSeed(14);
    const [x, w] = [leaf(4, 6), leaf(6)];
    expect(checkWeighted((x, w) => rmsNorm(x, 6, w), [x, w])).toBe(true);
    expect(checkWeighted((x) => rmsNorm(x, [2, 3], null, 1e-2), [leaf(4, 2, 3)])).toBe(true);
  });
  it('records one node per call', () => {
    const x = leaf(2, 3);
    expect(layerNorm(x, 3).gradFn?.name).toBe('LayerNormBackward');
    expect(rmsNorm(x, 3).gradFn?.name).toBe('RmsNormBackward');
  });
});
