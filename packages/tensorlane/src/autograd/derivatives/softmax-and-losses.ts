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

/** One-hot rows of `target` along `classDim` in a tensor of `shape`, 0 rows where ignored. */
function oneHot(
  target: Tensor,
  valid: Tensor,
  shape: readonly number[],
  classDim: number,
  dtype: Tensor['dtype'],
) {
  const safe = where(valid, target, 0).unsqueeze(classDim);
  return zeros([...shape], { dtype }).scatter(classDim, safe, valid.unsqueeze(classDim).to(dtype));
}

function classLossGrad(g: Tensor, c: BackwardContext, fromLogits: boolean): (Tensor | null)[] {
  const x = c.inputs[0] as Tensor;
  const target = c.inputs[1] as Tensor;
  const r = c.args as unknown as ClassLoss;
  const classDim = x.ndim === 1 ? 0 : 1;
  const valid = target.ne(r.ignoreIndex);
  const hot = oneHot(target, valid, x.shape, classDim, x.dtype);
  const scale = lossScale(g, valid, classDim, r);
  if (!fromLogits) return [hot.neg().mul(scale), null];
  const eps = r.labelSmoothing ?? 0;
  const c0 = x.shape[classDim]!;
  const mask = valid.unsqueeze(classDim);
  // q = (1 − ε)·onehot + ε/C on the rows that count.
  const q = eps === 0 ? hot : hot.mul(1 - eps).add(mask.float().mul(eps / c0));
  return [x.softmax(classDim).mul(mask).sub(q).mul(scale), null];
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
