import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { View } from '../src/backend/backend.js';
import { type BackendName, backendNamed, setBackend } from '../src/backend/current.js';
import { fromFlat } from '../src/creation.js';
import type { DType } from '../src/dtype.js';
import { einsum } from '../src/einsum/einsum.js';
import { einsumPath } from '../src/einsum/einsum-path.js';
import { DtypeError, EinsumError } from '../src/errors.js';
import '../src/index.js'; // installs the Tensor methods (permute, narrow, copy_) the views use
import { memory } from '../src/memory.js';
import cases from './fixtures/einsum-cases.json';

interface Case {
  equation: string;
  shapes: number[][];
  operands: number[][];
  outShape: number[];
  out: number[];
}

const BACKENDS: BackendName[] = ['js', 'wasm'];

function close(got: ArrayLike<number>, want: readonly number[], rtol: number, atol: number): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    if (Math.abs(got[i]! - w) > atol + rtol * Math.abs(w)) {
      expect.fail(`element ${i}: got ${got[i]}, numpy ${w}`);
    }
  }
}

for (const backend of BACKENDS) {
  describe(`einsum vs np.einsum [${backend}]`, () => {
    it.each((cases as Case[]).map((c) => [c.equation, c] as const))('%j', (_eq, c) => {
      setBackend(backend);
      const ops = c.operands.map((v, n) => fromFlat(v, c.shapes[n]!, 'float32'));
      const out = einsum(c.equation, ...ops);
      expect(out.shape).toEqual(c.outShape);
      // float32 inputs of magnitude ≤ 1, at most a few hundred terms per output.
      close(out.data(), c.out, 1e-5, 1e-5);
    });
  });
}

// ---- property test against a naive loop over all labels ----------------------------------

/** An einsum problem in structured form, so the reference never parses the string. */
interface Problem {
  letters: Record<string, number>;
  /** Ellipsis sizes (right-aligned broadcast dims). */
  ellipsis: number[];
  operands: {
    labels: string[];
    dots: null | { at: number; ones: boolean[] };
    /** Letters this operand holds at size 1 (broadcast against the others). */
    ones: string[];
  }[];
  /** null = implicit mode; otherwise letters plus maybe '...' */
  output: null | string[];
}

const LETTERS = ['a', 'b', 'c', 'd', 'B'];

const problemArb: fc.Arbitrary<Problem> = fc
  .record({
    sizes: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 5, maxLength: 5 }),
    ellipsis: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }),
    operands: fc.array(
      fc.record({
        labels: fc.array(fc.constantFrom(...LETTERS), { maxLength: 3 }),
        ones: fc.subarray(LETTERS, { maxLength: 2 }),
        dots: fc.option(
          fc.record({
            at: fc.nat(3),
            width: fc.nat(2),
            ones: fc.array(fc.boolean(), { minLength: 2, maxLength: 2 }),
          }),
        ),
      }),
      { minLength: 1, maxLength: 4 },
    ),
    implicit: fc.boolean(),
    outPick: fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
    outShuffle: fc.array(fc.nat(), { minLength: 6, maxLength: 6 }),
  })
  .map((r) => {
    const letters: Record<string, number> = {};
    LETTERS.forEach((l, i) => {
      letters[l] = r.sizes[i]!;
    });
    const operands = r.operands.map((o) => ({
      labels: o.labels,
      ones: o.ones,
      dots: o.dots
        ? {
            at: Math.min(o.dots.at, o.labels.length),
            ones: o.dots.ones.slice(0, Math.min(o.dots.width, r.ellipsis.length)),
          }
        : null,
    }));
    let output: string[] | null = null;
    if (!r.implicit) {
      const used = [...new Set(operands.flatMap((o) => o.labels))];
      const cands = [...used, ...(operands.some((o) => o.dots) ? ['...'] : [])];
      const picked = cands.filter((_, i) => r.outPick[i]);
      output = picked
        .map((l, i) => ({ l, k: r.outShuffle[i]! }))
        .sort((x, y) => x.k - y.k)
        .map((e) => e.l);
    }
    return { letters, ellipsis: r.ellipsis, operands, output };
  });

function equationOf(p: Problem): string {
  const term = (o: Problem['operands'][number]) => {
    const ls = [...o.labels];
    if (o.dots) ls.splice(o.dots.at, 0, '...');
    return ls.join('');
  };
  const lhs = p.operands.map(term).join(',');
  return p.output ? `${lhs}->${p.output.join('')}` : lhs;
}

/**
 * Operand shapes: letters at their sizes or 1 where the operand broadcasts them, ellipsis
 * dims full size or 1.
 */
function shapesOf(p: Problem): number[][] {
  return p.operands.map((o) => {
    const dims = o.labels.map((l) => (o.ones.includes(l) ? 1 : p.letters[l]!));
    if (o.dots) {
      const w = o.dots.ones.length;
      const e = p.ellipsis.slice(p.ellipsis.length - w).map((s, j) => (o.dots!.ones[j] ? 1 : s));
      dims.splice(o.dots.at, 0, ...e);
    }
    return dims;
  });
}

/** Σ over every assignment of every label of Π operands, by brute force. */
function naiveEinsum(p: Problem, data: number[][]): { shape: number[]; values: number[] } {
  const shapes = shapesOf(p);
  const hasDots = p.operands.some((o) => o.dots);
  const E = hasDots ? Math.max(0, ...p.operands.map((o) => o.dots?.ones.length ?? 0)) : 0;
  // Global ellipsis sizes: the broadcast of the operands' dims at each position.
  const eSize = Array.from({ length: E }, (_, k) => {
    let s = 1;
    p.operands.forEach((o, n) => {
      if (!o.dots) return;
      const w = o.dots.ones.length;
      const j = k - (E - w);
      if (j >= 0) s = Math.max(s, shapes[n]![o.dots.at + j]!);
    });
    return s;
  });
  const used = [...new Set(p.operands.flatMap((o) => o.labels))];
  let out: string[];
  if (p.output) out = p.output;
  else {
    const count = (l: string) =>
      p.operands.reduce((n, o) => n + o.labels.filter((x) => x === l).length, 0);
    out = [...(hasDots ? ['...'] : []), ...used.filter((l) => count(l) === 1).sort()];
  }
  // A letter's size: the largest among the operands holding it (size-1 dims broadcast).
  const letterSize = (l: string) =>
    Math.max(
      ...p.operands.flatMap((o, n) =>
        o.labels.flatMap((x, d) =>
          x === l ? [shapes[n]![o.dots && d >= o.dots.at ? d + o.dots.ones.length : d]!] : [],
        ),
      ),
    );
  // Variables: letters, then ellipsis positions.
  const vars = [...used.map(letterSize), ...eSize];
  const varOf = (l: string) => used.indexOf(l);
  const outVars: number[] = out.flatMap((l) =>
    l === '...' ? eSize.map((_, k) => used.length + k) : [varOf(l)],
  );
  const outShape = outVars.map((v) => vars[v]!);
  const values = new Array(outShape.reduce((a, b) => a * b, 1)).fill(0);
  const idx = new Array(vars.length).fill(0);
  const total = vars.reduce((a, b) => a * b, 1);
  for (let flat = 0; flat < total; flat++) {
    let rem = flat;
    for (let v = vars.length - 1; v >= 0; v--) {
      idx[v] = rem % vars[v]!;
      rem = Math.floor(rem / vars[v]!);
    }
    let prod = 1;
    p.operands.forEach((o, n) => {
      const shape = shapes[n]!;
      const w = o.dots?.ones.length ?? 0;
      const dimIdx: number[] = o.labels.map((l) => (o.ones.includes(l) ? 0 : idx[varOf(l)]!));
      if (o.dots) {
        const e = Array.from({ length: w }, (_, j) => {
          const size = shape[o.dots!.at + j]!;
          return size === 1 ? 0 : idx[used.length + E - w + j]!;
        });
        dimIdx.splice(o.dots.at, 0, ...e);
      }
      let off = 0;
      dimIdx.forEach((i, d) => {
        off = off * shape[d]! + i;
      });
      prod *= data[n]![off]!;
    });
    let o = 0;
    outVars.forEach((v, d) => {
      o = o * outShape[d]! + idx[v]!;
    });
    values[o] += prod;
  }
  return { shape: outShape, values };
}

function smallInts(n: number, seed: number): number[] {
  // Deterministic small integers, so float32 sums of products stay exact.
  let s = seed >>> 0 || 1;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return ((s >>> 16) % 7) - 3;
  });
}

/** A textbook strided batched GEMM, to exercise einsum's GEMM lowering independently. */
function referenceGemm(a: View, b: View, out: View): void {
  const [B, m, k] = a.shape as [number, number, number];
  const n = b.shape[2]!;
  const A = backendNamed('js').array(a.storage);
  const Bm = backendNamed('js').array(b.storage);
  const O = backendNamed('js').array(out.storage);
  for (let t = 0; t < B; t++)
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let acc = 0;
        for (let p = 0; p < k; p++)
          acc +=
            A[a.offset + t * a.strides[0]! + i * a.strides[1]! + p * a.strides[2]!]! *
            Bm[b.offset + t * b.strides[0]! + p * b.strides[1]! + j * b.strides[2]!]!;
        O[out.offset + t * out.strides[0]! + i * out.strides[1]! + j * out.strides[2]!] = acc;
      }
}

type Mode = BackendName | 'js with reference gemm';
const MODES: Mode[] = [...BACKENDS, 'js with reference gemm'];

/** Runs `fn` on the mode's backend; the last mode lends the js backend a reference `gemm`. */
function onMode(mode: Mode, fn: () => void): void {
  if (mode !== 'js with reference gemm') {
    setBackend(mode);
    fn();
    return;
  }
  setBackend('js');
  const js = backendNamed('js') as { gemm?: unknown };
  const own = js.gemm;
  js.gemm = referenceGemm;
  try {
    fn();
  } finally {
    js.gemm = own;
  }
}

for (const mode of MODES) {
  describe(`einsum property [${mode}]`, () => {
    it('matches a naive loop over all labels for random equations and shapes', () =>
      onMode(mode, () => {
        fc.assert(
          fc.property(
            problemArb,
            fc.integer(),
            fc.constantFrom<DType>('float32', 'int32'),
            (p, seed, dtype) => {
              const shapes = shapesOf(p);
              const data = shapes.map((s, n) =>
                smallInts(
                  s.reduce((a, b) => a * b, 1),
                  seed + n,
                ),
              );
              const eq = equationOf(p);
              const want = naiveEinsum(p, data);
              const ops = data.map((d, n) => fromFlat(d, shapes[n]!, dtype));
              const out = einsum(eq, ...ops);
              expect(out.shape, eq).toEqual(want.shape);
              // + 0 maps -0 (a lone product 0 · -3) to 0, as the reference's running sum does.
              expect(
                Array.from(out.data(), (x) => x + 0),
                eq,
              ).toEqual(want.values);
              expect(out.dtype).toBe(dtype);
            },
          ),
          { numRuns: 200 },
        );
      }));

    it('every strategy gives the same answer on a 5-operand contraction', () =>
      onMode(mode, () => {
        const shapes = [[3, 4], [4, 5], [5, 2], [2, 3], [3]];
        const ops = shapes.map((s, n) =>
          fromFlat(smallInts(s[0]! * (s[1] ?? 1), n + 1), s, 'float32'),
        );
        const eq = 'ab,bc,cd,da,a->b';
        const ref = Array.from(einsum(eq, ...ops, { optimize: 'none' }).data());
        for (const optimize of ['auto', 'optimal', 'greedy'] as const) {
          expect(Array.from(einsum(eq, ...ops, { optimize }).data())).toEqual(ref);
        }
      }));

    it('matches np.einsum on the fixture cases', () =>
      onMode(mode, () => {
        for (const c of cases as Case[]) {
          const ops = c.operands.map((v, n) => fromFlat(v, c.shapes[n]!, 'float32'));
          const out = einsum(c.equation, ...ops);
          expect(out.shape, c.equation).toEqual(c.outShape);
          close(out.data(), c.out, 1e-5, 1e-5);
        }
      }));
  });
}

describe('einsum views, memory and errors', () => {
  const t = (values: number[], shape: number[]) => fromFlat(values, shape, 'float32');

  it('returns views for single-operand diagonals and permutations (no copy)', () => {
    setBackend('js');
    const m = t([1, 2, 3, 4, 5, 6, 7, 8, 9], [3, 3]);
    const diag = einsum('ii->i', m);
    expect(diag.stride()).toEqual([4]);
    expect(diag.storageHandle).toBe(m.storageHandle);
    expect(Array.from(diag.data())).toEqual([1, 5, 9]);
    const tr = einsum('ij->ji', m);
    expect(tr.stride()).toEqual([1, 3]);
    expect(tr.storageHandle).toBe(m.storageHandle);
  });

  it('returns the output permutation of a contraction as a view', () => {
    setBackend('js');
    const a = t([1, 2, 3, 4, 5, 6], [2, 3]);
    const b = t([1, 0, 0, 1, 1, 1], [3, 2]);
    const out = einsum('ij,jk->ki', a, b);
    expect(out.isContiguous()).toBe(false);
    expect(out.toArray()).toEqual([
      [4, 10],
      [5, 11],
    ]);
  });

  it('frees every temporary (only the result stays live)', () => {
    for (const backend of BACKENDS) {
      setBackend(backend);
      const ops = [[5, 4], [4, 3], [3, 6], [6]].map((s, n) =>
        t(smallInts(s[0]! * (s[1] ?? 1), n), s),
      );
      const before = memory();
      const out = einsum('ij,jk,kl,l->i', ...ops);
      expect(memory().tensors).toBe(before.tensors + 1);
      out.dispose();
      expect(memory().tensors).toBe(before.tensors);
      expect(memory().bytes).toBe(before.bytes);
    }
  });

  it("runs NumPy greedy's n-ary fallback step (all pairs sieved out) pairwise", () => {
    setBackend('js');
    const shapes = [[1], [1], [1], [1], [1], [1]];
    const eq = 'a,c,c,a,e,e->';
    expect(einsumPath(eq, ...shapes, { optimize: 'greedy' }).path).toContainEqual([0, 1, 2]);
    const ops = [2, 3, 5, 7, 11, 13].map((v) => t([v], [1]));
    expect(einsum(eq, ...ops, { optimize: 'greedy' }).item()).toBe(2 * 3 * 5 * 7 * 11 * 13);
  });

  it('rejects mixed dtypes and bool with DtypeError, bad equations with EinsumError', () => {
    setBackend('js');
    const f = t([1, 2], [2]);
    const i = fromFlat([1, 2], [2], 'int32');
    const b = fromFlat([1, 0], [2], 'bool');
    expect(() => einsum('i,i', f, i)).toThrow(DtypeError);
    expect(() => einsum('i,i', f, i)).toThrow('float32 [2], int32 [2]');
    expect(() => einsum('i', b)).toThrow(DtypeError);
    expect(() => einsum('i,j->k', f, f)).toThrow(EinsumError);
    expect(() => einsum('ij', f)).toThrow("einsum: 'ij' at position 0: operand 0 has shape [2]");
  });
});

describe('einsum broadcasts size-1 label dims across operands (NumPy, PyTorch)', () => {
  it("'ij,ij->j' with shapes [10, 2] and [1, 2]", () => {
    const a = fromFlat(smallInts(20, 5), [10, 2], 'float32');
    const b = fromFlat([2, -3], [1, 2], 'float32');
    const av = smallInts(20, 5);
    const want = [0, 1].map(
      (j) => av.filter((_, k) => k % 2 === j).reduce((s, x) => s + x, 0) * [2, -3][j]!,
    );
    expect(Array.from(einsum('ij,ij->j', a, b).data())).toEqual(want);
  });

  it("'i,i' with shapes [1] and [5]", () => {
    const out = einsum('i,i', fromFlat([3], [1], 'int32'), fromFlat([1, 2, 3, 4, 5], [5], 'int32'));
    expect(out.shape).toEqual([]);
    expect(out.item()).toBe(45);
  });
});

/** `equation` (explicit, distinct labels per operand) by a loop over every label value. */
function loopEinsum(equation: string, ops: { shape: number[]; values: number[] }[]): number[] {
  const [lhs, out] = equation.split('->') as [string, string];
  const terms = lhs.split(',');
  const size = new Map<string, number>();
  terms.forEach((term, n) => {
    [...term].forEach((ch, d) => {
      size.set(ch, ops[n]!.shape[d]!);
    });
  });
  const labels = [...size.keys()];
  const flat = (term: string, shape: number[], at: Map<string, number>) =>
    [...term].reduce((f, ch, d) => f * shape[d]! + at.get(ch)!, 0);
  const outShape = [...out].map((ch) => size.get(ch)!);
  const result = new Array<number>(outShape.reduce((a, b) => a * b, 1)).fill(0);
  const at = new Map(labels.map((ch) => [ch, 0]));
  const total = labels.reduce((p, ch) => p * size.get(ch)!, 1);
  for (let k = 0; k < total; k++) {
    let rest = k;
    for (const ch of labels) {
      at.set(ch, rest % size.get(ch)!);
      rest = Math.floor(rest / size.get(ch)!);
    }
    const product = terms.reduce(
      (p, term, n) => p * ops[n]!.values[flat(term, ops[n]!.shape, at)]!,
      1,
    );
    result[flat(out, outShape, at)]! += product;
  }
  return result;
}

describe('einsum single-product path (one batched GEMM, lowering cached per plan)', () => {
  // Two operands, one product: the lowering is reused on repeated calls, and operand views
  // with permuted or sliced strides either merge into the GEMM's three dims or fall back to
  // the general path (a copy into group order).
  const EQUATIONS = [
    'ik,kj->ij',
    'ik,kj->ji',
    'ki,kj->ij',
    'ik,jk->ij',
    'bik,bkj->bij',
    'bik,bkj->jbi',
    'ijk,jkl->li',
    'bhqd,bhkd->bhqk',
  ];
  for (const backend of BACKENDS)
    it(`matches a loop over every label on permuted and sliced views [${backend}]`, () => {
      setBackend(backend);
      fc.assert(
        fc.property(
          fc.constantFrom(...EQUATIONS),
          fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 4, maxLength: 4 }),
          fc.array(fc.boolean(), { minLength: 2, maxLength: 2 }),
          fc.array(fc.boolean(), { minLength: 2, maxLength: 2 }),
          fc.integer(),
          (equation, dimSizes, reversed, sliced, seed) => {
            const terms = equation.split('->')[0]!.split(',');
            const letters = [...new Set(terms.join(''))];
            const sizeOf = (ch: string) => dimSizes[letters.indexOf(ch) % 4]!;
            const made = terms.map((term, n) => {
              const shape = [...term].map(sizeOf);
              const values = smallInts(
                shape.reduce((a, b) => a * b, 1),
                seed + n,
              );
              // Stored with the dims reversed (then permuted back: a strided view), and
              // sliced out of a larger tensor along dim 0.
              let x = fromFlat(values, shape, 'float32');
              if (reversed[n]) {
                const order = shape.map((_, d) => shape.length - 1 - d);
                x = x
                  .permute(...order)
                  .contiguous()
                  .permute(...order);
              }
              if (sliced[n] && shape.length > 0) {
                const padded = [shape[0]! + 2, ...shape.slice(1)];
                const big = fromFlat(
                  smallInts(
                    padded.reduce((a, b) => a * b, 1),
                    seed + 7,
                  ),
                  padded,
                  'float32',
                );
                big.narrow(0, 1, shape[0]!).copy_(x);
                x = big.narrow(0, 1, shape[0]!);
              }
              return { tensor: x, shape, values };
            });
            const want = loopEinsum(equation, made);
            for (let rep = 0; rep < 2; rep++) {
              const out = einsum(equation, ...made.map((m) => m.tensor));
              expect(
                Array.from(out.data(), (v) => v + 0),
                equation,
              ).toEqual(want);
              out.dispose();
            }
          },
        ),
        { numRuns: 150 },
      );
    });
});
