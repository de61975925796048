/**
 * multinomial, bernoulli, randperm, randint and dropout on the seeded generator: the exact
 * streams against an independent Python reimplementation (fixtures/gen_random.py), the
 * same samples on both backends, chi-square goodness of fit with fixed seeds (bounds at
 * p = 0.001, so a biased sampler fails), and the typed errors.
 */
import { describe, expect, it } from 'vitest';
import { setBackend } from '../src/backend/current.js';
import {
  ArgumentError,
  bernoulli,
  DtypeError,
  dropout,
  manualSeed,
  multinomial,
  ones,
  randint,
  randperm,
  ShapeError,
  tensor,
} from '../src/index.js';
import fixture from './fixtures/random.json' with { type: 'json' };

const f32 = (values: number[], shape: number[] = [values.length]) =>
  tensor(values, { dtype: 'float32' }).reshape(shape);

/** Σ (observed − expected)² / expected. */
function chiSquare(counts: number[], probs: number[], total: number): number {
  return counts.reduce((s, c, i) => s + (c - probs[i]! * total) ** 2 / (probs[i]! * total), 0);
}

function countsOf(values: ArrayLike<number>, k: number): number[] {
  const counts = new Array<number>(k).fill(0);
  for (let i = 0; i < values.length; i++) counts[values[i]!]!++;
  return counts;
}

describe('sampling streams equal the documented algorithm (Python reimplementation)', () => {
  for (const c of fixture.cases) {
    it(`seed ${c.seed}`, () => {
      manualSeed(c.seed);
      expect(Array.from(randperm(10).data())).toEqual(c.randperm_10);
      manualSeed(c.seed);
      expect(Array.from(bernoulli(f32([0.1, 0.5, 0.9, 0, 1, 0.3, 0.7, 0.5])).data())).toEqual(
        c.bernoulli_f32,
      );
      manualSeed(c.seed);
      expect(Array.from(multinomial(f32([1, 0, 2, 3, 0.5]), 10, true).data())).toEqual(
        c.multinomial_with,
      );
      manualSeed(c.seed);
      expect(Array.from(multinomial(f32([1, 0, 2, 3, 0.5, 4]), 4).data())).toEqual(
        c.multinomial_without,
      );
      manualSeed(c.seed);
      expect(Array.from(dropout(ones(10), 0.3).data())).toEqual(c.dropout_f32);
    });
  }
});

describe('same seed, same samples on the js and wasm backends', () => {
  it('multinomial, bernoulli, randperm, randint, dropout', () => {
    const draw = () => {
      manualSeed(7);
      const p = f32([0.2, 0.3, 0.5, 0, 0.1, 0.9], [2, 3]);
      return [
        multinomial(p, 2).toArray(),
        multinomial(p, 5, true).toArray(),
        bernoulli(p).toArray(),
        randperm(9).toArray(),
        randint(-3, 4, [6]).toArray(),
        dropout(ones(2, 5), 0.4).toArray(),
      ];
    };
    setBackend('js');
    const onJs = draw();
    setBackend('wasm');
    expect(draw()).toEqual(onJs);
  });
});

describe('sampling statistics (fixed seeds, chi-square at p = 0.001)', () => {
  it('multinomial with replacement follows unnormalised weights', () => {
    manualSeed(11);
    const w = [1, 2, 3, 4];
    const counts = countsOf(multinomial(f32(w), 20000, true).data(), 4);
    expect(chiSquare(counts, [0.1, 0.2, 0.3, 0.4], 20000)).toBeLessThan(16.27); // df 3
  });

  it('multinomial without replacement: first draws follow the weights, no repeats, zeros never drawn', () => {
    manualSeed(12);
    const rows = 5000;
    const w = Array.from({ length: rows }, () => [1, 0, 2, 3, 4]).flat();
    const s = multinomial(f32(w, [rows, 5]), 3).toArray() as number[][];
    const first = countsOf(
      s.map((r) => r[0]!),
      5,
    );
    expect(first[1]).toBe(0);
    const nonzero = [first[0]!, first[2]!, first[3]!, first[4]!];
    expect(chiSquare(nonzero, [0.1, 0.2, 0.3, 0.4], rows)).toBeLessThan(16.27);
    for (const r of s) {
      expect(new Set(r).size).toBe(3);
      expect(r).not.toContain(1);
    }
    // The second draw renormalises without the first: P(second = 4 | first = 0) = 4/9.
    const afterZero = s.filter((r) => r[0] === 0);
    const second = countsOf(
      afterZero.map((r) => r[1]!),
      5,
    );
    const n = afterZero.length;
    expect(chiSquare([second[2]!, second[3]!, second[4]!], [2 / 9, 3 / 9, 4 / 9], n)).toBeLessThan(
      13.82, // df 2
    );
  });

  it('bernoulli mean, randperm positions and randint counts are uniform', () => {
    manualSeed(13);
    const b = bernoulli(f32(new Array(20000).fill(0.3))).data();
    const ones_ = Array.from(b).reduce((s, x) => s + x, 0);
    expect(chiSquare([ones_, 20000 - ones_], [0.3, 0.7], 20000)).toBeLessThan(10.83); // df 1
    const where0 = new Array(5).fill(0);
    for (let i = 0; i < 5000; i++) where0[Array.from(randperm(5).data()).indexOf(0)]++;
    expect(chiSquare(where0, new Array(5).fill(0.2), 5000)).toBeLessThan(18.47); // df 4
    const r = countsOf(Array.from(randint(0, 10, [20000]).data()), 10);
    expect(chiSquare(r, new Array(10).fill(0.1), 20000)).toBeLessThan(27.88); // df 9
  });

  it('dropout keeps 1 − p of the elements, scaled by 1/(1 − p); p = 1 gives zeros; eval returns the input', () => {
    manualSeed(14);
    const y = Array.from(dropout(ones(20000), 0.25).data());
    const kept = y.filter((v) => v !== 0);
    expect(new Set(kept)).toEqual(new Set([Math.fround(1 / 0.75)]));
    expect(chiSquare([kept.length, 20000 - kept.length], [0.75, 0.25], 20000)).toBeLessThan(10.83);
    expect(Array.from(dropout(f32([1, Number.POSITIVE_INFINITY]), 1).data())).toEqual([0, 0]);
    const x = f32([1, 2]);
    expect(dropout(x, 0.5, false)).toBe(x);
    expect(Array.from(dropout(x, 0).data())).toEqual([1, 2]);
  });
});

describe('sampling errors', () => {
  it('rejects bad probabilities, counts and arguments with typed errors', () => {
    const cases: [() => unknown, new (...a: never[]) => Error, string][] = [
      [() => multinomial(f32([0.5, -0.5]), 1), ArgumentError, 'row 0 holds -0.5 at category 1'],
      [() => multinomial(f32([0.5, Number.NaN]), 1), ArgumentError, 'holds NaN'],
      [() => multinomial(f32([1, 1, 0, 0], [2, 2]), 1), ArgumentError, 'row 1 sums to 0'],
      [
        () => multinomial(f32([1, 0, 2]), 3),
        ArgumentError,
        'cannot draw 3 samples without replacement',
      ],
      [() => multinomial(f32([1, 2]), 0), ArgumentError, 'numSamples must be an integer ≥ 1'],
      [() => multinomial(tensor([1, 2]), 1), DtypeError, 'must be float32 or float64, got int32'],
      [() => multinomial(f32([1, 2, 3, 4], [1, 2, 2]), 1), ShapeError, 'must be 1-D or 2-D'],
      [() => bernoulli(f32([0.5, 1.5])), ArgumentError, 'probability 1.5 at flat index 1'],
      [() => bernoulli(tensor([1])), DtypeError, 'got int32'],
      [() => randperm(-1), ArgumentError, 'n must be an integer in [0'],
      [() => randperm(3, { dtype: 'bool' }), DtypeError, 'bool'],
      [() => randint(5, 5, [2]), ArgumentError, 'low 5 must be less than high 5'],
      [() => randint(0, 2 ** 32, [1]), DtypeError, 'does not fit int32'],
      [() => randint(0, 3, 4 as never), ArgumentError, 'size must be an array'],
      [() => randint(1.5, [2]), ArgumentError, 'high must be an integer'],
      [() => dropout(ones(2), 1.5), ArgumentError, 'p must be in [0, 1], got 1.5'],
      [() => dropout(ones(2), -0.1), ArgumentError, 'got -0.1'],
      [() => dropout(tensor([1, 2]), 0.5), DtypeError, 'got int32'],
    ];
    for (const [f, type, text] of cases) {
      expect(f, text).toThrow(type);
      expect(f).toThrow(text);
    }
  });

  it('a rejected multinomial draws nothing from the generator', () => {
    manualSeed(3);
    expect(() => multinomial(f32([1, 1, 0, 0], [2, 2]), 1)).toThrow(ArgumentError);
    const after = randperm(6).toArray();
    manualSeed(3);
    expect(randperm(6).toArray()).toEqual(after);
  });
});
