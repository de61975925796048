import fc from 'fast-check';
import { expect } from 'vitest';
import {
  DtypeError,
  IndexError,
  logsumexp,
  sum,
  type Tensor,
  tensor,
  zeros,
} from '../src/index.js';
import { describeBackends } from './backend-cases.js';

const f32 = Math.fround;

/** Naive reduction reference over `dims` of row-major `values` with `shape`. */
function refReduce(
  values: readonly number[],
  shape: readonly number[],
  dims: readonly number[],
  init: number,
  f: (acc: number, x: number) => number,
): number[] {
  const keptShape = shape.filter((_, d) => !dims.includes(d));
  const redShape = dims.map((d) => shape[d]!);
  const nOut = keptShape.reduce((a, b) => a * b, 1);
  const nRed = redShape.reduce((a, b) => a * b, 1);
  const out: number[] = [];
  for (let o = 0; o < nOut; o++) {
    const kept = unflat(o, keptShape);
    let acc = init;
    for (let r = 0; r < nRed; r++) {
      const red = unflat(r, redShape);
      const idx = shape.map((_, d) =>
        dims.includes(d) ? red[dims.indexOf(d)]! : kept[keptDims(shape, dims).indexOf(d)]!,
      );
      const flat = idx.reduce((a, x, d) => a * shape[d]! + x, 0);
      acc = f(acc, values[flat]!);
    }
    out.push(acc);
  }
  return out;
}

function keptDims(shape: readonly number[], dims: readonly number[]): number[] {
  return shape.map((_, d) => d).filter((d) => !dims.includes(d));
}

function unflat(i: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = i % shape[d]!;
    i = Math.floor(i / shape[d]!);
  }
  return idx;
}

describeBackends('reductions', (it) => {
  const m = () =>
    tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
        [7, 8, 9],
      ],
      { dtype: 'float32' },
    );

  it('sum over all, one, negative and listed dims, with keepdim', () => {
    expect(m().sum().item()).toBe(45);
    expect(m().sum().shape).toEqual([]);
    expect(m().sum(0).toArray()).toEqual([12, 15, 18]);
    expect(m().sum(-1).toArray()).toEqual([6, 15, 24]);
    expect(m().sum(1, true).toArray()).toEqual([[6], [15], [24]]);
    expect(m().sum([0, 1]).item()).toBe(45);
    expect(m().sum([0, 1], true).shape).toEqual([1, 1]);
    expect(sum(m(), 0).toArray()).toEqual([12, 15, 18]);
    expect(tensor([1, 2, 3]).sum().dtype).toBe('int32');
    expect(tensor([true, true, false]).sum().item()).toBe(2);
    expect(zeros(0).sum().item()).toBe(0);
    expect(zeros(2, 0).sum(1).toArray()).toEqual([0, 0]);
  });

  it('mean, prod, all, any', () => {
    expect(m().mean().item()).toBe(5);
    expect(m().mean(0).toArray()).toEqual([4, 5, 6]);
    expect(m().prod(1).toArray()).toEqual([6, 120, 504]);
    expect(tensor([2, 3, 4]).prod().item()).toBe(24);
    expect(() => tensor([1, 2]).mean()).toThrow(DtypeError);
    expect(
      tensor([10, 6, -4])
        .lt(tensor([2, 8, 7]))
        .float()
        .mean()
        .item(),
    ).toBe(f32(2 / 3));
    expect(m().gt(0).all().item()).toBe(true);
    expect(m().gt(5).all(1).toArray()).toEqual([false, false, true]);
    expect(m().gt(5).any(1).toArray()).toEqual([false, true, true]);
    expect(tensor([0, Number.NaN]).any().item()).toBe(true);
    expect(zeros(0).all().item()).toBe(true);
    expect(zeros(0).any().item()).toBe(false);
  });

  it('max/min: whole tensor, with dim → values and indices, and elementwise', () => {
    const t = tensor([
      [3, 9, 9],
      [7, 1, 7],
    ]);
    expect(t.max().item()).toBe(9);
    expect(t.min().item()).toBe(1);
    const { values, indices } = t.max(1);
    expect(values.toArray()).toEqual([9, 7]);
    expect(indices.toArray()).toEqual([1, 0]);
    expect(indices.dtype).toBe('int32');
    const mn = t.min(0, true);
    expect(mn.values.toArray()).toEqual([[3, 1, 7]]);
    expect(mn.indices.toArray()).toEqual([[0, 1, 1]]);
    expect(t.max(tensor([5])).toArray()).toEqual([
      [5, 9, 9],
      [7, 5, 7],
    ]);
    expect(t.argmax().item()).toBe(1);
    expect(t.argmin().item()).toBe(4);
    expect(t.argmax(0).toArray()).toEqual([1, 0, 0]);
    expect(t.argmax(1, true).shape).toEqual([2, 1]);
    expect(t.amax([0, 1]).item()).toBe(9);
    expect(t.amin(1).toArray()).toEqual([3, 1]);
    const n = tensor([1, Number.NaN, 3]);
    expect(n.max().item()).toBe(Number.NaN);
    expect(n.argmax().item()).toBe(1);
    expect(() => zeros(0).max()).toThrow(IndexError);
    expect(() => zeros(2, 0).max(1)).toThrow(/cannot reduce over dim 1 of size 0/);
  });

  it('std and var with Bessel correction by default, options in a trailing object', () => {
    const t = tensor([1, 2, 3, 4], { dtype: 'float32' });
    expect(t.var().item()).toBe(f32(5 / 3));
    expect(t.var({ correction: 0 }).item()).toBe(1.25);
    expect(t.std().item()).toBe(f32(Math.sqrt(f32(5 / 3))));
    const m2 = t.view(2, 2);
    expect(m2.var(0).toArray()).toEqual([2, 2]);
    expect(m2.var(1, true).toArray()).toEqual([[0.5], [0.5]]);
    expect(m2.var(1, { correction: 0 }).toArray()).toEqual([0.25, 0.25]);
    expect(m2.var(1, true, { correction: 0 }).shape).toEqual([2, 1]);
    expect(m2.std(0, { keepdim: true }).shape).toEqual([1, 2]);
    expect(tensor([5], { dtype: 'float32' }).var().item()).toBe(Number.NaN);
    expect(() => tensor([1, 2]).std()).toThrow(DtypeError);
  });

  it('norm is the Frobenius norm by default; logsumexp is stable', () => {
    expect(m().norm().item()).toBe(f32(Math.sqrt(285)));
    expect(m().mul(m()).sum().sqrt().item()).toBe(m().norm().item());
    expect(
      tensor([[3, 4]], { dtype: 'float32' })
        .norm(2, 1)
        .toArray(),
    ).toEqual([5]);
    expect(tensor([-3, 4], { dtype: 'float32' }).norm(1).item()).toBe(7);
    expect(tensor([-3, 4], { dtype: 'float32' }).norm(Infinity).item()).toBe(4);
    const big = tensor([1000, 1000], { dtype: 'float32' });
    expect(logsumexp(big, 0).item()).toBe(f32(1000 + Math.log(2)));
    const l = tensor([[0, Math.log(3)]], { dtype: 'float32' }).logsumexp(1, true);
    expect(l.shape).toEqual([1, 1]);
    expect(l.item()).toBeCloseTo(Math.log(4), 6);
    expect(tensor([-Infinity, -Infinity]).logsumexp(0).item()).toBe(-Infinity);
    expect(tensor([1, 2]).logsumexp(0).dtype).toBe('float32');
  });

  it('float64, int32 and bool reduce as torch: NaN wins, first index on ties, empty dims', () => {
    const nan = Number.NaN;
    const d = tensor(
      [
        [1, nan, 3],
        [2, 2, -1],
      ],
      { dtype: 'float64' },
    );
    const mx = d.max(1);
    expect(mx.values.toArray()).toEqual([nan, 2]);
    expect(mx.indices.toArray()).toEqual([1, 0]);
    expect(d.amin(0).toArray()).toEqual([1, nan, -1]);
    expect(d.argmin(1).toArray()).toEqual([1, 2]);
    expect(d.argmax(0).toArray()).toEqual([1, 0, 0]);
    expect(d.sum(1).toArray()).toEqual([nan, 3]);
    expect(d.sum(1).dtype).toBe('float64');
    expect(d.prod(0).toArray()).toEqual([2, nan, -3]);
    expect(d.ne(d).any(1).toArray()).toEqual([true, false]);
    // float64 keeps its precision: 1 + 2^-40 is not a float32.
    const fine = tensor([1, 2 ** -40, 0], { dtype: 'float64' });
    expect(fine.sum().item()).toBe(1 + 2 ** -40);
    expect(fine.max().item()).toBe(1);
    expect(tensor([1, 2, 3, 4], { dtype: 'float64' }).var().item()).toBe(5 / 3);
    expect(tensor([3, 4], { dtype: 'float64' }).norm().item()).toBe(5);

    const i = tensor([
      [5, 7, 7],
      [7, 5, 5],
    ]);
    expect(i.argmax(1).toArray()).toEqual([1, 0]);
    expect(i.argmin(0).toArray()).toEqual([0, 1, 1]);
    const im = i.max(0);
    expect(im.values.toArray()).toEqual([7, 7, 7]);
    expect(im.values.dtype).toBe('int32');
    expect(im.indices.toArray()).toEqual([1, 0, 0]);
    expect(i.sum(0).toArray()).toEqual([12, 12, 12]);
    expect(i.prod(1).toArray()).toEqual([245, 175]);
    expect(i.amin().item()).toBe(5);
    expect(() => tensor([2147483647, 1]).sum()).toThrow(DtypeError);
    expect(tensor([-2147483648, 2147483647]).sum().item()).toBe(-1);

    const b = tensor([
      [true, false],
      [true, true],
    ]);
    expect(b.all(0).toArray()).toEqual([true, false]);
    expect(b.any(1).toArray()).toEqual([true, true]);
    expect(b.sum(0).toArray()).toEqual([2, 1]);
    expect(b.sum(0).dtype).toBe('int32');
    expect(b.amax(1).toArray()).toEqual([true, true]);
    expect(b.argmin(1).toArray()).toEqual([1, 0]);
    expect(b.argmax(1).toArray()).toEqual([0, 0]);
    expect(tensor([0, -0, Number.NaN], { dtype: 'float64' }).all().item()).toBe(false);
    expect(tensor([-0, Number.NaN], { dtype: 'float64' }).any(0).item()).toBe(true);
    expect(tensor([0, -0], { dtype: 'float64' }).any().item()).toBe(false);

    expect(zeros([0, 3], { dtype: 'float64' }).sum(0).toArray()).toEqual([0, 0, 0]);
    expect(zeros([0, 3], { dtype: 'float64' }).prod(0).toArray()).toEqual([1, 1, 1]);
    expect(zeros([0, 2], { dtype: 'int32' }).all(0).toArray()).toEqual([true, true]);
    expect(zeros([2, 0], { dtype: 'bool' }).any(1).toArray()).toEqual([false, false]);
    expect(zeros([3, 0], { dtype: 'int32' }).sum(1).toArray()).toEqual([0, 0, 0]);
    expect(zeros([0, 3], { dtype: 'float64' }).amax(1).shape).toEqual([0]);
    expect(() => zeros([3, 0], { dtype: 'float64' }).amax(1)).toThrow(IndexError);
  });

  it('max(dim)/min(dim) give the element their index names on a -0/+0 tie, as torch', () => {
    // Every dtype's first index of the extreme; the value is that element, sign of zero included.
    const rows = tensor(
      [
        [9, -0, 0],
        [0, -0, 5],
        [-1, 0, -0],
      ],
      { dtype: 'float32' },
    );
    const signs = (x: Tensor) => Array.from(x.data(), (v) => (Object.is(v, -0) ? '-0' : String(v)));
    const min1 = rows.min(1);
    expect(min1.indices.toArray()).toEqual([1, 0, 0]);
    expect(signs(min1.values)).toEqual(['-0', '0', '-1']);
    const max1 = rows.max(1);
    expect(max1.indices.toArray()).toEqual([0, 2, 1]);
    expect(signs(max1.values)).toEqual(['9', '5', '0']);
    // The same rows down columns (the transposed layout reduces along dim 0).
    const min0 = rows.T.contiguous().min(0);
    expect(min0.indices.toArray()).toEqual([1, 0, 0]);
    expect(signs(min0.values)).toEqual(['-0', '0', '-1']);
    const long = tensor([7, ...Array.from({ length: 40 }, () => 3), -0, 0], { dtype: 'float32' });
    const m = long.min(0);
    expect([m.indices.item(), Object.is(m.values.item(), -0)]).toEqual([41, true]);
  });

  it('dims are validated', () => {
    expect(() => m().sum(2)).toThrow(IndexError);
    expect(() => m().sum(2)).toThrow(
      'sum: dim 2 is out of range for a tensor of rank 2 (expected -2..1)',
    );
    expect(() => m().sum([0, -2])).toThrow(/appears multiple times/);
  });

  it('random shapes, dims and views match a naive reference', () => {
    const arb = fc
      .array(fc.constantFrom(1, 2, 3, 5), { minLength: 1, maxLength: 4 })
      .chain((shape) =>
        fc.tuple(
          fc.constant(shape),
          fc.subarray(shape.map((_, i) => i)),
          fc.boolean(),
          fc.boolean(),
          fc.constantFrom('sum', 'max', 'min', 'argmax', 'prod', 'logsumexp'),
        ),
      );
    fc.assert(
      fc.property(arb, ([shape, dims, keepdim, transposed, op]) => {
        const n = shape.reduce((a: number, b) => a * b, 1);
        // Values with repeats, so argmax must pick the first occurrence.
        const values = Array.from({ length: n }, (_, i) => ((i * 7) % 5) - 2 + (i % 3) / 4);
        let t: Tensor = tensor(Float32Array.from(values), { shape });
        let refShape = shape;
        let refValues = values;
        if (transposed && shape.length >= 2) {
          // Build the transposed tensor as a strided view and its values independently.
          const tShape = [...shape].reverse();
          refValues = Array.from({ length: n }, (_, i) => {
            const idx = unflat(i, tShape).reverse();
            return values[idx.reduce((a, x, d) => a * shape[d]! + x, 0)]!;
          });
          refShape = tShape;
          t = t.T;
        }
        const allDims = dims.length === 0 ? refShape.map((_, i) => i) : dims;
        const arg = op === 'argmax' && dims.length !== 1 ? undefined : dims;
        if (op === 'argmax' && arg === undefined && dims.length > 0) return;
        if (op === 'logsumexp' && dims.length === 0) return;
        let got: Tensor;
        let want: number[];
        if (op === 'argmax') {
          const d = arg === undefined ? refShape.map((_, i) => i) : allDims;
          got = t.argmax(arg === undefined ? undefined : arg[0], keepdim);
          want = refReduceArg(refValues, refShape, d);
        } else if (op === 'logsumexp') {
          got = t.logsumexp(dims, keepdim);
          want = refReduce(refValues, refShape, dims, 0, (a, x) => a + Math.exp(x)).map(Math.log);
        } else {
          const init = { sum: 0, prod: 1, max: -Infinity, min: Infinity }[op]!;
          const f = {
            sum: (a: number, x: number) => a + x,
            prod: (a: number, x: number) => a * x,
            max: (a: number, x: number) => Math.max(a, x),
            min: (a: number, x: number) => Math.min(a, x),
          }[op]!;
          got = (t as any)[op === 'max' ? 'amax' : op === 'min' ? 'amin' : op](dims, keepdim);
          want = refReduce(refValues, refShape, allDims, init, f).map(f32);
        }
        const expectShape = refShape.flatMap((s, d) =>
          (op === 'argmax' && arg === undefined ? true : allDims.includes(d))
            ? keepdim
              ? [1]
              : []
            : [s],
        );
        expect(got.shape).toEqual(expectShape);
        const g = Array.from(got.data());
        if (op === 'sum' || op === 'prod' || op === 'logsumexp')
          g.forEach((x, i) => {
            // A product can overflow float32: ±Infinity must then match exactly (∞ − ∞ is NaN).
            if (!Number.isFinite(want[i]!)) expect(x).toBe(want[i]);
            else
              expect(Math.abs(x - want[i]!)).toBeLessThanOrEqual(
                1e-5 * Math.max(1, Math.abs(want[i]!)),
              );
          });
        else expect(g).toEqual(want);
      }),
      { numRuns: 150 },
    );
  });
});

/** Index (into the row-major reduced block) of the first maximum, per output element. */
function refReduceArg(
  values: readonly number[],
  shape: readonly number[],
  dims: readonly number[],
): number[] {
  const best: number[] = [];
  const at: number[] = [];
  const keptShape = shape.filter((_, d) => !dims.includes(d));
  const redShape = dims.map((d) => shape[d]!);
  const nOut = keptShape.reduce((a, b) => a * b, 1);
  const nRed = redShape.reduce((a, b) => a * b, 1);
  const kd = keptDims(shape, dims);
  for (let o = 0; o < nOut; o++) {
    const kept = unflat(o, keptShape);
    for (let r = 0; r < nRed; r++) {
      const red = unflat(r, redShape);
      const idx = shape.map((_, d) =>
        dims.includes(d) ? red[dims.indexOf(d)]! : kept[kd.indexOf(d)]!,
      );
      const x = values[idx.reduce((a, v, d) => a * shape[d]! + v, 0)]!;
      if (r === 0 || f32(x) > best[o]!) {
        best[o] = f32(x);
        at[o] = r;
      }
    }
  }
  return at;
}
