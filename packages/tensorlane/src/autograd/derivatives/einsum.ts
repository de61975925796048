/**
 * The derivative of `einsum`: the gradient of operand i is itself an einsum, of the output
 * gradient with the other operands, giving operand i's labels (its term and the output's
 * swap places). Labels of operand i that nothing else has were summed away: the gradient
 * is broadcast along them. A size-1 dim that broadcast against a larger one is summed back
 * to 1. A repeated label (a diagonal, `'ii->i'`) gets the gradient on that diagonal and 0
 * elsewhere.
 */
import { einsum } from '../../einsum/einsum.js';
import { einsumSpec } from '../../einsum/einsum-spec.js';
import { emptyTensor, type Tensor } from '../../tensor.js';
import type { Derivative } from '../graph.js';

export const einsumDerivatives: Record<string, Derivative> = {
  einsum: {
    backward: (g, c) => {
      const operands = c.inputs as Tensor[];
      const spec = einsumSpec(c.args.equation as string, c.inputShapes as number[][]);
      const term = (ids: readonly number[]) => ids.map((id) => spec.names[id]).join('');
      return operands.map((x, i) => {
        if (!c.needsGrad[i]) return null;
        const labels = spec.inputs[i]!;
        const distinct = [...new Set(labels)];
        const others = operands.filter((_, j) => j !== i);
        const otherTerms = spec.inputs.filter((_, j) => j !== i);
        const available = new Set([...spec.output, ...otherTerms.flat()]);
        const kept = distinct.filter((id) => available.has(id));
        const summedAway = distinct.filter((id) => !available.has(id));
        const equation = `${[spec.output, ...otherTerms].map(term).join(',')}->${term(kept)}`;
        let grad = einsum(equation, g, ...others);
        for (let k = 0; k < summedAway.length; k++) grad = grad.unsqueeze(-1);
        const order = [...kept, ...summedAway];
        grad = grad
          .permute(distinct.map((id) => order.indexOf(id)))
          .expand(distinct.map((id) => spec.sizes[id]!));
        // Operand dims of size 1 that broadcast: summed back to 1.
        const size = (id: number) => x.shape[labels.indexOf(id)]!;
        const broadcast = distinct
          .map((id, k) => (size(id) === 1 && spec.sizes[id] !== 1 ? k : -1))
          .filter((k) => k >= 0);
        if (broadcast.length > 0) grad = grad.sum(broadcast, true);
        if (distinct.length === labels.length) return grad.contiguous();
        const out = emptyTensor(x.shape, g.dtype, g.backend);
        const strides = out.stride();
        const diagonal = out.withLayout(
          distinct.map(size),
          distinct.map((id) => labels.reduce((s, l, d) => (l === id ? s + strides[d]! : s), 0)),
          0,
        );
        diagonal.copy_(grad);
        diagonal.dispose();
        return out;
      });
    },
  },
};
