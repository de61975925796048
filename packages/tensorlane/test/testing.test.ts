import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DType } from '../src/dtype.js';
import { ArgumentError, DisposedError, ShapeError } from '../src/errors.js';
import { tensor, zeros } from '../src/index.js';
import { manualSeed, rand, randint, randn } from '../src/random.js';
import type { Tensor } from '../src/tensor.js';
import {
  allclose,
  equals,
  isclose,
  near,
  TestFailure,
  test,
  testEq,
  testFail,
  testNe,
  testNear,
} from '../src/testing/index.js';
import iscloseCases from './fixtures/isclose-cases.json' with { type: 'json' };

/** A duck-typed tensor (shape, dtype, data()), as the utilities accept. */
function fake(values: number[], shape: number[], dtype = 'float32') {
  const data = dtype === 'int32' ? Int32Array.from(values) : Float32Array.from(values);
  return { shape, dtype, data: () => data };
}

/** A real tensor with the given row-major values. */
function real(values: ArrayLike<number>, shape: number[], dtype: DType = 'float32'): Tensor {
  const typed = {
    float32: Float32Array,
    float64: Float64Array,
    int32: Int32Array,
    bool: Uint8Array,
  }[dtype].from(values);
  return tensor(typed, { shape, dtype });
}

/** The TestFailure message thrown by `fn`; fails the test if none is thrown. */
function failureOf(fn: () => void): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TestFailure);
    return (e as TestFailure).message;
  }
  throw new Error('expected a TestFailure');
}

describe('test', () => {
  it('passes when cmp holds and fails with cname and both sides otherwise', () => {
    test(3, 4, (a, b) => a < b, '<');
    const msg = failureOf(() => test(5, 4, (a, b) => a < b, '<'));
    expect(msg).toBe('<:\n5\n4');
  });

  it("names the failure after cmp's name by default", () => {
    const lessThan = (a: number, b: number) => a < b;
    expect(failureOf(() => test(2, 1, lessThan))).toBe('lessThan:\n2\n1');
  });

  it('TestFailure is an Error named TestFailure carrying the operator', () => {
    try {
      testEq(1, 2);
    } catch (e) {
      expect(e).toBeInstanceOf(Error);
      expect((e as TestFailure).name).toBe('TestFailure');
      expect((e as TestFailure).operator).toBe('==');
      return;
    }
    throw new Error('testEq(1, 2) passed');
  });
});

describe('testEq / testNe', () => {
  it("passes on equal numbers, strings, arrays and objects (the lesson's test_eq(TEST, 'test'))", () => {
    const TEST = 'test';
    testEq(TEST, 'test');
    testEq(28 * 28, 784);
    testEq([1, [2, 3]], [1, [2, 3]]);
    testEq({ a: 1, b: [2] }, { b: [2], a: 1 });
    testEq(null, null);
  });

  it('fails on different values, types, lengths and keys, saying why', () => {
    expect(failureOf(() => testEq('a', 'b'))).toBe("==:\n'a'\n'b'\nvalues differ");
    expect(failureOf(() => testEq(1, '1'))).toContain('types differ: number vs string');
    expect(failureOf(() => testEq([1, 2, 3], [1, 2]))).toContain('lengths differ: 3 vs 2');
    expect(failureOf(() => testEq([1, [2, 3]], [1, [2, 4]]))).toContain('at [1][1]: 3 vs 4');
    expect(failureOf(() => testEq({ a: 1 }, { a: 1, b: 2 }))).toContain('keys differ');
    expect(failureOf(() => testEq(true, 1))).toContain('types differ: boolean vs number');
  });

  it('never broadcasts or truncates (unlike fastcore)', () => {
    expect(equals([1, 1], 1)).toBe(false);
    expect(equals(fake([1, 1], [2]), 1)).toBe(false);
    expect(equals(new Float32Array([1, 2, 3]), [1, 2])).toBe(false);
    expect(equals(fake([1, 2, 3, 4, 5, 6], [2, 3]), fake([1, 2, 3, 4, 5, 6], [3, 2]))).toBe(false);
    expect(
      failureOf(() => testEq(fake([1, 2, 3, 4, 5, 6], [2, 3]), fake([1, 2, 3, 4, 5, 6], [6]))),
    ).toContain('shapes differ: [2, 3] vs [6]');
  });

  it('compares tensors with tensors, typed arrays and nested arrays by shape and value', () => {
    testEq(fake([1, 2, 3, 4], [2, 2]), [
      [1, 2],
      [3, 4],
    ]);
    testEq(new Int32Array([1, 2]), fake([1, 2], [2], 'int32'));
    testEq(fake([7], []), 7);
    testEq([fake([1], [1]), 'x'], [[1], 'x']);
    expect(equals(fake([1, 2, 3, 4], [2, 2]), [1, 2, 3, 4])).toBe(false);
    expect(equals(fake([1, 2], [2]), [1, 2.5])).toBe(false);
    expect(equals(fake([1, 2], [2]), ['1', '2'])).toBe(false);
  });

  it('treats NaN as equal to NaN and 0 as equal to -0, as numpy.testing does', () => {
    testEq(Number.NaN, Number.NaN);
    testEq(new Float32Array([Number.NaN, 0]), [Number.NaN, -0]);
    expect(equals(Number.NaN, 0)).toBe(false);
    expect(equals(Infinity, -Infinity)).toBe(false);
  });

  it('names the worst element of a tensor and its difference', () => {
    const a = fake([1, 2, 3, 4, 5, 6], [2, 3]);
    const b = fake([1, 2.5, 3, 4, 9, 6], [2, 3]);
    const msg = failureOf(() => testEq(a, b));
    expect(msg).toBe(
      '==:\ntensor([[1., 2., 3.],\n        [4., 5., 6.]])\n' +
        'tensor([[1.0000, 2.5000, 3.0000],\n        [4.0000, 9.0000, 6.0000]])\n' +
        '2 of 6 elements differ; worst at [1, 1]: 5 vs 9 (|a − b| = 4)',
    );
  });

  it('testNe is the negation', () => {
    testNe([1, 2], [2, 1]);
    testNe(fake([1, 2], [2]), fake([1, 2], [1, 2]));
    expect(failureOf(() => testNe('a', 'a'))).toBe("!=:\n'a'\n'a'\nthe values are equal");
  });

  it('property: equals agrees with element-by-element comparison of same-shape arrays', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 0, maxLength: 12 }),
        fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 0, maxLength: 12 }),
        (xs, ys) => {
          const naive = xs.length === ys.length && xs.every((x, i) => x === ys[i]);
          expect(equals(new Float32Array(xs), ys)).toBe(naive);
          expect(equals(fake(xs, [xs.length]), fake(ys, [ys.length]))).toBe(naive);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('near / testNear', () => {
  it('uses |a − b| ≤ atol + rtol·|b| with rtol 1e-3, atol 1e-5 by default', () => {
    expect(near(1.001, 1)).toBe(true); // 0.001 ≤ 0.00101
    expect(near(1.0011, 1)).toBe(false); // 0.0011 > 0.00101
    expect(near(1e-5, 0)).toBe(true); // atol alone covers b = 0
    expect(near(2e-5, 0)).toBe(false);
    expect(near(1.0011, 1, { rtol: 2e-3 })).toBe(true);
    expect(near(0.5, 0, { atol: 0.5, rtol: 0 })).toBe(true);
  });

  it('is asymmetric in b, the reference value', () => {
    expect(near(100, 111, { rtol: 0.1, atol: 0 })).toBe(true); // 11 ≤ 11.1
    expect(near(111, 100, { rtol: 0.1, atol: 0 })).toBe(false); // 11 > 10
  });

  it('never calls NaN near anything; Inf is near Inf of the same sign only', () => {
    expect(near(Number.NaN, 1)).toBe(false);
    expect(near(1, Number.NaN)).toBe(false);
    expect(near(Number.NaN, Number.NaN)).toBe(false);
    expect(near(Number.NaN, Number.NaN, { equalNan: true })).toBe(true);
    expect(near(Infinity, Infinity)).toBe(true);
    expect(near(-Infinity, -Infinity)).toBe(true);
    expect(near(Infinity, -Infinity)).toBe(false);
    expect(near(1e308, Infinity)).toBe(false);
    expect(near(Infinity, 1e308)).toBe(false);
  });

  it('requires the same shape', () => {
    expect(near([1, 2], [1, 2])).toBe(true);
    expect(near(fake([1, 1], [2]), 1)).toBe(false);
    expect(near([1, 2], [1, 2, 3])).toBe(false);
    expect(near(fake([1, 2, 3, 4], [2, 2]), [1, 2, 3, 4])).toBe(false);
    expect(failureOf(() => testNear(fake([1, 1], [1, 2]), [1, 1]))).toContain(
      'shapes differ: [1, 2] vs [2]',
    );
  });

  it('rejects negative tolerances', () => {
    expect(() => near(1, 1, { rtol: -1 })).toThrow(ArgumentError);
    expect(() => near(1, 1, { atol: Number.NaN })).toThrow(/atol/);
  });

  it('testNear prints both sides and the worst element, index and difference', () => {
    const a = fake([1, 2, 3, 4], [2, 2]);
    const b = fake([1, 2.001, 3.5, 4], [2, 2]);
    expect(failureOf(() => testNear(a, b))).toBe(
      'near (rtol=0.001, atol=0.00001):\n' +
        'tensor([[1., 2.],\n        [3., 4.]])\n' +
        'tensor([[1.0000, 2.0010],\n        [3.5000, 4.0000]])\n' +
        '1 of 4 elements not near; worst at [1, 0]: 3 vs 3.5 (|a − b| = 0.5, allowed 0.00351)',
    );
  });

  it('picks the element furthest past its tolerance, NaN first', () => {
    const msg = failureOf(() => testNear([1, 2, 3], [1.1, Number.NaN, 3.3]));
    expect(msg).toContain('3 of 3 elements not near; worst at [1]: 2 vs NaN (NaN is never near)');
    expect(failureOf(() => testNear([1, Infinity], [1.5, -Infinity]))).toContain(
      'worst at [1]: Infinity vs -Infinity (an infinity is near only the same infinity)',
    );
  });

  it('property: near on arrays is the elementwise formula, all elements', () => {
    const finite = fc.double({ min: -1e3, max: 1e3, noNaN: true });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(finite, fc.double({ min: -0.01, max: 0.01, noNaN: true })), {
          minLength: 1,
          maxLength: 10,
        }),
        (pairs) => {
          const bs = pairs.map(([b]) => b);
          const as = pairs.map(([b, rel]) => b * (1 + rel));
          const naive = as.every((x, i) => Math.abs(x - bs[i]!) <= 1e-5 + 1e-3 * Math.abs(bs[i]!));
          expect(near(as, bs)).toBe(naive);
          expect(near(new Float64Array(as), fake(bs, [bs.length], 'float64'))).toBe(naive);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('testFail', () => {
  it('passes when fn throws an error containing the text', () => {
    testFail(
      () => {
        throw new ShapeError('matmul: [5, 784] @ [10, 784]: inner dimensions differ (784 vs 10)');
      },
      { contains: 'inner dimensions differ', type: ShapeError },
    );
    testFail(
      () => {
        throw new ShapeError('x');
      },
      { contains: 'ShapeError' },
    );
    testFail(() => JSON.parse('{'));
  });

  it('fails when fn returns, or throws the wrong thing', () => {
    expect(failureOf(() => testFail(() => 42))).toBe(
      'testFail: expected an exception, but the function returned:\n42',
    );
    expect(
      failureOf(() =>
        testFail(
          () => {
            throw new Error('boom');
          },
          { contains: 'bang' },
        ),
      ),
    ).toBe("testFail: expected the error to contain 'bang', but got:\nError: boom");
    expect(
      failureOf(() =>
        testFail(
          () => {
            throw new TypeError('boom');
          },
          { type: ShapeError },
        ),
      ),
    ).toBe('testFail: expected a ShapeError, but got:\nTypeError: boom');
  });

  it('awaits promises: passes on rejection, fails on resolution', async () => {
    await testFail(() => Promise.reject(new Error('nope')), { contains: 'nope' });
    await expect(testFail(() => Promise.resolve('ok'))).rejects.toThrow(
      "expected the promise to reject, but it resolved to:\n'ok'",
    );
    await expect(
      testFail(() => Promise.reject(new Error('nope')), { contains: 'other' }),
    ).rejects.toBeInstanceOf(TestFailure);
  });
});

describe('with real tensors', () => {
  it('testEq and testNear read real tensors, and failures print their toString', () => {
    const t = real([1, 2, 3, 4], [2, 2]);
    testEq(t, [
      [1, 2],
      [3, 4],
    ]);
    testNear(t, real([1.0005, 2, 3, 4], [2, 2]));
    testEq(real([1, 0], [2], 'bool'), [true, false]);
    testEq(real([5, -6], [2], 'int32'), new Int32Array([5, -6]));
    const msg = failureOf(() => testEq(t, real([1, 2, 3, 5], [2, 2])));
    expect(msg).toContain(`==:\n${t.toString()}\n`);
    expect(msg).toContain('worst at [1, 1]: 4 vs 5');
  });

  it('comparing a disposed tensor raises DisposedError rather than passing', () => {
    const t = real([1, 2], [2]);
    t.dispose();
    expect(() => testEq(t, [1, 2])).toThrow(DisposedError);
  });

  describe('isclose / allclose match numpy.isclose', () => {
    const num = (v: number | string) =>
      v === 'nan' ? Number.NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : (v as number);
    for (const [k, c] of iscloseCases.entries()) {
      it(`case ${k}: ${JSON.stringify(c.a.shape)} vs ${JSON.stringify(c.b.shape)} ${JSON.stringify(c.options)}`, () => {
        const a = real(c.a.data.map(num), c.a.shape);
        const b = real(c.b.data.map(num), c.b.shape);
        const r = isclose(a, b, c.options);
        expect(r.dtype).toBe('bool');
        expect(r.shape).toEqual(c.shape);
        expect(Array.from(r.data(), (x) => x !== 0)).toEqual(c.isclose);
        expect(allclose(a, b, c.options)).toBe(c.allclose);
      });
    }
  });

  it('isclose takes a number and defaults to rtol 1e-5, atol 1e-8', () => {
    const a = real([1, 1.000005, 1.0001, Number.NaN], [4]);
    expect(Array.from(isclose(a, 1).data())).toEqual([1, 1, 0, 0]);
    expect(Array.from(isclose(a, 1, { rtol: 1e-3 }).data())).toEqual([1, 1, 1, 0]);
    expect(allclose(real([1e-9], [1]), 0)).toBe(true);
    expect(allclose(real([2e-8], [1]), 0)).toBe(false);
  });

  it('isclose/allclose throw ShapeError naming both shapes when they cannot broadcast', () => {
    const a = real([1, 2, 3], [3]);
    const b = real([1, 2], [2]);
    testFail(() => isclose(a, b), { type: ShapeError, contains: 'isclose: [3] and [2]' });
    testFail(() => allclose(a, b), { type: ShapeError, contains: 'allclose: [3] and [2]' });
  });
});

describe("the lesson's test cells (fastai 01_matmul), ported to real tensors", () => {
  it("test_eq(TEST, 'test') and the dataset checks", () => {
    const TEST = 'test';
    testEq(TEST, 'test');
    manualSeed(8);
    // Stand-ins for MNIST: 500 images of 28·28 pixels, labels 0..9.
    const xTrain = rand(500, 784);
    const yTrain = randint(0, 10, [500]);
    const [n, c] = xTrain.shape;
    test(n, yTrain.shape[0], (a, b) => a === b && b === 500, '==500');
    testEq(c, 28 * 28);
    testEq(yTrain.min(), 0);
    testEq(yTrain.max(), 9);
    testEq(xTrain.get(0).view(28, 28).shape, [28, 28]);
    testFail(() => testEq(yTrain.max(), 10), { contains: '9 vs 10' });
  });

  it('test_near(t1, matmul(m1, m2)) for the elementwise and broadcasting matmuls', () => {
    manualSeed(3);
    const m1 = randn(5, 784);
    const m2 = randn(784, 10);
    // t1: the textbook triple loop on plain numbers, the reference.
    const a = m1.toArray() as number[][];
    const b = m2.toArray() as number[][];
    const t1 = a.map((row) =>
      Array.from({ length: 10 }, (_, j) => row.reduce((acc, x, k) => acc + x * b[k]![j]!, 0)),
    );
    const elementwise = zeros(5, 10);
    for (let i = 0; i < 5; i++)
      for (let j = 0; j < 10; j++)
        elementwise.set([i, j], m1.get(i, ':').mul(m2.get(':', j)).sum());
    const broadcast = zeros(5, 10);
    for (let i = 0; i < 5; i++) broadcast.set([i], m1.get(i, ':').unsqueeze(-1).mul(m2).sum(0));
    testNear(t1, elementwise);
    testNear(t1, broadcast);
    expect(near(t1, broadcast)).toBe(
      allclose(broadcast, tensor(t1, { dtype: 'float32' }), { rtol: 1e-3, atol: 1e-5 }),
    );
    // A wrong result must fail, naming the element.
    broadcast.set([2, 3], broadcast.get(2, 3).add(1));
    testFail(() => testNear(t1, broadcast), { type: TestFailure, contains: 'worst at [2, 3]' });
  });
});
