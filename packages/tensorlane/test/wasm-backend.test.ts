/**
 * The wasm backend against the js backend (the reference), op by op, on random shapes up to
 * rank 5 (dims 0, 1, 2, 3, 5, 17, 127), with permuted, sliced, stepped and stride-0 views,
 * for each wasm build the engine validates. Exact ops must agree bit for bit (sign of zero
 * included); the SIMD transcendentals within the documented 2 float32 ulps.
 *
 * The relaxed build needs an engine that validates relaxed-simd; on Node 20 it is skipped
 * here and run by `wasm-relaxed.node.test.ts` under `--experimental-wasm-relaxed-simd`.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Backend, BinaryOp, ReduceOp, UnaryOp, View } from '../src/backend/backend.js';
import { createJsBackend } from '../src/backend/js/js-backend.js';
import { createWasmBackend } from '../src/backend/wasm/wasm-backend.js';
import type { DType } from '../src/dtype.js';
import { firstMismatch, firstUlpMismatch } from './float-compare.js';
import {
  contiguous,
  type Layout,
  layoutArb,
  makeView,
  readAll,
  readView,
  shapeArb,
} from './strided-view-arb.js';
import { BUILDS_UNDER_TEST, buildSupported, loadBuild } from './wasm-builds.js';

const RUNS = 100;

// ---- deterministic element values, identical on both backends -------------------------

function hash(seed: number, i: number): number {
  let x = seed ^ Math.imul(i + 1, 0x9e3779b1);
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}
const unit = (seed: number, i: number) => hash(seed, i) / 2 ** 32;

const FLOAT_SPECIALS = [0, -0, Number.NaN, Infinity, -Infinity, 1e-40, -3e38, 1, -1];

/** Small values, many whole numbers (ties for max/argmax/eq), a few IEEE specials. */
function arithValue(seed: number, i: number): number {
  const u = unit(seed, i);
  if (u < 0.08) return FLOAT_SPECIALS[hash(seed + 1, i) % FLOAT_SPECIALS.length]!;
  const v = (unit(seed + 2, i) - 0.5) * 20;
  return u < 0.5 ? Math.round(v) : v;
}

/** Wide magnitudes (1e-40 .. 1e5, both signs) and [-110, 110]: the whole domain of exp/log/trig. */
function wideValue(seed: number, i: number): number {
  const u = unit(seed, i);
  if (u < 0.05) return FLOAT_SPECIALS[hash(seed + 1, i) % FLOAT_SPECIALS.length]!;
  const sign = hash(seed + 3, i) & 1 ? -1 : 1;
  if (u < 0.5) return sign * 10 ** (unit(seed + 2, i) * 45 - 40);
  return (unit(seed + 2, i) - 0.5) * 220;
}

const INT_SPECIALS = [2147483647, -2147483648, 0, -1, 1];
function intValue(seed: number, i: number): number {
  if (unit(seed, i) < 0.1) return INT_SPECIALS[hash(seed + 1, i) % INT_SPECIALS.length]!;
  return (hash(seed + 2, i) % 2001) - 1000;
}

function valueFor(dtype: DType, wide: boolean): (seed: number, i: number) => number {
  if (dtype === 'bool') return (seed, i) => hash(seed, i) & 1;
  if (dtype === 'int32') return intValue;
  return wide ? wideValue : arithValue;
}

// ---- scenarios run identically on js and wasm -----------------------------------------

interface OperandSpec {
  dtype: DType;
  layout: Layout;
  seed: number;
  wide?: boolean;
}

/** Runs `op` on a fresh copy of the operands on `backend`; returns the whole out storage. */
function run(
  backend: Backend,
  shape: number[],
  inputs: OperandSpec[],
  out: { dtype: DType; layout: Layout },
  op: (views: View[], out: View) => void,
): number[] {
  const views = inputs.map((s) =>
    makeView(backend, s.dtype, shape, s.layout, (i) => valueFor(s.dtype, !!s.wide)(s.seed, i)),
  );
  // A sentinel in the out storage shows up if an element outside the view is written.
  const outView = makeView(backend, out.dtype, shape, out.layout, () => 1);
  op(views, outView);
  const result = readAll(backend, outView);
  for (const v of [...views, outView]) backend.free(v.storage);
  return result;
}

const js = createJsBackend();

function expectExact(got: number[], want: number[], what: string): void {
  const i = firstMismatch(got, want);
  if (i >= 0) expect.fail(`${what}: element ${i}: wasm ${got[i]} vs js ${want[i]}`);
}

function expectUlps(got: number[], want: number[], ulps: number, what: string): void {
  const i = firstUlpMismatch(got, want, ulps);
  if (i >= 0) expect.fail(`${what}: element ${i}: wasm ${got[i]} vs js ${want[i]} (> ${ulps} ulp)`);
}

const ARITH: BinaryOp[] = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum'];
const COMPARE: BinaryOp[] = ['eq', 'ne', 'lt', 'le', 'gt', 'ge'];
const EXACT_UNARY: UnaryOp[] = [
  'neg',
  'abs',
  'sqrt',
  'relu',
  'square',
  'reciprocal',
  'floor',
  'ceil',
  'round',
  'clamp',
  'sign',
  'leakyRelu',
];
const TRANSCENDENTAL: UnaryOp[] = ['exp', 'log', 'sin', 'cos', 'tanh', 'sigmoid', 'expm1', 'log1p'];
/** pow's bound (crates/kernels/tests/pow.rs measures 1 on random pairs). */
const POW_ULPS = 2;
/** The activations' bounds (crates/kernels/src/activation_math.rs, its dense sweeps). */
const ACTIVATION_ULPS: Partial<Record<UnaryOp, number>> = {
  erf: 1,
  gelu: 7,
  geluTanh: 6,
  silu: 4,
};
/**
 * Documented accuracy of the SIMD approximations (crates/kernels/src/simd_math.rs,
 * expm1_log1p.rs): the worst case over every float32 input of the native sweeps
 * (docs/testing.md, "Kernel accuracy").
 */
const TRANSCENDENTAL_ULPS: Partial<Record<UnaryOp, number>> = {
  exp: 1,
  log: 1,
  sin: 2,
  cos: 2,
  tanh: 2,
  sigmoid: 2,
  expm1: 2,
  log1p: 1,
};

/** A shape and, for `n` operands, a layout each; the out layout never broadcasts. */
const caseArb = (n: number, broadcast = true) =>
  shapeArb().chain((shape) =>
    fc.record({
      shape: fc.constant(shape),
      layouts: fc.tuple(...Array.from({ length: n }, () => layoutArb(shape.length, broadcast))),
      outLayout: fc.oneof(fc.constant(contiguous(shape.length)), layoutArb(shape.length, false)),
      seed: fc.integer(),
    }),
  );

// Found by fast-check in CI: an empty shape whose size-0 dim is expanded once made the
// test's own base storage 3 GB (the view reads nothing; its storage is now empty).
const EMPTY_EXPANDED_CASE = {
  shape: [127, 0, 127, 127, 127],
  layouts: [
    {
      ...contiguous(5),
      perm: [0, 3, 2, 1, 4],
      steps: [1, 1, 1, 1, 3],
      expanded: [false, true, false, false, false],
    },
    { ...contiguous(5), perm: [0, 3, 2, 1, 4] },
  ] as [Layout, Layout],
  outLayout: contiguous(5),
  seed: 0,
};

for (const build of BUILDS_UNDER_TEST) {
  const title = buildSupported(build)
    ? `wasm backend vs js [${build}]`
    : `wasm backend vs js [${build}] (skipped: this engine does not validate ${build}; ` +
      'wasm-relaxed.node.test.ts runs it with --experimental-wasm-relaxed-simd)';
  describe.skipIf(!buildSupported(build))(title, () => {
    let wasm: Backend;
    beforeAll(async () => {
      const loaded = await loadBuild(build);
      expect(loaded.build).toBe(build);
      wasm = createWasmBackend();
    });

    it('binary float32 arithmetic is bit-identical (pow within 2 ulps), with broadcasting and strided views', () => {
      fc.assert(
        fc.property(caseArb(2), fc.constantFrom(...ARITH), (c, op) => {
          const inputs = c.layouts.map((layout, k) => ({
            dtype: 'float32' as const,
            layout,
            seed: c.seed + k * 7919,
          }));
          const out = { dtype: 'float32' as const, layout: c.outLayout };
          const f = (b: Backend) => (v: View[], o: View) => b.binary(op, v[0]!, v[1]!, o);
          const want = run(js, c.shape, inputs, out, f(js));
          const got = run(wasm, c.shape, inputs, out, f(wasm));
          // pow is a polynomial kernel (crates/kernels/src/pow.rs), held to 2 ulps.
          if (op === 'pow') expectUlps(got, want, POW_ULPS, `pow ${JSON.stringify(c.shape)}`);
          else expectExact(got, want, `${op} ${JSON.stringify(c.shape)}`);
        }),
        { numRuns: RUNS * 2, examples: [[EMPTY_EXPANDED_CASE, 'add']] },
      );
    });

    it('pow of wide bases (1e-40 .. 1e5, both signs, specials) to exponents in [-10, 10] is within 2 ulps', () => {
      // Results from subnormal through overflow, negative bases to integer and non-integer
      // powers; the js backend's `**` (C's special cases) is the float64 reference.
      fc.assert(
        fc.property(caseArb(2), (c) => {
          const inputs = c.layouts.map((layout, k) => ({
            dtype: 'float32' as const,
            layout,
            seed: c.seed + k * 7919,
            wide: k === 0,
          }));
          const out = { dtype: 'float32' as const, layout: c.outLayout };
          const f = (b: Backend) => (v: View[], o: View) => b.binary('pow', v[0]!, v[1]!, o);
          const want = run(js, c.shape, inputs, out, f(js));
          const got = run(wasm, c.shape, inputs, out, f(wasm));
          expectUlps(got, want, POW_ULPS, `pow ${JSON.stringify(c.shape)}`);
        }),
        { numRuns: RUNS * 2 },
      );
    });

    it('comparisons give identical bools for float32, int32 and bool', () => {
      fc.assert(
        fc.property(
          caseArb(2),
          fc.constantFrom(...COMPARE),
          fc.constantFrom<DType>('float32', 'int32', 'bool'),
          (c, op, dtype) => {
            const inputs = c.layouts.map((layout, k) => ({ dtype, layout, seed: c.seed + k }));
            const out = { dtype: 'bool' as const, layout: c.outLayout };
            const f = (b: Backend) => (v: View[], o: View) => b.binary(op, v[0]!, v[1]!, o);
            const want = run(js, c.shape, inputs, out, f(js));
            const got = run(wasm, c.shape, inputs, out, f(wasm));
            expectExact(got, want, `${dtype} ${op} ${JSON.stringify(c.shape)}`);
          },
        ),
        { numRuns: RUNS * 2 },
      );
    });

    it('short broadcast rows (a column or a scalar over rows of 1 to 40) compare (float32, int32) and select exactly', () => {
      // Every row length around the SIMD blocks (4 at a time, 16 at a time, one block over
      // the last four), each operand a row, a column broadcast along it, or one value.
      const column = { ...contiguous(2), expanded: [false, true] };
      const scalar = { ...contiguous(2), expanded: [true, true] };
      const layouts = [contiguous(2), column, scalar];
      for (let n = 1; n <= 40; n++) {
        const shape = [7, n];
        for (const [la, lb] of layouts.flatMap((p) => layouts.map((q) => [p, q] as const))) {
          const operands = (dtype: DType) =>
            [la, lb].map((layout, k) => ({ dtype, layout, seed: n * 31 + k }));
          const inputs = operands('float32');
          for (const [op, dtype] of COMPARE.flatMap((op) =>
            (['float32', 'int32'] as const).map((d) => [op, d] as const),
          )) {
            const out = { dtype: 'bool' as const, layout: contiguous(2) };
            const f = (b: Backend) => (v: View[], o: View) => b.binary(op, v[0]!, v[1]!, o);
            const what = `${dtype} ${op} rows of ${n} ${JSON.stringify([la.expanded, lb.expanded])}`;
            const inputs = operands(dtype);
            expectExact(
              run(wasm, shape, inputs, out, f(wasm)),
              run(js, shape, inputs, out, f(js)),
              what,
            );
          }
          for (const lc of layouts) {
            const all = [{ dtype: 'bool' as const, layout: lc, seed: n }, ...inputs];
            const out = { dtype: 'float32' as const, layout: contiguous(2) };
            const f = (b: Backend) => (v: View[], o: View) => b.where(v[0]!, v[1]!, v[2]!, o);
            const what = `where rows of ${n} ${JSON.stringify([lc, la, lb].map((l) => l.expanded))}`;
            expectExact(run(wasm, shape, all, out, f(wasm)), run(js, shape, all, out, f(js)), what);
          }
        }
      }
    });

    it('binary int32 and bool ops wrap and saturate exactly as the js backend', () => {
      fc.assert(
        fc.property(
          caseArb(2),
          fc.constantFrom(...ARITH),
          fc.constantFrom<DType>('int32', 'bool'),
          (c, op, dtype) => {
            const inputs = c.layouts.map((layout, k) => ({ dtype, layout, seed: c.seed + k }));
            const out = { dtype, layout: c.outLayout };
            const f = (b: Backend) => (v: View[], o: View) => b.binary(op, v[0]!, v[1]!, o);
            const want = run(js, c.shape, inputs, out, f(js));
            const got = run(wasm, c.shape, inputs, out, f(wasm));
            expectExact(got, want, `${dtype} ${op} ${JSON.stringify(c.shape)}`);
          },
        ),
        { numRuns: RUNS },
      );
    });

    it('exact unary ops are bit-identical (float32 and int32)', () => {
      fc.assert(
        fc.property(
          caseArb(1),
          fc.constantFrom(...EXACT_UNARY),
          fc.constantFrom<DType>('float32', 'float32', 'int32'),
          fc.constantFrom(-Infinity, -1, 0, 0.5),
          fc.constantFrom(Infinity, 1, 2.5),
          (c, op, dtype, lo, hi) => {
            if (dtype === 'int32' && (op === 'sqrt' || op === 'reciprocal')) return;
            const inputs = [{ dtype, layout: c.layouts[0], seed: c.seed }];
            const out = { dtype, layout: c.outLayout };
            const f = (b: Backend) => (v: View[], o: View) => b.unary(op, v[0]!, o, [lo, hi]);
            const want = run(js, c.shape, inputs, out, f(js));
            const got = run(wasm, c.shape, inputs, out, f(wasm));
            expectExact(got, want, `${dtype} ${op} ${JSON.stringify(c.shape)}`);
          },
        ),
        { numRuns: RUNS * 2 },
      );
    });

    it('exp, log and log1p are within 1 float32 ulp, sin/cos/tanh/sigmoid/expm1 within 2', () => {
      fc.assert(
        fc.property(caseArb(1), fc.constantFrom(...TRANSCENDENTAL), (c, op) => {
          const inputs = [
            { dtype: 'float32' as const, layout: c.layouts[0], seed: c.seed, wide: true },
          ];
          const out = { dtype: 'float32' as const, layout: c.outLayout };
          const f = (b: Backend) => (v: View[], o: View) => b.unary(op, v[0]!, o);
          const want = run(js, c.shape, inputs, out, f(js));
          const got = run(wasm, c.shape, inputs, out, f(wasm));
          expectUlps(got, want, TRANSCENDENTAL_ULPS[op]!, `${op} ${JSON.stringify(c.shape)}`);
        }),
        { numRuns: RUNS * 2 },
      );
    });

    it('erf, gelu, geluTanh and silu are within their documented float32 ulps of float64', () => {
      // crates/kernels/tests/activation_math.rs measures the same bounds on a dense sweep.
      const ulps = ACTIVATION_ULPS;
      fc.assert(
        fc.property(
          caseArb(1),
          fc.constantFrom<UnaryOp>('erf', 'gelu', 'geluTanh', 'silu'),
          (c, op) => {
            const inputs = [
              { dtype: 'float32' as const, layout: c.layouts[0], seed: c.seed, wide: true },
            ];
            const out = { dtype: 'float32' as const, layout: c.outLayout };
            const f = (b: Backend) => (v: View[], o: View) => b.unary(op, v[0]!, o);
            const want = run(js, c.shape, inputs, out, f(js));
            const got = run(wasm, c.shape, inputs, out, f(wasm));
            expectUlps(got, want, ulps[op]!, `${op} ${JSON.stringify(c.shape)}`);
          },
        ),
        { numRuns: RUNS * 2 },
      );
    });

    it("transcendentals give the js backend's infinities, NaNs, saturation and signed zeros", () => {
      // The far-range and special-value paths of the kernels, at and past their edges.
      const values = [
        0,
        -0,
        Infinity,
        -Infinity,
        NaN,
        1e-45,
        -1e-45,
        1e-30,
        -1e-30,
        1.2e-38,
        1e-8,
        -1e-8,
        -0.99999994,
        -2,
        3e38,
        86.9,
        87.1,
        88.7,
        88.8,
        -87.2,
        -87.5,
        -100,
        -103.9,
        -104.5,
        1e30,
        -1e30,
        9,
        -9,
        9.5,
        -9.5,
        20,
        -20,
        -1,
      ];
      const shape = [values.length];
      const unaryOf = (b: Backend, op: UnaryOp) => {
        const a = makeView(b, 'float32', shape, contiguous(1), (i) => values[i]!);
        const o = makeView(b, 'float32', shape, contiguous(1), () => 1);
        b.unary(op, a, o);
        const r = readAll(b, o);
        b.free(a.storage);
        b.free(o.storage);
        return r;
      };
      for (const op of [...TRANSCENDENTAL, 'erf', 'gelu', 'geluTanh', 'silu'] as UnaryOp[]) {
        const [got, want] = [unaryOf(wasm, op), unaryOf(js, op)];
        expectUlps(got, want, TRANSCENDENTAL_ULPS[op] ?? ACTIVATION_ULPS[op]!, op);
        // Zeros keep their sign: torch.erf(-0.) is -0. (odd), and so on.
        want.forEach((w, i) => {
          const show = (v: number | undefined) => (Object.is(v, -0) ? '-0' : String(v));
          if (w === 0 && !Object.is(got[i], w))
            expect.fail(`${op}(${show(values[i])}): wasm ${show(got[i])}, want ${show(w)}`);
        });
      }
    });

    it('cumsum/cumprod scans are bit-identical along any dim of strided views', () => {
      fc.assert(
        fc.property(
          caseArb(1, false),
          fc.constantFrom<'sum' | 'prod'>('sum', 'prod'),
          fc.nat(),
          (c, op, pick) => {
            const dim = c.shape.length === 0 ? -1 : pick % c.shape.length;
            if (dim < 0) return;
            const inputs = [{ dtype: 'float32' as const, layout: c.layouts[0], seed: c.seed }];
            const out = { dtype: 'float32' as const, layout: c.outLayout };
            const f = (b: Backend) => (v: View[], o: View) => b.scan(op, v[0]!, dim, o);
            const want = run(js, c.shape, inputs, out, f(js));
            const got = run(wasm, c.shape, inputs, out, f(wasm));
            expectExact(got, want, `scan ${op} dim ${dim} ${JSON.stringify(c.shape)}`);
          },
        ),
        { numRuns: RUNS * 2 },
      );
    });

    it('copy casts between every pair of dtypes exactly', () => {
      const dtypes: DType[] = ['float32', 'float64', 'int32', 'bool'];
      fc.assert(
        fc.property(
          caseArb(1),
          fc.constantFrom(...dtypes),
          fc.constantFrom(...dtypes),
          fc.boolean(),
          (c, from, to, wide) => {
            const inputs = [{ dtype: from, layout: c.layouts[0], seed: c.seed, wide }];
            const out = { dtype: to, layout: c.outLayout };
            const f = (b: Backend) => (v: View[], o: View) => b.copy(v[0]!, o);
            const want = run(js, c.shape, inputs, out, f(js));
            const got = run(wasm, c.shape, inputs, out, f(wasm));
            expectExact(got, want, `${from}→${to} ${JSON.stringify(c.shape)}`);
          },
        ),
        { numRuns: RUNS * 2 },
      );
    });

    it('permuted same-dtype copies (the cache-tiled transposes) match for every dtype', () => {
      // Sizes around the 4×4 register blocks, the 32- and 64-element tiles and the strips of
      // 32 rows × 256 columns, size-0 and size-1 dims, any permutation (rank 3 and up also
      // gathers whole rows in blocks), sliced and stepped source views.
      const dtypes: DType[] = ['float32', 'float64', 'int32', 'bool'];
      const shapeArb2 = fc.array(
        fc.constantFrom<number>(0, 1, 3, 4, 5, 31, 33, 63, 64, 65, 130, 257),
        {
          minLength: 2,
          maxLength: 4,
        },
      );
      fc.assert(
        fc.property(
          shapeArb2.chain((shape) =>
            fc.record({
              shape: fc.constant(shape),
              layout: layoutArb(shape.length, false),
              seed: fc.integer(),
            }),
          ),
          fc.constantFrom(...dtypes),
          (c, dtype) => {
            // Keep each case small: at most about 300k elements.
            fc.pre(c.shape.reduce((a, b) => a * b, 1) <= 300_000);
            const inputs = [{ dtype, layout: c.layout, seed: c.seed, wide: false }];
            const out = { dtype, layout: contiguous(c.shape.length) };
            const f = (b: Backend) => (v: View[], o: View) => b.copy(v[0]!, o);
            const want = run(js, c.shape, inputs, out, f(js));
            const got = run(wasm, c.shape, inputs, out, f(wasm));
            expectExact(
              got,
              want,
              `${dtype} ${JSON.stringify(c.shape)} ${JSON.stringify(c.layout)}`,
            );
          },
        ),
        { numRuns: RUNS },
      );
    });

    /** A reduction case: the input view, the axes reduced, and the result on a backend. */
    function reduceOn(
      backend: Backend,
      op: ReduceOp,
      dtype: DType,
      shape: number[],
      layout: Layout,
      axes: number[],
      seed: number,
    ): { result: number[]; input: number[]; keptSize: number } {
      const a = makeView(backend, dtype, shape, layout, (i) => valueFor(dtype, false)(seed, i));
      const keptShape = shape.filter((_, d) => !axes.includes(d));
      const outDtype: DType =
        op === 'argmax' || op === 'argmin'
          ? 'int32'
          : op === 'all' || op === 'any'
            ? 'bool'
            : dtype;
      const out = makeView(backend, outDtype, keptShape, contiguous(keptShape.length), () => 0);
      backend.reduce(op, a, axes, out);
      const result = readView(backend, out);
      const input = readView(backend, a);
      backend.free(a.storage);
      backend.free(out.storage);
      return { result, input, keptSize: result.length };
    }

    const reduceCaseArb = shapeArb().chain((shape) =>
      fc.record({
        shape: fc.constant(shape),
        layout: layoutArb(shape.length, true),
        axes: fc.subarray([...shape.keys()]),
        seed: fc.integer(),
      }),
    );

    it('prod, max, min, argmax, argmin, all, any reduce over any axes exactly, every dtype', () => {
      const ops: ReduceOp[] = ['prod', 'max', 'min', 'argmax', 'argmin', 'all', 'any'];
      fc.assert(
        fc.property(
          reduceCaseArb,
          fc.constantFrom(...ops),
          fc.constantFrom<DType>('float32', 'float32', 'int32', 'float64', 'bool'),
          (c, op, dtype) => {
            // max/min/argmax of an empty set is an error the tensor layer raises first.
            const reducedSize = c.axes.reduce((a, d) => a * c.shape[d]!, 1);
            if (reducedSize === 0 && op !== 'prod' && op !== 'all' && op !== 'any') return;
            const args = [op, dtype, c.shape, c.layout, c.axes, c.seed] as const;
            const want = reduceOn(js, ...args).result;
            const got = reduceOn(wasm, ...args).result;
            // Which zero max/min returns among equal -0 and +0 is unspecified (as in torch).
            const same = (x: number, y: number) => x === y || (Number.isNaN(x) && Number.isNaN(y));
            const i = got.findIndex((g, k) => !same(g, want[k]!));
            if (i >= 0 || got.length !== want.length)
              expect.fail(
                `${dtype} ${op} ${JSON.stringify(c)}: [${i}] wasm ${got[i]} vs js ${want[i]}`,
              );
          },
        ),
        { numRuns: RUNS * 2 },
      );
    });

    it('argmax/argmin with values give the indexed elements on every dtype, as one pass', () => {
      fc.assert(
        fc.property(
          reduceCaseArb,
          fc.constantFrom<ReduceOp>('argmax', 'argmin'),
          fc.constantFrom<DType>('float32', 'int32', 'float64', 'bool'),
          (c, op, dtype) => {
            if (c.axes.some((d) => c.shape[d] === 0)) return;
            const both = (backend: Backend) => {
              const a = makeView(backend, dtype, c.shape, c.layout, (i) =>
                valueFor(dtype, false)(c.seed, i),
              );
              const kept = c.shape.filter((_, d) => !c.axes.includes(d));
              const lay = contiguous(kept.length);
              const out = makeView(backend, 'int32', kept, lay, () => 0);
              const values = makeView(backend, dtype, kept, lay, () => 0);
              backend.reduce(op, a, c.axes, out, values);
              const r = [...readView(backend, out), ...readView(backend, values)];
              for (const v of [a, out, values]) backend.free(v.storage);
              return r;
            };
            expectExact(both(wasm), both(js), `${dtype} ${op} ${JSON.stringify(c)}`);
          },
        ),
        { numRuns: RUNS },
      );
    });

    it('logsumexp along the last axis of any view: float32 within (n + 8)·u + 2u·|x|, float64 exact', () => {
      fc.assert(
        fc.property(
          reduceCaseArb.filter((c) => c.shape.length > 0),
          fc.constantFrom<DType>('float32', 'float32', 'float64'),
          ({ shape, layout, seed }, dtype) => {
            const kept = shape.slice(0, -1);
            const n = shape.at(-1)!;
            const on = (backend: Backend) => {
              const a = makeView(backend, dtype, shape, layout, (i) => arithValue(seed, i));
              const out = makeView(backend, dtype, kept, contiguous(kept.length), () => 0);
              backend.logsumexp(a, out);
              const r = readView(backend, out);
              for (const v of [a, out]) backend.free(v.storage);
              return r;
            };
            const [got, want] = [on(wasm), on(js)];
            if (dtype === 'float64') return expectExact(got, want, `float64 ${shape}`);
            const u = 2 ** -24;
            for (let i = 0; i < want.length; i++) {
              const [g, w] = [got[i]!, want[i]!];
              if (!Number.isFinite(w)) {
                if (!Object.is(g, w) && !(Number.isNaN(g) && Number.isNaN(w)))
                  expect.fail(`logsumexp ${shape} [${i}]: wasm ${g} vs js ${w}`);
              } else if (!(Math.abs(g - w) <= (n + 8) * u + 2 * u * Math.abs(w)))
                expect.fail(`logsumexp ${shape} [${i}] of ${n}: wasm ${g} vs js ${w}`);
            }
          },
        ),
        { numRuns: RUNS * 2 },
      );
    });

    it('sum agrees with the js backend: float32 within its error bound, other dtypes exactly', () => {
      fc.assert(
        fc.property(
          reduceCaseArb,
          fc.constantFrom<DType>('float32', 'float32', 'int32', 'float64', 'bool'),
          (c, dtype) => {
            const args = ['sum', dtype, c.shape, c.layout, c.axes, c.seed] as const;
            const want = reduceOn(js, ...args);
            const got = reduceOn(wasm, ...args).result;
            expect(got.length).toBe(want.result.length);
            // Both add in float64 in the same order (integers exactly), and store the result as
            // a typed array would.
            if (dtype !== 'float32') return expectExact(got, want.result, `${dtype} sum`);
            // Any order of n float32 additions is within n·u·Σ|x| of the exact sum (u = 2^-24);
            // both results are also rounded once more to float32 (≤ u·|sum| each).
            const u = 2 ** -24;
            const n = c.axes.reduce((a, d) => a * c.shape[d]!, 1);
            const absSums = want.result.map(() => 0);
            const keptSize = want.result.length;
            // Input elements in row-major order; each output's terms are found by index.
            const keptAxes = [...c.shape.keys()].filter((d) => !c.axes.includes(d));
            const idx = c.shape.map(() => 0);
            for (const x of want.input) {
              let o = 0;
              for (const d of keptAxes) o = o * c.shape[d]! + idx[d]!;
              absSums[o] += Math.abs(x);
              for (let d = c.shape.length - 1; d >= 0; d--) {
                if (++idx[d]! < c.shape[d]!) break;
                idx[d] = 0;
              }
            }
            for (let o = 0; o < keptSize; o++) {
              const w = want.result[o]!;
              const g = got[o]!;
              // Float32 partial sums overflow where the js backend's float64 sum does not (as
              // in torch): outside float32's range the kernels are not expected to agree.
              if (absSums[o]! > 1e38) continue;
              if (!Number.isFinite(w) || !Number.isFinite(absSums[o]!)) {
                if (!Object.is(g, w) && !(Number.isNaN(g) && Number.isNaN(w)))
                  expect.fail(`sum [${o}]: wasm ${g} vs js ${w}`);
                continue;
              }
              const bound = (n + 2) * u * absSums[o]!;
              if (!(Math.abs(g - w) <= bound))
                expect.fail(`sum [${o}] of ${n} terms: wasm ${g} vs js ${w}, bound ${bound}`);
            }
          },
        ),
        { numRuns: RUNS * 2 },
      );
    });
  });
}
