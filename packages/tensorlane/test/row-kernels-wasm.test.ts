/**
 * The fused row kernels (layer/RMS norm, cross entropy/NLL) and the GEMM's alpha/beta on
 * every wasm build against the js backend's reference kernels, with fast-check: row counts
 * and widths across the SIMD tails and block boundaries, padded row strides, absent
 * weight/bias, ignored targets, label smoothing, NaN rows.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Backend, View } from '../src/backend/backend.js';
import { createJsBackend } from '../src/backend/js/js-backend.js';
import { createWasmBackend } from '../src/backend/wasm/wasm-backend.js';
import type { DType } from '../src/dtype.js';
import { firstMismatch } from './float-compare.js';
import { BUILDS_UNDER_TEST, buildSupported, loadBuild } from './wasm-builds.js';

const js = createJsBackend();

function hash(seed: number, i: number): number {
  let x = seed ^ Math.imul(i + 1, 0x9e3779b1);
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  return (x ^ (x >>> 16)) >>> 0;
}
const unit = (seed: number, i: number) => hash(seed, i) / 2 ** 32;

/** `[rows, n]` rows `rs` elements apart (rs ≥ n), filled from `fill`; unit inner stride. */
function rowsOn(
  backend: Backend,
  dtype: DType,
  rows: number,
  n: number,
  rs: number,
  fill: (i: number) => number,
): View {
  const storage = backend.alloc(dtype, Math.max(1, rows * rs));
  const a = backend.array(storage);
  for (let i = 0; i < a.length; i++) a[i] = fill(i);
  return { storage, offset: 0, shape: [rows, n], strides: [rs, 1] };
}

function vectorOn(backend: Backend, dtype: DType, values: number[]): View {
  const storage = backend.alloc(dtype, Math.max(1, values.length));
  backend.array(storage).set(values);
  return { storage, offset: 0, shape: [values.length], strides: [1] };
}

function read(backend: Backend, v: View): number[] {
  return Array.from(backend.array(v.storage));
}

function freeAll(backend: Backend, views: (View | null)[]): void {
  for (const v of views) if (v) backend.free(v.storage);
}

function expectClose(
  got: number[],
  want: number[],
  tol: number | ((i: number) => number),
  what: string,
): void {
  for (let i = 0; i < want.length; i++) {
    const [g, w] = [got[i]!, want[i]!];
    const allowed = typeof tol === 'number' ? tol * (1 + Math.abs(w)) : tol(i);
    if (Number.isNaN(w) ? Number.isNaN(g) : Math.abs(g - w) <= allowed) continue;
    expect.fail(`${what}: element ${i}: wasm ${g} vs js ${w}`);
  }
}

const WIDTHS = [1, 2, 3, 4, 5, 7, 8, 9, 17, 63, 64, 65, 127, 300, 768];

for (const build of BUILDS_UNDER_TEST) {
  describe.skipIf(!buildSupported(build))(
    `row kernels and gemm alpha/beta, wasm vs js [${build}]`,
    () => {
      let wasm: Backend;
      beforeAll(async () => {
        await loadBuild(build);
        wasm = createWasmBackend();
      });

      it('layer and RMS norm agree within float32 rounding, with and without weight/bias', () => {
        fc.assert(
          fc.property(
            fc.record({
              rows: fc.integer({ min: 0, max: 9 }),
              n: fc.constantFrom(...WIDTHS),
              pad: fc.constantFrom(0, 0, 3),
              kind: fc.constantFrom<'layer' | 'rms'>('layer', 'rms'),
              weight: fc.boolean(),
              bias: fc.boolean(),
              shift: fc.constantFrom(0, 0, 50),
              eps: fc.constantFrom(1e-5, 1e-6, 0.1),
              seed: fc.integer(),
            }),
            (c) => {
              const fill = (i: number) => c.shift + (unit(c.seed, i) - 0.5) * 8;
              const w = Array.from({ length: c.n }, (_, j) => unit(c.seed + 1, j) * 2 - 0.5);
              const b = Array.from({ length: c.n }, (_, j) => unit(c.seed + 2, j) - 0.5);
              const runOn = (be: Backend) => {
                const x = rowsOn(be, 'float32', c.rows, c.n, c.n + c.pad, fill);
                const out = rowsOn(be, 'float32', c.rows, c.n, c.n, () => 7);
                const vw = c.weight ? vectorOn(be, 'float32', w) : null;
                const vb = c.bias ? vectorOn(be, 'float32', b) : null;
                be.norm(c.kind, x, vw, vb, c.eps, out);
                const result = read(be, out);
                freeAll(be, [x, out, vw, vb]);
                return result;
              };
              // The f32 kernel's mean is exact only to the ulp of the row's largest element,
              // and x − mean carries that error times rstd (large when the row barely varies).
              const rs = c.n + c.pad;
              const bound = Array.from({ length: c.rows }, (_, r) => {
                const row = Array.from({ length: c.n }, (_, j) => fill(r * rs + j));
                const mean = row.reduce((a, v) => a + v, 0) / c.n;
                const center = c.kind === 'layer' ? mean : 0;
                const ms = row.reduce((a, v) => a + (v - center) ** 2, 0) / c.n;
                const maxAbs = Math.max(...row.map(Math.abs));
                return (8 * 2 ** -23 * maxAbs) / Math.sqrt(ms + c.eps);
              });
              const wAbs = Math.max(1, ...w.map(Math.abs));
              const want = runOn(js);
              expectClose(
                runOn(wasm),
                want,
                (i) => 2e-5 * (1 + Math.abs(want[i]!)) + (bound[Math.floor(i / c.n)] ?? 0) * wAbs,
                JSON.stringify(c),
              );
            },
          ),
          { numRuns: 150 },
        );
      });

      it('cross entropy and NLL agree, with ignored targets, label smoothing and NaN rows', () => {
        fc.assert(
          fc.property(
            fc.record({
              rows: fc.integer({ min: 0, max: 9 }),
              c: fc.constantFrom(1, 2, 3, 5, 8, 17, 100, 1000),
              pad: fc.constantFrom(0, 0, 2),
              smoothing: fc.constantFrom(0, 0, 0.1, 1),
              logProbs: fc.boolean(),
              nanRow: fc.integer({ min: -1, max: 9 }),
              seed: fc.integer(),
            }),
            (k) => {
              const rs = k.c + k.pad;
              const fill = (i: number) =>
                Math.floor(i / rs) === k.nanRow && i % rs === 0
                  ? Number.NaN
                  : (unit(k.seed, i) - 0.5) * 30;
              const targets = Array.from({ length: k.rows }, (_, r) =>
                unit(k.seed + 3, r) < 0.2 ? -100 : hash(k.seed + 4, r) % k.c,
              );
              const args = {
                ignoreIndex: -100,
                labelSmoothing: k.logProbs ? 0 : k.smoothing,
                logProbs: k.logProbs,
              };
              const runOn = (be: Backend) => {
                const x = rowsOn(be, 'float32', k.rows, k.c, rs, fill);
                const t = vectorOn(be, 'int32', targets);
                const out = vectorOn(
                  be,
                  'float32',
                  targets.map(() => 7),
                );
                be.crossEntropy(x, t, out, args);
                const result = read(be, out).slice(0, k.rows);
                freeAll(be, [x, t, out]);
                return result;
              };
              expectClose(runOn(wasm), runOn(js), 2e-5, JSON.stringify(k));
            },
          ),
          { numRuns: 150 },
        );
      });

      it('gemm with alpha and beta equals the reference exactly on small integers; beta 0 ignores NaN in out', () => {
        fc.assert(
          fc.property(
            fc.record({
              batch: fc.integer({ min: 1, max: 3 }),
              m: fc.constantFrom(1, 2, 5, 17),
              n: fc.constantFrom(1, 3, 8, 33),
              k: fc.constantFrom(0, 1, 4, 9),
              alpha: fc.constantFrom(1, 2, -0.5),
              beta: fc.constantFrom(0, 1, 0.5, -2),
              seed: fc.integer(),
            }),
            (g) => {
              const ints = (seed: number) => (i: number) => (hash(seed, i) % 7) - 3;
              const runOn = (be: Backend) => {
                const a = rowsOn(be, 'float32', g.batch * g.m, g.k, g.k, ints(g.seed));
                const b = rowsOn(be, 'float32', g.batch * g.k, g.n, g.n, ints(g.seed + 1));
                const fillOut = g.beta === 0 ? () => Number.NaN : ints(g.seed + 2);
                const o = rowsOn(be, 'float32', g.batch * g.m, g.n, g.n, fillOut);
                const as3 = (v: View, r: number, c: number): View => ({
                  ...v,
                  shape: [g.batch, r, c],
                  strides: [r * c, c, 1],
                });
                be.gemm(as3(a, g.m, g.k), as3(b, g.k, g.n), as3(o, g.m, g.n), g.alpha, g.beta);
                const result = read(be, o).slice(0, g.batch * g.m * g.n);
                freeAll(be, [a, b, o]);
                return result;
              };
              // + 0: the sign of a zero product times a negative alpha is not specified.
              const [got, want] = [runOn(wasm), runOn(js)].map((r) => r.map((x) => x + 0)) as [
                number[],
                number[],
              ];
              expect(want.some(Number.isNaN)).toBe(false);
              const i = firstMismatch(got, want);
              if (i >= 0)
                expect.fail(`${JSON.stringify(g)}: element ${i}: ${got[i]} vs ${want[i]}`);
            },
          ),
          { numRuns: 120 },
        );
      });
    },
  );
}
