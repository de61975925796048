/**
 * Long repetitions of the memory rules (a soak suite: vitest runs it with the rest, the
 * cross-runtime matrix once per runtime): 100,000 tidy steps leave the counts and the
 * wasm heap where they were.
 */
import { expect } from 'vitest';
import { memory, tidy, zeros } from '../src/index.js';
import { describeBackends } from './backend-cases.js';

describeBackends('memory soak', (it, backend) => {
  it('a tidy loop of 100,000 small ops keeps memory flat', () => {
    let acc = zeros(4);
    const base = memory();
    for (let i = 0; i < 100_000; i++) {
      const next = tidy(() => acc.add(1).mul(1));
      acc.dispose();
      acc = next;
    }
    expect(acc.toArray()).toEqual([100_000, 100_000, 100_000, 100_000]);
    const after = memory();
    expect(after.tensors).toBe(base.tensors);
    expect(after.bytes).toBe(base.bytes);
    if (backend === 'wasm') expect(after.heapBytes).toBe(base.heapBytes);
    acc.dispose();
  });
});
