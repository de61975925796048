/**
 * `AdamW`, as `torch.optim.AdamW`: Adam with decoupled weight decay.
 */
import { AdamFamily, type AdamOptions } from './adam-family.js';
import type { ParamsArgument } from './optimizer.js';

/** Options of `AdamW` (each also per parameter group). */
export type AdamWOptions = AdamOptions;

/**
 * Adam with decoupled weight decay, as `torch.optim.AdamW(params, lr, betas, eps,
 * weight_decay, amsgrad, maximize)`. Per parameter with gradient `g`, at step `t`:
 * `p −= lr·weightDecay·p`, `m = β1·m + (1 − β1)·g`, `v = β2·v + (1 − β2)·g²`,
 * `p −= lr/(1 − β1ᵗ) · m / (sqrt(v)/sqrt(1 − β2ᵗ) + eps)` (`v` replaced by its running
 * maximum with `amsgrad`). One fused pass per parameter (a wasm kernel for float32).
 * @example
 * const w = tensor([1, -2], { dtype: 'float32', requiresGrad: true });
 * const opt = new optim.AdamW([w], { lr: 0.1, weightDecay: 0 });
 * w.mul(w).sum().backward();
 * opt.step(); // the first step moves each weight by lr against its gradient's sign
 * w.detach() // → tensor([ 0.9000, -1.9000])
 */
export class AdamW extends AdamFamily {
  protected readonly decoupledDecay = true;

  constructor(params: ParamsArgument<AdamWOptions>, options?: Partial<AdamWOptions>) {
    super('optim.AdamW', params, options, 1e-2);
  }
}
