/**
 * A wasm trap skips every epilogue: without recovery each trapped call would leave the
 * shadow stack pointer ~0.5 KiB lower (a thousand or so traps overflow the stack) and its
 * scratch buffer marked in use. Every build: a GEMM whose B lies past the end of memory
 * traps; the call throws `KernelTrapError` naming the export, the stack pointer is back
 * where it was, existing tensors are intact and later ops are right. (A trap in the middle
 * of a threaded job is in `threads-worker-crash.node.test.ts`: who takes which task is a
 * race there.)
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { KernelExports } from '../src/backend/wasm/abi.js';
import { KernelTrapError, tensor } from '../src/index.js';
import { expectExactMatmul } from './exact-matmul-check.js';
import { BUILDS_UNDER_TEST, buildSupported, loadBuild } from './wasm-builds.js';

type Exports = KernelExports & {
  readonly __stack_pointer: WebAssembly.Global;
  gemm_f32(...args: number[]): void;
};

/** Runs `f`, which must throw; returns what it threw. */
function thrown(f: () => void): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

for (const build of BUILDS_UNDER_TEST) {
  describe.skipIf(!buildSupported(build))(`trap recovery [${build}]`, () => {
    let x: Exports;
    beforeAll(async () => {
      x = (await loadBuild(build)).exports as Exports;
    });

    it('a trapping kernel throws KernelTrapError and leaves the stack pointer, tensors and later ops right', () => {
      const kept = tensor([1.5, -2, 3.25, 7], { shape: [2, 2] });
      const resting = x.__stack_pointer.value as number;
      const n = 64; // above SMALL_M, so B is packed into the scratch buffer when it traps
      const a = x.tl_alloc(n * n * 4);
      const c = x.tl_alloc(n * n * 4);
      const pastTheEnd = x.memory.buffer.byteLength + 64 * 2 ** 20;
      for (let i = 0; i < 50; i++) {
        const e = thrown(() =>
          x.gemm_f32(1, n, n, n, 1, 0, a, n, 1, 0, pastTheEnd, n, 1, 0, c, n, 1, 0),
        );
        expect(e).toBeInstanceOf(KernelTrapError);
        expect((e as KernelTrapError).kernel).toBe('gemm_f32');
        expect((e as KernelTrapError).cause).toBeInstanceOf(WebAssembly.RuntimeError);
        expect((e as Error).message).toMatch(/^gemm_f32: the wasm kernel trapped/);
        expect(x.__stack_pointer.value, `stack pointer after trap ${i}`).toBe(resting);
      }
      x.tl_free(a, n * n * 4);
      x.tl_free(c, n * n * 4);

      expect(Array.from(kept.data() as Float32Array)).toEqual([1.5, -2, 3.25, 7]);
      expectExactMatmul(70, 90, 80);
      expect(x.__stack_pointer.value).toBe(resting);
    });
  });
}
