/**
 * The reference optimizer steps: torch 1.13's SGD and AdamW updates element by element,
 * each operation rounded to the storage's dtype (`Math.fround` for float32), so they give
 * the wasm kernels' results bit for bit. The js backend runs them for every float dtype,
 * the wasm backend for float64.
 */
import type { TypedArray } from '../../dtype.js';
import type { Backend, Storage } from '../backend.js';

/** `sgdStep` and `adamwStep` over typed arrays. */
export type OptimizerSteps = Pick<Backend, 'sgdStep' | 'adamwStep'>;

const identity = (x: number) => x;

/**
 * The reference optimizer steps for a backend whose storages `array` can view.
 * @example // not run: p, g are backend views (no public constructor)
 * arrayOptimizerSteps((s) => s.handle as TypedArray).sgdStep(p, g, null, args);
 */
export function arrayOptimizerSteps(array: (s: Storage) => TypedArray): OptimizerSteps {
  return {
    sgdStep(param, grad, momentumBuffer, a) {
      const r = param.storage.dtype === 'float32' ? Math.fround : identity;
      const n = param.shape.reduce((x, y) => x * y, 1);
      const [p, g] = [array(param.storage), array(grad.storage)];
      const [po, go] = [param.offset, grad.offset];
      const buf = momentumBuffer && array(momentumBuffer.storage);
      const bo = momentumBuffer?.offset ?? 0;
      const [lr, momentum, keep, wd] = [a.lr, a.momentum, a.oneMinusDampening, a.weightDecay].map(
        r,
      ) as [number, number, number, number];
      for (let i = 0; i < n; i++) {
        let d = a.maximize ? -g[go + i]! : g[go + i]!;
        if (wd !== 0) d = r(d + r(p[po + i]! * wd));
        if (momentum !== 0 && buf) {
          const b = a.firstStep ? d : r(r(buf[bo + i]! * momentum) + r(d * keep));
          buf[bo + i] = b;
          d = a.nesterov ? r(d + r(b * momentum)) : b;
        }
        p[po + i] = r(p[po + i]! + r(d * -lr));
      }
    },
    adamwStep(param, grad, state, a) {
      const r = param.storage.dtype === 'float32' ? Math.fround : identity;
      const n = param.shape.reduce((x, y) => x * y, 1);
      const [p, g] = [array(param.storage), array(grad.storage)];
      const [m, v] = [array(state.expAvg.storage), array(state.expAvgSq.storage)];
      const vmax = state.maxExpAvgSq && array(state.maxExpAvgSq.storage);
      const [po, go, mo, vo] = [
        param.offset,
        grad.offset,
        state.expAvg.offset,
        state.expAvgSq.offset,
      ];
      const xo = state.maxExpAvgSq?.offset ?? 0;
      const [decay, beta1, beta2, keep1, keep2, stepSize, bc2, eps] = [
        a.decay,
        a.beta1,
        a.beta2,
        a.oneMinusBeta1,
        a.oneMinusBeta2,
        a.stepSize,
        a.biasCorrection2Sqrt,
        a.eps,
      ].map(r) as number[] as [number, number, number, number, number, number, number, number];
      for (let i = 0; i < n; i++) {
        const gi = a.maximize ? -g[go + i]! : g[go + i]!;
        const pi = r(p[po + i]! * decay);
        const mi = r(r(m[mo + i]! * beta1) + r(gi * keep1));
        const vi = r(r(v[vo + i]! * beta2) + r(r(keep2 * gi) * gi));
        m[mo + i] = mi;
        v[vo + i] = vi;
        let second = vi;
        if (vmax) {
          // NaN-propagating, as torch.maximum.
          second = Math.max(vmax[xo + i]!, vi);
          vmax[xo + i] = second;
        }
        const denom = r(r(r(Math.sqrt(second)) / bc2) + eps);
        p[po + i] = r(pi + r(r(-stepSize * mi) / denom));
      }
    },
  };
}
