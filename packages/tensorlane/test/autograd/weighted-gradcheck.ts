/** gradcheck of a weighted sum of an op's result, so that a wrongly placed gradient shows. */
import { randn, type Tensor } from '../../src/index.js';
import { gradcheck } from '../../src/testing/index.js';

/**
 * `gradcheck` of `sum(f(...inputs) · w)` with `w` random, drawn once (gradcheck calls the
 * function many times, and the weights must not change between calls).
 */
export function checkWeighted(f: (...xs: Tensor[]) => Tensor, inputs: readonly Tensor[]): true {
  let w: Tensor | undefined;
  return gradcheck((...xs) => {
    const y = f(...xs);
    w ??= randn(y.shape, { dtype: 'float64' });
    return y.mul(w).sum();
  }, inputs);
}
