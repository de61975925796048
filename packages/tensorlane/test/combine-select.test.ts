/**
 * The combine and select ops beyond the PyTorch fixtures: results against naive JS loops on
 * random shapes, what is a view and what is a copy, memory (temporaries freed, a failed op
 * allocates nothing), and every error: its class, and a message naming the op, the shapes
 * and the offending value.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import {
  ArgumentError,
  arange,
  cat,
  concat,
  concatenate,
  DtypeError,
  embedding,
  gather,
  IndexError,
  indexSelect,
  maskedFill,
  memory,
  ones,
  randn,
  ShapeError,
  scatter,
  scatterAdd,
  stack,
  type Tensor,
  tensor,
  tidy,
  tril,
  triu,
  where,
  zeros,
} from '../src/index.js';
import { testFail } from '../src/testing/index.js';
import { describeBackends } from './backend-cases.js';

/** Row-major nested arrays → flat list with shape. */
const flat = (t: Tensor) => Array.from(t.data());

/** A naive index walk: every coordinate tuple of `shape` in row-major order. */
function* coords(shape: readonly number[]): Generator<number[]> {
  if (shape.includes(0)) return;
  const idx = shape.map(() => 0);
  for (;;) {
    yield idx.slice();
    let d = shape.length - 1;
    for (; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}

/** Element of nested arrays at `idx`. */
const at = (x: unknown, idx: readonly number[]): number =>
  idx.reduce<unknown>((a, i) => (a as unknown[])[i], x) as number;

const smallShape = fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 4 });

describeBackends('combine ops against naive loops', (it) => {
  it('cat along any dim equals placing each input at its running offset', () => {
    fc.assert(
      fc.property(
        smallShape,
        fc.nat(),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 4 }),
        (shape, d0, sizes) => {
          const d = d0 % shape.length;
          const parts = sizes.map((s) => {
            const sh = shape.slice();
            sh[d] = s;
            return randn(sh);
          });
          const out = cat(parts, d - shape.length); // a negative dim
          let start = 0;
          for (const p of parts) {
            const arr = p.toArray();
            for (const idx of coords(p.shape)) {
              const o = idx.slice();
              o[d]! += start;
              expect(at(out.toArray(), o)).toBe(at(arr, idx));
            }
            start += p.shape[d]!;
          }
          expect(out.shape[d]).toBe(start);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('flip, roll and repeat match index arithmetic', () => {
    fc.assert(
      fc.property(smallShape, fc.nat(), fc.integer({ min: -7, max: 7 }), (shape, d0, shift) => {
        const d = d0 % shape.length;
        const x = randn(shape);
        const xs = x.toArray();
        const f = x.flip(d).toArray();
        const r = x.roll(shift, d).toArray();
        const n = shape[d]!;
        for (const idx of coords(shape)) {
          const fi = idx.slice();
          fi[d] = n - 1 - idx[d]!;
          expect(at(f, idx)).toBe(at(xs, fi));
          const ri = idx.slice();
          ri[d] = (((idx[d]! - shift) % n) + n) % n;
          expect(at(r, idx)).toBe(at(xs, ri));
        }
        const reps = shape.map((_, k) => (k === d ? 2 : 1));
        const rep = x.repeat([3, ...reps]);
        expect(rep.shape).toEqual([3, ...shape.map((s, k) => s * reps[k]!)]);
        const ra = rep.toArray();
        for (const idx of coords(rep.shape))
          expect(at(ra, idx)).toBe(
            at(
              xs,
              idx.slice(1).map((i, k) => i % shape[k]!),
            ),
          );
      }),
      { numRuns: 40 },
    );
  });

  it('cat, stack and their aliases', () => {
    const a = tensor([[1, 2]]);
    const b = tensor([[3, 4]]);
    expect(cat([a, b]).toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(concat([a, b], 1).toArray()).toEqual([[1, 2, 3, 4]]);
    expect(concatenate([a, b], -1).toArray()).toEqual([[1, 2, 3, 4]]);
    expect(stack([a, b], -1).shape).toEqual([1, 2, 2]);
    expect(stack([a]).shape).toEqual([1, 1, 2]);
  });

  it('split, chunk, unbind and select are views of the input', () => {
    const x = arange(12).view(3, 4);
    const [p, q] = x.split(2);
    expect(p!.shape).toEqual([2, 4]);
    expect(q!.shape).toEqual([1, 4]);
    q!.fill_(-1);
    expect(x.get(2).toArray()).toEqual([-1, -1, -1, -1]);
    x.chunk(2, 1)[1]!.fill_(0);
    expect(x.get(0).toArray()).toEqual([0, 1, 0, 0]);
    x.unbind(1)[0]!.fill_(9);
    expect(x.get(':', 0).toArray()).toEqual([9, 9, 9]);
    x.select(0, -1).fill_(5);
    expect(x.get(2).toArray()).toEqual([5, 5, 5, 5]);
  });

  it('tile pads dims with leading 1s; repeat(...) takes varargs or an array', () => {
    const x = tensor([[1, 2]]);
    expect(x.tile(2).toArray()).toEqual([[1, 2, 1, 2]]);
    expect(x.tile([2, 1, 1]).shape).toEqual([2, 1, 2]);
    expect(x.repeat(2, 1).toArray()).toEqual([
      [1, 2],
      [1, 2],
    ]);
    expect(x.repeat([1, 0]).shape).toEqual([1, 0]);
  });
});

describeBackends('select ops against naive loops', (it) => {
  it('gather, indexSelect and embedding read what index arithmetic says', () => {
    fc.assert(
      fc.property(smallShape, fc.nat(), fc.nat(), (shape, d0, seed) => {
        const d = d0 % shape.length;
        const size = shape[d]!;
        if (size === 0) return;
        const x = randn(shape);
        const xs = x.toArray();
        const idxShape = shape.map((s, k) => (k === d ? 3 : Math.min(s, 2)));
        const n = idxShape.reduce((p, q) => p * q, 1);
        const values = Array.from({ length: n }, (_, i) => (seed + i * 7) % size);
        const index = tensor(values, { dtype: 'int32' }).reshape(idxShape);
        const g = x.gather(d, index).toArray();
        for (const idx of coords(idxShape)) {
          const src = idx.slice();
          src[d] = at(index.toArray(), idx);
          expect(at(g, idx)).toBe(at(xs, src));
        }
        const sel = tensor(values.slice(0, 3), { dtype: 'int32' });
        const s = x.indexSelect(d, sel).toArray();
        for (const idx of coords(x.indexSelect(d, sel).shape)) {
          const src = idx.slice();
          src[d] = values[idx[d]!]!;
          expect(at(s, idx)).toBe(at(xs, src));
        }
      }),
      { numRuns: 40 },
    );
    const w = randn(5, 3);
    const ids = tensor(
      [
        [4, 0],
        [2, 2],
      ],
      { dtype: 'int32' },
    );
    const e = embedding(ids, w);
    expect(e.shape).toEqual([2, 2, 3]);
    expect(e.get(1, 0).toArray()).toEqual(w.get(2).toArray());
  });

  it('scatterAdd sums repeats; scatter writes a scalar; both leave the input alone', () => {
    const x = zeros(2, 3);
    const bins = scatterAdd(x, 1, tensor([[0, 0, 2, 0]], { dtype: 'int32' }), ones(1, 4));
    expect(bins.toArray()).toEqual([
      [3, 0, 1],
      [0, 0, 0],
    ]);
    expect(scatter(x, 0, tensor([[1, 0]], { dtype: 'int32' }), 2.5).toArray()).toEqual([
      [0, 2.5, 0],
      [2.5, 0, 0],
    ]);
    expect(flat(x)).toEqual([0, 0, 0, 0, 0, 0]);
    const y = zeros(3);
    expect(y.scatterAdd_(0, tensor([2, 2], { dtype: 'int32' }), ones(2))).toBe(y);
    expect(flat(y)).toEqual([0, 0, 2]);
    expect(y.scatter_(0, tensor([0], { dtype: 'int32' }), tensor([7], { dtype: 'float32' }))).toBe(
      y,
    );
    expect(flat(y)).toEqual([7, 0, 2]);
  });

  it('where, maskedFill and the causal mask of attention', () => {
    const s = arange(9).view(3, 3).float();
    const causal = ones(3, 3).tril().eq(0);
    expect(s.maskedFill(causal, -Infinity).toArray()).toEqual([
      [0, -Infinity, -Infinity],
      [3, 4, -Infinity],
      [6, 7, 8],
    ]);
    expect(where(causal, 1, 0).dtype).toBe('int32');
    expect(where(causal, 1.5, 0).dtype).toBe('float32');
    expect(where(causal, true, false).dtype).toBe('bool');
    expect(s.where(s.gt(4), 0).toArray()).toEqual([
      [0, 0, 0],
      [0, 0, 5],
      [6, 7, 8],
    ]);
    // In place, with a mask that shares the tensor's storage.
    const b = tensor([true, false, true]);
    b.maskedFill_(b, false);
    expect(b.toArray()).toEqual([false, false, false]);
  });

  it('tril/triu of a tall, wide and batched tensor keep j - i within k', () => {
    for (const shape of [
      [4, 2],
      [2, 5],
      [2, 3, 3],
      [1, 1],
    ])
      for (const k of [-2, -1, 0, 1, 3]) {
        const x = randn(shape);
        const lo = tril(x, k).toArray();
        const up = triu(x, k).toArray();
        const xs = x.toArray();
        for (const idx of coords(shape)) {
          const [i, j] = idx.slice(-2) as [number, number];
          expect(at(lo, idx)).toBe(j - i <= k ? at(xs, idx) : 0);
          expect(at(up, idx)).toBe(j - i >= k ? at(xs, idx) : 0);
        }
      }
  });

  it('temporaries are freed and a failed op allocates nothing', () => {
    const x = randn(4, 5);
    const idx = tensor([0, 3], { dtype: 'int32' });
    const before = memory().tensors;
    tidy(() => {
      cat([x, x.transpose(0, 1).transpose(0, 1)], 1);
      stack([x, x]);
      x.flip(0).roll(2).repeat(2, 1).tile(2);
      where(x.gt(0), x, 0);
      x.maskedFill(x.lt(0), 0);
      x.tril().triu(-1);
      x.indexSelect(1, idx);
      x.get(':', [1, -1]);
      x.clone().set([':', [0]], 1);
      embedding(idx, x);
      scatterAdd(x, 0, idx.view(1, 2), x);
    });
    expect(memory().tensors).toBe(before);
    const [bad, other, far] = [
      tensor([4], { dtype: 'int32' }),
      zeros(3, 3),
      tensor([9], { dtype: 'int32' }),
    ];
    const copy = x.clone();
    const bytes = memory().bytes;
    expect(() => embedding(bad, x)).toThrow(IndexError);
    expect(() => cat([x, other])).toThrow(ShapeError);
    expect(() => x.get(':', far)).toThrow(IndexError);
    expect(() => x.get(':', [9])).toThrow(IndexError);
    expect(() => copy.set([':', [9]], 1)).toThrow(IndexError);
    expect(() => scatterAdd(x, 0, bad.view(1, 1), x)).toThrow(IndexError);
    expect(memory().bytes).toBe(bytes);
  });
});

describeBackends('combine and select errors', (it) => {
  const x = () => arange(6).view(2, 3).float();

  it('cat and stack name both shapes and the dim', () => {
    testFail(() => cat([zeros(2, 3), zeros(2, 4)]), {
      type: ShapeError,
      contains:
        'cat: tensors[0] has shape [2, 3] and tensors[1] has shape [2, 4]: sizes must match except in dim 0 (dim 1: 3 vs 4)',
    });
    testFail(() => cat([zeros(2, 3), zeros(3)]), {
      type: ShapeError,
      contains: 'have 2 and 1 dims',
    });
    testFail(() => cat([zeros(2), tensor(1)]), { type: ShapeError, contains: 'zero-dimensional' });
    testFail(() => cat([]), { type: ArgumentError, contains: 'non-empty array' });
    testFail(() => cat([zeros(2)], 1), { type: IndexError, contains: 'dim 1 is out of range' });
    testFail(() => stack([zeros(2, 3), zeros(3, 2)]), {
      type: ShapeError,
      contains: 'tensors[0] has shape [2, 3] and tensors[1] has shape [3, 2]',
    });
    testFail(() => cat([zeros(2), 'x' as unknown as Tensor]), {
      type: ArgumentError,
      contains: 'cat: tensors[1] must be a Tensor',
    });
  });

  it('split sizes that do not sum, bad chunks, selects out of range', () => {
    testFail(() => x().split([1, 1], 1), {
      type: ShapeError,
      contains: 'split: sizes [1, 1] sum to 2, but dim 1 of the tensor of shape [2, 3] has size 3',
    });
    testFail(() => x().split(0), { type: ArgumentError, contains: 'splitSize can only be 0' });
    testFail(() => x().split(-1), {
      type: ArgumentError,
      contains: 'splitSize must be an integer ≥ 0',
    });
    testFail(() => x().chunk(0), {
      type: ArgumentError,
      contains: 'chunks must be an integer ≥ 1',
    });
    testFail(() => tensor(1).split(1), { type: ShapeError, contains: 'at least 1 dim' });
    testFail(() => x().select(1, 3), {
      type: IndexError,
      contains:
        'select: index 3 is out of range for dim 1 of size 3 (shape [2, 3]; expected -3..2)',
    });
    testFail(() => x().unbind(2), { type: IndexError, contains: 'unbind: dim 2 is out of range' });
  });

  it('flip, roll, repeat and tile reject bad dims and sizes', () => {
    testFail(() => x().flip(0, -2), {
      type: IndexError,
      contains: 'flip: dim 0 appears more than once',
    });
    testFail(() => x().roll([1, 2], 0), { type: ArgumentError, contains: '2 shifts and 1 dims' });
    testFail(() => x().roll([1, 2]), { type: ArgumentError, contains: 'without dims' });
    testFail(() => x().repeat(2), {
      type: ShapeError,
      contains: 'repeat: 1 repeat sizes [2] for a tensor of 2 dims',
    });
    testFail(() => x().repeat(2, -1), {
      type: ArgumentError,
      contains: 'sizes[1] must be an integer ≥ 0',
    });
    testFail(() => x().tile(1.5), {
      type: ArgumentError,
      contains: 'tile: dims must be an integer',
    });
  });

  it('where and maskedFill: bool conditions, broadcastable shapes', () => {
    testFail(() => where(x(), 1, 0), {
      type: DtypeError,
      contains: 'where: condition must be a bool tensor, got a float32 tensor of shape [2, 3]',
    });
    testFail(() => where(x().gt(0), zeros(3, 3), 0), {
      type: ShapeError,
      contains:
        'where: condition [2, 3], input [3, 3] and other [] cannot broadcast (dim -2: 2 vs 3)',
    });
    testFail(() => where(x().gt(0), 'a' as unknown as number, 0), {
      type: ArgumentError,
      contains: 'where: input must be a Tensor, a number or a boolean',
    });
    testFail(() => maskedFill(x(), tensor([1, 0, 1]), 0), {
      type: DtypeError,
      contains: 'mask must be a bool tensor',
    });
    testFail(() => maskedFill(x(), tensor([true, false]), 0), {
      type: ShapeError,
      contains: 'maskedFill: tensor [2, 3] and mask [2] cannot broadcast',
    });
    testFail(() => x().maskedFill(tensor([true]), zeros(2)), {
      type: ShapeError,
      contains: 'value must be a number or a 0-d tensor',
    });
    testFail(() => zeros(3).maskedFill_(ones(2, 3).bool(), 1), {
      type: ShapeError,
      contains: "maskedFill_: mask [2, 3] must broadcast to the tensor's shape [3]",
    });
    testFail(
      () =>
        zeros(1)
          .expand(3)
          .maskedFill_(tensor([true, false, true]), 1),
      {
        type: ShapeError,
        contains: 'several elements share one memory location',
      },
    );
  });

  it('tril/triu need 2 dims and an integer k', () => {
    testFail(() => tril(zeros(3)), {
      type: ShapeError,
      contains: 'tril: needs a tensor with at least 2 dims, got shape [3]',
    });
    testFail(() => triu(tensor(1)), {
      type: ShapeError,
      contains: 'triu: needs a tensor with at least 2 dims, got shape []',
    });
    testFail(() => x().tril(0.5), {
      type: ArgumentError,
      contains: 'tril: diagonal must be an integer',
    });
  });

  it('index tensors must be int32, and values in range are checked before the kernel', () => {
    const w = randn(10, 4);
    testFail(() => embedding(tensor([1.5, 2]), w), {
      type: DtypeError,
      contains: 'embedding: input must be an int32 tensor, got a float32 tensor of shape [2]',
    });
    testFail(() => embedding(tensor([1, 10], { dtype: 'int32' }), w), {
      type: IndexError,
      contains: 'embedding: index 10 is out of range for a weight of 10 rows (expected 0..9)',
    });
    testFail(() => embedding(tensor([-1], { dtype: 'int32' }), w), {
      type: IndexError,
      contains: 'embedding: index -1 is out of range',
    });
    testFail(() => embedding(tensor([0], { dtype: 'int32' }), zeros(3)), {
      type: ShapeError,
      contains: 'embedding: weight must be 2-D',
    });
    testFail(() => indexSelect(w, 1, tensor([0, 4], { dtype: 'int32' })), {
      type: IndexError,
      contains: 'indexSelect: index 4 is out of range for dim 1 of size 4 (expected 0..3)',
    });
    testFail(() => indexSelect(w, 0, tensor([[0]], { dtype: 'int32' })), {
      type: ShapeError,
      contains: 'index must be 1-D',
    });
    testFail(() => gather(w, 1, tensor([[0, -1]], { dtype: 'int32' })), {
      type: IndexError,
      contains: 'gather: index -1 is out of range for dim 1 of size 4 (expected 0..3)',
    });
    testFail(() => gather(w, 0, tensor([0], { dtype: 'int32' })), {
      type: ShapeError,
      contains: 'gather: index [1] must have as many dims as the tensor [10, 4]',
    });
    testFail(() => gather(w, 0, zeros(1, 5).int()), {
      type: ShapeError,
      contains: 'is larger than the tensor [10, 4] in dim 1 (5 vs 4)',
    });
    testFail(() => gather(w, 0, zeros(1, 1).bool()), {
      type: DtypeError,
      contains: 'boolean masks: use maskedFill or where',
    });
    testFail(() => scatter(w, 0, tensor([[10]], { dtype: 'int32' }), 1), {
      type: IndexError,
      contains: 'scatter: index 10 is out of range for dim 0 of size 10',
    });
    testFail(() => scatterAdd(w, 0, tensor([[1, 2]], { dtype: 'int32' }), ones(1, 1)), {
      type: ShapeError,
      contains: 'is larger than src [1, 1] in dim 1',
    });
    testFail(() => scatterAdd(w, 0, tensor([[1]], { dtype: 'int32' }), ones(1, 1).int()), {
      type: DtypeError,
      contains: "scatterAdd: src must have the tensor's dtype float32",
    });
    testFail(() => scatterAdd(w, 0, tensor([[1]], { dtype: 'int32' }), 1 as unknown as Tensor), {
      type: ArgumentError,
      contains: 'scatterAdd: src must be a Tensor',
    });
  });
});
