/**
 * `where`, `gather` and `scatter` on the wasm backend: the views' dims are coalesced (as
 * for the elementwise kernels) and the `select.rs` kernels run for every dtype; `where` and
 * `gather` move elements as bits of their width.
 */
import { BYTES_OF } from '../../dtype.js';
import { coalesceDims } from '../../shape/coalesce-dims.js';
import type { View } from '../backend.js';
import { type SelectKernels, withoutDim } from '../js/select.js';
import { address, type KernelExports, KIND_CODE, SCATTER_CODE } from './abi.js';
import type { DimsScratch } from './dims-scratch.js';

/**
 * The wasm selection kernels; `reference` runs whatever a kernel declines (none today).
 * @example // not run: needs the loaded module's exports
 * const k = wasmSelectKernels(exports, scratch, arraySelectKernels(array));
 */
export function wasmSelectKernels(
  exports: KernelExports,
  scratch: DimsScratch,
  reference: SelectKernels,
): SelectKernels {
  /** Coalesces `shape` over the strides and writes shape + strides to scratch. */
  function dims(shape: readonly number[], strides: readonly (readonly number[])[]): number[] {
    const c = coalesceDims(shape, strides);
    return [c.shape.length, scratch.writeDims(c.shape, c.strides)];
  }

  function where(cond: View, a: View, b: View, out: View): void {
    const width = BYTES_OF[out.storage.dtype];
    const [ndim, ptr] = dims(out.shape, [cond.strides, a.strides, b.strides, out.strides]);
    const done = exports.where_select(
      width,
      ndim!,
      ptr!,
      address(cond),
      address(a),
      address(b),
      address(out),
    );
    if (!done) reference.where(cond, a, b, out);
  }

  function gather(a: View, dim: number, index: View, out: View): void {
    const width = BYTES_OF[out.storage.dtype];
    const aStrides = withoutDim(a.strides, dim);
    const [ndim, ptr] = dims(out.shape, [aStrides, index.strides, out.strides]);
    const done = exports.gather_along(
      width,
      ndim!,
      ptr!,
      address(a),
      a.strides[dim]!,
      a.shape[dim]!,
      address(index),
      address(out),
    );
    if (!done) reference.gather(a, dim, index, out);
  }

  function scatter(
    mode: Parameters<SelectKernels['scatter']>[0],
    out: View,
    dim: number,
    index: View,
    src: View,
  ): void {
    const outStrides = withoutDim(out.strides, dim);
    const [ndim, ptr] = dims(index.shape, [outStrides, index.strides, src.strides]);
    const done = exports.scatter_along(
      SCATTER_CODE[mode],
      KIND_CODE[out.storage.dtype],
      ndim!,
      ptr!,
      address(out),
      out.strides[dim]!,
      out.shape[dim]!,
      address(index),
      address(src),
    );
    if (!done) reference.scatter(mode, out, dim, index, src);
  }

  return { where, gather, scatter };
}
