/** Every typed error of docs/errors.md that the tensor core raises, with its message. */
import { expect } from 'vitest';
import {
  DisposedError,
  DtypeError,
  IndexError,
  memory,
  OutOfMemoryError,
  ShapeError,
  TensorlaneError,
  tensor,
  zeros,
} from '../src/index.js';
import { describeBackends } from './backend-cases.js';

/** The error `fn` throws (fails the test if it throws nothing). */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error, none was thrown');
}

describeBackends('errors', (it) => {
  it('ShapeError: broadcasting names the op, both shapes and the dim', () => {
    const e = thrown(() => zeros(2, 3).mul(zeros(2, 4)));
    expect(e).toBeInstanceOf(ShapeError);
    expect(e).toBeInstanceOf(TensorlaneError);
    expect(e.name).toBe('ShapeError');
    expect(e.message).toBe('mul: [2, 3] and [2, 4]: shapes cannot broadcast (dim -1: 3 vs 4)');
  });

  it('ShapeError: view, expand, reshape, tensor() and in-place shape growth', () => {
    expect(thrown(() => zeros(6).view(4, -1)).message).toBe(
      'view: shape [4, -1] is invalid for input of size 6',
    );
    expect(thrown(() => zeros(3).expand(2, 4))).toBeInstanceOf(ShapeError);
    expect(thrown(() => zeros(6).reshape(5))).toBeInstanceOf(ShapeError);
    expect(thrown(() => tensor([[1], [1, 2]]))).toBeInstanceOf(ShapeError);
    const e = thrown(() => zeros(3).add_(zeros(2, 3)));
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.message).toMatch(/add_: \[3\] and \[2, 3\]: the value broadcasts to \[2, 3\]/);
  });

  it('IndexError: out-of-range index and dim', () => {
    const e = thrown(() => zeros(2, 3).get(0, 3));
    expect(e).toBeInstanceOf(IndexError);
    expect(e.message).toBe('get: index 3 is out of bounds for dim 1 with size 3 (shape [2, 3])');
    expect(thrown(() => zeros(2, 3).transpose(0, 2)).message).toBe(
      'transpose: dim 2 is out of range for a tensor of rank 2 (expected -2..1)',
    );
  });

  it('DtypeError: bool subtraction/negation, mean of ints, lossy in-place casts', () => {
    const b = tensor([true]);
    expect(thrown(() => b.sub(b))).toBeInstanceOf(DtypeError);
    expect(thrown(() => b.neg()).message).toMatch(/neg: not supported for bool tensors/);
    expect(thrown(() => tensor([1, 2]).mean()).message).toMatch(
      /mean: input dtype int32 .* is not floating point/,
    );
    expect(thrown(() => tensor([1, 2]).mul_(0.5))).toBeInstanceOf(DtypeError);
  });

  it('DisposedError after dispose', () => {
    const t = zeros(2);
    t.dispose();
    const e = thrown(() => t.mul(2));
    expect(e).toBeInstanceOf(DisposedError);
    expect(e.message).toBe('mul: tensor of shape [2] (float32) was used after dispose()');
  });

  it('OutOfMemoryError with bytes asked and live; nothing changes', () => {
    const keepMe = tensor([1, 2, 3]);
    const live = memory();
    const e = thrown(() => zeros(3, 2 ** 30)) as OutOfMemoryError;
    expect(e).toBeInstanceOf(OutOfMemoryError);
    expect(e.bytesRequested).toBe(3 * 2 ** 32);
    expect(e.bytesLive).toBeGreaterThanOrEqual(0);
    expect(memory()).toEqual(live);
    expect(keepMe.toArray()).toEqual([1, 2, 3]);
  });

  it('a failed op leaves its operands intact', () => {
    const a = tensor([1, 2, 3]);
    const b = zeros(2, 2);
    const before = memory().tensors;
    thrown(() => a.add_(b));
    thrown(() => a.set(5, 1));
    expect(a.toArray()).toEqual([1, 2, 3]);
    expect(b.toArray()).toEqual([
      [0, 0],
      [0, 0],
    ]);
    expect(memory().tensors).toBe(before);
  });
});
