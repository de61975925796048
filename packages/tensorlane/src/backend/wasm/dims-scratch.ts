/**
 * A reusable block of wasm memory through which shapes and strides reach the kernels (they
 * take a pointer to an i32 array, since wasm exports cannot take JS arrays).
 */
import { OutOfMemoryError } from '../../errors.js';
import type { KernelExports } from './abi.js';

/** Writes i32 lists into wasm memory for the next kernel call. */
export interface DimsScratch {
  /** Copies `values` into the scratch block and returns its byte pointer. */
  write(values: readonly number[]): number;
  /** Copies `shape` and then each list of `strides` (no intermediate array). */
  writeDims(shape: readonly number[], strides: readonly (readonly number[])[]): number;
}

function checkI32(v: number): void {
  // The kernels take i32 sizes and strides: refuse what an Int32Array would wrap.
  if (v > 2147483647 || v < -2147483648)
    throw new OutOfMemoryError(
      `wasm backend: a dim or stride of ${v} elements exceeds the kernels' 32-bit sizes`,
      0,
      0,
    );
}

/**
 * One scratch block per backend, grown (never shrunk) when a call needs more entries. It
 * sits on the per-op path, so it keeps one Int32Array over the memory and makes a new one
 * only when the memory grew (growth detaches the old buffer).
 * @example // not run: needs the loaded module's exports
 * const ptr = scratch.writeDims(shape, [stridesA, stridesOut]);
 */
export function createDimsScratch(exports: KernelExports): DimsScratch {
  let capacity = 0;
  let ptr = 0;
  let heap = new Int32Array(0);
  function reserve(n: number): number {
    if (n > capacity) {
      const next = Math.max(64, n * 2);
      const p = exports.tl_alloc(next * 4);
      if (p === 0)
        throw new OutOfMemoryError(
          `wasm backend: cannot allocate ${next * 4} bytes of scratch for shapes and strides`,
          next * 4,
          capacity * 4,
        );
      if (ptr !== 0) exports.tl_free(ptr, capacity * 4);
      ptr = p >>> 0;
      capacity = next;
    }
    const buffer = exports.memory.buffer;
    if (heap.buffer !== buffer) heap = new Int32Array(buffer);
    return ptr >>> 2;
  }
  return {
    write(values) {
      for (const v of values) checkI32(v);
      let at = reserve(values.length);
      for (const v of values) heap[at++] = v;
      return ptr;
    },
    writeDims(shape, strides) {
      let n = shape.length;
      for (const v of shape) checkI32(v);
      for (const list of strides) {
        n += list.length;
        for (const v of list) checkI32(v);
      }
      let at = reserve(n);
      for (const v of shape) heap[at++] = v;
      for (const list of strides) for (const v of list) heap[at++] = v;
      return ptr;
    },
  };
}
