import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { setBackend } from '../src/backend/current.js';
import {
  bmm,
  DtypeError,
  dot,
  linear,
  matmul,
  memory,
  mm,
  mv,
  outer,
  ShapeError,
  type Tensor,
  tensor,
  zeros,
} from '../src/index.js';
import { describeBackends } from './backend-cases.js';
import { type Dense, refMatmul, seededValues } from './matmul-reference.js';

const F32_EPS = 2 ** -23;

function make(
  shape: readonly number[],
  seed: number,
  dtype: 'float32' | 'int32' = 'float32',
): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = seededValues(n, seed).map((x) => (dtype === 'int32' ? Math.round(x * 50) : x));
  return tensor(dtype === 'int32' ? new Int32Array(values) : new Float32Array(values), {
    shape: [...shape],
  });
}

const dense = (t: Tensor): Dense => ({ data: Array.from(t.data()), shape: t.shape });

/** Checks `got` against the reference within the float32 dot-product error bound. */
function expectNearRef(got: Tensor, a: Tensor, b: Tensor): void {
  const { out, mag } = refMatmul(dense(a), dense(b));
  expect(got.shape).toEqual(out.shape);
  const k = a.shape[a.ndim - 1]!;
  const g = got.data();
  for (let i = 0; i < out.data.length; i++) {
    const tol = 4 * (k + 2) * F32_EPS * mag[i]!;
    if (!(Math.abs(g[i]! - out.data[i]!) <= tol))
      throw new Error(
        `element ${i}: got ${g[i]}, want ${out.data[i]} (tol ${tol}) for ${a.shape} @ ${b.shape}`,
      );
  }
}

/** A pair of shapes torch.matmul accepts: ranks 1..4, batch dims right-aligned and broadcastable. */
const shapePairArb = fc
  .record({
    ra: fc.integer({ min: 1, max: 4 }),
    rb: fc.integer({ min: 1, max: 4 }),
    m: fc.constantFrom(1, 2, 3, 5, 8, 17),
    n: fc.constantFrom(1, 2, 4, 7, 9, 16),
    k: fc.constantFrom(0, 1, 3, 4, 13, 33),
    batch: fc.array(fc.constantFrom(1, 2, 3), { minLength: 2, maxLength: 2 }),
    ones: fc.array(fc.boolean(), { minLength: 2, maxLength: 2 }),
    seed: fc.integer({ min: 1, max: 2 ** 30 }),
  })
  .map(({ ra, rb, m, n, k, batch, ones, seed }) => {
    const bat = (r: number, side: number) =>
      batch.slice(2 - Math.max(0, r - 2)).map((x, i) => (ones[(i + side) % 2] ? 1 : x));
    const a = ra === 1 ? [k] : [...bat(ra, 0), m, k];
    const b = rb === 1 ? [k] : [...bat(rb, 1), k, n];
    return { a, b, seed };
  });

describeBackends('matmul', (it) => {
  it('follows the shape rules of torch.matmul', () => {
    expect(matmul(zeros(3), zeros(3)).shape).toEqual([]);
    expect(matmul(zeros(2, 3), zeros(3)).shape).toEqual([2]);
    expect(matmul(zeros(3), zeros(3, 4)).shape).toEqual([4]);
    expect(matmul(zeros(10, 3, 4), zeros(4)).shape).toEqual([10, 3]);
    expect(matmul(zeros(3), zeros(10, 3, 4)).shape).toEqual([10, 4]);
    expect(matmul(zeros(10, 3, 4), zeros(10, 4, 5)).shape).toEqual([10, 3, 5]);
    expect(matmul(zeros(10, 3, 4), zeros(4, 5)).shape).toEqual([10, 3, 5]);
    // (j, 1, n, m) @ (k, m, p) → (j, k, n, p)
    expect(matmul(zeros(2, 1, 3, 4), zeros(5, 4, 6)).shape).toEqual([2, 5, 3, 6]);
  });

  it('computes small products exactly', () => {
    const a = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]).float();
    const b = tensor([
      [7, 8],
      [9, 10],
      [11, 12],
    ]).float();
    expect(matmul(a, b).toArray()).toEqual([
      [58, 64],
      [139, 154],
    ]);
    expect(a.matmul(b).dtype).toBe('float32');
    expect(dot(tensor([1, 2, 3]).float(), tensor([4, 5, 6]).float()).item()).toBe(32);
    expect(mv(a, tensor([1, 0, -1]).float()).toArray()).toEqual([-2, -2]);
    expect(outer(tensor([1, 2]).float(), tensor([3, 4, 5]).float()).toArray()).toEqual([
      [3, 4, 5],
      [6, 8, 10],
    ]);
  });

  it('matches the naive reference on random shapes, broadcasting and 1-D promotion', () => {
    fc.assert(
      fc.property(shapePairArb, ({ a: sa, b: sb, seed }) => {
        const a = make(sa, seed);
        const b = make(sb, seed + 1);
        expectNearRef(matmul(a, b), a, b);
      }),
      { numRuns: 120 },
    );
  });

  it('reads transposed, sliced and expanded operands in place', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(1, 3, 8, 17, 65),
        fc.constantFrom(1, 4, 9, 33),
        fc.constantFrom(1, 5, 16, 70),
        fc.integer({ min: 1, max: 2 ** 30 }),
        (m, n, k, seed) => {
          const at = make([k, m], seed).T; // column-major A
          const bs = make([k, 2 * n], seed + 1).get(':', '::2'); // every other column
          const be = make([k, 1], seed + 2).expand(k, n); // stride-0 columns
          const ab = make([1, m, k], seed + 3).expand(3, m, k); // stride-0 batch
          expectNearRef(matmul(at, bs), at, bs);
          expectNearRef(matmul(at, be), at, be);
          expectNearRef(matmul(ab, bs), ab, bs);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('passes views to the kernel without copying them', () => {
    const a = make([6, 5], 1).T;
    const b = make([1, 6, 4], 2).expand(3, 6, 4);
    const live = a.backend;
    const copy = live.copy;
    let copies = 0;
    (live as { copy: typeof copy }).copy = (x, y) => {
      copies++;
      copy(x, y);
    };
    try {
      const c = matmul(a, b);
      expect(c.shape).toEqual([3, 5, 4]);
    } finally {
      (live as { copy: typeof copy }).copy = copy;
    }
    expect(copies).toBe(0);
  });

  it('crosses the kernel blocks (m > 72, k > 256, n > 1024) and batches', () => {
    for (const [sa, sb] of [
      [
        [75, 300],
        [300, 9],
      ],
      [
        [3, 1100],
        [1100, 1030],
      ],
      [
        [4, 33, 20],
        [4, 20, 130],
      ],
      [[257], [257, 5]],
      [
        [40, 257],
        [257, 1],
      ],
    ] as const) {
      const a = make(sa, 11);
      const b = make(sb, 12);
      expectNearRef(matmul(a, b), a, b);
    }
  });

  it('computes int32 products exactly and promotes mixed dtypes', () => {
    const a = make([4, 3, 7], 5, 'int32');
    const b = make([7, 6], 6, 'int32');
    const c = matmul(a, b);
    expect(c.dtype).toBe('int32');
    const { out } = refMatmul(dense(a), dense(b));
    expect(Array.from(c.data())).toEqual(out.data);
    const mixed = matmul(a, b.float());
    expect(mixed.dtype).toBe('float32');
    expect(Array.from(mixed.data())).toEqual(out.data);
    expect(matmul(a.double(), b).dtype).toBe('float64');
  });

  it('gives zeros for an empty inner dimension and empty results for empty outer ones', () => {
    expect(matmul(zeros(2, 0), zeros(0, 3)).toArray()).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect(matmul(zeros(0, 4), zeros(4, 3)).shape).toEqual([0, 3]);
    expect(matmul(zeros(2, 0, 4), zeros(4, 3)).shape).toEqual([2, 0, 3]);
  });
});

describeBackends('matmul errors', (it) => {
  it('names the op, both shapes and the rule', () => {
    expect(() => matmul(zeros(5, 784), zeros(10, 784))).toThrow(
      new ShapeError('matmul: [5, 784] @ [10, 784]: inner dimensions differ (784 vs 10)'),
    );
    expect(() => matmul(zeros(2, 3, 4), zeros(5, 4, 6))).toThrow(
      /matmul: \[2, 3, 4\] @ \[5, 4, 6\]: batch/,
    );
    expect(() => matmul(zeros([]), zeros(3))).toThrow(
      /matmul: \[\] @ \[3\]: both arguments need at least 1/,
    );
    expect(() => mm(zeros(2, 3, 4), zeros(4, 5))).toThrow(
      /mm: \[2, 3, 4\] @ \[4, 5\]: both arguments must be 2-D/,
    );
    expect(() => bmm(zeros(2, 3, 4), zeros(3, 4, 5))).toThrow(
      /bmm: .*batch sizes differ \(2 vs 3\)/,
    );
    expect(() => bmm(zeros(3, 4), zeros(4, 5))).toThrow(/must be 3-D/);
    expect(() => mv(zeros(3, 4), zeros(4, 1))).toThrow(/mv: .*2-D matrix and a 1-D vector/);
    expect(() => dot(zeros(3), zeros(4))).toThrow(/dot: \[3\] · \[4\]: sizes differ \(3 vs 4\)/);
    expect(() => outer(zeros(3, 1), zeros(4))).toThrow(/outer: .*must be 1-D/);
    expect(() => matmul(tensor([true]), tensor([false]))).toThrow(DtypeError);
  });

  it('leaves every tensor intact and allocates nothing when it fails', () => {
    const a = make([5, 784], 1);
    const b = make([10, 784], 2);
    const before = memory().bytes;
    const aData = Array.from(a.data());
    expect(() => matmul(a, b)).toThrow(ShapeError);
    expect(memory().bytes).toBe(before);
    expect(Array.from(a.data())).toEqual(aData);
    expectNearRef(matmul(a, b.T), a, b.T);
  });
});

describeBackends('mm, bmm, mv, dot, outer', (it) => {
  it('agree with matmul on their shapes', () => {
    const a = make([4, 6], 1);
    const b = make([6, 3], 2);
    expect(Array.from(mm(a, b).data())).toEqual(Array.from(matmul(a, b).data()));
    const x = make([5, 4, 6], 3);
    const y = make([5, 6, 2], 4);
    expectNearRef(bmm(x, y), x, y);
    const v = make([6], 5);
    expectNearRef(mv(a, v), a, v);
    expectNearRef(dot(v, v), v, v);
    const o = outer(make([3], 6), make([4], 7));
    const want = refMatmul(dense(make([3], 6).unsqueeze(1)), dense(make([4], 7).unsqueeze(0))).out;
    expect(Array.from(o.data())).toEqual(want.data.map(Math.fround));
  });
});

describe('matmul: wasm kernel vs js reference backend', () => {
  it('gives the same products within float32 rounding', () => {
    fc.assert(
      fc.property(shapePairArb, ({ a: sa, b: sb, seed }) => {
        const results = (['js', 'wasm'] as const).map((name) => {
          setBackend(name);
          const c = matmul(make(sa, seed), make(sb, seed + 1));
          expect(c.backend.name).toBe(name);
          return c;
        });
        const k = sa[sa.length - 1]!;
        const { mag } = refMatmul(dense(make(sa, seed)), dense(make(sb, seed + 1)));
        const [js, wasm] = results.map((c) => c.data());
        for (let i = 0; i < mag.length; i++)
          expect(Math.abs(js![i]! - wasm![i]!)).toBeLessThanOrEqual(
            4 * (k + 2) * F32_EPS * mag[i]!,
          );
      }),
      { numRuns: 60 },
    );
  });
});

/** An operand of `shape` laid out as asked: contiguous, transposed storage, or every other column. */
function laidOut(shape: [number, number], layout: string, seed: number): Tensor {
  const [r, c] = shape;
  if (layout === 'transposed') return make([c, r], seed).T;
  if (layout === 'strided') return make([r, 2 * c], seed).get(':', '::2');
  return make(shape, seed);
}

describe('matmul and linear: the tall-skinny and few-row kernels vs the js reference backend', () => {
  // The wasm GEMM picks a kernel by shape: M ≤ 16 reads B's columns as dot products (B
  // transposed, as linear passes its weight) or streams B's rows (B row-major, N > 16), and
  // M > 16 with 2 ≤ N ≤ 16 takes a register tile as wide as N. These sizes sit at and
  // around those switches, with k across the vector steps.
  it('gives the same products within float32 rounding at and around each switch', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(1, 2, 3, 4, 5, 15, 16, 17, 40),
        fc.constantFrom(1, 2, 4, 9, 12, 15, 16, 17, 33, 260),
        fc.constantFrom(1, 3, 4, 5, 8, 9, 33, 300),
        fc.constantFrom('row', 'transposed', 'strided'),
        fc.constantFrom('row', 'transposed', 'strided'),
        fc.boolean(),
        fc.integer({ min: 1, max: 2 ** 30 }),
        (m, n, k, layoutA, layoutB, viaLinear, seed) => {
          const results = (['js', 'wasm'] as const).map((name) => {
            setBackend(name);
            const a = laidOut([m, k], layoutA, seed);
            // linear takes the weight as (n, k) and reads it transposed: layout 'row' of
            // the weight is B transposed, 'transposed' is B row-major.
            const w = laidOut([n, k], layoutB, seed + 1);
            const bias = make([n], seed + 2);
            const c = viaLinear ? linear(a, w, bias) : matmul(a, w.T);
            expect(c.backend.name).toBe(name);
            return { c, a, w, bias };
          });
          const [js, wasm] = results.map(({ c }) => c.data());
          const { a, w, bias } = results[0]!;
          const { mag } = refMatmul(dense(a), dense(w.T));
          const b = bias.data();
          for (let i = 0; i < mag.length; i++) {
            const prior = viaLinear ? Math.abs(b[i % n]!) : 0;
            expect(Math.abs(js![i]! - wasm![i]!)).toBeLessThanOrEqual(
              4 * (k + 2) * F32_EPS * (mag[i]! + prior),
            );
          }
        },
      ),
      { numRuns: 120 },
    );
  });
});
