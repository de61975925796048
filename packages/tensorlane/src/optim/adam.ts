/**
 * `Adam`, as `torch.optim.Adam`: weight decay as an L2 term added to the gradient.
 */
import { AdamFamily, type AdamOptions } from './adam-family.js';
import type { ParamsArgument } from './optimizer.js';

/**
 * Adam, as `torch.optim.Adam(params, lr, betas, eps, weight_decay, amsgrad, maximize)`.
 * Per parameter with gradient `g`, at step `t`: `g += weightDecay·p`,
 * `m = β1·m + (1 − β1)·g`, `v = β2·v + (1 − β2)·g²`,
 * `p −= lr/(1 − β1ᵗ) · m / (sqrt(v)/sqrt(1 − β2ᵗ) + eps)` (`v` replaced by its running
 * maximum with `amsgrad`). Weight decay defaults to 0; `AdamW` decouples it instead.
 * @example
 * const w = tensor([1, -2], { dtype: 'float32', requiresGrad: true });
 * const opt = new optim.Adam([w], { lr: 0.1 });
 * w.mul(w).sum().backward();
 * opt.step(); // the first step moves each weight by lr against its gradient's sign
 * w.detach() // → tensor([ 0.9000, -1.9000])
 */
export class Adam extends AdamFamily {
  protected readonly decoupledDecay = false;

  constructor(params: ParamsArgument<AdamOptions>, options?: Partial<AdamOptions>) {
    super('optim.Adam', params, options, 0);
  }
}
