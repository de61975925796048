/**
 * The wasm selection kernels (`where`, `gather`, `scatter`) against the js reference, on
 * every wasm build the engine validates: random shapes up to rank 5 (dims 0, 1, 2, 3, 5,
 * 17, 127), permuted, stepped, offset, stride-0 and reversed (negative stride) views, every
 * dtype, index values anywhere in `[-size, size)`. Results must agree bit for bit, and
 * nothing outside the output view may be written.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Backend, ScatterMode, View } from '../src/backend/backend.js';
import { createJsBackend } from '../src/backend/js/js-backend.js';
import { createWasmBackend } from '../src/backend/wasm/wasm-backend.js';
import type { DType } from '../src/dtype.js';
import { firstMismatch } from './float-compare.js';
import {
  contiguous,
  DIM_SIZES,
  type Layout,
  layoutArb,
  makeView,
  readAll,
  shapeArb,
} from './strided-view-arb.js';
import { BUILDS_UNDER_TEST, buildSupported, loadBuild } from './wasm-builds.js';

const RUNS = 200;
const DTYPES: DType[] = ['float32', 'float64', 'int32', 'bool'];

function hash(seed: number, i: number): number {
  let x = seed ^ Math.imul(i + 1, 0x9e3779b1);
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

const SPECIALS = [0, -0, Number.NaN, Infinity, -Infinity, 1e-40, 0.1, -3e38];

/** A deterministic element of `dtype` (identical on both backends). */
function value(dtype: DType, seed: number, i: number): number {
  const h = hash(seed, i);
  if (dtype === 'bool') return h & 1;
  if (dtype === 'int32') return (h % 2001) - 1000;
  if (h % 16 === 0) return SPECIALS[(h >>> 4) % SPECIALS.length]!;
  return ((h % 4001) - 2000) / 8;
}

/** `v` read backwards along the dims where `reversed` is true (negative strides). */
function reverse(v: View, reversed: readonly boolean[]): View {
  let offset = v.offset;
  const strides = v.strides.slice();
  v.shape.forEach((size, d) => {
    if (!reversed[d] || size === 0) return;
    offset += (size - 1) * strides[d]!;
    strides[d] = -strides[d]!;
  });
  return { ...v, offset, strides };
}

/** An operand: its layout, which dims it reads backwards, and a seed for its values. */
interface Operand {
  readonly layout: Layout;
  readonly reversed: boolean[];
  readonly seed: number;
}

const operandArb = (rank: number, broadcast: boolean): fc.Arbitrary<Operand> =>
  fc.record({
    layout: layoutArb(rank, broadcast),
    reversed: fc.array(fc.boolean(), { minLength: rank, maxLength: rank }),
    seed: fc.integer(),
  });

/** Allocates `op`'s view of `shape` on `backend`, filled by `fill`. */
function viewOf(
  backend: Backend,
  dtype: DType,
  shape: readonly number[],
  op: Operand,
  fill: (i: number) => number,
): View {
  return reverse(makeView(backend, dtype, shape, op.layout, fill), op.reversed);
}

const js = createJsBackend();

function expectExact(got: number[], want: number[], what: string): void {
  const i = firstMismatch(got, want);
  if (i >= 0) expect.fail(`${what}: element ${i}: wasm ${got[i]} vs js ${want[i]}`);
}

// ---- cases ------------------------------------------------------------------------------

const whereArb = shapeArb().chain((shape) =>
  fc.record({
    shape: fc.constant(shape),
    dtype: fc.constantFrom(...DTYPES),
    cond: operandArb(shape.length, true),
    a: operandArb(shape.length, true),
    b: operandArb(shape.length, true),
    out: operandArb(shape.length, false),
    // The in-place form (masked_fill_): out is b's own view.
    inPlace: fc.boolean(),
  }),
);

type WhereCase = typeof whereArb extends fc.Arbitrary<infer T> ? T : never;

function runWhere(backend: Backend, c: WhereCase): number[] {
  const { shape, dtype } = c;
  const cond = viewOf(backend, 'bool', shape, c.cond, (i) => hash(c.cond.seed, i) & 1);
  const a = viewOf(backend, dtype, shape, c.a, (i) => value(dtype, c.a.seed, i));
  // Written in place, b cannot broadcast.
  const bOperand = c.inPlace
    ? { ...c.b, layout: { ...c.b.layout, expanded: c.b.layout.expanded.map(() => false) } }
    : c.b;
  const b = viewOf(backend, dtype, shape, bOperand, (i) => value(dtype, c.b.seed, i));
  const out = c.inPlace ? b : viewOf(backend, dtype, shape, c.out, () => 7);
  backend.where(cond, a, b, out);
  const result = readAll(backend, out);
  for (const v of new Set([cond, a, b, out])) backend.free(v.storage);
  return result;
}

const numel = (shape: readonly number[]) => shape.reduce((p, q) => p * q, 1);
/** `shape` with `extra[k]` added to each dim (a shape with an empty dim may grow big). */
const grown = (shape: readonly number[], extra: readonly number[], shift = 0) =>
  shape.map((s, k) => s + extra[(k + shift) % extra.length]!);
/** `shape` grown by `extra`, and `size` along `dim`: a gather's source, a scatter's output. */
const around = (shape: readonly number[], dim: number, extra: readonly number[], size: number) =>
  grown(shape, extra).map((s, k) => (k === dim ? size : s));
/** The enlarged operands stay small (a case with an empty dim could otherwise blow up). */
const smallGrowth = ([shape, d, extra, size]: [number[], number, number[], number]) =>
  numel(around(shape, d % shape.length, extra, size)) <= 8192 &&
  numel(grown(shape, extra, 1)) <= 8192;

/**
 * A gather case: `out`'s shape, a source at least as large off `dim` (its `dim` of any
 * size ≥ 1), an index of `out`'s shape (may broadcast) holding values in `[-size, size)`.
 */
const gatherArb = fc
  .tuple(
    shapeArb(4).filter((s) => s.length > 0),
    fc.nat(),
    fc.array(fc.constantFrom(0, 0, 1, 2), { minLength: 4, maxLength: 4 }),
    fc.constantFrom(...DIM_SIZES.filter((s) => s > 0)),
  )
  .filter(smallGrowth)
  .chain(([shape, d, extra, dimSize]) => {
    const dim = d % shape.length;
    const aShape = around(shape, dim, extra, dimSize);
    return fc.record({
      shape: fc.constant(shape),
      dim: fc.constant(dim),
      aShape: fc.constant(aShape),
      dtype: fc.constantFrom(...DTYPES),
      a: operandArb(shape.length, false),
      index: operandArb(shape.length, true),
      out: operandArb(shape.length, false),
    });
  });

type GatherCase = typeof gatherArb extends fc.Arbitrary<infer T> ? T : never;

function runGather(backend: Backend, c: GatherCase): number[] {
  const size = c.aShape[c.dim]!;
  const a = viewOf(backend, c.dtype, c.aShape, c.a, (i) => value(c.dtype, c.a.seed, i));
  const index = viewOf(
    backend,
    'int32',
    c.shape,
    c.index,
    (i) => (hash(c.index.seed, i) % (2 * size)) - size,
  );
  const out = viewOf(backend, c.dtype, c.shape, c.out, () => 7);
  backend.gather(a, c.dim, index, out);
  const result = readAll(backend, out);
  for (const v of [a, index, out]) backend.free(v.storage);
  return result;
}

/**
 * A scatter case: `index`'s shape, an output at least as large off `dim` (never
 * broadcast: it is written), a source at least as large everywhere.
 */
const scatterArb = fc
  .tuple(
    shapeArb(4).filter((s) => s.length > 0),
    fc.nat(),
    fc.array(fc.constantFrom(0, 0, 1, 2), { minLength: 4, maxLength: 4 }),
    fc.constantFrom(...DIM_SIZES.filter((s) => s > 0)),
  )
  .filter(smallGrowth)
  .chain(([shape, d, extra, dimSize]) => {
    const dim = d % shape.length;
    const outShape = around(shape, dim, extra, dimSize);
    return fc.record({
      shape: fc.constant(shape),
      dim: fc.constant(dim),
      outShape: fc.constant(outShape),
      srcShape: fc.constant(grown(shape, extra, 1)),
      dtype: fc.constantFrom(...DTYPES),
      mode: fc.constantFrom<ScatterMode>('assign', 'add'),
      out: operandArb(shape.length, false),
      index: operandArb(shape.length, true),
      src: operandArb(shape.length, true),
    });
  });

type ScatterCase = typeof scatterArb extends fc.Arbitrary<infer T> ? T : never;

function runScatter(backend: Backend, c: ScatterCase): number[] {
  const size = c.outShape[c.dim]!;
  const out = viewOf(backend, c.dtype, c.outShape, c.out, (i) => value(c.dtype, c.out.seed, i));
  const index = viewOf(
    backend,
    'int32',
    c.shape,
    c.index,
    (i) => (hash(c.index.seed, i) % (2 * size)) - size,
  );
  const srcFull = viewOf(backend, c.dtype, c.srcShape, c.src, (i) => value(c.dtype, c.src.seed, i));
  // src is read at index's coordinates: its leading corner.
  const src = { ...srcFull, shape: c.shape };
  backend.scatter(c.mode, out, c.dim, index, src);
  const result = readAll(backend, out);
  for (const v of [out, index, srcFull]) backend.free(v.storage);
  return result;
}

for (const build of BUILDS_UNDER_TEST) {
  describe.skipIf(!buildSupported(build))(`select kernels: wasm vs js [${build}]`, () => {
    let wasm: Backend;
    beforeAll(async () => {
      const loaded = await loadBuild(build);
      expect(loaded.build).toBe(build);
      wasm = createWasmBackend();
    });

    it('where picks the same bits for every dtype, broadcast and reversed views, in place too', () => {
      fc.assert(
        fc.property(whereArb, (c) => {
          expectExact(
            runWhere(wasm, c),
            runWhere(js, c),
            `where ${c.dtype} ${JSON.stringify(c.shape)}`,
          );
        }),
        { numRuns: RUNS },
      );
    });

    it('gather reads the same elements for every dtype and index layout', () => {
      fc.assert(
        fc.property(gatherArb, (c) => {
          expectExact(
            runGather(wasm, c),
            runGather(js, c),
            `gather ${c.dtype} dim ${c.dim} ${JSON.stringify(c.shape)} from ${JSON.stringify(c.aShape)}`,
          );
        }),
        { numRuns: RUNS },
      );
    });

    it('scatter (assign and add) writes the same elements in the same order', () => {
      fc.assert(
        fc.property(scatterArb, (c) => {
          expectExact(
            runScatter(wasm, c),
            runScatter(js, c),
            `scatter ${c.mode} ${c.dtype} dim ${c.dim} ${JSON.stringify(c.shape)} into ${JSON.stringify(c.outShape)}`,
          );
        }),
        { numRuns: RUNS },
      );
    });

    it('an index row shared by a whole row (embedding) copies rows', () => {
      // index [N] broadcast over [N, D]: the kernel's row-copy path, contiguous and strided.
      // 256×768 is past the size at which threaded builds split the work.
      for (const [n, d, rows] of [
        [5, 17, 9],
        [64, 768, 100],
        [256, 768, 300],
        [3, 1, 2],
      ] as const) {
        const c = {
          shape: [n, d],
          dim: 0,
          aShape: [rows, d],
          dtype: 'float32' as DType,
          a: { layout: contiguous(2), reversed: [false, false], seed: 1 },
          index: {
            layout: { ...contiguous(2), expanded: [false, true] },
            reversed: [false, false],
            seed: 2,
          },
          out: { layout: contiguous(2), reversed: [false, false], seed: 3 },
        };
        expectExact(runGather(wasm, c), runGather(js, c), `embedding ${n}×${d} of ${rows}`);
        const flipped = { ...c, a: { ...c.a, reversed: [false, true] } };
        expectExact(runGather(wasm, flipped), runGather(js, flipped), 'reversed columns');
      }
    });

    it('a large where (split over threads on the threaded builds) agrees', () => {
      const shape = [3, 300, 257];
      const op = (seed: number, broadcast: boolean[]): Operand => ({
        layout: { ...contiguous(3), expanded: broadcast },
        reversed: [false, false, false],
        seed,
      });
      for (const dtype of ['float32', 'bool', 'float64'] as DType[]) {
        const c = {
          shape,
          dtype,
          cond: op(1, [true, false, false]),
          a: op(2, [true, true, true]),
          b: op(3, [false, false, false]),
          out: op(4, [false, false, false]),
          inPlace: false,
        };
        expectExact(runWhere(wasm, c), runWhere(js, c), `large where ${dtype}`);
      }
    });
  });
}
