/**
 * What `Adam` and `AdamW` share, as torch 1.13's single-tensor update (which the tests
 * replay against torch's own numbers): bias-corrected moments, AMSGrad, maximize, in one
 * fused pass per parameter (a wasm kernel for float32). They differ only in where the
 * weight decay goes.
 */
import { noGrad } from '../autograd/grad-mode.js';
import type { Tensor } from '../tensor.js';
import { checkedOptions, Optimizer, type OptionRule, type ParamsArgument } from './optimizer.js';

/** Options of `Adam` and `AdamW` (each also per parameter group). */
export interface AdamOptions {
  /** Learning rate (default 1e-3). */
  lr: number;
  /** Decay rates of the first and second moment estimates (default [0.9, 0.999]). */
  betas: readonly [number, number];
  /** Added to the denominator (default 1e-8). */
  eps: number;
  /**
   * AdamW: decoupled, `p −= lr·weightDecay·p` each step (default 0.01); Adam: L2, `g += weightDecay·p`
   * before the moments (default 0).
   */
  weightDecay: number;
  /** Divide by the running maximum of the second moment (default false). */
  amsgrad: boolean;
  /** Ascend instead of descend (default false). */
  maximize: boolean;
}

export const ADAM_RULES: Record<keyof AdamOptions, OptionRule> = {
  lr: { kind: 'number', min: 0 },
  betas: { kind: 'number', min: 0, max: 1, maxOpen: true },
  eps: { kind: 'number', min: 0 },
  weightDecay: { kind: 'number', min: 0 },
  amsgrad: { kind: 'boolean' },
  maximize: { kind: 'boolean' },
};

/** Adam's gradient with its L2 term: `±g + weightDecay·p` (− with maximize). */
function l2Gradient(grad: Tensor, p: Tensor, o: AdamOptions): Tensor {
  const decay = p.mul(o.weightDecay);
  try {
    return o.maximize ? decay.sub(grad) : decay.add(grad);
  } finally {
    decay.dispose();
  }
}

/** The Adam update; `decoupledDecay` says which weight decay (AdamW's or Adam's L2). */
export abstract class AdamFamily extends Optimizer<AdamOptions> {
  protected abstract readonly decoupledDecay: boolean;

  protected constructor(
    name: string,
    params: ParamsArgument<AdamOptions>,
    options: Partial<AdamOptions> | undefined,
    defaultWeightDecay: number,
  ) {
    super(
      name,
      params,
      {
        lr: 1e-3,
        betas: [0.9, 0.999],
        eps: 1e-8,
        weightDecay: defaultWeightDecay,
        amsgrad: false,
        maximize: false,
        ...checkedOptions(name, options, Object.keys(ADAM_RULES)),
      },
      ADAM_RULES,
    );
  }

  protected override updateParameter(o: AdamOptions, p: Tensor, grad: Tensor): void {
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
    // Adam's L2 decay joins the gradient (after maximize's sign flip, as torch 1.13);
    // AdamW's scales the parameter inside the fused step.
    const l2 = !this.decoupledDecay && o.weightDecay !== 0;
    const g = l2 ? noGrad(() => l2Gradient(grad, p, o)) : grad;
    const args = {
      decay: this.decoupledDecay ? 1 - o.lr * o.weightDecay : 1,
      beta1,
      beta2,
      oneMinusBeta1: 1 - beta1,
      oneMinusBeta2: 1 - beta2,
      stepSize: o.lr / (1 - beta1 ** step),
      biasCorrection2Sqrt: Math.sqrt(1 - beta2 ** step),
      eps: o.eps,
      maximize: o.maximize && !l2,
    };
    try {
      this.fused(p, g, (param, gv) => p.backend.adamwStep(param, gv, moments, args));
    } finally {
      if (g !== grad) g.dispose();
    }
  }
}
