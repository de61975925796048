/** layerNorm and rmsNorm: input, weight and bias gradients against float64 finite differences. */
import { expect } from 'vitest';
import { layerNorm, manualSeed, randn, rmsNorm, type Tensor } from '../../src/index.js';
import { gradcheck } from '../../src/testing/index.js';
import { describeBackends } from '../backend-cases.js';
import { leaf } from './grad-leaves.js';

/** A weighted sum of `f`'s result, so that a gradient summing to zero over a row still shows. */
function weighted(f: (...xs: Tensor[]) => Tensor, shape: number[]) {
  const w = randn(shape, { dtype: 'float64' });
  return (...xs: Tensor[]) =>
    f(...xs)
      .mul(w)
      .sum();
}

describeBackends('gradcheck: normalization', (it) => {
  it('layerNorm over the last dim, with weight and bias', () => {
    manualSeed(11);
    const [x, w, b] = [leaf(3, 5), leaf(5), leaf(5)];
    const f = weighted((x, w, b) => layerNorm(x, [5], w, b), [3, 5]);
    expect(gradcheck(f, [x, w, b])).toBe(true);
  });
  it('layerNorm over two trailing dims, no affine, and weight only', () => {
    manualSeed(12);
    const x = leaf(2, 3, 4);
    expect(
      gradcheck(
        weighted((x) => layerNorm(x, [3, 4]), [2, 3, 4]),
        [x],
      ),
    ).toBe(true);
    const w = leaf(3, 4);
    expect(
      gradcheck(
        weighted((x, w) => layerNorm(x, [3, 4], w, null, 1e-3), [2, 3, 4]),
        [x, w],
      ),
    ).toBe(true);
  });
  it('layerNorm of a tensor that is all normalized dims (no leading dims)', () => {
    manualSeed(13);
    const [x, w, b] = [leaf(6), leaf(6), leaf(6)];
    expect(
      gradcheck(
        weighted((x, w, b) => layerNorm(x, 6, w, b), [6]),
        [x, w, b],
      ),
    ).toBe(true);
  });
  it('rmsNorm with and without weight', () => {
    manualSeed(14);
    const [x, w] = [leaf(4, 6), leaf(6)];
    expect(
      gradcheck(
        weighted((x, w) => rmsNorm(x, 6, w), [4, 6]),
        [x, w],
      ),
    ).toBe(true);
    expect(
      gradcheck(
        weighted((x) => rmsNorm(x, [2, 3], null, 1e-2), [4, 2, 3]),
        [leaf(4, 2, 3)],
      ),
    ).toBe(true);
  });
  it('records one node per call', () => {
    const x = leaf(2, 3);
    expect(layerNorm(x, 3).gradFn?.name).toBe('LayerNormBackward');
    expect(rmsNorm(x, 3).gradFn?.name).toBe('RmsNormBackward');
  });
});
