import fc from 'fast-check';
import { expect } from 'vitest';
import {
  add,
  arange,
  DtypeError,
  div,
  maximum,
  mul,
  ShapeError,
  sub,
  type Tensor,
  tensor,
  zeros,
} from '../src/index.js';
import { describeBackends } from './backend-cases.js';

/** Row-major multi-indices of a shape. */
function* indices(shape: readonly number[]): Generator<number[]> {
  const n = shape.reduce((a, b) => a * b, 1);
  const idx = new Array<number>(shape.length).fill(0);
  for (let k = 0; k < n; k++) {
    yield idx.slice();
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
}

/** Naive broadcasting reference: out[idx] = f(a[idx'], b[idx'']) on row-major value lists. */
function refBinary(
  a: { shape: number[]; values: number[] },
  b: { shape: number[]; values: number[] },
  f: (x: number, y: number) => number,
): { shape: number[]; values: number[] } {
  const n = Math.max(a.shape.length, b.shape.length);
  const pad = (s: number[]) => [...new Array(n - s.length).fill(1), ...s];
  const sa = pad(a.shape);
  const sb = pad(b.shape);
  const shape = sa.map((x, i) => (x === 1 ? sb[i]! : x));
  const flat = (s: number[], idx: number[]) =>
    idx.reduce((acc, x, d) => acc * s[d]! + (s[d] === 1 ? 0 : x), 0);
  const values: number[] = [];
  for (const idx of indices(shape))
    values.push(f(a.values[flat(sa, idx)]!, b.values[flat(sb, idx)]!));
  return { shape, values };
}

const f32 = Math.fround;

describeBackends('binary ops', (it) => {
  it('add sub mul div with broadcasting', () => {
    const a = tensor([10, 6, -4], { dtype: 'float32' });
    const b = tensor([2, 8, 7], { dtype: 'float32' });
    expect(a.add(b).toArray()).toEqual([12, 14, 3]);
    expect(a.sub(b).toArray()).toEqual([8, -2, -11]);
    expect(a.mul(b).toArray()).toEqual([20, 48, -28]);
    expect(a.div(b).toArray()).toEqual([5, f32(0.75), f32(-4 / 7)]);
    const m = arange(6).view(2, 3);
    const col = tensor([[100], [200]]);
    expect(m.add(col).toArray()).toEqual([
      [100, 101, 102],
      [203, 204, 205],
    ]);
    expect(add(2, m).toArray()).toEqual([
      [2, 3, 4],
      [5, 6, 7],
    ]);
    expect(sub(10, tensor([1, 2])).toArray()).toEqual([9, 8]);
    expect(div(1, tensor([2, 4])).toArray()).toEqual([0.5, 0.25]);
    expect(mul(tensor([1, 2]), tensor([[1], [2]])).shape).toEqual([2, 2]);
  });

  it('rank-0 operands and outputs', () => {
    expect(tensor(2).add(tensor(3)).item()).toBe(5);
    expect(tensor(2.5).mul(2).shape).toEqual([]);
    expect(tensor(2.5).lt(3).item()).toBe(true);
    expect(
      tensor(7)
        .sub(tensor([1, 2]))
        .toArray(),
    ).toEqual([6, 5]);
  });

  it('promotes like PyTorch', () => {
    const i = tensor([1, 2]);
    const f = tensor([1.5, 2.5]);
    const b = tensor([true, false]);
    expect(i.add(f).dtype).toBe('float32');
    expect(i.add(2).dtype).toBe('int32');
    expect(i.add(2.5).dtype).toBe('float32');
    expect(i.add(2.5).toArray()).toEqual([3.5, 4.5]);
    expect(i.div(2).dtype).toBe('float32');
    expect(i.div(2).toArray()).toEqual([0.5, 1]);
    expect(b.add(b).dtype).toBe('bool');
    expect(b.add(b).toArray()).toEqual([true, false]);
    expect(b.mul(b).toArray()).toEqual([true, false]);
    expect(b.add(1).dtype).toBe('int32');
    expect(b.add(1).toArray()).toEqual([2, 1]);
    expect(i.add(true).dtype).toBe('int32');
    expect(f.double().add(f).dtype).toBe('float64');
    // A 0-d tensor does not widen within a category, but does across categories.
    expect(f.add(tensor(1, { dtype: 'float64' })).dtype).toBe('float32');
    expect(i.add(tensor(1.5)).dtype).toBe('float32');
    expect(() => b.sub(b)).toThrow(DtypeError);
  });

  it('int32 arithmetic wraps like the dtype', () => {
    const big = tensor([2147483647, 65536]);
    expect(big.add(1).toArray()).toEqual([-2147483648, 65537]);
    expect(big.mul(tensor([2, 65536])).toArray()).toEqual([-2, 0]);
    expect(
      tensor([2, 3])
        .pow(tensor([10, 3]))
        .toArray(),
    ).toEqual([1024, 27]);
  });

  it('pow, maximum, minimum, and NaN/Inf follow IEEE-754', () => {
    const x = tensor([1, -2, Number.NaN, Number.POSITIVE_INFINITY], { dtype: 'float32' });
    expect(x.pow(2).toArray()).toEqual([1, 4, Number.NaN, Number.POSITIVE_INFINITY]);
    expect(maximum(x, 0).toArray()).toEqual([1, 0, Number.NaN, Number.POSITIVE_INFINITY]);
    expect(x.minimum(0).toArray()).toEqual([0, -2, Number.NaN, 0]);
    expect(tensor([1, -1, 0], { dtype: 'float32' }).div(0).toArray()).toEqual([
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      Number.NaN,
    ]);
    expect(tensor([4, 9]).pow(0.5).toArray()).toEqual([2, 3]);
  });

  it('comparisons give bool', () => {
    const a = tensor([10, 6, -4], { dtype: 'float32' });
    const b = tensor([2, 8, 7], { dtype: 'float32' });
    expect(a.lt(b).dtype).toBe('bool');
    expect(a.lt(b).toArray()).toEqual([false, true, true]);
    expect(a.gt(0).toArray()).toEqual([true, true, false]);
    expect(a.ge(6).toArray()).toEqual([true, true, false]);
    expect(a.le(6).toArray()).toEqual([false, true, true]);
    expect(a.eq(6).toArray()).toEqual([false, true, false]);
    expect(a.ne(6).toArray()).toEqual([true, false, true]);
    const nan = tensor([Number.NaN]);
    expect(nan.eq(nan).toArray()).toEqual([false]);
    expect(nan.ne(nan).toArray()).toEqual([true]);
    expect(
      tensor([1, 2])
        .eq(tensor([1.0, 2.5]))
        .toArray(),
    ).toEqual([true, false]);
  });

  it('broadcast mismatch names the op, both shapes and the dim', () => {
    expect(() => zeros(2, 3).add(zeros(4))).toThrow(ShapeError);
    expect(() => zeros(2, 3).add(zeros(4))).toThrow(
      'add: [2, 3] and [4]: shapes cannot broadcast (dim -1: 3 vs 4)',
    );
    expect(() => zeros(2, 3).lt(zeros(3, 3))).toThrow(
      'lt: [2, 3] and [3, 3]: shapes cannot broadcast (dim -2: 2 vs 3)',
    );
  });

  it('random shapes, views and broadcasting match a naive reference', () => {
    const dim = fc.constantFrom(0, 1, 2, 3, 5);
    const shapes = fc
      .array(dim, { minLength: 0, maxLength: 5 })
      .chain((shape) =>
        fc.tuple(
          fc.constant(shape),
          fc.array(fc.boolean(), { minLength: shape.length, maxLength: shape.length }),
          fc.integer({ min: 0, max: shape.length }),
          fc.boolean(),
        ),
      );
    const ops = fc.constantFrom<[string, (x: number, y: number) => number]>(
      ['add', (x, y) => x + y],
      ['sub', (x, y) => x - y],
      ['mul', (x, y) => x * y],
      ['div', (x, y) => x / y],
      ['maximum', Math.max],
      ['minimum', Math.min],
    );
    fc.assert(
      fc.property(shapes, ops, fc.integer(), ([shape, ones, drop, transposeB], [op, f], seed) => {
        // b is a's shape with some dims set to 1 and some leading dims dropped.
        const bShape = shape.map((s, i) => (ones[i] ? 1 : s)).slice(drop);
        const valuesOf = (s: number[], salt: number) =>
          Array.from(
            { length: s.reduce((a, b) => a * b, 1) },
            (_, i) => (((i * 37 + seed + salt) % 23) - 11) / 4,
          );
        const av = valuesOf(shape, 1);
        const bv = valuesOf(bShape, 2).map((x) => (x === 0 ? 0.5 : x));
        const a = tensor(Float32Array.from(av), { shape });
        // Read b through a transposed view of its transpose: same values, non-contiguous strides.
        const bBase = tensor(Float32Array.from(bv), { shape: bShape });
        const b: Tensor = transposeB && bShape.length >= 2 ? bBase.mT.contiguous().mT : bBase;
        const got = (a as any)[op](b) as Tensor;
        const want = refBinary({ shape, values: av }, { shape: bShape, values: bv }, (x, y) =>
          f32(f(x, y)),
        );
        expect(got.shape).toEqual(want.shape);
        expect(Array.from(got.data())).toEqual(want.values);
        for (const t of [a, bBase, b, got]) t.dispose();
      }),
      { numRuns: 150 },
    );
  });
});

describeBackends('unary ops', (it) => {
  const x = () => tensor([-2.5, -0.5, 0, 0.5, 1.5, 2.5], { dtype: 'float32' });

  it('neg abs square relu floor ceil round (half to even)', () => {
    expect(x().neg().toArray()).toEqual([2.5, 0.5, -0, -0.5, -1.5, -2.5]);
    expect(x().abs().toArray()).toEqual([2.5, 0.5, 0, 0.5, 1.5, 2.5]);
    expect(x().square().toArray()).toEqual([6.25, 0.25, 0, 0.25, 2.25, 6.25]);
    expect(x().relu().toArray()).toEqual([0, 0, 0, 0.5, 1.5, 2.5]);
    expect(x().floor().toArray()).toEqual([-3, -1, 0, 0, 1, 2]);
    expect(x().ceil().toArray()).toEqual([-2, -0, 0, 1, 2, 3]);
    expect(x().round().toArray()).toEqual([-2, -0, 0, 0, 2, 2]);
    expect(tensor([-3, 4]).abs().toArray()).toEqual([3, 4]);
    expect(tensor([-3, 4]).abs().dtype).toBe('int32');
    expect(tensor([Number.NaN]).relu().toArray()).toEqual([Number.NaN]);
  });

  it('transcendental ops compute int input as float32', () => {
    const v = [0.25, 1, 2];
    const t = tensor(v, { dtype: 'float32' });
    const check = (got: Tensor, f: (x: number) => number) => {
      const g = Array.from(got.data());
      // Within a few float32 ulps (relative 1e-6) of the correctly rounded value.
      for (const [i, xv] of v.entries()) {
        const want = f32(f(xv));
        expect(Math.abs(g[i]! - want)).toBeLessThanOrEqual(1e-6 * Math.abs(want));
      }
    };
    check(t.sqrt(), Math.sqrt);
    check(t.exp(), Math.exp);
    check(t.log(), Math.log);
    check(t.sin(), Math.sin);
    check(t.cos(), Math.cos);
    check(t.tanh(), Math.tanh);
    check(t.sigmoid(), (z) => 1 / (1 + Math.exp(-z)));
    check(t.reciprocal(), (z) => 1 / z);
    const i = tensor([4, 9]).sqrt();
    expect(i.dtype).toBe('float32');
    expect(i.toArray()).toEqual([2, 3]);
    expect(tensor([-1]).sqrt().toArray()).toEqual([Number.NaN]);
    expect(tensor([0]).log().toArray()).toEqual([Number.NEGATIVE_INFINITY]);
  });

  it('clamp with one or both bounds', () => {
    expect(x().clamp(-1, 1).toArray()).toEqual([-1, -0.5, 0, 0.5, 1, 1]);
    expect(x().clamp(0).toArray()).toEqual([0, 0, 0, 0.5, 1.5, 2.5]);
    expect(x().clamp(null, 0).toArray()).toEqual([-2.5, -0.5, 0, 0, 0, 0]);
    expect(tensor([1, 5]).clamp(2, 3).dtype).toBe('int32');
    expect(tensor([1, 5]).clamp(1.5).toArray()).toEqual([1.5, 5]);
    expect(() => x().clamp()).toThrow(/at least one/);
  });

  it('unary ops read strided views', () => {
    const m = arange(6).view(2, 3).float();
    expect(m.T.neg().toArray()).toEqual([
      [-0, -3],
      [-1, -4],
      [-2, -5],
    ]);
    expect(m.get(':', '::2').square().toArray()).toEqual([
      [0, 4],
      [9, 25],
    ]);
  });
});

describeBackends('in-place ops', (it) => {
  it('add_ sub_ mul_ div_ fill_ zero_ copy_ return this and broadcast', () => {
    const t = zeros(2, 3);
    expect(t.add_(1)).toBe(t);
    t.mul_(tensor([1, 2, 3]));
    expect(t.toArray()).toEqual([
      [1, 2, 3],
      [1, 2, 3],
    ]);
    t.sub_(tensor([[1], [0]]));
    t.div_(2);
    expect(t.toArray()).toEqual([
      [0, 0.5, 1],
      [0.5, 1, 1.5],
    ]);
    t.fill_(7);
    expect(t.sum().item()).toBe(42);
    t.zero_();
    expect(t.sum().item()).toBe(0);
    t.copy_(tensor([1, 2, 3]));
    expect(t.get(1).toArray()).toEqual([1, 2, 3]);
  });

  it('writes through views into the shared storage', () => {
    const m = zeros(3, 3);
    m.get(':', 1).add_(5);
    m.T.get(2).fill_(1);
    expect(m.toArray()).toEqual([
      [0, 5, 1],
      [0, 5, 1],
      [0, 5, 1],
    ]);
    const a = arange(4).float();
    a.add_(a.get(null, ':').squeeze(0)); // the operand aliases the written storage
    expect(a.toArray()).toEqual([0, 2, 4, 6]);
  });

  it('rejects results that cannot be cast back, and shapes that would grow', () => {
    const i = tensor([1, 2]);
    expect(() => i.div_(2)).toThrow(DtypeError);
    expect(() => i.add_(1.5)).toThrow(
      /add_: result type float32 cannot be cast to the tensor's dtype int32/,
    );
    expect(i.toArray()).toEqual([1, 2]);
    expect(() => zeros(3).add_(zeros(2, 3))).toThrow(ShapeError);
    const f = zeros(2);
    f.add_(tensor([1, 2]));
    expect(f.toArray()).toEqual([1, 2]);
  });
});
