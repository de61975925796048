/**
 * Whether ops record the graph that `backward()` walks. On by default; `noGrad` turns it off
 * for a block (inference, optimizer updates), `enableGrad` back on inside such a block.
 * Kept free of imports: tensor.ts and every op read it.
 */
import { ArgumentError } from '../errors.js';

let enabled = true;

/**
 * True when ops record gradients (as `torch.is_grad_enabled()`).
 * @example noGrad(() => isGradEnabled()) // → false
 */
export function isGradEnabled(): boolean {
  return enabled;
}

function withMode<T>(op: string, mode: boolean, fn: () => T): T {
  if (typeof fn !== 'function')
    throw new ArgumentError(`${op}: fn must be a function, got ${typeof fn}`);
  const previous = enabled;
  enabled = mode;
  try {
    const result = fn();
    if (result instanceof Promise)
      throw new ArgumentError(`${op}: fn returned a Promise; ${op} scopes only synchronous code`);
    return result;
  } finally {
    enabled = previous;
  }
}

/**
 * Runs `fn` without recording gradients (as `with torch.no_grad():`): results do not require
 * grad, and in-place updates of parameters are allowed.
 * @example const w = ones(2, { requiresGrad: true }); noGrad(() => w.mul(2)).requiresGrad // → false
 */
export function noGrad<T>(fn: () => T): T {
  return withMode('noGrad', false, fn);
}

/**
 * Runs `fn` with gradient recording on, even inside `noGrad` (as `torch.enable_grad()`).
 * @example noGrad(() => enableGrad(() => isGradEnabled())) // → true
 */
export function enableGrad<T>(fn: () => T): T {
  return withMode('enableGrad', true, fn);
}
