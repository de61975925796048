import { expect } from 'vitest';
import { arange, IndexError, ShapeError, slice, tensor, zeros } from '../src/index.js';
import { describeBackends } from './backend-cases.js';

describeBackends('get', (it) => {
  const m = () => arange(12).view(3, 4);

  it('numbers select (negative from the end) and drop the dim', () => {
    expect(m().get(1).toArray()).toEqual([4, 5, 6, 7]);
    expect(m().get(-1).toArray()).toEqual([8, 9, 10, 11]);
    expect(m().get(1, 2).item()).toBe(6);
    expect(m().get(1, 2).shape).toEqual([]);
    expect(m().get(-3, -4).item()).toBe(0);
  });

  it('null inserts an axis (Python None) and trailing dims are implied', () => {
    const c = tensor([10, 20, 30]);
    expect(c.get(null).shape).toEqual([1, 3]);
    expect(c.get(null, ':').shape).toEqual([1, 3]);
    expect(c.get(':', null).shape).toEqual([3, 1]);
    expect(c.get(':', null).toArray()).toEqual([[10], [20], [30]]);
    expect(c.get(null, null, ':').shape).toEqual([1, 1, 3]);
    expect(c.get(null, ':', null).shape).toEqual([1, 3, 1]);
    expect(c.get(':', null, null).shape).toEqual([3, 1, 1]);
    expect(m().get(0, null).shape).toEqual([1, 4]);
  });

  it("'...' stands for the unnamed dims", () => {
    const c = tensor([1, 2, 3]);
    expect(c.get('...').shape).toEqual([3]);
    expect(c.get('...', null).shape).toEqual([3, 1]);
    const t = arange(24).view(2, 3, 4);
    expect(t.get('...', 1).shape).toEqual([2, 3]);
    expect(t.get('...', 1).toArray()).toEqual([
      [1, 5, 9],
      [13, 17, 21],
    ]);
    expect(t.get(0, '...').shape).toEqual([3, 4]);
    expect(t.get(0, '...', 0).toArray()).toEqual([0, 4, 8]);
    expect(t.get(null, '...', null).shape).toEqual([1, 2, 3, 4, 1]);
  });

  it("slices: ':', 'a:b', 'a:b:c', '::c', negative bounds and slice()", () => {
    expect(m().get(':', 1).toArray()).toEqual([1, 5, 9]);
    expect(m().get('1:').shape).toEqual([2, 4]);
    expect(m().get(0, '1:3').toArray()).toEqual([1, 2]);
    expect(m().get(0, '::2').toArray()).toEqual([0, 2]);
    expect(m().get(0, '1::2').toArray()).toEqual([1, 3]);
    expect(m().get(0, '-3:-1').toArray()).toEqual([1, 2]);
    expect(m().get(0, '2:100').toArray()).toEqual([2, 3]);
    expect(m().get(0, '3:1').shape).toEqual([0]);
    expect(
      m()
        .get(0, slice(1, null, 2))
        .toArray(),
    ).toEqual([1, 3]);
    expect(m().get(slice(null, 2), slice(-1)).toArray()).toEqual([[3], [7]]);
    const s = m().get('::2', '1::2');
    expect(s.stride()).toEqual([8, 2]);
    expect(s.offset).toBe(1);
    expect(s.toArray()).toEqual([
      [1, 3],
      [9, 11],
    ]);
  });

  it('results are views that share storage', () => {
    const t = m();
    const row = t.get(1);
    row.fill_(0);
    expect(t.sum().item()).toBe(66 - (4 + 5 + 6 + 7));
  });

  it('bad indices throw IndexError naming the dim and size', () => {
    expect(() => m().get(3)).toThrow(IndexError);
    expect(() => m().get(3)).toThrow('get: index 3 is out of bounds for dim 0 with size 3');
    expect(() => m().get(0, -5)).toThrow(/index -5 is out of bounds for dim 1 with size 4/);
    expect(() => m().get(0, 0, 0)).toThrow(/too many indices/);
    expect(() => m().get('...', '...')).toThrow(/single ellipsis/);
    expect(() => m().get('::-1')).toThrow(/step must be a positive integer/);
    expect(() => m().get('a:b')).toThrow(IndexError);
    expect(() => m().get(1.5)).toThrow(IndexError);
  });
});

describeBackends('set', (it) => {
  it('writes a number through an index', () => {
    const t = zeros(2, 3);
    t.set([0, ':'], 5);
    expect(t.toArray()).toEqual([
      [5, 5, 5],
      [0, 0, 0],
    ]);
    t.set(1, 2);
    expect(t.get(1).toArray()).toEqual([2, 2, 2]);
    t.set([':', '1:'], -1);
    expect(t.toArray()).toEqual([
      [5, -1, -1],
      [2, -1, -1],
    ]);
    t.set([1, 0], 9);
    expect(t.get(1, 0).item()).toBe(9);
  });

  it('writes a broadcastable tensor, casting to the dtype', () => {
    const t = zeros([3, 3], { dtype: 'int32' });
    t.set(':', tensor([1.9, 2.2, 3.5]));
    expect(t.toArray()).toEqual([
      [1, 2, 3],
      [1, 2, 3],
      [1, 2, 3],
    ]);
    t.set([':', 0], tensor([[7], [8], [9]]).squeeze());
    expect(t.get(':', 0).toArray()).toEqual([7, 8, 9]);
    expect(() => t.set(0, tensor([1, 2]))).toThrow(ShapeError);
    expect(() => t.set(0, tensor([1, 2]))).toThrow(/set: \[3\] and \[2\]/);
  });

  it('writes through a transposed view and handles self-overlapping sources', () => {
    const m = arange(9).view(3, 3).float();
    m.T.set(0, tensor([100, 200, 300]));
    expect(m.get(':', 0).toArray()).toEqual([100, 200, 300]);
    const a = arange(4).float();
    a.set('1:', a.get(':3'));
    expect(a.toArray()).toEqual([0, 0, 1, 2]);
  });

  it('refuses to write into an expanded view', () => {
    const e = tensor([1, 2, 3]).expand(2, 3);
    expect(() => e.set(':', 5)).toThrow(/several elements share one memory location/);
    expect(() => e.add_(1)).toThrow(/add_: cannot write/);
    // One row of the expansion has no repeated element, so writing it is fine (as torch).
    e.set(0, 5);
    expect(e.toArray()).toEqual([
      [5, 5, 5],
      [5, 5, 5],
    ]);
  });
});
