/**
 * A worker that traps in the middle of a task must not hang the call that waits for it.
 * Here the worker takes the second batch item of a GEMM whose B lies past the end of
 * memory (the caller takes the first, valid one): the call must throw, the pool must turn
 * serial, the crash must be logged, and later ops must still be right. Node only (vitest):
 * it leaves the module's pool broken until the next `init`.
 */
import { afterAll, expect, it, vi } from 'vitest';
import { backendInfo, init, matmul, tensor } from '../src/index.js';
import { loadedKernels } from '../src/wasm-module.js';

type Exports = Record<string, (...a: number[]) => number> & { memory: WebAssembly.Memory };

afterAll(async () => {
  vi.restoreAllMocks();
  await init({ threads: 1 }); // a fresh module for whatever runs next
});

/**
 * One try on a fresh module: a valid batched GEMM (which leaves the worker spinning), then
 * one whose second item reads B 64 MiB past the end of memory. Returns the exports when the
 * worker took the bad item; undefined when the caller did (the two race for the first
 * task), which traps the caller itself and says nothing about the pool.
 */
async function crashAWorker(): Promise<Exports | undefined> {
  await init({ simd: 'relaxed', threads: 2 });
  expect(backendInfo().threads).toBe(2);
  const x = loadedKernels().exports as unknown as Exports;
  const n = 256;
  const a = x.tl_alloc!(n * n * 4);
  const b = x.tl_alloc!(n * n * 4);
  const c = x.tl_alloc!(2 * n * n * 4);
  const f = new Float32Array(x.memory.buffer);
  f.fill(1, a / 4, a / 4 + n * n);
  f.fill(1, b / 4, b / 4 + n * n);
  // Two batch items sharing A and B (batch strides 0): one task each.
  const gemm = (bsb: number) =>
    x.gemm_f32!(2, n, n, n, 1, 0, a, n, 1, 0, b, n, 1, bsb, c, n, 1, n * n);
  gemm(0);
  expect(x.tl_pool_failed!()).toBe(0);
  const pastTheEnd = (x.memory.buffer.byteLength + 64 * 1024 * 1024 - b) / 4; // in floats
  expect(() => gemm(pastTheEnd)).toThrow(WebAssembly.RuntimeError);
  return x.tl_pool_failed!() === 1 ? x : undefined;
}

it('a worker that traps mid-task makes the call throw instead of hang, and ops go on serially', async () => {
  const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
  let x: Exports | undefined;
  for (let attempt = 0; attempt < 20 && !x; attempt++) x = await crashAWorker();
  expect(x, 'in 20 tries the worker never took the bad task').toBeDefined();
  if (!x) return;

  // From now on every op runs on the calling thread, and runs right.
  const tasksBefore = x.tl_worker_tasks!();
  const lhs = tensor(
    Array.from({ length: 300 * 200 }, (_, i) => (i % 7) - 3),
    { shape: [300, 200] },
  );
  const rhs = tensor(
    Array.from({ length: 200 * 250 }, (_, i) => (i % 5) - 2),
    { shape: [200, 250] },
  );
  const got = matmul(lhs, rhs).data() as Float32Array;
  const l = lhs.data() as Float32Array;
  const r = rhs.data() as Float32Array;
  for (const [i, j] of [
    [0, 0],
    [123, 45],
    [299, 249],
  ] as const) {
    let sum = 0;
    for (let p = 0; p < 200; p++) sum += l[i * 200 + p]! * r[p * 250 + j]!;
    expect(got[i * 250 + j]).toBe(sum); // small integers: exact in float32
  }
  expect(x.tl_worker_tasks!(), 'no worker takes tasks any more').toBe(tasksBefore);

  // The main thread logs the crash once its event loop runs.
  await vi.waitFor(() => expect(logged).toHaveBeenCalled(), { timeout: 5000 });
  expect(String(logged.mock.calls[0]![0])).toMatch(/worker thread crashed/);
});
