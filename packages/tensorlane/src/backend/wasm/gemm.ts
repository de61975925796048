/**
 * `Backend.gemm` on the wasm backend: float32 runs the kernel crate's `gemm_f32` directly on
 * the views' strides (no copies, batch strides of 0 for broadcast batches) with the GEMM's
 * own alpha/beta; int32 and
 * float64 run the reference loop over wasm memory.
 */
import type { GemmFn } from '../js/gemm.js';
import { address, type KernelExports } from './abi.js';

/**
 * A wasm `gemm`, falling back to `reference` for dtypes without a kernel.
 * @example // not run: needs the loaded module's exports and backend views
 * const gemm = wasmGemm(exports, arrayGemm(array)); gemm(a, b, out);
 */
export function wasmGemm(exports: KernelExports, reference: GemmFn): GemmFn {
  return (a, b, out, alpha = 1, beta = 0) => {
    if (out.storage.dtype !== 'float32') return reference(a, b, out, alpha, beta);
    const [batch, m, k] = a.shape as [number, number, number];
    const n = out.shape[2]!;
    const [bsa, rsa, csa] = a.strides as [number, number, number];
    const [bsb, rsb, csb] = b.strides as [number, number, number];
    const [bsc, rsc, csc] = out.strides as [number, number, number];
    exports.gemm_f32(
      batch,
      m,
      n,
      k,
      alpha,
      beta,
      address(a),
      rsa,
      csa,
      bsa,
      address(b),
      rsb,
      csb,
      bsb,
      address(out),
      rsc,
      csc,
      bsc,
    );
  };
}
