/**
 * `Backend.logsumexp` on the wasm backend: float32 rows with unit stride run `logsumexp_f32`
 * (one call per run of evenly spaced rows); an axis that is not innermost, over a layout
 * whose innermost other dim is contiguous in the input and the output, runs
 * `logsumexp_columns_f32` (one read of the input); float64 and other layouts run the
 * reference over wasm memory.
 */
import { coalesceDims } from '../../shape/coalesce-dims.js';
import { forEachRow } from '../../shape/strided-rows.js';
import type { LogSumExpFn } from '../js/softmax.js';
import { address, type KernelExports } from './abi.js';

/**
 * A wasm `logsumexp`, falling back to `reference` where the kernels do not apply.
 * @example // not run: needs the loaded module's exports and backend views
 * wasmLogSumExp(exports, arrayLogSumExp(array))(x, out)
 */
export function wasmLogSumExp(exports: KernelExports, reference: LogSumExpFn): LogSumExpFn {
  return (a, out) => {
    const nd = a.shape.length;
    const n = a.shape[nd - 1] ?? 1;
    if (a.storage.dtype !== 'float32' || nd === 0) return reference(a, out);
    const outer = coalesceDims(a.shape.slice(0, -1), [a.strides.slice(0, -1), out.strides]);
    const [xa, xo] = [address(a), address(out)];
    const [sa, so] = [outer.strides[0]!, outer.strides[1]!];
    if (n <= 1 || a.strides[nd - 1] === 1) {
      const [ia, io] = [sa.at(-1) ?? 0, so.at(-1) ?? 0];
      forEachRow(outer.shape, outer.strides, [0, 0], (offs, rows) => {
        exports.logsumexp_f32(rows, n, xa + offs[0]! * 4, ia, xo + offs[1]! * 4, io);
      });
      return;
    }
    const k = outer.shape.length - 1;
    if (k < 0 || sa[k] !== 1 || so[k] !== 1) return reference(a, out);
    const rest = [...outer.shape.slice(0, k), 1];
    const restStrides = [
      [...sa.slice(0, k), 0],
      [...so.slice(0, k), 0],
    ];
    forEachRow(rest, restStrides, [0, 0], (offs) => {
      exports.logsumexp_columns_f32(
        n,
        outer.shape[k]!,
        xa + offs[0]! * 4,
        a.strides[nd - 1]!,
        xo + offs[1]! * 4,
      );
    });
  };
}
