/**
 * cat/concat/stack, split/chunk/unbind/select (views), flip, roll, repeat, tile: gradients
 * against float64 finite differences.
 */
import { expect } from 'vitest';
import {
  cat,
  chunk,
  concat,
  flip,
  manualSeed,
  roll,
  split,
  stack,
  type Tensor,
  tensor,
  tile,
  unbind,
} from '../../src/index.js';
import { describeBackends } from '../backend-cases.js';
import { leaf } from './grad-leaves.js';
import { checkWeighted } from './weighted-gradcheck.js';

/** Joins pieces back into one tensor for checking: each piece weighted differently. */
const rejoin = (pieces: Tensor[]) => cat(pieces.map((p, i) => p.mul(i + 1).flatten()));

describeBackends('gradcheck: combine', (it) => {
  it('cat along dims 0, 1 and -1, concat, and the legacy empty 1-D input', () => {
    manualSeed(31);
    const [a, b, c] = [leaf(2, 3), leaf(1, 3), leaf(2, 2)];
    expect(checkWeighted((a, b) => cat([a, b]), [a, b])).toBe(true);
    expect(checkWeighted((a, c) => cat([a, c, a], 1), [a, c])).toBe(true);
    expect(checkWeighted((a, c) => concat([c, a], -1), [a, c])).toBe(true);
    const empty = tensor([], { dtype: 'float64', requiresGrad: true });
    expect(checkWeighted((e, b) => cat([e, b, e]), [empty, b])).toBe(true);
    expect(cat([empty, b]).gradFn?.name).toBe('CatBackward');
  });
  it('stack along each dim', () => {
    manualSeed(32);
    const [a, b] = [leaf(2, 3), leaf(2, 3)];
    for (const d of [0, 1, 2, -1])
      expect(checkWeighted((a, b) => stack([a, b, a], d), [a, b])).toBe(true);
  });
  it('split (sizes and sections), chunk, unbind, select', () => {
    manualSeed(33);
    const x = leaf(5, 4);
    expect(checkWeighted((a) => rejoin(split(a, 2)), [x])).toBe(true);
    expect(checkWeighted((a) => rejoin(a.split([1, 3], 1)), [x])).toBe(true);
    expect(checkWeighted((a) => rejoin(chunk(a, 3, 1)), [x])).toBe(true);
    expect(checkWeighted((a) => rejoin(unbind(a, 1)), [x])).toBe(true);
    expect(checkWeighted((a) => a.select(0, -2), [x])).toBe(true);
    // Only some pieces used: the others get no gradient, and the used ones theirs.
    expect(checkWeighted((a) => a.chunk(2)[1]!, [x])).toBe(true);
    expect(split(x, 2)[0]!.gradFn?.name).toBe('NarrowBackward');
    expect(unbind(x)[0]!.gradFn?.name).toBe('SelectBackward');
  });
  it('flip, roll (with and without dims), repeat, tile', () => {
    manualSeed(34);
    const x = leaf(3, 4);
    expect(checkWeighted((a) => flip(a, 1), [x])).toBe(true);
    expect(checkWeighted((a) => a.flip(0, 1), [x])).toBe(true);
    expect(checkWeighted((a) => roll(a, [1, -3], [0, 1]), [x])).toBe(true);
    expect(checkWeighted((a) => a.roll(5), [x])).toBe(true);
    expect(checkWeighted((a) => a.roll(2, 0), [x])).toBe(true);
    expect(checkWeighted((a) => a.repeat(2, 1, 3), [x])).toBe(true);
    expect(checkWeighted((a) => tile(a, 2), [x])).toBe(true);
    expect(checkWeighted((a) => a.tile([2, 1, 1]), [x])).toBe(true);
    expect(x.roll(5).gradFn?.name).toBe('RollBackward');
  });
});
