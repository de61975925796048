/**
 * `SGD`, as `torch.optim.SGD` (torch 1.13's single-tensor update, which the tests replay
 * against torch's own numbers): weight decay, momentum with dampening, Nesterov, maximize.
 */
import { ArgumentError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { checkedOptions, Optimizer, type OptionRule, type ParamsArgument } from './optimizer.js';

/** Options of `SGD` (each also per parameter group). */
export interface SGDOptions {
  /** Learning rate (default 1e-3, as torch 2). */
  lr: number;
  /** Momentum factor (default 0). */
  momentum: number;
  /** Dampening of the momentum's gradient term (default 0). */
  dampening: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
  /** Nesterov momentum (default false; needs momentum > 0 and dampening 0). */
  nesterov: boolean;
  /** Ascend instead of descend (default false). */
  maximize: boolean;
}

const RULES: Record<keyof SGDOptions, OptionRule> = {
  lr: { kind: 'number', min: 0 },
  momentum: { kind: 'number', min: 0 },
  dampening: { kind: 'number', min: 0, max: 1 },
  weightDecay: { kind: 'number', min: 0 },
  nesterov: { kind: 'boolean' },
  maximize: { kind: 'boolean' },
};

/**
 * Stochastic gradient descent, as `torch.optim.SGD(params, lr, momentum, dampening,
 * weight_decay, nesterov, maximize)`. Per parameter with gradient `g` (negated with
 * `maximize`): `g += weightDecay·p`; with momentum `buf = momentum·buf + (1 − dampening)·g`
 * (`buf = g` on the first step) and `g = nesterov ? g + momentum·buf : buf`; then
 * `p −= lr·g`. One fused pass per parameter (a wasm kernel for float32).
 * @example
 * const w = tensor([1, 2], { dtype: 'float32', requiresGrad: true });
 * const opt = new optim.SGD([w], { lr: 0.1, momentum: 0.9 });
 * w.mul(w).sum().backward(); // grad 2w
 * opt.step();
 * w.detach() // → tensor([0.8000, 1.6000])
 */
export class SGD extends Optimizer<SGDOptions> {
  constructor(params: ParamsArgument<SGDOptions>, options?: Partial<SGDOptions>) {
    super(
      'optim.SGD',
      params,
      {
        lr: 1e-3,
        momentum: 0,
        dampening: 0,
        weightDecay: 0,
        nesterov: false,
        maximize: false,
        ...checkedOptions('optim.SGD', options, Object.keys(RULES)),
      },
      RULES,
    );
  }

  protected override checkCombination(o: SGDOptions): void {
    if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0))
      throw new ArgumentError(
        `optim.SGD: nesterov momentum needs momentum > 0 and dampening 0, got momentum ${o.momentum} and dampening ${o.dampening}`,
      );
  }

  protected override updateParameter(o: SGDOptions, p: Tensor, grad: Tensor): void {
    let buf: Tensor | undefined;
    let firstStep = false;
    if (o.momentum !== 0) {
      buf = this.state.get(p)?.momentumBuffer as Tensor | undefined;
      if (buf === undefined) {
        buf = this.stateLike(p);
        this.state.set(p, { momentumBuffer: buf });
        firstStep = true;
      }
    }
    const args = {
      lr: o.lr,
      momentum: o.momentum,
      oneMinusDampening: 1 - o.dampening,
      weightDecay: o.weightDecay,
      nesterov: o.nesterov,
      maximize: o.maximize,
      firstStep,
    };
    this.fused(p, grad, (param, g) =>
      p.backend.sgdStep(param, g, buf ? buf.backendView : null, args),
    );
  }
}
