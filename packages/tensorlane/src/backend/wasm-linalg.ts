/** The wasm backend's matrix product, softmax and attention, with reference fallbacks. */
import type { TypedArray } from '../dtype.js';
import type { KernelExports } from '../wasm-module.js';
import type { Storage } from './backend.js';
import { arrayAttention } from './js-attention.js';
import { arrayGemm } from './js-gemm.js';
import type { LinalgKernels } from './js-linalg.js';
import { arraySoftmax } from './js-softmax.js';
import { wasmAttention } from './wasm-attention.js';
import { wasmGemm } from './wasm-gemm.js';
import type { WasmLinalgExports } from './wasm-linalg-exports.js';
import { wasmSoftmax } from './wasm-softmax.js';

/**
 * `gemm`, `softmax` and `attention` for the wasm backend (`array` views wasm memory).
 * @example // not run: needs the loaded module's exports
 * const k = wasmLinalgKernels(loadedKernels().exports, array);
 */
export function wasmLinalgKernels(
  exports: KernelExports,
  array: (s: Storage) => TypedArray,
): LinalgKernels {
  const x = exports as unknown as WasmLinalgExports;
  return {
    gemm: wasmGemm(x, arrayGemm(array)),
    softmax: wasmSoftmax(x, arraySoftmax(array)),
    attention: wasmAttention(x, arrayAttention(array)),
  };
}
