import { expect } from 'vitest';
import {
  DisposedError,
  keep,
  memory,
  OutOfMemoryError,
  type Tensor,
  tensor,
  tidy,
  zeros,
} from '../src/index.js';
import { describeBackends } from './backend-cases.js';

describeBackends('memory', (it, backend) => {
  it('dispose frees the storage once no view uses it', () => {
    const before = memory();
    const t = zeros(100);
    expect(memory().tensors).toBe(before.tensors + 1);
    expect(memory().bytes).toBe(before.bytes + 400);
    const v = t.get('10:20');
    expect(memory().tensors).toBe(before.tensors + 2);
    expect(memory().bytes).toBe(before.bytes + 400);
    t.dispose();
    t.dispose(); // idempotent
    expect(t.isDisposed).toBe(true);
    // The view keeps the storage alive and readable.
    expect(memory().bytes).toBe(before.bytes + 400);
    v.fill_(3);
    expect(tidy(() => v.sum().item())).toBe(30);
    v[Symbol.dispose]();
    expect(memory().tensors).toBe(before.tensors);
    expect(memory().bytes).toBe(before.bytes);
  });

  it('use after dispose throws DisposedError naming the op', () => {
    const t = tensor([1, 2, 3]);
    t.dispose();
    expect(() => t.add(1)).toThrow(DisposedError);
    expect(() => t.sum()).toThrow('sum: tensor of shape [3] (int32) was used after dispose()');
    expect(() => t.toArray()).toThrow(DisposedError);
    expect(() => t.get(0)).toThrow(DisposedError);
    expect(() => zeros(3).add(t)).toThrow(DisposedError);
  });

  it('tidy disposes intermediates and keeps returned tensors (also in arrays and objects)', () => {
    const x = tensor([1, 2, 3], { dtype: 'float32' });
    const before = memory().tensors;
    const y = tidy(() => x.mul(2).add(1));
    expect(y.toArray()).toEqual([3, 5, 7]);
    expect(memory().tensors).toBe(before + 1);
    const { a, list } = tidy(() => ({ a: x.neg(), list: [x.exp(), x.sqrt().mul(2)], n: 3 }));
    expect(memory().tensors).toBe(before + 4);
    expect(a.toArray()).toEqual([-1, -2, -3]);
    expect(list[1]!.shape).toEqual([3]);
    for (const t of [y, a, ...list]) t.dispose();
    expect(memory().tensors).toBe(before);
    expect(x.isDisposed).toBe(false);
  });

  it('tidy nests, honours keep, and cleans up when fn throws', () => {
    const x = tensor([1, 2], { dtype: 'float32' });
    const before = memory().tensors;
    let kept: Tensor | undefined;
    let inner: Tensor | undefined;
    const out = tidy(() => {
      inner = tidy(() => x.add(1).mul(3));
      kept = keep(x.mul(10));
      x.sub(1);
      return inner.add(0);
    });
    expect(inner!.isDisposed).toBe(true); // returned from the inner scope only
    expect(kept!.isDisposed).toBe(false);
    expect(out.toArray()).toEqual([6, 9]);
    expect(memory().tensors).toBe(before + 2);
    out.dispose();
    kept!.dispose();
    expect(() =>
      tidy(() => {
        x.add(1);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(memory().tensors).toBe(before);
  });

  it('an allocation past the limit throws OutOfMemoryError and leaves tensors intact', () => {
    const t = tensor([1, 2, 3]);
    const before = memory();
    let err: unknown;
    try {
      zeros(2 ** 31);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(OutOfMemoryError);
    expect((err as OutOfMemoryError).bytesRequested).toBe(2 ** 33);
    expect((err as Error).message).toMatch(/cannot allocate 8589934592 bytes/);
    expect(memory().tensors).toBe(before.tensors);
    expect(memory().bytes).toBe(before.bytes);
    expect(t.toArray()).toEqual([1, 2, 3]);
    expect(() => t.expand(2 ** 16, 2 ** 15, 3).contiguous()).toThrow(OutOfMemoryError);
    expect(t.add(1).toArray()).toEqual([2, 3, 4]);
  });

  it('memory() reports the wasm heap on the wasm backend', () => {
    zeros(1).dispose();
    if (backend === 'wasm') expect(memory().heapBytes).toBeGreaterThan(0);
    else expect(memory().heapBytes).toBeGreaterThanOrEqual(0);
  });
});
