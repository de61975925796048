import fc from 'fast-check';
import { expect } from 'vitest';
import { arange, IndexError, ShapeError, tensor, zeros } from '../src/index.js';
import { describeBackends } from './backend-cases.js';

/** Element at a multi-index of a row-major array of `shape` (an independent reference). */
function at(values: readonly number[], shape: readonly number[], idx: readonly number[]): number {
  let flat = 0;
  for (let d = 0; d < shape.length; d++) flat = flat * shape[d]! + idx[d]!;
  return values[flat]!;
}

function allIndices(shape: readonly number[]): number[][] {
  const out: number[][] = [[]];
  for (const s of shape) {
    const next: number[][] = [];
    for (const p of out) for (let i = 0; i < s; i++) next.push([...p, i]);
    out.splice(0, out.length, ...next);
  }
  return out;
}

describeBackends('views', (it) => {
  it('view reshapes without copying and infers -1', () => {
    const t = arange(6);
    const v = t.view(2, 3);
    expect(v.shape).toEqual([2, 3]);
    expect(t.view([3, -1]).shape).toEqual([3, 2]);
    v.set([1, 2], 50);
    expect(t.get(5).item()).toBe(50);
    expect(() => t.view(4, 2)).toThrow(ShapeError);
    expect(() => t.view(4, 2)).toThrow('view: shape [4, 2] is invalid for input of size 6');
    expect(() => t.view(-1, -1)).toThrow(/only one dimension can be inferred/);
  });

  it('view of a transposed tensor works only where strides allow; reshape copies otherwise', () => {
    const m = arange(6).view(2, 3).T; // [3, 2], strides [1, 3]
    expect(() => m.view(6)).toThrow(/cannot view a tensor of shape \[3, 2\] with strides \[1, 3\]/);
    expect(m.view(3, 1, 2).stride()).toEqual([1, 6, 3]); // as torch: the size-1 dim gets 2·3
    const r = m.reshape(6);
    expect(r.toArray()).toEqual([0, 3, 1, 4, 2, 5]);
    r.set(0, 99);
    expect(m.get(0, 0).item()).toBe(0);
    const c = arange(6).view(2, 3);
    const rv = c.reshape(3, 2);
    rv.set([0, 0], 7);
    expect(c.get(0, 0).item()).toBe(7);
    expect(zeros(0, 3).view(3, 0).shape).toEqual([3, 0]);
    expect(tensor(5).view(1).toArray()).toEqual([5]);
  });

  it('unsqueeze and squeeze', () => {
    const c = tensor([10, 20, 30]);
    expect(c.unsqueeze(0).shape).toEqual([1, 3]);
    expect(c.unsqueeze(1).shape).toEqual([3, 1]);
    expect(c.unsqueeze(-1).shape).toEqual([3, 1]);
    expect(c.unsqueeze(1).toArray()).toEqual([[10], [20], [30]]);
    expect(() => c.unsqueeze(3)).toThrow(IndexError);
    const s = zeros(1, 3, 1, 2);
    expect(s.squeeze().shape).toEqual([3, 2]);
    expect(s.squeeze(0).shape).toEqual([3, 1, 2]);
    expect(s.squeeze(1).shape).toEqual([1, 3, 1, 2]);
    expect(s.squeeze([0, 2]).shape).toEqual([3, 2]);
  });

  it('expand and expandAs give stride 0 and share storage', () => {
    const c = tensor([10, 20, 30]);
    const m = zeros(3, 3);
    const t = c.expandAs(m);
    expect(t.shape).toEqual([3, 3]);
    expect(t.stride()).toEqual([0, 1]);
    expect(t.storage().length).toBe(3);
    expect(t.toArray()).toEqual([
      [10, 20, 30],
      [10, 20, 30],
      [10, 20, 30],
    ]);
    const col = c.get(':', null).expand(-1, 4);
    expect(col.shape).toEqual([3, 4]);
    expect(col.stride()).toEqual([1, 0]);
    expect(c.expand(2, 3).shape).toEqual([2, 3]);
    expect(() => c.expand(3, 4)).toThrow(ShapeError);
    expect(() => c.expand(3, 4)).toThrow(/expand: \[3\] to \[3, 4\]/);
    expect(() => zeros(2, 3).expand(3)).toThrow(ShapeError);
  });

  it('transpose, permute, T, mT', () => {
    const t = arange(24).view(2, 3, 4);
    expect(t.transpose(0, 2).shape).toEqual([4, 3, 2]);
    expect(t.transpose(0, 2).stride()).toEqual([1, 4, 12]);
    expect(t.permute(2, 0, 1).shape).toEqual([4, 2, 3]);
    expect(t.permute([2, 0, 1]).stride()).toEqual([1, 12, 4]);
    expect(t.T.shape).toEqual([4, 3, 2]);
    expect(t.mT.shape).toEqual([2, 4, 3]);
    expect(t.mT.get(1, 3, 2).item()).toBe(at(range(24), [2, 3, 4], [1, 2, 3]));
    expect(() => t.permute(0, 0, 1)).toThrow(/not a permutation/);
    expect(() => arange(3).mT).toThrow(ShapeError);
    expect(arange(3).T.shape).toEqual([3]);
  });

  it('flatten and narrow', () => {
    const t = arange(24).view(2, 3, 4);
    expect(t.flatten().shape).toEqual([24]);
    expect(t.flatten(1).shape).toEqual([2, 12]);
    expect(t.flatten(0, 1).shape).toEqual([6, 4]);
    expect(t.T.flatten().toArray()).toEqual(Array.from(t.T.contiguous().data()));
    expect(tensor(3).flatten().shape).toEqual([1]);
    const n = t.narrow(2, 1, 2);
    expect(n.shape).toEqual([2, 3, 2]);
    expect(n.offset).toBe(1);
    expect(n.get(1, 2).toArray()).toEqual([21, 22]);
    expect(t.narrow(-1, -2, 2).get(0, 0).toArray()).toEqual([2, 3]);
    expect(() => t.narrow(0, 1, 2)).toThrow(IndexError);
  });

  it('random permutes/transposes/narrows read the same elements as index arithmetic', () => {
    const shapeArb = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(shapeArb, fc.array(fc.nat(), { minLength: 4, maxLength: 4 }), (shape, seeds) => {
        const n = shape.reduce((a, b) => a * b, 1);
        const values = range(n);
        const base = arange(n).view(shape);
        const perm = shape
          .map((_, i) => i)
          .sort((a, b) => ((seeds[a % 4]! + a * 7) % 5) - ((seeds[b % 4]! + b * 7) % 5));
        const p = base.permute(perm);
        const d = seeds[0]! % shape.length;
        const start = seeds[1]! % shape[perm[d]!]!;
        const len = shape[perm[d]!]! - start;
        const v = p.narrow(d, start, len);
        const got = v.toArray();
        for (const idx of allIndices(v.shape)) {
          const src = new Array<number>(shape.length);
          idx.forEach((x, k) => {
            src[perm[k]!] = k === d ? x + start : x;
          });
          let g: any = got;
          for (const x of idx) g = g[x];
          expect(g).toBe(at(values, shape, src));
        }
        base.dispose();
        p.dispose();
        v.dispose();
      }),
      { numRuns: 60 },
    );
  });
});

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
