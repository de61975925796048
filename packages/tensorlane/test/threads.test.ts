/**
 * The threaded builds: ops split over two threads give exactly the bits of the same module
 * on one thread and of the single-thread twin build, the workers really take tasks, and
 * `shutdown` ends them with later ops still working.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { loadedKernels } from '../src/backend/wasm/load-module.js';
import { backendInfo, init, manualSeed, matmul, randn, shutdown, tidy } from '../src/index.js';
import { runSplitOps, SPLIT_OPS } from './thread-ops.js';

const kernels = () =>
  loadedKernels().exports as unknown as Record<string, (...a: number[]) => number>;

function expectSameBits(got: Uint32Array[], want: Uint32Array[], what: string): void {
  SPLIT_OPS.forEach(([name], i) => {
    const a = got[i]!;
    const b = want[i]!;
    expect(a.length, `${name}: length (${what})`).toBe(b.length);
    const first = a.findIndex((x, j) => x !== b[j]);
    expect(first, `${name}: first differing element (${what})`).toBe(-1);
  });
}

// The matrix sets the global to its cell's build: each threaded column tests its own build
// (every other test of that cell runs threaded too) and the other columns none, as the
// per-build blocks of wasm-backend.test.ts do; vitest, without it, tests both.
const cellBuild = ((globalThis as any).process?.env?.TL_WASM_BUILDS ??
  (globalThis as any).TL_WASM_BUILDS) as string | undefined;
const THREADED = (['relaxed', 'simd128'] as const).filter(
  (simd) => cellBuild === undefined || cellBuild === `${simd}-threads`,
);

for (const simd of THREADED) {
  describe(`${simd}-threads build`, () => {
    // Before each test: the matrix puts its cell back on the cell's own build after every test.
    beforeEach(async () => {
      await init({ simd, threads: 2 });
    });
    afterAll(async () => {
      await init({ threads: 1 });
    });

    it('loads with two threads where SharedArrayBuffer and workers exist', () => {
      const info = backendInfo();
      expect(info.build).toBe(`${simd}-threads`);
      expect(info.threads).toBe(2);
    });

    // The GEMM and attention ops: these run on one thread below a size threshold, and the
    // shapes above must stay past it to test the split.
    it('every split GEMM and attention is large enough to go to the pool', () => {
      const x = kernels();
      const memory = (loadedKernels().exports as unknown as { memory: WebAssembly.Memory }).memory;
      const jobs = (): number => {
        const at = x.tl_alloc!(64);
        x.bench_pool_stats!(at);
        const opened = new Float64Array(memory.buffer, at, 1)[0]!;
        x.tl_free!(at, 64);
        return opened;
      };
      manualSeed(2024);
      const gated = SPLIT_OPS.filter(([name]) => /matmul|bmm|linear|attention/.test(name));
      expect(gated.length).toBeGreaterThan(10);
      const unsplit = gated
        .filter(([, op]) => {
          const before = jobs();
          tidy(() => void op());
          return jobs() === before;
        })
        .map(([name]) => name);
      expect(unsplit, 'ops that opened no pool job').toEqual([]);
    });

    it(`split ops equal one thread of the same module and the ${simd} build, bit for bit`, async () => {
      const before = kernels().tl_worker_tasks!();
      const threaded = runSplitOps();
      const workerTasks = kernels().tl_worker_tasks!() - before;
      // The worker is parked before init resolves, so it takes part in the large ops.
      expect(workerTasks).toBeGreaterThan(0);

      kernels().tl_set_threads!(1, 1);
      const serial = runSplitOps();
      kernels().tl_set_threads!(2, 0);
      expectSameBits(threaded, serial, 'threads 2 vs 1, same module');

      await init({ simd, threads: 1 });
      expect(backendInfo().build).toBe(simd);
      expectSameBits(threaded, runSplitOps(), `${simd}-threads vs ${simd} build`);
    });

    it('shutdown ends the workers; later ops run on the calling thread', () => {
      const a = randn([300, 300]);
      const b = randn([300, 300]);
      const want = matmul(a, b).toArray();
      shutdown();
      expect(backendInfo().threads).toBe(1);
      const before = kernels().tl_worker_tasks!();
      expect(matmul(a, b).toArray()).toEqual(want);
      expect(kernels().tl_worker_tasks!()).toBe(before);
    });
  });
}
