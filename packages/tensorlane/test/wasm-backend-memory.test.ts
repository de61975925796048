/**
 * The wasm backend's storage rules: allocations come back zeroed even when dlmalloc reuses a
 * freed block, typed-array views stay correct across memory growth, and a request that
 * cannot be met throws `OutOfMemoryError` (bytes asked, bytes live) and leaves every
 * existing storage intact.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../src/backend/backend.js';
import { loadedKernels, loadKernels } from '../src/backend/wasm/load-module.js';
import { createWasmBackend } from '../src/backend/wasm/wasm-backend.js';
import { OutOfMemoryError } from '../src/errors.js';

describe('wasm backend storage', () => {
  let wasm: Backend;
  beforeAll(async () => {
    await loadKernels('none');
    wasm = createWasmBackend();
  });

  it('returns zeroed storage even when a freed block is reused', () => {
    const handles = new Set<unknown>();
    for (let round = 0; round < 3; round++) {
      const s = wasm.alloc('float32', 1000);
      handles.add(s.handle);
      const data = wasm.array(s);
      expect(data.every((x) => x === 0)).toBe(true);
      data.fill(7);
      wasm.free(s);
    }
    expect(handles.size).toBe(1); // the same block came back each time
  });

  it('re-derives array views after the memory grows', () => {
    const small = wasm.alloc('int32', 5);
    wasm.array(small).set([1, 2, 3, 4, 5]);
    const stale = wasm.array(small);
    // More than the memory holds now (64 MiB, or all of it when a module kept by init() has
    // grown already), so tl_alloc must grow (and detach) it.
    const bytesNow = (loadedKernels().exports as unknown as { memory: WebAssembly.Memory }).memory
      .buffer.byteLength;
    const big = wasm.alloc('float32', Math.max(16 * 2 ** 20, bytesNow / 4));
    expect(stale.length).toBe(0); // the old view was detached by the growth
    expect(Array.from(wasm.array(small))).toEqual([1, 2, 3, 4, 5]);
    wasm.free(big);
    wasm.free(small);
  });

  it('throws OutOfMemoryError naming bytes asked and bytes live, leaving storage intact', () => {
    const keep = wasm.alloc('float32', 3);
    wasm.array(keep).set([1.5, 2.5, 3.5]);
    // Past what wasm32 can address (checked before tl_alloc), and just under 4 GiB (tl_alloc
    // itself returns 0): neither touches memory.
    for (const length of [2 ** 30, 2 ** 30 - 4]) {
      let error: unknown;
      try {
        wasm.alloc('float32', length);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(OutOfMemoryError);
      const oom = error as OutOfMemoryError;
      expect(oom.bytesRequested).toBe(length * 4);
      expect(oom.bytesLive).toBeGreaterThanOrEqual(12);
      expect(oom.message).toContain(`${length * 4} bytes`);
      expect(oom.message).toContain(`${oom.bytesLive} bytes are held by live tensors`);
    }
    expect(Array.from(wasm.array(keep))).toEqual([1.5, 2.5, 3.5]);
    wasm.free(keep);
  });
});
