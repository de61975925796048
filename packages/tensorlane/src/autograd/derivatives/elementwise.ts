/**
 * Derivatives of the elementwise ops (`binaryOp`/`unaryOp` names): each gradient is the
 * incoming one times the local slope, summed back over broadcast dims.
 */

import { where } from '../../ops/selection.js';
import { emptyTensor, Tensor } from '../../tensor.js';
import type { Derivative } from '../graph.js';
import { sumToShape } from './sum-to-shape.js';

type Operand = Tensor | number | boolean;
const tensorAt = (xs: readonly unknown[], i: number) => xs[i] as Tensor;
const operandAt = (xs: readonly unknown[], i: number) => xs[i] as Operand;

/** Per input `i` that needs it: `slope(i)` summed back to that input's shape. */
function perInput(
  shapes: readonly (readonly number[] | undefined)[],
  needs: readonly boolean[],
  slope: (i: number) => Tensor,
): (Tensor | null)[] {
  return needs.map((need, i) => (need ? sumToShape(slope(i), shapes[i]!) : null));
}

const binary: Record<string, Derivative> = {
  add: {
    saveInputs: false,
    backward: (g, c) => perInput(c.inputShapes, c.needsGrad, () => g),
  },
  sub: {
    saveInputs: false,
    backward: (g, c) => perInput(c.inputShapes, c.needsGrad, (i) => (i === 0 ? g : g.neg())),
  },
  mul: {
    saveInputs: (needs) => needs.flatMap((_, i) => (needs[1 - i] ? [i] : [])),
    backward: (g, c) =>
      perInput(c.inputShapes, c.needsGrad, (i) => g.mul(operandAt(c.inputs, 1 - i))),
  },
  div: {
    // ∂a = g/b; ∂b = −g·a/b².
    saveInputs: (needs) => (needs[1] ? [0, 1] : needs[0] ? [1] : []),
    backward: (g, c) => {
      const [a, b] = [operandAt(c.inputs, 0), operandAt(c.inputs, 1)];
      return perInput(c.inputShapes, c.needsGrad, (i) =>
        i === 0
          ? g.div(b)
          : g
              .neg()
              .mul(a)
              .div(b instanceof Tensor ? b.square() : Number(b) ** 2),
      );
    },
  },
  pow: {
    saveOutput: true,
    backward: (g, c) => {
      const [a, b] = [operandAt(c.inputs, 0), operandAt(c.inputs, 1)];
      return perInput(c.inputShapes, c.needsGrad, (i) =>
        g.mul(i === 0 ? powBaseSlope(a as Tensor, b) : powExponentSlope(a, b as Tensor, c.output!)),
      );
    },
  },
  maximum: { backward: (g, c) => extremumSlopes(g, c.inputs, c.inputShapes, c.needsGrad, 'gt') },
  minimum: { backward: (g, c) => extremumSlopes(g, c.inputs, c.inputShapes, c.needsGrad, 'lt') },
};

/** d(a^b)/da = b·a^(b−1), and 0 where b is 0 (even at a = 0, as torch). */
function powBaseSlope(a: Tensor, b: Operand): Tensor {
  if (typeof b !== 'object')
    return Number(b) === 0 ? a.mul(0) : a.pow(Number(b) - 1).mul(Number(b));
  return where(b.eq(0), 0, a.pow(b.sub(1)).mul(b));
}

/** d(a^b)/db = a^b·log(a), and 0 where a is 0 and b ≥ 0 (as torch), not NaN. */
function powExponentSlope(a: Operand, b: Tensor, y: Tensor): Tensor {
  const slope = y.mul(typeof a === 'object' ? a.log() : Math.log(Number(a)));
  if (typeof a !== 'object') return Number(a) === 0 ? where(b.ge(0), 0, slope) : slope;
  return where(a.eq(0).mul(b.ge(0)), 0, slope);
}

/** maximum/minimum: the gradient goes to the winner, split evenly on ties (as torch). */
function extremumSlopes(
  g: Tensor,
  inputs: readonly unknown[],
  shapes: readonly (readonly number[] | undefined)[],
  needs: readonly boolean[],
  wins: 'gt' | 'lt',
): (Tensor | null)[] {
  const [a, b] = [operandAt(inputs, 0), operandAt(inputs, 1)];
  return perInput(shapes, needs, (i) => {
    const [self, other] = i === 0 ? [a, b] : [b, a];
    const selfT = self instanceof Tensor ? self : (other as Tensor).mul(0).add(self);
    const won = selfT[wins](other).float();
    const tied = selfT.eq(other).float().mul(0.5);
    return g.mul(won.add(tied));
  });
}

type ClampBound = Tensor | number | null;

/** Where x passes through clamp unchanged, min ≤ x ≤ max (ties included, NaN excluded, as torch). */
function clampPasses(x: Tensor, lo: Operand | null, hi: Operand | null): Tensor {
  if (lo === null) return x.le(hi!);
  return hi === null ? x.ge(lo) : x.ge(lo).mul(x.le(hi));
}

/** a < b for two bounds of which at least one is a tensor. */
const lowerLtUpper = (a: Operand, b: Operand): Tensor =>
  a instanceof Tensor ? a.lt(b) : (b as Tensor).gt(a);

/**
 * clamp with tensor bounds, as torch's `clamp_backward_min_max`: the input keeps the
 * gradient where min ≤ x ≤ max (all of it on a tie), min gets it where x < min (unless
 * min > max, where max wins), max where x > max or max < min.
 */
function clampTensorBounds(
  g: Tensor,
  inputs: readonly unknown[],
  shapes: readonly (readonly number[] | undefined)[],
  needs: readonly boolean[],
): (Tensor | null)[] {
  const x = tensorAt(inputs, 0);
  const [lo, hi] = [inputs[1] as ClampBound, inputs[2] as ClampBound];
  const masked = (i: number, mask: () => Tensor) =>
    needs[i] ? sumToShape(where(mask(), g, 0), shapes[i]!) : null;
  return [
    masked(0, () => clampPasses(x, lo, hi)),
    masked(1, () => (hi === null ? x.lt(lo!) : x.lt(lo!).mul(lowerLtUpper(lo!, hi)))),
    masked(2, () => (lo === null ? x.gt(hi!) : where(lowerLtUpper(hi!, lo), true, x.gt(hi!)))),
  ];
}

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** `{ backward: g·slope(x, y, params) }` for a one-input op. */
function unary(
  slope: (x: Tensor, y: Tensor, params: readonly number[]) => Tensor,
  saves: { input?: boolean; output?: boolean } = { input: true },
): Derivative {
  return {
    saveInputs: saves.input ?? false,
    saveOutput: saves.output ?? false,
    backward: (g, c) => [
      g.mul(slope(tensorAt(c.inputs, 0), c.output!, (c.args.params as number[] | undefined) ?? [])),
    ],
  };
}
const OUT = { output: true };

/** Piecewise-constant ops: a zero gradient (+0 everywhere, also at ±∞ or NaN inputs, as torch). */
const stepwise: Derivative = {
  saveInputs: false,
  backward: (g) => [emptyTensor(g.shape, g.dtype, g.backend)],
};

const unaryOps: Record<string, Derivative> = {
  neg: { saveInputs: false, backward: (g) => [g.neg()] },
  abs: unary((x) => x.sign()),
  sqrt: { saveInputs: false, saveOutput: true, backward: (g, c) => [g.div(c.output!.mul(2))] },
  exp: unary((_, y) => y, OUT),
  log: { backward: (g, c) => [g.div(tensorAt(c.inputs, 0))] },
  sin: unary((x) => x.cos()),
  cos: unary((x) => x.sin().neg()),
  tanh: unary((_, y) => y.square().neg().add(1), OUT),
  sigmoid: unary((_, y) => y.mul(y.neg().add(1)), OUT),
  relu: unary((_, y) => y.gt(0), OUT),
  square: unary((x) => x.mul(2)),
  reciprocal: unary((_, y) => y.square().neg(), OUT),
  floor: stepwise,
  ceil: stepwise,
  round: stepwise,
  sign: stepwise,
  clamp: {
    backward: (g, c) =>
      c.inputs.length === 1
        ? [g.mul(clampPasses(tensorAt(c.inputs, 0), ...(c.args.params as [number, number])))]
        : clampTensorBounds(g, c.inputs, c.inputShapes, c.needsGrad),
  },
  erf: unary((x) => x.square().neg().exp().mul(TWO_OVER_SQRT_PI)),
  log1p: unary((x) => x.add(1).reciprocal()),
  expm1: unary((_, y) => y.add(1), OUT),
  // Φ(x) + x·φ(x). The temporaries are updated in place (backward runs under noGrad): four
  // allocations instead of ten for the same passes, about a quarter less time.
  gelu: unary((x) => {
    const xPdf = x.square().mul_(-0.5).exp().mul_(x).mul_(INV_SQRT_2PI);
    return x.mul(Math.SQRT1_2).erf().add_(1).mul_(0.5).add_(xPdf);
  }),
  geluTanh: unary((x) => {
    const inner = x.add(x.pow(3).mul(0.044715)).mul(SQRT_2_OVER_PI);
    const t = inner.tanh();
    const dInner = x
      .square()
      .mul(3 * 0.044715)
      .add(1)
      .mul(SQRT_2_OVER_PI);
    return t
      .add(1)
      .mul(0.5)
      .add(x.mul(0.5).mul(t.square().neg().add(1)).mul(dInner));
  }),
  silu: unary((x) => {
    const s = x.sigmoid();
    return s.mul(x.mul(s.neg().add(1)).add(1));
  }),
  leakyRelu: unary((x, _, [slope]) => where(x.gt(0), 1, slope!)),
  softplus: unary((x, _, [beta, threshold]) =>
    where(x.mul(beta!).gt(threshold!), 1, x.mul(beta!).sigmoid()),
  ),
};

/** Every elementwise derivative, by op name. */
export const elementwiseDerivatives: Record<string, Derivative> = { ...binary, ...unaryOps };
