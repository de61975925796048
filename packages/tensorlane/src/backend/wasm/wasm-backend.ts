/**
 * The wasm backend: storage lives in the kernel module's linear memory (the handle is a byte
 * pointer from `tl_alloc`), and ops call the exports of `crates/kernels/src/lib.rs` by the
 * same names. Before each call the dims are coalesced (PyTorch TensorIterator-style) so the
 * kernels loop over as few, as long, rows as possible. Ops without a kernel (float64 and bool
 * elementwise ops, int32 unary ops, sort) run the js backend's reference kernels over
 * typed-array views of wasm memory, so every op works on this backend; every reduction
 * runs in wasm.
 */
import { ARRAY_OF, BYTES_OF, type DType, type TypedArray } from '../../dtype.js';
import { coalesceDims } from '../../shape/coalesce-dims.js';
import type { Backend, BinaryOp, ReduceOp, ScanOp, Storage, UnaryOp, View } from '../backend.js';
import { arrayKernels, outOfMemory } from '../js/js-backend.js';
import { arrayOptimizerSteps } from '../js/optimizer-steps.js';
import { arrayRowKernels } from '../js/row-kernels.js';
import { arraySelectKernels } from '../js/select.js';
import {
  ARITH_CODE,
  address,
  COMPARE_CODE,
  type KernelExports,
  KIND_CODE,
  REDUCE_CODE,
  SCAN_CODE,
  UNARY_CODE,
} from './abi.js';
import { createDimsScratch } from './dims-scratch.js';
import { wasmLinalgKernels } from './linalg.js';
import { loadedKernels } from './load-module.js';
import { wasmOptimizerSteps } from './optimizer-steps.js';
import { wasmRowKernels } from './row-kernels.js';
import { wasmSelectKernels } from './select.js';

/**
 * Creates a backend over the loaded kernel build (loading the default build synchronously
 * in Node, Deno and Bun if none is loaded yet).
 * @example const wasm = createWasmBackend(); const s = wasm.alloc('float32', 4);
 */
export function createWasmBackend(): Backend {
  const exports: KernelExports = loadedKernels().exports;
  const scratch = createDimsScratch(exports);
  let bytesLive = 0;

  function array(storage: Storage): TypedArray {
    // Re-derived on every call: growing the memory detaches every earlier view.
    const Ctor = ARRAY_OF[storage.dtype];
    return new Ctor(exports.memory.buffer, storage.handle as number, storage.length);
  }

  const fallback = arrayKernels(array);

  /** Coalesces `shape` over the operands' strides and writes shape + strides to scratch. */
  function dims(shape: readonly number[], ...views: View[]): [ndim: number, ptr: number] {
    const c = coalesceDims(
      shape,
      views.map((v) => v.strides),
    );
    return [c.shape.length, scratch.writeDims(c.shape, c.strides)];
  }

  function copy(a: View, out: View): void {
    const [ndim, ptr] = dims(out.shape, a, out);
    const from = KIND_CODE[a.storage.dtype];
    const to = KIND_CODE[out.storage.dtype];
    exports.copy_cast(from, to, ndim, ptr, address(a), address(out));
  }

  function binary(op: BinaryOp, a: View, b: View, out: View): void {
    const dtype = a.storage.dtype;
    const compare = COMPARE_CODE[op];
    const arith = ARITH_CODE[op];
    if (dtype === 'float32' || dtype === 'int32') {
      const [ndim, ptr] = dims(out.shape, a, b, out);
      const args = [ndim, ptr, address(a), address(b), address(out)] as const;
      let done = 0;
      if (compare !== undefined)
        done = (dtype === 'float32' ? exports.compare_f32 : exports.compare_i32)(compare, ...args);
      else if (arith !== undefined)
        done = (dtype === 'float32' ? exports.binary_f32 : exports.binary_i32)(arith, ...args);
      if (done) return;
    }
    fallback.binary(op, a, b, out);
  }

  function unary(op: UnaryOp, a: View, out: View, params: readonly number[] = []): void {
    const code = UNARY_CODE[op];
    if (a.storage.dtype !== 'float32' || out.storage.dtype !== 'float32' || code === undefined) {
      fallback.unary(op, a, out, params);
      return;
    }
    const [ndim, ptr] = dims(out.shape, a, out);
    const lo = params[0] ?? -Infinity;
    const hi = params[1] ?? Infinity;
    exports.unary_f32(code, ndim, ptr, address(a), address(out), lo, hi);
  }

  function reduce(op: ReduceOp, a: View, axes: readonly number[], out: View, values?: View): void {
    const code = REDUCE_CODE[op];
    const dtype = a.storage.dtype;
    const keptAxes = a.shape.map((_, d) => d).filter((d) => !axes.includes(d));
    // Each group is coalesced on its own: that keeps the kept dims in `out`'s order and (for
    // prod and the arg ops) the reduced dims in row-major order, which argmax's index needs.
    const kept = coalesceDims(
      keptAxes.map((d) => a.shape[d]!),
      [keptAxes.map((d) => a.strides[d]!)],
    );
    // sum/max/min/all/any do not depend on the order of the reduced elements (beyond float32
    // rounding; float64 keeps the reference's order, so its sums are the js backend's), so
    // the smallest stride goes innermost, where the kernel runs SIMD over contiguous data.
    const orderFree =
      op === 'all' ||
      op === 'any' ||
      (dtype !== 'float64' && op !== 'prod' && op !== 'argmax' && op !== 'argmin');
    const redAxes = orderFree ? [...axes].sort((x, y) => a.strides[y]! - a.strides[x]!) : axes;
    const red = coalesceDims(
      redAxes.map((d) => a.shape[d]!),
      [redAxes.map((d) => a.strides[d]!)],
    );
    // The kernel takes 32-bit sizes; the tensor layer splits larger (broadcast) reductions.
    if (red.shape.some((s) => s > 2147483647)) {
      fallback.reduce(op, a, axes, out, values);
      return;
    }
    const ptr = scratch.write([
      ...kept.shape,
      ...kept.strides[0]!,
      ...red.shape,
      ...red.strides[0]!,
    ]);
    const args = [
      code,
      kept.shape.length,
      red.shape.length,
      ptr,
      address(a),
      address(out),
    ] as const;
    // float32's SIMD kernels, except all/any; `reduce_kind` reads every other dtype as f64.
    if (dtype === 'float32' && op !== 'all' && op !== 'any') {
      if (values) exports.reduce_arg_values_f32(...args, address(values));
      else exports.reduce_f32(...args);
      return;
    }
    const kinds = [KIND_CODE[dtype], KIND_CODE[out.storage.dtype]] as const;
    const [, ...layout] = args;
    exports.reduce_kind(code, ...kinds, ...layout, values ? address(values) : 0);
  }

  /**
   * The kernel takes `[outer…, n, inner]` with the inner dims merged into one; a layout
   * whose inner dims do not merge (a permuted input) runs the js kernel instead.
   */
  function scan(op: ScanOp, a: View, dim: number, out: View): void {
    const after = a.shape.map((_, d) => d).filter((d) => d > dim);
    const inner = coalesceDims(
      after.map((d) => a.shape[d]!),
      [after.map((d) => a.strides[d]!), after.map((d) => out.strides[d]!)],
    );
    if (
      a.storage.dtype !== 'float32' ||
      out.storage.dtype !== 'float32' ||
      inner.shape.length > 1
    ) {
      fallback.scan(op, a, dim, out);
      return;
    }
    const outer = coalesceDims(a.shape.slice(0, dim), [
      a.strides.slice(0, dim),
      out.strides.slice(0, dim),
    ]);
    const ptr = scratch.writeDims(outer.shape, outer.strides);
    const n = a.shape[dim] ?? 1;
    exports.scan_f32(
      SCAN_CODE[op],
      outer.shape.length,
      ptr,
      n,
      a.strides[dim] ?? 0,
      out.strides[dim] ?? 0,
      inner.shape[0] ?? 1,
      inner.strides[0]![0] ?? 1,
      inner.strides[1]![0] ?? 1,
      address(a),
      address(out),
    );
  }

  const backend: Backend = {
    name: 'wasm',
    alloc(dtype: DType, length: number, zeroed = true): Storage {
      const bytes = length * BYTES_OF[dtype];
      // wasm32 addresses at most 4 GiB; tl_alloc's usize argument would wrap past that.
      const ptr = bytes < 2 ** 32 ? exports.tl_alloc(bytes) : 0;
      if (ptr === 0)
        throw outOfMemory('wasm', length, dtype, bytesLive, 'wasm32 memory is limited to 4 GiB');
      bytesLive += bytes;
      const storage: Storage = { backend, dtype, length, handle: ptr >>> 0 };
      // dlmalloc reuses freed blocks, so a fresh allocation is not necessarily zero.
      if (zeroed) array(storage).fill(0);
      return storage;
    },
    free(storage: Storage): void {
      const bytes = storage.length * BYTES_OF[storage.dtype];
      exports.tl_free(storage.handle as number, bytes);
      bytesLive -= bytes;
    },
    array,
    heapBytes: () => exports.memory.buffer.byteLength,
    copy,
    binary,
    unary,
    reduce,
    scan,
    // Sorting is compare-bound: the js kernel over wasm memory (O(n log k) per row).
    sort: fallback.sort,
    ...wasmLinalgKernels(exports, array),
    ...wasmRowKernels(exports, arrayRowKernels(array)),
    ...wasmOptimizerSteps(exports, arrayOptimizerSteps(array)),
    ...wasmSelectKernels(exports, scratch, arraySelectKernels(array)),
  };
  return backend;
}
