/**
 * The reference batched matrix product: a plain triple loop over strided views. The js
 * backend runs it for every dtype; the wasm backend runs it for dtypes without a kernel
 * (int32, float64) and tests check the wasm kernel against it.
 */
import type { TypedArray } from '../../dtype.js';
import type { Storage, View } from '../backend.js';

/** `Backend.gemm` over typed arrays. */
export type GemmFn = (a: View, b: View, out: View, alpha?: number, beta?: number) => void;

/**
 * A `gemm` that reads storages through `array`. Floats accumulate in a JS number (double),
 * int32 wraps at every step as an int32 multiply-add does. `beta = 0` never reads `out`.
 * @example // not run: a, b and out are backend views (no public constructor)
 * const gemm = arrayGemm((s) => s.handle as TypedArray); gemm(a, b, out);
 */
export function arrayGemm(array: (s: Storage) => TypedArray): GemmFn {
  return (a, b, out, alpha = 1, beta = 0) => {
    const [batch, m, k] = a.shape as [number, number, number];
    const n = out.shape[2]!;
    const xa = array(a.storage);
    const xb = array(b.storage);
    const xo = array(out.storage);
    const [bsa, rsa, csa] = a.strides as [number, number, number];
    const [bsb, rsb, csb] = b.strides as [number, number, number];
    const [bso, rso, cso] = out.strides as [number, number, number];
    const isInt = out.storage.dtype === 'int32';
    for (let t = 0; t < batch; t++) {
      for (let i = 0; i < m; i++) {
        const rowA = a.offset + t * bsa + i * rsa;
        for (let j = 0; j < n; j++) {
          const colB = b.offset + t * bsb + j * csb;
          let acc = 0;
          if (isInt) {
            for (let p = 0; p < k; p++)
              acc = (acc + Math.imul(xa[rowA + p * csa]!, xb[colB + p * rsb]!)) | 0;
          } else {
            for (let p = 0; p < k; p++) acc += xa[rowA + p * csa]! * xb[colB + p * rsb]!;
          }
          const o = out.offset + t * bso + i * rso + j * cso;
          if (alpha === 1 && beta === 0) xo[o] = acc;
          else if (isInt)
            xo[o] = (Math.imul(alpha, acc) + (beta === 0 ? 0 : Math.imul(beta, xo[o]!))) | 0;
          else xo[o] = alpha * acc + (beta === 0 ? 0 : beta * xo[o]!);
        }
      }
    }
  };
}
