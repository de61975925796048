/**
 * `AdamW`, as `torch.optim.AdamW` (torch 1.13's single-tensor update, which the tests
 * replay against torch's own numbers): decoupled weight decay, bias-corrected moments,
 * AMSGrad, maximize.
 */
import type { Tensor } from '../tensor.js';
import { checkedOptions, Optimizer, type OptionRule, type ParamsArgument } from './optimizer.js';

/** Options of `AdamW` (each also per parameter group). */
export interface AdamWOptions {
  /** Learning rate (default 1e-3). */
  lr: number;
  /** Decay rates of the first and second moment estimates (default [0.9, 0.999]). */
  betas: readonly [number, number];
  /** Added to the denominator (default 1e-8). */
  eps: number;
  /** Decoupled weight decay: `p −= lr·weightDecay·p` each step (default 0.01). */
  weightDecay: number;
  /** Divide by the running maximum of the second moment (default false). */
  amsgrad: boolean;
  /** Ascend instead of descend (default false). */
  maximize: boolean;
}

const RULES: Record<keyof AdamWOptions, OptionRule> = {
  lr: { kind: 'number', min: 0 },
  betas: { kind: 'number', min: 0, max: 1, maxOpen: true },
  eps: { kind: 'number', min: 0 },
  weightDecay: { kind: 'number', min: 0 },
  amsgrad: { kind: 'boolean' },
  maximize: { kind: 'boolean' },
};

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
export class AdamW extends Optimizer<AdamWOptions> {
  constructor(params: ParamsArgument<AdamWOptions>, options?: Partial<AdamWOptions>) {
    super(
      'optim.AdamW',
      params,
      {
        lr: 1e-3,
        betas: [0.9, 0.999],
        eps: 1e-8,
        weightDecay: 1e-2,
        amsgrad: false,
        maximize: false,
        ...checkedOptions('optim.AdamW', options, Object.keys(RULES)),
      },
      RULES,
    );
  }

  protected override updateParameter(o: AdamWOptions, p: Tensor, grad: Tensor): void {
    let state = this.state.get(p);
    if (state === undefined) {
      state = { step: 0, expAvg: this.stateLike(p), expAvgSq: this.stateLike(p) };
      this.state.set(p, state);
    }
    // amsgrad switched on after the first steps: torch starts the maximum at 0 too.
    if (o.amsgrad && state.maxExpAvgSq === undefined) state.maxExpAvgSq = this.stateLike(p);
    const step = (state.step as number) + 1;
    state.step = step;
    const [beta1, beta2] = o.betas;
    const moments = {
      expAvg: (state.expAvg as Tensor).backendView,
      expAvgSq: (state.expAvgSq as Tensor).backendView,
      maxExpAvgSq: o.amsgrad ? (state.maxExpAvgSq as Tensor).backendView : null,
    };
    const args = {
      decay: 1 - o.lr * o.weightDecay,
      beta1,
      beta2,
      oneMinusBeta1: 1 - beta1,
      oneMinusBeta2: 1 - beta2,
      stepSize: o.lr / (1 - beta1 ** step),
      biasCorrection2Sqrt: Math.sqrt(1 - beta2 ** step),
      eps: o.eps,
      maximize: o.maximize,
    };
    this.fused(p, grad, (param, g) => p.backend.adamwStep(param, g, moments, args));
  }
}
