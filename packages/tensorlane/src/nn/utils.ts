/**
 * `nn.utils`: gradient clipping, as `torch.nn.utils.clip_grad_norm_` and
 * `clip_grad_value_` (the step between `loss.backward()` and `opt.step()` in nanoGPT's
 * training loop; gradients are scaled in place without recording), and `skipInit`.
 */
import {
  describeValue,
  expectBoolean,
  expectIterable,
  expectNumber,
  expectOptions,
  expectTensor,
} from '../argument-checks.js';
import { noGrad } from '../autograd/grad-mode.js';
import { tensor } from '../creation.js';
import { ArgumentError } from '../errors.js';
import { tidy } from '../memory.js';
import { cat } from '../ops/combine.js';
import { Tensor } from '../tensor.js';

export { skipInit } from './skip-init.js';

/** The gradients of `parameters` (a tensor or an iterable of them) that are set. */
function gradsOf(op: string, parameters: Tensor | Iterable<Tensor>): Tensor[] {
  const list =
    parameters instanceof Tensor
      ? [parameters]
      : expectIterable(op, 'parameters', parameters, 'Tensors (or one Tensor)');
  const tensors = list.map((p, i) => expectTensor(op, `parameters[${i}]`, p).live(op));
  return tensors.flatMap((p) => (p.grad === null ? [] : [p.grad]));
}

/** Options of `clipGradNorm_`. */
export interface ClipGradNormOptions {
  /** Throw when the total norm is NaN or infinite, instead of scaling by it (default false). */
  errorIfNonfinite?: boolean;
}

/**
 * Scales every gradient of `parameters` in place so that their joint `normType` norm (as
 * if all were one vector) is at most `maxNorm`, as `torch.nn.utils.clip_grad_norm_`:
 * the factor is `maxNorm / (total + 1e-6)`, capped at 1. Returns the total norm before
 * clipping, a 0-d float32 tensor. `normType` may be 2 (default), 1 or Infinity.
 * @example
 * const w = tensor([3, 4], { dtype: 'float32', requiresGrad: true });
 * w.mul(w).div(2).sum().backward(); // grad = [3, 4], norm 5
 * nn.utils.clipGradNorm_([w], 1).item() // → 5
 * w.grad // → tensor([0.6000, 0.8000])
 */
export function clipGradNorm_(
  parameters: Tensor | Iterable<Tensor>,
  maxNorm: number,
  normType: number = 2,
  options?: ClipGradNormOptions,
): Tensor {
  const op = 'clipGradNorm_';
  expectNumber(op, 'maxNorm', maxNorm);
  if (normType !== 1 && normType !== 2 && normType !== Infinity)
    throw new ArgumentError(
      `${op}: normType must be 1, 2 or Infinity, got ${describeValue(normType)}`,
    );
  const o = expectOptions(op, options, ['errorIfNonfinite']);
  const errorIfNonfinite = expectBoolean(op, 'errorIfNonfinite', o.errorIfNonfinite ?? false);
  const grads = gradsOf(op, parameters);
  if (grads.length === 0) return tensor(0, { dtype: 'float32' });
  return noGrad(() => {
    // Each gradient's norm in its own dtype, then the norm of those norms, as torch.
    const total = tidy(() =>
      cat(grads.map((g) => g.norm(normType).float().reshape([1]))).norm(normType),
    );
    const t = total.item() as number;
    if (errorIfNonfinite && !Number.isFinite(t)) {
      total.dispose();
      throw new ArgumentError(
        `${op}: the total norm of order ${normType} of the gradients is ${t}, so they cannot be clipped (errorIfNonfinite)`,
      );
    }
    // torch's clamp(maxNorm / (total + 1e-6), max=1), in float32 as its tensors are.
    const coef = Math.fround(maxNorm / Math.fround(t + 1e-6));
    const scale = Number.isNaN(coef) ? coef : Math.min(coef, 1);
    for (const g of grads) g.mul_(scale);
    return total;
  });
}

/**
 * Clamps every gradient of `parameters` in place to `[−clipValue, clipValue]`, as
 * `torch.nn.utils.clip_grad_value_`.
 * @example
 * const w = tensor([1, -2], { dtype: 'float32', requiresGrad: true });
 * w.mul(w).sum().backward(); // grad = [2, -4]
 * nn.utils.clipGradValue_([w], 1);
 * w.grad // → tensor([ 1., -1.])
 */
export function clipGradValue_(parameters: Tensor | Iterable<Tensor>, clipValue: number): void {
  const op = 'clipGradValue_';
  const v = expectNumber(op, 'clipValue', clipValue, true);
  const grads = gradsOf(op, parameters);
  noGrad(() => {
    for (const g of grads) {
      const clamped = g.clamp(-v, v);
      g.copy_(clamped);
      clamped.dispose();
    }
  });
}
