/**
 * The FinalizationRegistry backstop: an unreachable tensor's storage is freed after a GC.
 * Node-only: `--expose-gc` is switched on at runtime (v8.setFlagsFromString) and `gc` is
 * fetched from a fresh context, which is what `node --expose-gc` provides.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { expect } from 'vitest';
import { keep, memory, type Tensor, tidy, zeros } from '../src/index.js';
import { describeBackends } from './backend-cases.js';

v8.setFlagsFromString('--expose-gc');
const gc = ((globalThis as any).gc ?? vm.runInNewContext('gc')) as () => void;

/** Collects garbage until `done()` holds (finalizers run in later tasks), or gives up. */
async function collectUntil(done: () => boolean): Promise<boolean> {
  for (let i = 0; i < 20; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 0));
    if (done()) return true;
  }
  return false;
}

describeBackends('FinalizationRegistry backstop', (it) => {
  it('frees the storage of an unreachable tensor', async () => {
    await collectUntil(() => false); // let earlier garbage go first
    const before = memory();
    // Created in a closure so no reference survives it.
    (() => {
      zeros(1000);
    })();
    expect(memory().bytes).toBe(before.bytes + 4000);
    expect(await collectUntil(() => memory().bytes === before.bytes)).toBe(true);
    expect(memory().tensors).toBe(before.tensors);
  });

  it('frees tensors dropped in one synchronous burst, and each disposed one exactly once', async () => {
    // More than one batch of registrations (memory.ts joins them to the registry in
    // batches), half of them disposed before their batch joined.
    await collectUntil(() => false);
    const before = memory();
    (() => {
      for (let i = 0; i < 1000; i++) {
        const t = zeros(10);
        if (i % 2) t.dispose();
      }
    })();
    expect(memory().tensors).toBe(before.tensors + 500);
    expect(memory().bytes).toBe(before.bytes + 500 * 40);
    expect(await collectUntil(() => memory().bytes === before.bytes)).toBe(true);
    expect(memory().tensors).toBe(before.tensors);
  });

  it('a tensor that leaves every tidy scope (returned or kept) is still collected when dropped', async () => {
    // Tensors made inside a scope join the registry only when they leave it.
    await collectUntil(() => false);
    const before = memory();
    (() => {
      tidy(() => tidy(() => zeros(1000)));
      tidy(() => {
        keep(zeros(500));
      });
    })();
    expect(memory().bytes).toBe(before.bytes + 6000);
    expect(await collectUntil(() => memory().bytes === before.bytes)).toBe(true);
    expect(memory().tensors).toBe(before.tensors);
  });

  it('a live view keeps the storage of a collected base alive', async () => {
    await collectUntil(() => false);
    const before = memory();
    const view: Tensor = (() => zeros(1000).get('0:10'))();
    view.fill_(1);
    expect(await collectUntil(() => memory().tensors === before.tensors + 1)).toBe(true);
    expect(memory().bytes).toBe(before.bytes + 4000);
    expect(tidy(() => view.sum().item())).toBe(10);
    view.dispose();
  });
});
