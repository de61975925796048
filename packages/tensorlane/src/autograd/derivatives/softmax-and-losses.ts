/**
 * Derivatives of softmax, logSoftmax and the fused class-index losses: the loss gradient is
 * `softmax(x) − q` per row (q the smoothed one-hot target), zero on ignored targets, scaled
 * by the reduction.
 */
import { zeros } from '../../creation.js';
import { where } from '../../ops/selection.js';
import type { Tensor } from '../../tensor.js';
import type { BackwardContext, Derivative } from '../graph.js';

interface ClassLoss {
  readonly reduction: 'none' | 'mean' | 'sum';
  readonly ignoreIndex: number;
  readonly labelSmoothing?: number;
}

/** `g` as a factor per target: broadcast over the class dim for 'none', scalar otherwise. */
function lossScale(g: Tensor, valid: Tensor, classDim: number, r: ClassLoss): Tensor {
  if (r.reduction === 'none') return g.unsqueeze(classDim);
  if (r.reduction === 'sum') return g;
  return g.div(valid.float().sum());
}

/**
 * The loss gradient without a one-hot tensor: `p` (softmax(x), or zeros for nll) on the
 * rows that count, then `−(1 − ε)` added at each row's target by a scatter-add and the
 * scale applied, all in place on `p` (backward runs under noGrad), so the class dim is
 * passed over about three times instead of seven.
 */
function classLossGrad(g: Tensor, c: BackwardContext, fromLogits: boolean): (Tensor | null)[] {
  const x = c.inputs[0] as Tensor;
  const target = c.inputs[1] as Tensor;
  const r = c.args as unknown as ClassLoss;
  const classDim = x.ndim === 1 ? 0 : 1;
  const valid = target.ne(r.ignoreIndex);
  const scale = lossScale(g, valid, classDim, r);
  const eps = fromLogits ? (r.labelSmoothing ?? 0) : 0;
  const mask = valid.unsqueeze(classDim);
  const counts = mask.to(x.dtype);
  let p: Tensor;
  if (fromLogits) {
    // q = (1 − ε)·onehot + ε/C on the rows that count.
    p = x.softmax(classDim).mul_(counts);
    if (eps !== 0) p.sub_(counts.mul(eps / x.shape[classDim]!));
  } else {
    p = zeros([...x.shape], { dtype: x.dtype });
  }
  const safe = where(valid, target, 0).unsqueeze(classDim);
  p.scatterAdd_(classDim, safe, counts.mul(-(1 - eps)));
  return [p.mul_(scale), null];
}

export const softmaxAndLossDerivatives: Record<string, Derivative> = {
  softmax: {
    saveInputs: false,
    saveOutput: true,
    backward: (g, c) => {
      const y = c.output!;
      const dim = c.args.dim as number;
      return [y.mul(g.sub(g.mul(y).sum(dim, true)))];
    },
  },
  logSoftmax: {
    saveInputs: false,
    saveOutput: true,
    backward: (g, c) => {
      const dim = c.args.dim as number;
      return [g.sub(c.output!.exp().mul(g.sum(dim, true)))];
    },
  },
  crossEntropy: { backward: (g, c) => classLossGrad(g, c, true) },
  nllLoss: { backward: (g, c) => classLossGrad(g, c, false) },
};
