/**
 * The index ops: embedding, gather, indexSelect (scatter-add backward, repeated indices
 * summing), scatter and scatterAdd (self and src), against float64 finite differences.
 */
import { expect } from 'vitest';
import {
  embedding,
  gather,
  indexSelect,
  manualSeed,
  scatter,
  scatterAdd,
  tensor,
} from '../../src/index.js';
import { describeBackends } from '../backend-cases.js';
import { leaf } from './grad-leaves.js';
import { checkWeighted } from './weighted-gradcheck.js';

describeBackends('gradcheck: gather and scatter', (it, backend) => {
  it('embedding with repeated token ids sums their rows', () => {
    manualSeed(21);
    const ids = tensor([
      [1, 3, 1],
      [0, 1, 3],
    ]);
    const w = leaf(5, 4);
    expect(checkWeighted((w) => embedding(ids, w), [w])).toBe(true);
    // Rows 2 and 4 are never looked up: zero gradient; row 1 is used three times.
    embedding(ids, w).sum().backward();
    expect(w.grad!.toArray()).toEqual([
      [1, 1, 1, 1],
      [3, 3, 3, 3],
      [0, 0, 0, 0],
      [2, 2, 2, 2],
      [0, 0, 0, 0],
    ]);
  });
  it("embedding's gradient is one scatter-add kernel call on the current backend", () => {
    const ids = tensor([3, 3, 0, 3, 1, 0, 3]);
    const w = leaf(4, 8);
    const out = embedding(ids, w);
    // A hand-made spy: the cross-runtime matrix runs this file without vitest's `vi`.
    const backendObject = w.backend as { scatter: (...args: unknown[]) => unknown };
    const original = backendObject.scatter;
    const modes: unknown[] = [];
    backendObject.scatter = function (this: unknown, ...args: unknown[]) {
      modes.push(args[0]);
      return original.apply(this, args);
    };
    try {
      out.sum().backward();
      expect(modes).toEqual(['add']);
      expect(w.backend.name).toBe(backend);
    } finally {
      backendObject.scatter = original;
    }
    expect(w.grad!.sum(1).div(8).toArray()).toEqual([2, 1, 0, 4]);
  });
  it('indexSelect along each dim, with repeats and an empty index', () => {
    manualSeed(22);
    const x = leaf(3, 4);
    expect(checkWeighted((a) => indexSelect(a, 0, tensor([2, 0, 2])), [x])).toBe(true);
    expect(checkWeighted((a) => a.indexSelect(1, tensor([3, 3, 1, 0, 3])), [x])).toBe(true);
    const none = tensor([], { dtype: 'int32' });
    expect(checkWeighted((a) => indexSelect(a, -1, none).sum().add(a), [x])).toBe(true);
  });
  it('gather along dims 0 and 1, with repeats and a smaller index', () => {
    manualSeed(23);
    const x = leaf(3, 4);
    const i0 = tensor([
      [2, 0, 1, 2],
      [2, 2, 0, 1],
    ]);
    expect(checkWeighted((a) => gather(a, 0, i0), [x])).toBe(true);
    const i1 = tensor([
      [3, 3],
      [0, 1],
      [1, 1],
    ]);
    expect(checkWeighted((a) => a.gather(1, i1), [x])).toBe(true);
  });
  it('scatter: self (overwritten positions get 0) and src, also a larger src', () => {
    manualSeed(24);
    const [x, src] = [leaf(3, 4), leaf(2, 4)];
    const idx = tensor([
      [1, 0, 2, 1],
      [0, 2, 1, 2],
    ]);
    expect(checkWeighted((a, s) => scatter(a, 0, idx, s), [x, src])).toBe(true);
    const col = tensor([[3], [0], [1]]);
    expect(checkWeighted((a) => a.scatter(1, col, 2.5), [x])).toBe(true);
    // src larger than index: only the index-shaped corner is read.
    expect(checkWeighted((a, s) => scatter(a, 1, col, s), [x, leaf(3, 5)])).toBe(true);
  });
  it('scatterAdd: self and src, repeated targets', () => {
    manualSeed(25);
    const [x, src] = [leaf(3, 4), leaf(3, 4)];
    const idx = tensor([
      [1, 1, 2, 1],
      [0, 1, 1, 2],
      [1, 1, 1, 1],
    ]);
    expect(checkWeighted((a, s) => scatterAdd(a, 0, idx, s), [x, src])).toBe(true);
  });
  it('in-place scatter_/scatterAdd_/maskedFill_ refuse a source that requires grad', () => {
    const t = tensor([0, 0, 0], { dtype: 'float64' });
    const src = leaf(2);
    const i = tensor([0, 2]);
    expect(() => t.scatter_(0, i, src)).toThrow(/requires grad/);
    expect(() => t.scatterAdd_(0, i, src)).toThrow(/requires grad/);
    expect(() => t.maskedFill_(tensor([true, false, true]), leaf(1).sum())).toThrow(
      /requires grad/,
    );
  });
});
