/**
 * The GEMM's shape-picked tall-skinny paths on every wasm build against a naive float64
 * loop, with fast-check: M from 17 to a few thousand with N from 1 to 16 (a register tile
 * as wide as N; a row-major A read as several contiguous slices), and M ≤ 16 with N up to a
 * few hundred, k across the vector steps and the 1024-deep blocks of B, A, B and C
 * row-major, transposed or strided, alpha and beta. Products large enough are split
 * between threads in the threaded builds.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Backend, View } from '../src/backend/backend.js';
import { createWasmBackend } from '../src/backend/wasm/wasm-backend.js';
import { BUILDS_UNDER_TEST, buildSupported, loadBuild } from './wasm-builds.js';

const F32_EPS = 2 ** -23;

type Layout = 'row' | 'transposed' | 'strided';

/** A `rows × cols` matrix (batch of one) in `layout`, element (i, j) = `value(i, j)`. */
function matrixOn(
  be: Backend,
  rows: number,
  cols: number,
  layout: Layout,
  value: (i: number, j: number) => number,
): View {
  // strided: every other column of rows padded by one more element.
  const [rs, cs, size] =
    layout === 'row'
      ? [cols, 1, rows * cols]
      : layout === 'transposed'
        ? [1, rows, rows * cols]
        : [2 * cols + 1, 2, rows * (2 * cols + 1)];
  const storage = be.alloc('float32', Math.max(1, size));
  const data = be.array(storage);
  data.fill(Number.NaN); // padding must never be read into a result
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) data[i * rs + j * cs] = value(i, j);
  return { storage, offset: 0, shape: [1, rows, cols], strides: [size, rs, cs] };
}

function at(be: Backend, v: View, i: number, j: number): number {
  return be.array(v.storage)[i * v.strides[1]! + j * v.strides[2]!]!;
}

/** Values in [-1, 1) from a seed (a small LCG: independent of the kernels under test). */
function values(seed: number): (i: number, j: number) => number {
  return (i, j) => {
    let x = (seed ^ Math.imul(i + 1, 0x9e3779b1) ^ Math.imul(j + 7, 0x85ebca6b)) >>> 0;
    x = Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) >>> 0;
    x = (x ^ (x >>> 12)) >>> 0;
    return x / 2 ** 31 - 1;
  };
}

const layoutArb = fc.constantFrom<Layout>('row', 'transposed', 'strided');

for (const build of BUILDS_UNDER_TEST) {
  describe.skipIf(!buildSupported(build))(`gemm, tall-skinny and few-row shapes [${build}]`, () => {
    let wasm: Backend;
    beforeAll(async () => {
      await loadBuild(build);
      wasm = createWasmBackend();
    });

    const check = (g: {
      m: number;
      n: number;
      k: number;
      layouts: [Layout, Layout, Layout];
      alpha: number;
      beta: number;
      seed: number;
    }) => {
      const { m, n, k, alpha, beta } = g;
      const a = matrixOn(wasm, m, k, g.layouts[0], values(g.seed));
      const b = matrixOn(wasm, k, n, g.layouts[1], values(g.seed + 1));
      // beta = 0 must overwrite whatever C holds, NaN included.
      const prior = beta === 0 ? () => Number.NaN : values(g.seed + 2);
      const c = matrixOn(wasm, m, n, g.layouts[2], prior);
      const c0 = Array.from({ length: m * n }, (_, e) => at(wasm, c, Math.floor(e / n), e % n));
      // The operands as float64 rows, read before the product.
      const av = Array.from({ length: m * k }, (_, e) => at(wasm, a, Math.floor(e / k), e % k));
      const bv = Array.from({ length: k * n }, (_, e) => at(wasm, b, Math.floor(e / n), e % n));
      try {
        wasm.gemm(a, b, c, alpha, beta);
        for (let i = 0; i < m; i++)
          for (let j = 0; j < n; j++) {
            let dot = 0;
            let mag = 0;
            for (let p = 0; p < k; p++) {
              const x = av[i * k + p]! * bv[p * n + j]!;
              dot += x;
              mag += Math.abs(x);
            }
            const before = beta === 0 ? 0 : beta * c0[i * n + j]!;
            const want = alpha * dot + before;
            const tol = 4 * (k + 2) * F32_EPS * (Math.abs(alpha) * mag + Math.abs(before));
            const got = at(wasm, c, i, j);
            if (!(Math.abs(got - want) <= tol))
              expect.fail(`${JSON.stringify(g)}: C[${i},${j}] = ${got}, want ${want} (tol ${tol})`);
          }
      } finally {
        for (const v of [a, b, c]) wasm.free(v.storage);
      }
    };

    /** Products of `m × k` and `k × n` in any layouts, k across the vector steps and blocks. */
    const productArb = (m: fc.Arbitrary<number>, n: fc.Arbitrary<number>) =>
      fc.record({
        m,
        n,
        k: fc.constantFrom(1, 3, 4, 7, 64, 300, 1030),
        layouts: fc.tuple(layoutArb, layoutArb, layoutArb),
        alpha: fc.constantFrom(1, 1, -0.5),
        beta: fc.constantFrom(0, 0, 1, 0.5),
        seed: fc.integer({ min: 0, max: 2 ** 30 }),
      });

    it('tall products with 1–16 columns match a float64 loop', () => {
      const m = fc.oneof(fc.integer({ min: 17, max: 120 }), fc.integer({ min: 121, max: 3000 }));
      fc.assert(fc.property(productArb(m, fc.integer({ min: 1, max: 16 })), check), {
        numRuns: 40,
      });
    });

    it('few-row products with up to a few hundred columns match a float64 loop', () => {
      const [m, n] = [fc.integer({ min: 1, max: 16 }), fc.integer({ min: 1, max: 400 })];
      fc.assert(fc.property(productArb(m, n), check), { numRuns: 40 });
    });
  });
}
