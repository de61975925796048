/** The js backend's matrix product, softmax, logsumexp and attention: the plain reference loops. */
import type { TypedArray } from '../../dtype.js';
import type { Backend, Storage } from '../backend.js';
import { arrayAttention } from './attention.js';
import { arrayGemm } from './gemm.js';
import { arrayLogSumExp, arraySoftmax } from './softmax.js';

/** `gemm`, `softmax`, `logsumexp` and `attention` over typed arrays seen through `array`. */
export type LinalgKernels = Pick<Backend, 'gemm' | 'softmax' | 'logsumexp' | 'attention'>;

/**
 * The reference linear-algebra kernels for a backend whose storages `array` can view.
 * @example // not run: a, b and out are backend views (no public constructor)
 * const k = arrayLinalgKernels((s) => s.handle as TypedArray); k.gemm(a, b, out);
 */
export function arrayLinalgKernels(array: (s: Storage) => TypedArray): LinalgKernels {
  return {
    gemm: arrayGemm(array),
    softmax: arraySoftmax(array),
    logsumexp: arrayLogSumExp(array),
    attention: arrayAttention(array),
  };
}
