/**
 * Derivatives of the matrix products: for `y = a @ b`, `∂a = g @ bᵀ` and `∂b = aᵀ @ g`,
 * with 1-D operands lifted to matrices and broadcast batch dims summed back.
 */
import { matmul } from '../../ops/matmul.js';
import type { Tensor } from '../../tensor.js';
import type { BackwardContext, Derivative } from '../graph.js';
import { sumToShape } from './sum-to-shape.js';

const at = (c: BackwardContext, i: number) => c.inputs[i] as Tensor;

/** Gradients of `matmul(a, b)` in any of its forms (1-D, 2-D, broadcast batches). */
function productGrads(
  g: Tensor,
  a: Tensor,
  b: Tensor,
  needs: readonly boolean[],
): (Tensor | null)[] {
  if (a.ndim === 1 && b.ndim === 1) return [needs[0] ? b.mul(g) : null, needs[1] ? a.mul(g) : null];
  const a2 = a.ndim === 1 ? a.unsqueeze(0) : a;
  const b2 = b.ndim === 1 ? b.unsqueeze(1) : b;
  let g2 = g;
  if (a.ndim === 1) g2 = g2.unsqueeze(-2);
  if (b.ndim === 1) g2 = g2.unsqueeze(-1);
  return [
    needs[0] ? sumToShape(matmul(g2, b2.mT), a2.shape).reshape([...a.shape]) : null,
    needs[1] ? sumToShape(matmul(a2.mT, g2), b2.shape).reshape([...b.shape]) : null,
  ];
}

const product: Derivative = {
  backward: (g, c) => productGrads(g, at(c, 0), at(c, 1), c.needsGrad),
};

/** `beta·input + alpha·(a @ b)`. */
const scaledProduct: Derivative = {
  saveInputs: [1, 2],
  backward: (g, c) => {
    const { alpha, beta } = c.args as { alpha: number; beta: number };
    const [ga, gb] = productGrads(g.mul(alpha), at(c, 1), at(c, 2), [
      c.needsGrad[1]!,
      c.needsGrad[2]!,
    ]);
    return [c.needsGrad[0] ? sumToShape(g.mul(beta), c.inputShapes[0]!) : null, ga, gb];
  },
};

export const linearAlgebraDerivatives: Record<string, Derivative> = {
  matmul: product,
  mm: product,
  bmm: product,
  mv: product,
  dot: product,
  outer: {
    backward: (g, c) => [
      c.needsGrad[0] ? matmul(g, at(c, 1)) : null,
      c.needsGrad[1] ? matmul(at(c, 0), g) : null,
    ],
  },
  addmm: scaledProduct,
  baddbmm: scaledProduct,
  // y = x Wᵀ + b over all leading dims of x. The leading dims are the rows of one GEMM (as
  // in the forward): a batched g @ W would pack W once per batch.
  linear: {
    saveInputs: [0, 1],
    backward: (g, c) => {
      const [x, w] = [at(c, 0), at(c, 1)];
      const out = w.shape[0]!;
      const g2 = g.reshape([-1, out]);
      return [
        c.needsGrad[0] ? matmul(g2, w).reshape([...x.shape]) : null,
        c.needsGrad[1] ? matmul(g2.mT, x.reshape([-1, w.shape[1]!])) : null,
        c.needsGrad[2] ? sumToShape(g2.sum(0), c.inputShapes[2]!) : null,
      ];
    },
  },
};
