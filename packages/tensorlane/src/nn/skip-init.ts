/**
 * `nn.utils.skipInit`, as `torch.nn.utils.skip_init`: builds a module without drawing its
 * parameters' random initial values, for a module whose weights are loaded right after
 * (`loadStateDict(…, { assign: true })`): GPT-2's 124M draws take seconds.
 */
import { describeValue } from '../argument-checks.js';
import { ArgumentError } from '../errors.js';
import { Module } from './module.js';

let skipping = 0;

/** True while `skipInit` builds a module: random initializers leave their tensor as it is. */
export function initSkipped(): boolean {
  return skipping > 0;
}

/**
 * `new moduleClass(...args)` with every random initialization skipped (the layers' own and
 * `nn.init.normal_`/`uniform_`/`xavier*`/`kaiming*` in the constructor): those parameters
 * are zeros (torch leaves them uninitialized); constant fills (a LayerNorm's ones) still
 * happen. The generator is not advanced.
 * @example nn.utils.skipInit(nn.Linear, 3, 2).weight.abs().sum().item() // → 0
 */
export function skipInit<A extends unknown[], M extends Module>(
  moduleClass: new (...args: A) => M,
  ...args: A
): M {
  if (typeof moduleClass !== 'function' || !(moduleClass.prototype instanceof Module))
    throw new ArgumentError(
      `nn.utils.skipInit: moduleClass must be a Module subclass, got ${describeValue(moduleClass)}`,
    );
  skipping++;
  try {
    return new moduleClass(...args);
  } finally {
    skipping--;
  }
}
