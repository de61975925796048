/**
 * `Backend.norm` and `Backend.crossEntropy` on the wasm backend: float32 rows with unit
 * inner stride run the fused `norm_f32` / `cross_entropy_f32` kernels; float64 and other
 * layouts run the reference over wasm memory. The op layer makes rows contiguous.
 */
import type { RowKernels } from '../js/row-kernels.js';
import { address, type KernelExports } from './abi.js';

/**
 * Wasm row kernels, falling back to `reference` where the kernels do not apply.
 * @example // not run: needs the loaded module's exports and backend views
 * wasmRowKernels(exports, arrayRowKernels(array)).norm('rms', x, w, null, 1e-6, out);
 */
export function wasmRowKernels(exports: KernelExports, reference: RowKernels): RowKernels {
  return {
    norm(kind, x, weight, bias, eps, out) {
      const [rows, n] = x.shape as [number, number];
      const unit = (v: { strides: readonly number[] } | null, d: number) =>
        !v || n <= 1 || v.strides[d] === 1;
      if (
        out.storage.dtype !== 'float32' ||
        !unit(x, 1) ||
        !unit(out, 1) ||
        !unit(weight, 0) ||
        !unit(bias, 0)
      )
        return reference.norm(kind, x, weight, bias, eps, out);
      exports.norm_f32(
        rows,
        n,
        address(x),
        x.strides[0]!,
        weight ? address(weight) : 0,
        bias ? address(bias) : 0,
        eps,
        address(out),
        out.strides[0]!,
        kind === 'rms' ? 1 : 0,
      );
    },
    crossEntropy(x, target, out, args) {
      const [rows, c] = x.shape as [number, number];
      const unitRows = c <= 1 || x.strides[1] === 1;
      const packed = rows <= 1 || (target.strides[0] === 1 && out.strides[0] === 1);
      if (x.storage.dtype !== 'float32' || !unitRows || !packed)
        return reference.crossEntropy(x, target, out, args);
      exports.cross_entropy_f32(
        rows,
        c,
        address(x),
        x.strides[0]!,
        address(target),
        args.ignoreIndex,
        args.labelSmoothing,
        args.logProbs ? 1 : 0,
        address(out),
      );
    },
  };
}
