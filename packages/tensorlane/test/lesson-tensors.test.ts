/**
 * The tensor cells of the lesson "Matrix multiplication from foundations"
 * (fastai 2019 part 2, 01_matmul), ported line by line. Python float literals such as
 * `tensor([10., 6, -4])` become `{ dtype: 'float32' }`, since JS has no `10.`.
 */
import { expect } from 'vitest';
import { mul, ShapeError, type Tensor, tensor, zeros } from '../src/index.js';
import { describeBackends } from './backend-cases.js';

const f32 = Math.fround;

describeBackends('lesson: elementwise ops', (it) => {
  const a = () => tensor([10, 6, -4], { dtype: 'float32' });
  const b = () => tensor([2, 8, 7], { dtype: 'float32' });
  const m = () =>
    tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
        [7, 8, 9],
      ],
      { dtype: 'float32' },
    );

  it('a + b', () => {
    expect(a().add(b()).toArray()).toEqual([12, 14, 3]);
    expect(String(a().add(b()))).toBe('tensor([12., 14.,  3.])');
  });

  it('(a < b).float().mean()', () => {
    const r = a().lt(b()).float().mean();
    expect(r.item()).toBe(f32(2 / 3));
    expect(String(r)).toBe('tensor(0.6667)');
  });

  it('Frobenius norm (m*m).sum().sqrt()', () => {
    const r = m().mul(m()).sum().sqrt();
    expect(r.item()).toBe(f32(Math.sqrt(285)));
    expect(String(r)).toBe('tensor(16.8819)');
  });
});

describeBackends('lesson: broadcasting with a scalar', (it) => {
  const a = () => tensor([10, 6, -4], { dtype: 'float32' });
  const m = () =>
    tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
        [7, 8, 9],
      ],
      { dtype: 'float32' },
    );

  it('a > 0, a + 1, 2*m', () => {
    expect(a().gt(0).toArray()).toEqual([true, true, false]);
    expect(String(a().gt(0))).toBe('tensor([ True,  True, False])');
    expect(a().add(1).toArray()).toEqual([11, 7, -3]);
    expect(mul(2, m()).toArray()).toEqual([
      [2, 4, 6],
      [8, 10, 12],
      [14, 16, 18],
    ]);
  });
});

describeBackends('lesson: broadcasting a vector to a matrix', (it) => {
  const m = () =>
    tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
        [7, 8, 9],
      ],
      { dtype: 'float32' },
    );
  const c = () => tensor([10, 20, 30], { dtype: 'float32' });
  const rowsPlusC = [
    [11, 22, 33],
    [14, 25, 36],
    [17, 28, 39],
  ];

  it('m + c and c + m', () => {
    expect(m().shape).toEqual([3, 3]);
    expect(c().shape).toEqual([3]);
    expect(m().add(c()).toArray()).toEqual(rowsPlusC);
    expect(c().add(m()).toArray()).toEqual(rowsPlusC);
  });

  it('t = c.expandAs(m): storage() has 3 elements, stride() is [0, 1]', () => {
    const t = c().expandAs(m());
    expect(t.toArray()).toEqual([
      [10, 20, 30],
      [10, 20, 30],
      [10, 20, 30],
    ]);
    expect(m().add(t).toArray()).toEqual(rowsPlusC);
    const s = t.storage();
    expect(s.length).toBe(3);
    expect(Array.from(s)).toEqual([10, 20, 30]);
    expect(t.stride()).toEqual([0, 1]);
    expect(t.shape).toEqual([3, 3]);
  });

  it('unsqueeze(0/1) and None indexing', () => {
    expect(c().unsqueeze(0).toArray()).toEqual([[10, 20, 30]]);
    expect(c().unsqueeze(1).toArray()).toEqual([[10], [20], [30]]);
    expect([c().shape, c().unsqueeze(0).shape, c().unsqueeze(1).shape]).toEqual([
      [3],
      [1, 3],
      [3, 1],
    ]);
    expect([c().shape, c().get(null).shape, c().get(':', null).shape]).toEqual([
      [3],
      [1, 3],
      [3, 1],
    ]);
    expect(c().get(null, ':').shape).toEqual([1, 3]);
    expect([c().get(null).shape, c().get('...', null).shape]).toEqual([
      [1, 3],
      [3, 1],
    ]);
  });

  it('c[:, None].expand_as(m) and m + c[:, None]', () => {
    const col = c().get(':', null);
    expect(col.toArray()).toEqual([[10], [20], [30]]);
    expect(col.expandAs(m()).toArray()).toEqual([
      [10, 10, 10],
      [20, 20, 20],
      [30, 30, 30],
    ]);
    expect(m().add(col).toArray()).toEqual([
      [11, 12, 13],
      [24, 25, 26],
      [37, 38, 39],
    ]);
  });

  it('expand on a column keeps stride 0 along the new columns', () => {
    const e = c().get(':', null).expand(3, 4);
    expect(e.shape).toEqual([3, 4]);
    expect(e.stride()).toEqual([1, 0]);
    expect(e.toArray()).toEqual([
      [10, 10, 10, 10],
      [20, 20, 20, 20],
      [30, 30, 30, 30],
    ]);
  });
});

describeBackends('lesson: broadcasting rules', (it) => {
  const c = () => tensor([10, 20, 30], { dtype: 'float32' });

  it('c[None,:] * c[:,None] and c[None] > c[:,None]', () => {
    expect(c().get(null, ':').mul(c().get(':', null)).toArray()).toEqual([
      [100, 200, 300],
      [200, 400, 600],
      [300, 600, 900],
    ]);
    expect(c().get(null).gt(c().get(':', null)).toArray()).toEqual([
      [false, true, true],
      [false, false, true],
      [false, false, false],
    ]);
  });

  it('shapes of None-indexed vectors and matrices', () => {
    const ci = tensor([1, 2, 3]);
    expect([ci.get(':').shape, ci.get('...').shape]).toEqual([[3], [3]]);
    expect([ci.get(null, null, ':').shape, ci.get(null, null).shape]).toEqual([
      [1, 1, 3],
      [1, 1, 3],
    ]);
    expect(ci.get(':', null, null).shape).toEqual([3, 1, 1]);
    expect(ci.get(null, ':').mul(ci.get(':', null)).shape).toEqual([3, 3]);
    expect(ci.get(null, ':', null).mul(ci.get(':', null, null)).shape).toEqual([3, 3, 1]);
    const a = tensor([
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
      [9, 8, 7],
    ]);
    expect([a.shape, a.get(null).shape, a.get(':', null).shape]).toEqual([
      [4, 3],
      [1, 4, 3],
      [4, 1, 3],
    ]);
    expect(a.get(null).mul(a.get(':', null)).shape).toEqual([4, 4, 3]);
  });

  it('[1, 4, 5] * [3, 1, 5] broadcasts to [3, 4, 5]', () => {
    const x = zeros(1, 4, 5).add(1);
    const y = zeros(3, 1, 5).add(2);
    const p = x.mul(y);
    expect(p.shape).toEqual([3, 4, 5]);
    expect(p.sum().item()).toBe(120);
  });

  it('a 256×256×3 image times a 3-vector scales each colour', () => {
    const image = zeros(256, 256, 3).add(tensor([1, 2, 3], { dtype: 'float32' }));
    const scale = tensor([0.5, 2, -1], { dtype: 'float32' });
    const r = image.mul(scale);
    expect(r.shape).toEqual([256, 256, 3]);
    expect(r.get(17, 200).toArray()).toEqual([0.5, 4, -3]);
    expect(r.sum([0, 1]).toArray()).toEqual([0.5 * 65536, 4 * 65536, -3 * 65536]);
  });

  it('a shape mismatch throws ShapeError naming both shapes', () => {
    const m = tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
        [7, 8, 9],
      ],
      { dtype: 'float32' },
    );
    expect(() => m.add(tensor([1, 2], { dtype: 'float32' }))).toThrow(ShapeError);
    expect(() => m.add(tensor([1, 2], { dtype: 'float32' }))).toThrow(
      'add: [3, 3] and [2]: shapes cannot broadcast (dim -1: 3 vs 2)',
    );
  });
});

describeBackends('lesson: the homework on replacing the inner loops', (it) => {
  const a = () =>
    tensor([
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
    ]);

  it('a[0][None] * a summed over each dim', () => {
    const r0 = a().get(0);
    expect(r0.get(null, ':').shape).toEqual([1, 3]);
    expect(a().get(0, null).shape).toEqual([1, 3]);
    expect(a().get(0, null).expandAs(a()).toArray()).toEqual([
      [1, 2, 3],
      [1, 2, 3],
      [1, 2, 3],
    ]);
    expect(r0.get(null).mul(a()).sum(0).toArray()).toEqual([12, 30, 54]);
    expect(r0.get(null).mul(a()).sum(1).toArray()).toEqual([14, 32, 50]);
    expect(r0.get(':', null).mul(a()).sum(0).toArray()).toEqual([30, 36, 42]);
    expect(r0.get(':', null).mul(a()).sum(1).toArray()).toEqual([6, 30, 72]);
    expect([r0.get('...', null).shape, r0.unsqueeze(-1).shape]).toEqual([
      [3, 1],
      [3, 1],
    ]);
  });

  it('matmul with broadcasting: c[i] = (a[i].unsqueeze(-1) * b).sum(0)', () => {
    const x = tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { dtype: 'float32' },
    );
    const w = tensor(
      [
        [1, 0],
        [0, 1],
        [2, 3],
      ],
      { dtype: 'float32' },
    );
    const out = zeros(2, 2);
    for (let i = 0; i < 2; i++) out.set(i, x.get(i).unsqueeze(-1).mul(w).sum(0));
    const naive = (i: number, j: number) =>
      [0, 1, 2].reduce(
        (s, k) => s + (x.get(i, k).item() as number) * (w.get(k, j).item() as number),
        0,
      );
    expect(out.toArray()).toEqual([
      [naive(0, 0), naive(0, 1)],
      [naive(1, 0), naive(1, 1)],
    ]);
    const elementwise: Tensor = zeros(2, 2);
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 2; j++) elementwise.set([i, j], x.get(i, ':').mul(w.get(':', j)).sum());
    expect(elementwise.toArray()).toEqual(out.toArray());
  });
});
