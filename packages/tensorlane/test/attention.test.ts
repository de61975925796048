import fc from 'fast-check';
import { expect } from 'vitest';
import { ShapeError, scaledDotProductAttention, type Tensor, tensor, zeros } from '../src/index.js';
import { describeBackends } from './backend-cases.js';
import { seededValues } from './matmul-reference.js';

function make(shape: readonly number[], seed: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(new Float32Array(seededValues(n, seed)), { shape: [...shape] });
}

interface RefOptions {
  causal: boolean;
  scale: number;
  /** Per (i, j): the additive mask value (0 when absent). */
  mask?: (i: number, j: number) => number;
}

/** Naive attention on one head: the full L × S score matrix, softmax, then the product. */
function refHead(
  q: number[],
  k: number[],
  v: number[],
  L: number,
  S: number,
  E: number,
  Ev: number,
  o: RefOptions,
) {
  const out: number[] = [];
  for (let i = 0; i < L; i++) {
    const scores = [];
    for (let j = 0; j < S; j++) {
      let s = 0;
      for (let e = 0; e < E; e++) s += q[i * E + e]! * k[j * E + e]!;
      s = s * o.scale + (o.mask ? o.mask(i, j) : 0);
      scores.push(o.causal && j > i ? -Infinity : s);
    }
    const max = Math.max(...scores);
    const w = scores.map((s) => Math.exp(s - max));
    const sum = w.reduce((a, b) => a + b, 0);
    for (let c = 0; c < Ev; c++) {
      let acc = 0;
      for (let j = 0; j < S; j++) acc += w[j]! * v[j * Ev + c]!;
      out.push(acc / sum);
    }
  }
  return out;
}

function expectClose(got: Tensor, want: readonly number[]): void {
  const g = got.data();
  expect(g.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (Number.isNaN(want[i]!)) {
      expect(g[i]).toBeNaN();
      continue;
    }
    if (!(Math.abs(g[i]! - want[i]!) <= 2e-5))
      throw new Error(`element ${i}: got ${g[i]}, want ${want[i]}`);
  }
}

const caseArb = fc.record({
  heads: fc.constantFrom(1, 2, 3),
  L: fc.constantFrom(1, 3, 17, 65, 130),
  S: fc.constantFrom(1, 5, 64, 129),
  E: fc.constantFrom(1, 4, 8, 16),
  Ev: fc.constantFrom(1, 3, 8),
  kind: fc.constantFrom('none', 'causal', 'bool', 'float'),
  kvShared: fc.boolean(),
  scale: fc.constantFrom(null, 0.5),
  seed: fc.integer({ min: 1, max: 2 ** 30 }),
});

describeBackends('scaledDotProductAttention', (it) => {
  it('matches naive attention with causal, bool and float masks and broadcast heads', () => {
    fc.assert(
      fc.property(caseArb, ({ heads, L, S, E, Ev, kind, kvShared, scale, seed }) => {
        const q = make([heads, L, E], seed);
        // k and v shared by every head (a broadcast batch dim) or one per head.
        const kvHeads = kvShared ? 1 : heads;
        const k = make([kvHeads, S, E], seed + 1);
        const v = make([kvHeads, S, Ev], seed + 2);
        const keepAt = (i: number, j: number) => (i * 7 + j * 3) % 5 !== 0 || j === 0;
        const floatAt = (i: number, j: number) => Math.fround(((i + 2 * j) % 7) / 7 - 0.5);
        const boolMask = tensor(
          Array.from({ length: L }, (_, i) => Array.from({ length: S }, (_, j) => keepAt(i, j))),
        );
        const floatMask = tensor(
          Array.from({ length: L }, (_, i) => Array.from({ length: S }, (_, j) => floatAt(i, j))),
        ).float();
        const mask = kind === 'bool' ? boolMask : kind === 'float' ? floatMask : undefined;
        const got = scaledDotProductAttention(q, k, v, {
          mask,
          isCausal: kind === 'causal',
          scale,
        });
        expect(got.shape).toEqual([heads, L, Ev]);
        const [qd, kd, vd] = [q, k, v].map((t) => Array.from(t.data()));
        const want: number[] = [];
        for (let h = 0; h < heads; h++) {
          const kh = kvShared ? 0 : h;
          want.push(
            ...refHead(
              qd!.slice(h * L * E, (h + 1) * L * E),
              kd!.slice(kh * S * E, (kh + 1) * S * E),
              vd!.slice(kh * S * Ev, (kh + 1) * S * Ev),
              L,
              S,
              E,
              Ev,
              {
                causal: kind === 'causal',
                scale: scale ?? 1 / Math.sqrt(E),
                mask:
                  kind === 'bool'
                    ? (i, j) => (keepAt(i, j) ? 0 : -Infinity)
                    : kind === 'float'
                      ? floatAt
                      : undefined,
              },
            ),
          );
        }
        expectClose(got, want);
      }),
      { numRuns: 60 },
    );
  });

  it('reads transposed keys and values without changing the result', () => {
    const q = make([2, 9, 8], 1);
    const k = make([2, 8, 11], 2).mT; // [2, 11, 8], column-major per head
    const v = make([2, 11, 5], 3);
    const a = scaledDotProductAttention(q, k, v);
    const b = scaledDotProductAttention(q, k.contiguous(), v);
    expectClose(a, Array.from(b.data()));
  });

  it('gives NaN for a query whose keys are all masked out', () => {
    const q = make([2, 4], 1);
    const k = make([3, 4], 2);
    const v = make([3, 2], 3);
    const mask = tensor([
      [true, true, false],
      [false, false, false],
    ]);
    const out = scaledDotProductAttention(q, k, v, { mask }).toArray() as number[][];
    expect(out[0]!.some(Number.isNaN)).toBe(false);
    expect(out[1]!.every(Number.isNaN)).toBe(true);
  });

  it('rejects mismatched shapes and mask with isCausal, naming every shape', () => {
    expect(() => scaledDotProductAttention(zeros(3, 4), zeros(5, 6), zeros(5, 2))).toThrow(
      new ShapeError(
        'scaledDotProductAttention: q [3, 4], k [5, 6], v [5, 2]: q and k embedding dims differ (4 vs 6)',
      ),
    );
    expect(() => scaledDotProductAttention(zeros(3, 4), zeros(5, 4), zeros(6, 2))).toThrow(
      /k and v sequence lengths differ \(5 vs 6\)/,
    );
    expect(() =>
      scaledDotProductAttention(zeros(3, 4), zeros(5, 4), zeros(5, 2), {
        mask: zeros(3, 5),
        isCausal: true,
      }),
    ).toThrow(/either mask or isCausal/);
    expect(() => scaledDotProductAttention(zeros(2, 3, 4), zeros(3, 5, 4), zeros(3, 5, 2))).toThrow(
      /batch dimensions cannot broadcast \(2 vs 3\)/,
    );
    expect(() =>
      scaledDotProductAttention(zeros(3, 4), zeros(5, 4), zeros(5, 2), { mask: zeros(4, 5) }),
    ).toThrow(/mask must broadcast to \[\.\.\., 3, 5\]/);
  });
});
