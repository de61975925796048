/**
 * Derivatives of `scaledDotProductAttention` and `dropout`. Attention records one node
 * that keeps the softmax probabilities `P` of the forward; with `g` the output gradient:
 * `∂v = Pᵀ·g`, `∂P = g·vᵀ`, `∂S = P ⊙ (∂P − rowsum(∂P ⊙ P))`, `∂q = ∂S·k·scale`,
 * `∂k = ∂Sᵀ·q·scale` and, for a float mask, `∂mask = ∂S`; each summed back over the batch
 * dims it was broadcast along. Dropout multiplies the gradient by its saved mask.
 */
import { matmul } from '../../ops/matmul.js';
import { emptyTensor, type Tensor } from '../../tensor.js';
import type { Derivative } from '../graph.js';
import { sumToShape } from './sum-to-shape.js';

export const attentionDerivatives: Record<string, Derivative> = {
  scaledDotProductAttention: {
    saveInputs: [0, 1, 2],
    backward: (g, c) => {
      const { probs: p, scale } = c.args as { probs: Tensor; scale: number };
      const [q, k, v] = [0, 1, 2].map((i) => {
        const t = c.inputs[i] as Tensor;
        return t.dtype === g.dtype ? t : t.to(g.dtype);
      }) as [Tensor, Tensor, Tensor];
      const shapes = c.inputShapes;
      const need = c.needsGrad;
      const gv = need[2] ? sumToShape(matmul(p.mT, g), shapes[2]!) : null;
      if (!need[0] && !need[1] && !need[3]) return [null, null, gv, null];
      const dp = matmul(g, v.mT);
      const ds = p.mul(dp.sub(dp.mul(p).sum(-1, true)));
      const scaled = need[0] || need[1] ? ds.mul(scale) : ds;
      return [
        need[0] ? sumToShape(matmul(scaled, k), shapes[0]!) : null,
        need[1] ? sumToShape(matmul(scaled.mT, q), shapes[1]!) : null,
        gv,
        need[3] ? sumToShape(ds, shapes[3]!) : null,
      ];
    },
  },
  dropout: {
    saveInputs: false,
    backward: (g, c) => {
      const mask = c.args.mask as Tensor | 0;
      return [mask === 0 ? emptyTensor(g.shape, g.dtype, g.backend) : g.mul(mask)];
    },
  },
};
