import { describe, expect, it } from 'vitest';
import {
  ArgumentError,
  arange,
  DtypeError,
  empty,
  eye,
  full,
  linspace,
  ones,
  onesLike,
  ShapeError,
  Tensor,
  tensor,
  zeros,
  zerosLike,
} from '../src/index.js';
import { describeBackends } from './backend-cases.js';

describeBackends('tensor()', (it, backend) => {
  it('infers shape and dtype like torch.tensor (ints → int32, fractions → float32, bools → bool)', () => {
    const i = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(i.shape).toEqual([2, 3]);
    expect(i.dtype).toBe('int32');
    expect(i.ndim).toBe(2);
    expect(i.numel()).toBe(6);
    expect(i.stride()).toEqual([3, 1]);
    expect(i.offset).toBe(0);
    expect(i.backend.name).toBe(backend);
    expect(tensor([1, 2.5]).dtype).toBe('float32');
    expect(tensor([true, false]).dtype).toBe('bool');
    expect(tensor([true, 2]).dtype).toBe('int32');
    expect(tensor(3.5).shape).toEqual([]);
    expect(tensor(3.5).item()).toBe(3.5);
    expect(tensor([]).shape).toEqual([0]);
    expect(tensor([]).dtype).toBe('float32');
    expect(tensor([[], []]).shape).toEqual([2, 0]);
  });

  it('honours dtype and shape options and typed arrays', () => {
    const f = tensor([10, 6, -4], { dtype: 'float32' });
    expect(f.dtype).toBe('float32');
    expect(Array.from(f.data())).toEqual([10, 6, -4]);
    const t = tensor(new Float32Array([1, 2, 3, 4, 5, 6]), { shape: [2, 3] });
    expect(t.toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(tensor(new Int32Array([7, 8])).dtype).toBe('int32');
    expect(tensor(new Float64Array([0.1])).dtype).toBe('float64');
    expect(tensor(new Float64Array([0.1])).item()).toBe(0.1);
    expect(tensor([1.7, -1.7], { dtype: 'int32' }).toArray()).toEqual([1, -1]);
    expect(tensor([0, 2, Number.NaN], { dtype: 'bool' }).toArray()).toEqual([false, true, true]);
    expect(tensor([1, 2, 3, 4], { shape: [2, 2] }).shape).toEqual([2, 2]);
  });

  it('rounds float32 data to float32 and keeps float64 exact', () => {
    expect(tensor([0.1], { dtype: 'float32' }).item()).toBe(Math.fround(0.1));
    expect(tensor([0.1], { dtype: 'float64' }).item()).toBe(0.1);
  });

  it('rejects ragged data and wrong typed-array shapes with ShapeError', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(ShapeError);
    expect(() => tensor([[1, 2], [3]])).toThrow(/ragged.*length 2 at dim 1/);
    expect(() => tensor(new Float32Array(5), { shape: [2, 3] })).toThrow(
      /\[2, 3\] needs 6 elements/,
    );
  });

  it('copies another tensor', () => {
    const a = tensor([1, 2, 3]);
    const b = tensor(a, { dtype: 'float64' });
    a.set(0, 9);
    expect(b.toArray()).toEqual([1, 2, 3]);
    expect(b.dtype).toBe('float64');
  });
});

describeBackends('creation functions', (it) => {
  it('zeros/ones/empty/full accept varargs or an array, plus options', () => {
    expect(zeros(2, 3).toArray()).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect(zeros([2, 3]).shape).toEqual([2, 3]);
    expect(zeros(2, 3).dtype).toBe('float32');
    expect(zeros([2], { dtype: 'int32' }).dtype).toBe('int32');
    expect(ones(2, { dtype: 'bool' }).toArray()).toEqual([true, true]);
    expect(ones([2, 2]).toArray()).toEqual([
      [1, 1],
      [1, 1],
    ]);
    expect(empty(3).shape).toEqual([3]);
    expect(zeros().shape).toEqual([]);
    expect(full([2], 7).dtype).toBe('int32');
    expect(full([2], 1.5).toArray()).toEqual([1.5, 1.5]);
    expect(full([2], true).dtype).toBe('bool');
    expect(full(2, 3, { dtype: 'float64' }).dtype).toBe('float64');
    expect(() => zeros(2, -1)).toThrow(ShapeError);
    expect(() => zeros(1.5)).toThrow(ShapeError);
  });

  it('arange, linspace and eye follow torch', () => {
    expect(arange(5).toArray()).toEqual([0, 1, 2, 3, 4]);
    expect(arange(5).dtype).toBe('int32');
    expect(arange(2, 8, 3).toArray()).toEqual([2, 5]);
    expect(arange(0, 1, 0.25).toArray()).toEqual([0, 0.25, 0.5, 0.75]);
    expect(arange(0, 1, 0.25).dtype).toBe('float32');
    expect(arange(5, 0, -2).toArray()).toEqual([5, 3, 1]);
    expect(arange(3, { dtype: 'float64' }).dtype).toBe('float64');
    expect(() => arange(0, 5, -1)).toThrow(ShapeError);
    const l = linspace(0, 1, 5).toArray() as number[];
    expect(l).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect((linspace(-1, 2, 7).toArray() as number[]).at(-1)).toBe(2);
    expect(linspace(3, 5, 1).toArray()).toEqual([3]);
    expect(eye(3).toArray()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    expect(eye(2, 3).toArray()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
    ]);
  });

  it('zerosLike/onesLike copy shape and dtype', () => {
    const t = tensor([[1, 2]]);
    expect(zerosLike(t).toArray()).toEqual([[0, 0]]);
    expect(zerosLike(t).dtype).toBe('int32');
    expect(onesLike(t, { dtype: 'float32' }).dtype).toBe('float32');
    expect(onesLike(t).toArray()).toEqual([[1, 1]]);
  });
});

describeBackends('tensor accessors', (it) => {
  it('stride(dim), size(dim), item, data, toArray', () => {
    const t = arange(24).view(2, 3, 4);
    expect(t.stride(0)).toBe(12);
    expect(t.stride(-1)).toBe(1);
    expect(t.size()).toEqual([2, 3, 4]);
    expect(t.size(-2)).toBe(3);
    expect(Array.from(t.T.data())).toEqual(
      Array.from({ length: 24 }, (_, i) => {
        const [k, j, l] = [Math.floor(i / 6), Math.floor(i / 2) % 3, i % 2];
        return l * 12 + j * 4 + k;
      }),
    );
    expect(tensor([[5]]).item()).toBe(5);
    expect(tensor(true).item()).toBe(true);
    expect(() => t.item()).toThrow(/item: a tensor of shape \[2, 3, 4\] has 24 elements/);
  });

  it('storage() is the whole underlying storage, shared by views', () => {
    const c = tensor([10, 20, 30], { dtype: 'float32' });
    const t = c.expand(3, 3);
    expect(Array.from(t.storage())).toEqual([10, 20, 30]);
    expect(t.stride()).toEqual([0, 1]);
    const s = arange(6).view(2, 3).get(1);
    expect(Array.from(s.storage())).toEqual([0, 1, 2, 3, 4, 5]);
    expect(s.offset).toBe(3);
  });

  it('isContiguous, contiguous and clone', () => {
    const m = arange(6).view(2, 3);
    expect(m.isContiguous()).toBe(true);
    expect(m.T.isContiguous()).toBe(false);
    expect(m.unsqueeze(0).isContiguous()).toBe(true);
    expect(zeros(0, 3).T.isContiguous()).toBe(true);
    const c = m.T.contiguous();
    expect(c.isContiguous()).toBe(true);
    expect(c.stride()).toEqual([2, 1]);
    expect(c.toArray()).toEqual([
      [0, 3],
      [1, 4],
      [2, 5],
    ]);
    // contiguous() of a contiguous tensor shares storage; clone() never does.
    const same = m.contiguous();
    same.set([0, 0], 100);
    expect(m.get(0, 0).item()).toBe(100);
    const k = m.clone();
    k.set([0, 0], -1);
    expect(m.get(0, 0).item()).toBe(100);
  });

  it('casts: float int bool double to', () => {
    const t = tensor([-1.5, 0, 2.7]);
    expect(t.int().toArray()).toEqual([-1, 0, 2]);
    expect(t.bool().toArray()).toEqual([true, false, true]);
    expect(t.double().dtype).toBe('float64');
    expect(tensor([true, false]).float().toArray()).toEqual([1, 0]);
    expect(tensor([1, 2]).to('float32').dtype).toBe('float32');
    const same = t.to('float32');
    // Not `expect(same).not.toBe(t)`: vitest then deep-compares through Tensor's iterator,
    // which reaches 0-d tensors and throws (as torch's iteration does).
    expect(same === t).toBe(false);
    expect(same.toArray()).toEqual(t.toArray());
  });

  it('prints in PyTorch format via toString and util.inspect', () => {
    const t = tensor([
      [1, 2],
      [3, 4],
    ]).float();
    expect(t.toString()).toBe('tensor([[1., 2.],\n        [3., 4.]])');
    const inspect = (t as any)[Symbol.for('nodejs.util.inspect.custom')];
    expect(inspect.call(t)).toBe(t.toString());
    expect(String(tensor([1, 2]).double())).toBe('tensor([1., 2.], dtype=torch.float64)');
  });
});

describe('typed errors', () => {
  it('a bool tensor cannot be negated', () => {
    expect(() => tensor([true]).neg()).toThrow(DtypeError);
  });
  it('Tensor is exported as a class', () => {
    expect(zeros(1)).toBeInstanceOf(Tensor);
  });
});

describeBackends('dataInto', (it) => {
  it('reads contiguous and strided tensors into a caller buffer of the matching kind', () => {
    const m = arange(12, { dtype: 'float32' }).view(3, 4);
    const buf = new Float32Array(12).fill(-1);
    expect(m.dataInto(buf)).toBe(buf);
    expect(Array.from(buf)).toEqual(Array.from(m.data()));
    const t = m.T;
    const small = new Float32Array(13).fill(-1);
    t.dataInto(small);
    expect(Array.from(small.subarray(0, 12))).toEqual(Array.from(t.data()));
    expect(small[12]).toBe(-1);
    const b = tensor([true, false]);
    expect(Array.from(b.dataInto(new Uint8Array(2)))).toEqual([1, 0]);
  });
  it('refuses a buffer of the wrong kind or too short, naming both', () => {
    const m = arange(6, { dtype: 'float32' });
    expect(() => m.dataInto(new Float64Array(6) as never)).toThrow(
      /float32 tensor reads into a Float32Array/,
    );
    expect(() => m.dataInto(new Float32Array(5))).toThrow(
      /has 6 elements, the Float32Array only 5/,
    );
    expect(() => m.dataInto([] as never)).toThrow(ArgumentError);
  });
});
