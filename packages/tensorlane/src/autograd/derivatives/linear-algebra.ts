/**
 * Derivatives of the matrix products: for `y = a @ b`, `∂a = g @ bᵀ` and `∂b = aᵀ @ g`,
 * with 1-D operands lifted to matrices and broadcast batch dims summed back.
 */
import { matmul } from '../../ops/matmul.js';
import type { Tensor } from '../../tensor.js';
import type { BackwardContext, Derivative } from '../graph.js';
import { sumToShape } from './sum-to-shape.js';

const at = (c: BackwardContext, i: number) => c.inputs[i] as Tensor;

/**
 * Gradients of `matmul(a, b)` in any of its forms (1-D, 2-D, broadcast batches). Only the
 * operand the other's gradient needs was saved: `a` may be undefined when only `∂a` is
 * wanted, `b` when only `∂b` is.
 */
function productGrads(
  g: Tensor,
  a: Tensor | undefined,
  b: Tensor | undefined,
  shapes: readonly [readonly number[], readonly number[]],
  needs: readonly boolean[],
): (Tensor | null)[] {
  const [sa, sb] = shapes;
  if (sa.length === 1 && sb.length === 1)
    return [needs[0] ? b!.mul(g) : null, needs[1] ? a!.mul(g) : null];
  // 1-D operands as a row (a) or a column (b) matrix, and g with those dims back.
  const sa2 = sa.length === 1 ? [1, sa[0]!] : sa;
  const sb2 = sb.length === 1 ? [sb[0]!, 1] : sb;
  let g2 = g;
  if (sa.length === 1) g2 = g2.unsqueeze(-2);
  if (sb.length === 1) g2 = g2.unsqueeze(-1);
  return [
    needs[0] ? sumToShape(matmul(g2, b!.reshape([...sb2]).mT), sa2).reshape([...sa]) : null,
    needs[1] ? sumToShape(matmul(a!.reshape([...sa2]).mT, g2), sb2).reshape([...sb]) : null,
  ];
}

/** For `a @ b` at positions i, j: keep `b` when `a` needs a gradient, `a` when `b` does. */
const crossSaves =
  (i: number, j: number) =>
  (needs: readonly boolean[]): number[] => [...(needs[j] ? [i] : []), ...(needs[i] ? [j] : [])];

const shapesOf = (c: BackwardContext, i: number, j: number) =>
  [c.inputShapes[i]!, c.inputShapes[j]!] as const;

const product: Derivative = {
  saveInputs: crossSaves(0, 1),
  backward: (g, c) => productGrads(g, at(c, 0), at(c, 1), shapesOf(c, 0, 1), c.needsGrad),
};

/** `beta·input + alpha·(a @ b)`. */
const scaledProduct: Derivative = {
  saveInputs: crossSaves(1, 2),
  backward: (g, c) => {
    const { alpha, beta } = c.args as { alpha: number; beta: number };
    const [ga, gb] = productGrads(g.mul(alpha), at(c, 1), at(c, 2), shapesOf(c, 1, 2), [
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
    saveInputs: crossSaves(0, 1),
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
    saveInputs: crossSaves(0, 1),
    backward: (g, c) => {
      const [x, w] = [at(c, 0), at(c, 1)];
      const [out, inFeatures] = c.inputShapes[1]! as [number, number];
      const g2 = g.reshape([-1, out]);
      return [
        c.needsGrad[0] ? matmul(g2, w).reshape([...c.inputShapes[0]!]) : null,
        c.needsGrad[1] ? matmul(g2.mT, x.reshape([-1, inFeatures])) : null,
        c.needsGrad[2] ? sumToShape(g2.sum(0), c.inputShapes[2]!) : null,
      ];
    },
  },
};
