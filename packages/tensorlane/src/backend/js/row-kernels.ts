/**
 * The reference row kernels: layer/RMS norm and cross entropy over the rows of a 2-D
 * strided view, in double precision with the plain two-pass statistics. The js backend runs
 * them for every float dtype; the wasm backend runs them for float64 and odd layouts, and
 * tests check its kernels against them.
 */
import type { TypedArray } from '../../dtype.js';
import type { Backend, Storage } from '../backend.js';

/** `norm` and `crossEntropy` over typed arrays. */
export type RowKernels = Pick<Backend, 'norm' | 'crossEntropy'>;

/**
 * The reference row kernels for a backend whose storages `array` can view.
 * @example // not run: x, out are backend views (no public constructor)
 * arrayRowKernels((s) => s.handle as TypedArray).norm('layer', x, null, null, 1e-5, out);
 */
export function arrayRowKernels(array: (s: Storage) => TypedArray): RowKernels {
  return {
    norm(kind, x, weight, bias, eps, out) {
      const [rows, n] = x.shape as [number, number];
      const [rsx, csx] = x.strides as [number, number];
      const [rso, cso] = out.strides as [number, number];
      const xa = array(x.storage);
      const xo = array(out.storage);
      const w = weight && array(weight.storage);
      const b = bias && array(bias.storage);
      for (let r = 0; r < rows; r++) {
        const p = x.offset + r * rsx;
        let mean = 0;
        for (let j = 0; j < n; j++) mean += xa[p + j * csx]!;
        mean /= n;
        const center = kind === 'layer' ? mean : 0;
        let ms = 0;
        for (let j = 0; j < n; j++) ms += (xa[p + j * csx]! - center) ** 2;
        const rstd = 1 / Math.sqrt(ms / n + eps);
        for (let j = 0; j < n; j++) {
          let y = (xa[p + j * csx]! - center) * rstd;
          if (w) y *= w[weight!.offset + j * weight!.strides[0]!]!;
          if (b) y += b[bias!.offset + j * bias!.strides[0]!]!;
          xo[out.offset + r * rso + j * cso] = y;
        }
      }
    },
    crossEntropy(x, target, out, args) {
      const [rows, c] = x.shape as [number, number];
      const [rsx, csx] = x.strides as [number, number];
      const xa = array(x.storage);
      const ta = array(target.storage);
      const xo = array(out.storage);
      const eps = args.labelSmoothing;
      for (let r = 0; r < rows; r++) {
        const t = ta[target.offset + r * target.strides[0]!]!;
        const o = out.offset + r * out.strides[0]!;
        if (t === args.ignoreIndex) {
          xo[o] = 0;
          continue;
        }
        const p = x.offset + r * rsx;
        const xt = xa[p + t * csx]!;
        if (args.logProbs) {
          xo[o] = -xt;
          continue;
        }
        let max = -Infinity;
        for (let j = 0; j < c; j++) max = Math.max(max, xa[p + j * csx]!);
        let sum = 0;
        let total = 0;
        for (let j = 0; j < c; j++) {
          const v = xa[p + j * csx]!;
          sum += Math.exp(v - max);
          total += v;
        }
        const lse = max + Math.log(sum);
        const nll = lse - xt;
        xo[o] = eps === 0 ? nll : (1 - eps) * nll + eps * (lse - total / c);
      }
    },
  };
}
