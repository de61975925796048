/**
 * `Backend.softmax` on the wasm backend: float32 rows with unit inner stride run the SIMD
 * `softmax_f32` kernel (one call per run of evenly spaced rows); a softmax axis that is not
 * innermost, over a layout with another contiguous dim, runs `softmax_columns_f32`; anything
 * else runs the reference over wasm memory.
 */
import { coalesceDims } from '../../shape/coalesce-dims.js';
import { forEachRow } from '../../shape/strided-rows.js';
import type { SoftmaxFn } from '../js/softmax.js';
import { address, type KernelExports } from './abi.js';

/**
 * A wasm `softmax`, falling back to `reference` where the kernel does not apply.
 * @example // not run: needs the loaded module's exports and backend views
 * wasmSoftmax(exports, arraySoftmax(array))(x, out, false)
 */
export function wasmSoftmax(exports: KernelExports, reference: SoftmaxFn): SoftmaxFn {
  return (a, out, log) => {
    const nd = a.shape.length;
    const n = a.shape[nd - 1] ?? 1;
    if (out.storage.dtype !== 'float32' || nd === 0) return reference(a, out, log);
    const outer = coalesceDims(a.shape.slice(0, -1), [
      a.strides.slice(0, -1),
      out.strides.slice(0, -1),
    ]);
    const [xa, xo] = [address(a), address(out)];
    const [sa, so] = [outer.strides[0]!, outer.strides[1]!];
    const flag = log ? 1 : 0;
    if (n === 1 || (a.strides[nd - 1] === 1 && out.strides[nd - 1] === 1)) {
      const [ia, io] = [sa[sa.length - 1] ?? 0, so[so.length - 1] ?? 0];
      // Each innermost run of the outer dims is `rows` evenly spaced rows: one kernel call.
      forEachRow(outer.shape, outer.strides, [0, 0], (offs, rows) => {
        exports.softmax_f32(rows, n, xa + offs[0]! * 4, ia, xo + offs[1]! * 4, io, flag);
      });
      return;
    }
    // The softmax axis is not innermost but another dim is contiguous in both: reduce down
    // the columns in place (a permuted view of a contiguous tensor), one call per block.
    const k = outer.shape.length - 1;
    const [rowA, rowOut] = [a.strides[nd - 1]!, out.strides[nd - 1]!];
    if (k < 0 || sa[k] !== 1 || so[k] !== 1 || Math.abs(rowOut) < outer.shape[k]!)
      return reference(a, out, log);
    const inner = outer.shape[k]!;
    const rest = [...outer.shape.slice(0, k), 1];
    const restStrides = [
      [...sa.slice(0, k), 0],
      [...so.slice(0, k), 0],
    ];
    forEachRow(rest, restStrides, [0, 0], (offs) => {
      exports.softmax_columns_f32(
        n,
        inner,
        xa + offs[0]! * 4,
        rowA,
        xo + offs[1]! * 4,
        rowOut,
        flag,
      );
    });
  };
}
