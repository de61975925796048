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
}

/**
 * One scratch block per backend, grown (never shrunk) when a call needs more entries.
 * @example // not run: needs the loaded module's exports
 * const ptr = scratch.write([...shape, ...stridesA, ...stridesOut]);
 */
export function createDimsScratch(exports: KernelExports): DimsScratch {
  let capacity = 0;
  let ptr = 0;
  return {
    write(values) {
      if (values.length > capacity) {
        const next = Math.max(64, values.length * 2);
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
      // The kernels take i32 sizes and strides: refuse what an Int32Array would wrap.
      for (const v of values)
        if (v > 2147483647 || v < -2147483648)
          throw new OutOfMemoryError(
            `wasm backend: a dim or stride of ${v} elements exceeds the kernels' 32-bit sizes`,
            0,
            0,
          );
      // A fresh view every call: memory growth detaches old ones.
      new Int32Array(exports.memory.buffer, ptr, values.length).set(values);
      return ptr;
    },
  };
}
