/**
 * A trap in the middle of a threaded GEMM. Two batch items, one task each; one item reads
 * B 64 MiB past the end of memory. Whoever takes that task traps:
 * - a worker: the call must throw instead of hang, the pool turn serial, the crash be
 *   logged, and later ops still be right;
 * - the caller: the call must throw, the job it left open be closed once the worker has
 *   finished its task, the stack pointer be back, and later ops run on both threads again.
 * Which thread takes which task is a race, so each case retries on fresh modules until it
 * happens. Node only (vitest): a crashed worker leaves the pool broken until the next `init`.
 */
import { afterAll, expect, it, vi } from 'vitest';
import { loadedKernels } from '../src/backend/wasm/load-module.js';
import { backendInfo, init, KernelTrapError } from '../src/index.js';
import { expectExactMatmul } from './exact-matmul-check.js';

type Exports = Record<string, (...a: number[]) => number> & {
  memory: WebAssembly.Memory;
  __stack_pointer: WebAssembly.Global;
};

afterAll(async () => {
  vi.restoreAllMocks();
  await init({ threads: 1 }); // a fresh module for whatever runs next
});

/**
 * One try on a fresh 2-thread module: a valid batched GEMM (which leaves the worker
 * spinning), then one whose `bad` item reads B past the end of memory. Returns the exports,
 * which thread trapped, and the valid GEMM (two items: one task per thread).
 */
async function trapOnce(
  bad: 'first' | 'second',
): Promise<{ x: Exports; who: 'worker' | 'caller'; valid: () => void }> {
  await init({ simd: 'relaxed', threads: 2 });
  expect(backendInfo().threads).toBe(2);
  const x = loadedKernels().exports as unknown as Exports;
  const resting = x.__stack_pointer.value;
  const n = 256;
  const a = x.tl_alloc!(n * n * 4);
  const b = x.tl_alloc!(n * n * 4);
  const c = x.tl_alloc!(2 * n * n * 4);
  const f = new Float32Array(x.memory.buffer);
  f.fill(1, a / 4, a / 4 + n * n);
  f.fill(1, b / 4, b / 4 + n * n);
  // Item t reads B at b0 + t·bsb (bsb in floats): A and C as usual.
  const gemm = (b0: number, bsb: number) =>
    x.gemm_f32!(2, n, n, n, 1, 0, a, n, 1, 0, b0, n, 1, bsb, c, n, 1, n * n);
  gemm(b, 0);
  expect(x.tl_pool_failed!()).toBe(0);
  const past = x.memory.buffer.byteLength + 64 * 1024 * 1024; // a byte address
  const e = (() => {
    try {
      if (bad === 'second') gemm(b, (past - b) / 4);
      else gemm(past, (b - past) / 4);
    } catch (error) {
      return error;
    }
  })();
  expect(e).toBeInstanceOf(KernelTrapError);
  expect((e as KernelTrapError).kernel).toBe('gemm_f32');
  expect(x.__stack_pointer.value).toBe(resting);
  return { x, who: x.tl_pool_failed!() === 1 ? 'worker' : 'caller', valid: () => gemm(b, 0) };
}

it('a worker that traps mid-task makes the call throw instead of hang, and ops go on serially', async () => {
  const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
  let t: Awaited<ReturnType<typeof trapOnce>> | undefined;
  for (let attempt = 0; attempt < 20 && t?.who !== 'worker'; attempt++)
    t = await trapOnce('second');
  expect(t?.who, 'in 20 tries the worker never took the bad task').toBe('worker');
  if (!t) return;

  // From now on every op runs on the calling thread, and runs right.
  const tasksBefore = t.x.tl_worker_tasks!();
  expectExactMatmul(300, 200, 250);
  for (let i = 0; i < 20; i++) t.valid();
  expect(t.x.tl_worker_tasks!(), 'no worker takes tasks any more').toBe(tasksBefore);

  // The main thread logs the crash once its event loop runs.
  await vi.waitFor(() => expect(logged).toHaveBeenCalled(), { timeout: 5000 });
  expect(String(logged.mock.calls[0]![0])).toMatch(/worker thread crashed/);
});

it('a caller that traps mid-job leaves the pool working: later ops run on both threads', async () => {
  let t: Awaited<ReturnType<typeof trapOnce>> | undefined;
  for (let attempt = 0; attempt < 20 && t?.who !== 'caller'; attempt++) t = await trapOnce('first');
  expect(t?.who, 'in 20 tries the caller never took the bad task').toBe('caller');
  if (!t) return;
  expectExactMatmul(300, 200, 250);
  // Without tl_recover the job stays marked busy and every later op runs serially. A
  // parked worker can wake too late for one call, so give it a few.
  const tasksBefore = t.x.tl_worker_tasks!();
  for (let i = 0; i < 20 && t.x.tl_worker_tasks!() === tasksBefore; i++) t.valid();
  expect(t.x.tl_worker_tasks!(), 'the worker takes tasks again').toBeGreaterThan(tasksBefore);
});
