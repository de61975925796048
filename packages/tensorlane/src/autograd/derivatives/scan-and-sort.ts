/**
 * Derivatives of the scans and sorts. `cumsum`: the reverse running sum of the gradient.
 * `cumprod`: `∂x_i = Σ_{k≥i} g_k·Π_{j≤k, j≠i} x_j`, computed exactly in O(n) per row even
 * with zeros: before a row's first zero it is `revcumsum(g·y)_i / x_i`; at the first zero
 * it is `revcumsum(g·y')_i` with `y'` the running product with that zero replaced by 1;
 * after it, 0 (every product holds the first zero). `sort`/`topk` values: the gradient
 * goes back to the indices they came from.
 */
import { where } from '../../ops/selection.js';
import type { Tensor } from '../../tensor.js';
import type { Derivative } from '../graph.js';
import { reductionDerivatives } from './reductions.js';

/** Running sums from the end of `dim`. */
const reverseCumsum = (t: Tensor, d: number) => t.flip(d).cumsum(d).flip(d);

export const scanAndSortDerivatives: Record<string, Derivative> = {
  cumsum: {
    saveInputs: false,
    backward: (g, c) => {
      const d = c.args.dim as number;
      return [d < 0 ? g : reverseCumsum(g, d)];
    },
  },
  cumprod: {
    saveOutput: true,
    backward: (g, c) => {
      const d = c.args.dim as number;
      if (d < 0) return [g];
      const x = c.inputs[0] as Tensor;
      const y = c.output!;
      const isZero = x.eq(0);
      const zerosSoFar = isZero.to(g.dtype).cumsum(d);
      const before = zerosSoFar.eq(0);
      const firstZero = where(isZero, zerosSoFar.eq(1), false);
      const beforeFirst = reverseCumsum(g.mul(y), d).div(where(before, x, 1));
      const atFirst = reverseCumsum(g.mul(where(firstZero, 1, x).cumprod(d)), d);
      return [where(before, beforeFirst, where(firstZero, atFirst, 0))];
    },
  },
  // Values keep the sorted dim, so max(dim, keepdim)'s formula applies as is.
  sort: reductionDerivatives.maxDim!,
  topk: reductionDerivatives.maxDim!,
};
