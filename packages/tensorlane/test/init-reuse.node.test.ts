/**
 * `init()` called again with options that pick the package build already loaded, on as many
 * threads, keeps that module: its tensors stay readable and its workers keep taking tasks
 * (the test matrix re-inits after every test, and starting workers each time made its
 * threaded cells two to three times slower). Another build, another thread count, a module
 * passed in or a pool whose worker died loads afresh. Node only (vitest): it reaches into
 * the loaded module's exports.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { loadedKernels } from '../src/backend/wasm/load-module.js';
import { backendInfo, init, matmul, ones, randn, setBackend, tensor } from '../src/index.js';

type Exports = Record<string, (...a: number[]) => number>;
const exportsOf = () => loadedKernels().exports as unknown as Exports;

/** Tasks the workers have run so far in the loaded module. */
const workerTasks = () => exportsOf().tl_worker_tasks!();

/**
 * Whether the workers take part in large GEMMs (above the size at which it splits over the
 * pool). A parked worker may wake after the caller has taken every task of one call, so a
 * few calls are made.
 */
function workersHelp(): boolean {
  const before = workerTasks();
  const a = randn([384, 384]);
  for (let i = 0; i < 10 && workerTasks() === before; i++) matmul(a, a).dispose();
  a.dispose();
  return workerTasks() > before;
}

afterAll(async () => {
  await init({ simd: 'auto', threads: 'auto' });
});

describe('init() with the options of the loaded build keeps it', () => {
  it('the threaded build: same module, live tensors intact, workers still help', async () => {
    await init({ simd: 'simd128', threads: 2 });
    const kept = loadedKernels();
    const x = tensor([1.5, -2, 3]);
    setBackend('js'); // as a per-backend test block does
    const info = await init({ simd: 'simd128', threads: 2 });
    expect(loadedKernels()).toBe(kept);
    expect(info).toMatchObject({ backend: 'wasm', build: 'simd128-threads', threads: 2 });
    expect(x.toArray()).toEqual([1.5, -2, 3]);
    expect(workersHelp()).toBe(true);
  });

  it('a single-thread build, asked for by build or by thread count', async () => {
    await init({ simd: 'simd128', threads: 1 });
    const kept = loadedKernels();
    await init({ simd: 'simd128', threads: 1 });
    await init({ simd: 'simd128', threads: 1, backend: 'wasm' });
    expect(loadedKernels()).toBe(kept);
    expect(ones(3).sum().item()).toBe(3);
  });
});

describe('init() loads afresh when the request differs from what is loaded', () => {
  it('another thread count or another build', async () => {
    await init({ simd: 'simd128', threads: 2 });
    const threaded = loadedKernels();
    await init({ simd: 'simd128', threads: 1 });
    expect(loadedKernels()).not.toBe(threaded);
    expect(backendInfo()).toMatchObject({ build: 'simd128', threads: 1 });
    const single = loadedKernels();
    await init({ simd: 'none', threads: 1 });
    expect(loadedKernels()).not.toBe(single);
    expect(backendInfo().build).toBe('baseline');
  });

  it('a module passed in is never taken for the package build', async () => {
    const { readFileSync } = await import('node:fs');
    const { packageWasmUrl } = await import('../src/package-url.js');
    const bytes = new Uint8Array(readFileSync(packageWasmUrl('tensorlane-simd128.wasm')));
    await init({ wasm: bytes });
    const passed = loadedKernels();
    expect(passed.build).toBe('simd128');
    await init({ simd: 'simd128', threads: 1 });
    expect(loadedKernels()).not.toBe(passed);
  });

  it('a pool whose worker died is replaced by a working one', async () => {
    await init({ simd: 'simd128', threads: 2 });
    const broken = loadedKernels();
    // What a worker's JS calls after a trap: the pool turns serial for good.
    exportsOf().tl_worker_failed!();
    expect(exportsOf().tl_pool_failed!()).toBe(1);
    await init({ simd: 'simd128', threads: 2 });
    expect(loadedKernels()).not.toBe(broken);
    expect(exportsOf().tl_pool_failed!()).toBe(0);
    expect(workersHelp()).toBe(true);
  });
});
