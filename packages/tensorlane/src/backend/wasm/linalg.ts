/** The wasm backend's matrix product, softmax, logsumexp and attention, with reference fallbacks. */
import type { TypedArray } from '../../dtype.js';
import type { Storage } from '../backend.js';
import { arrayAttention } from '../js/attention.js';
import { arrayGemm } from '../js/gemm.js';
import type { LinalgKernels } from '../js/linalg.js';
import { arrayLogSumExp, arraySoftmax } from '../js/softmax.js';
import type { KernelExports } from './abi.js';
import { wasmAttention } from './attention.js';
import { wasmGemm } from './gemm.js';
import { wasmLogSumExp } from './logsumexp.js';
import { wasmSoftmax } from './softmax.js';

/**
 * `gemm`, `softmax`, `logsumexp` and `attention` for the wasm backend (`array` views wasm memory).
 * @example // not run: needs the loaded module's exports
 * const k = wasmLinalgKernels(loadedKernels().exports, array);
 */
export function wasmLinalgKernels(
  exports: KernelExports,
  array: (s: Storage) => TypedArray,
): LinalgKernels {
  return {
    gemm: wasmGemm(exports, arrayGemm(array)),
    softmax: wasmSoftmax(exports, arraySoftmax(array)),
    logsumexp: wasmLogSumExp(exports, arrayLogSumExp(array)),
    attention: wasmAttention(exports, arrayAttention(array)),
  };
}
