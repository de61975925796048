/**
 * The wasm backend: storage lives in the kernel module's linear memory (the handle is a byte
 * pointer from `tl_alloc`), and ops call the exports of `crates/kernels/src/lib.rs` by the
 * same names. Ops without a kernel run the js backend's reference kernels over typed-array
 * views of wasm memory, so every op works on this backend.
 */
import { ARRAY_OF, BYTES_OF, type DType, type TypedArray } from '../dtype.js';
import { OutOfMemoryError } from '../errors.js';
import { type KernelExports, loadedKernels } from '../wasm-module.js';
import type { Backend, Storage } from './backend.js';
import { arrayKernels } from './js.js';
import { wasmLinalgKernels } from './wasm-linalg.js';

/**
 * Creates a backend over the loaded kernel build (loading the default build synchronously
 * in Node, Deno and Bun if none is loaded yet).
 * @example const wasm = createWasmBackend(); const s = wasm.alloc('float32', 4);
 */
export function createWasmBackend(): Backend {
  const exports: KernelExports = loadedKernels().exports;
  let bytesLive = 0;

  function array(storage: Storage): TypedArray {
    // Re-derived on every call: growing the memory detaches every earlier view.
    const Ctor = ARRAY_OF[storage.dtype];
    return new Ctor(exports.memory.buffer, storage.handle as number, storage.length);
  }

  const fallback = arrayKernels(array);

  const backend: Backend = {
    name: 'wasm',
    alloc(dtype: DType, length: number): Storage {
      const bytes = length * BYTES_OF[dtype];
      // wasm32 addresses at most 4 GiB; tl_alloc's usize argument would wrap past that.
      const ptr = bytes < 2 ** 32 ? exports.tl_alloc(bytes) : 0;
      if (ptr === 0)
        throw new OutOfMemoryError(
          `alloc: cannot allocate ${bytes} bytes for ${length} ${dtype} elements in wasm memory ` +
            `(${bytesLive} bytes live; wasm32 memory is limited to 4 GiB)`,
          bytes,
          bytesLive,
        );
      bytesLive += bytes;
      const storage: Storage = { backend, dtype, length, handle: ptr >>> 0 };
      // dlmalloc reuses freed blocks, so a fresh allocation is not necessarily zero.
      array(storage).fill(0);
      return storage;
    },
    free(storage: Storage): void {
      const bytes = storage.length * BYTES_OF[storage.dtype];
      exports.tl_free(storage.handle as number, bytes);
      bytesLive -= bytes;
    },
    array,
    copy: fallback.copy,
    binary: fallback.binary,
    unary: fallback.unary,
    reduce: fallback.reduce,
    ...wasmLinalgKernels(exports, array),
  };
  return backend;
}
