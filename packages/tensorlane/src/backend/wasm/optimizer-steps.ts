/**
 * `Backend.sgdStep` and `Backend.adamwStep` on the wasm backend: float32 runs the fused
 * `sgd_step_f32` / `adamw_step_f32` kernels (one pass over the parameter, its gradient and
 * its state); float64 runs the reference over wasm memory.
 */
import type { OptimizerSteps } from '../js/optimizer-steps.js';
import { address, type KernelExports } from './abi.js';

/**
 * Wasm optimizer steps, falling back to `reference` for float64.
 * @example // not run: needs the loaded module's exports and backend views
 * wasmOptimizerSteps(exports, arrayOptimizerSteps(array)).sgdStep(p, g, null, args);
 */
export function wasmOptimizerSteps(
  exports: KernelExports,
  reference: OptimizerSteps,
): OptimizerSteps {
  return {
    sgdStep(param, grad, momentumBuffer, a) {
      if (param.storage.dtype !== 'float32')
        return reference.sgdStep(param, grad, momentumBuffer, a);
      exports.sgd_step_f32(
        param.shape.reduce((x, y) => x * y, 1),
        address(param),
        address(grad),
        momentumBuffer ? address(momentumBuffer) : 0,
        a.lr,
        a.momentum,
        a.oneMinusDampening,
        a.weightDecay,
        (a.nesterov ? 1 : 0) | (a.maximize ? 2 : 0) | (a.firstStep ? 4 : 0),
      );
    },
    adamwStep(param, grad, state, a) {
      if (param.storage.dtype !== 'float32') return reference.adamwStep(param, grad, state, a);
      exports.adamw_step_f32(
        param.shape.reduce((x, y) => x * y, 1),
        address(param),
        address(grad),
        address(state.expAvg),
        address(state.expAvgSq),
        state.maxExpAvgSq ? address(state.maxExpAvgSq) : 0,
        a.decay,
        a.beta1,
        a.beta2,
        a.oneMinusBeta1,
        a.oneMinusBeta2,
        a.stepSize,
        a.biasCorrection2Sqrt,
        a.eps,
        a.maximize ? 1 : 0,
      );
    },
  };
}
