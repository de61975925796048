/** Derivatives of the reductions: the gradient is spread back over the reduced dims. */
import { zeros } from '../../creation.js';
import { where } from '../../ops/selection.js';
import type { Tensor } from '../../tensor.js';
import type { BackwardContext, Derivative } from '../graph.js';

interface Reduced {
  readonly axes: readonly number[];
  readonly keepdim: boolean;
}

/** `t` (reduced over `axes`) with those dims back as size 1, then broadcast to `shape`. */
function spread(t: Tensor, shape: readonly number[], { axes, keepdim }: Reduced): Tensor {
  let kept = t;
  if (!keepdim) for (const d of [...axes].sort((a, b) => a - b)) kept = kept.unsqueeze(d);
  return kept.expand([...shape]);
}

const countOf = (shape: readonly number[], axes: readonly number[]) =>
  axes.reduce((n, d) => n * shape[d]!, 1);
const input0 = (c: BackwardContext) => c.inputs[0] as Tensor;
const reduced = (c: BackwardContext) => c.args as unknown as Reduced;

/** Gradient of max/min over `axes`: shared evenly by the elements equal to the result. */
function extremumSpread(x: Tensor, y: Tensor, g: Tensor, r: Reduced): Tensor {
  const hits = x.eq(spread(y, x.shape, r)).float();
  const count = hits.sum([...r.axes], true);
  return hits.mul(spread(g, x.shape, r)).div(count);
}

export const reductionDerivatives: Record<string, Derivative> = {
  sum: { saveInputs: false, backward: (g, c) => [spread(g, c.inputShapes[0]!, reduced(c))] },
  mean: {
    saveInputs: false,
    backward: (g, c) => {
      const shape = c.inputShapes[0]!;
      return [spread(g, shape, reduced(c)).div(countOf(shape, reduced(c).axes))];
    },
  },
  prod: {
    saveOutput: true,
    backward: (g, c) => {
      // ∏ of the others: y/x where x ≠ 0; at a zero, the product of the nonzeros if it is
      // the only zero, else 0.
      const x = input0(c);
      const r = reduced(c);
      const isZero = x.eq(0);
      const zerosKept = isZero.float().sum([...r.axes], true);
      const nonzeroProd = where(isZero, 1, x).prod([...r.axes], true);
      const atZero = where(zerosKept.eq(1), nonzeroProd, 0).expand([...x.shape]);
      const y = spread(c.output!, x.shape, r);
      return [where(isZero, atZero, y.div(x)).mul(spread(g, x.shape, r))];
    },
  },
  amax: {
    saveOutput: true,
    backward: (g, c) => [extremumSpread(input0(c), c.output!, g, reduced(c))],
  },
  amin: {
    saveOutput: true,
    backward: (g, c) => [extremumSpread(input0(c), c.output!, g, reduced(c))],
  },
  maxDim: { saveInputs: false, backward: (g, c) => [toIndices(g, c)] },
  minDim: { saveInputs: false, backward: (g, c) => [toIndices(g, c)] },
  var: {
    backward: (g, c) => {
      const x = input0(c);
      const r = reduced(c);
      const n = countOf(x.shape, r.axes) - (c.args.correction as number);
      const centered = x.sub(x.mean([...r.axes], true));
      return [centered.mul(2 / Math.max(0, n)).mul(spread(g, x.shape, r))];
    },
  },
  norm: {
    saveOutput: true,
    backward: (g, c) => {
      const x = input0(c);
      const r = reduced(c);
      const p = c.args.p as 'fro' | number;
      if (p === 1) return [x.sign().mul(spread(g, x.shape, r))];
      if (p === Infinity) return [x.sign().mul(extremumSpread(x.abs(), c.output!, g, r))];
      // x/‖x‖, and 0 where the norm is 0 (as torch's masked formula).
      const y = c.output!;
      const scale = where(y.eq(0), 0, g.div(y));
      return [x.mul(spread(scale, x.shape, r))];
    },
  },
  logsumexp: {
    saveOutput: true,
    backward: (g, c) => {
      const x = input0(c);
      const r = reduced(c);
      return [
        x
          .sub(spread(c.output!, x.shape, r))
          .exp()
          .mul(spread(g, x.shape, r)),
      ];
    },
  },
};

/** max(dim)/min(dim): the gradient goes to the index each value came from. */
function toIndices(g: Tensor, c: BackwardContext): Tensor {
  const { dim, keepdim, indices } = c.args as { dim: number; keepdim: boolean; indices: Tensor };
  const idx = keepdim ? indices : indices.unsqueeze(dim);
  const src = keepdim ? g : g.unsqueeze(dim);
  return zeros([...c.inputShapes[0]!], { dtype: g.dtype }).scatter(dim, idx, src);
}
