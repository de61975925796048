import { describe, expect, it } from 'vitest';
import { ArgumentError, DtypeError, manualSeed, rand, randint, randn } from '../src/index.js';
import { DEFAULT_SEED, initialSeedValue, nextUint32 } from '../src/random.js';
import { describeBackends } from './backend-cases.js';
import fixture from './fixtures/random.json' with { type: 'json' };

// Produced by fixtures/gen_random.py, an independent Python implementation of the algorithm.
const cases = fixture.cases;

describe('default seed', () => {
  // That a fresh process starts from it is checked in random-default.node.test.ts: the
  // cross-runtime matrix runs every test file in one process, where others seed first.
  it("is torch's default seed 67280421310721, and seeding with it gives the reference stream", () => {
    expect(DEFAULT_SEED).toBe(fixture.default_seed);
    manualSeed(DEFAULT_SEED);
    expect(initialSeedValue()).toBe(fixture.default_seed);
    const want = cases.find((c) => c.seed === fixture.default_seed)!;
    expect(Array.from(rand(6).data())).toEqual(want.rand_f32);
  });
});

describeBackends('seeded generator', (it) => {
  it('xoshiro128** seeded by splitmix32 gives the reference 32-bit stream', () => {
    for (const c of cases) {
      manualSeed(c.seed);
      expect(Array.from({ length: 8 }, nextUint32)).toEqual(c.uint32);
    }
  });

  it('rand: float32 from 24 bits, float64 from 53 bits, in [0, 1)', () => {
    for (const c of cases) {
      manualSeed(c.seed);
      const f = rand(2, 3);
      expect(f.shape).toEqual([2, 3]);
      expect(f.dtype).toBe('float32');
      expect(Array.from(f.data())).toEqual(c.rand_f32);
      manualSeed(c.seed);
      expect(Array.from(rand([3], { dtype: 'float64' }).data())).toEqual(c.rand_f64);
    }
    manualSeed(7);
    const big = rand(10000).data();
    expect(big.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('randn: Box–Muller pairs, rounded to float32 exactly as the reference', () => {
    for (const c of cases) {
      manualSeed(c.seed);
      expect(Array.from(randn(7).data())).toEqual(c.randn_f32);
      manualSeed(c.seed);
      const d = Array.from(randn([7], { dtype: 'float64' }).data());
      // Math.log/cos may differ from Python's libm in the last bit of a double.
      d.forEach((x, i) => {
        expect(Math.abs(x - c.randn_f64[i]!)).toBeLessThanOrEqual(4e-16 * Math.max(1, Math.abs(x)));
      });
    }
  });

  it('randint: unbiased integers in [low, high), int32', () => {
    for (const c of cases) {
      manualSeed(c.seed);
      const t = randint(-5, 10, [3, 4]);
      expect(t.dtype).toBe('int32');
      expect(t.shape).toEqual([3, 4]);
      expect(Array.from(t.data())).toEqual(c.randint_m5_10);
      manualSeed(c.seed);
      expect(Array.from(randint(3, [12]).data())).toEqual(c.randint_3);
    }
    expect(() => randint(5, 5, [2])).toThrow(ArgumentError);
    expect(randint(0, 2, [3], { dtype: 'float32' }).dtype).toBe('float32');
  });

  it('reseeding repeats the sequence; randn statistics are standard normal', () => {
    manualSeed(123);
    const a = Array.from(randn(5).data());
    manualSeed(123);
    expect(Array.from(randn(5).data())).toEqual(a);
    manualSeed(1);
    const x = randn(20000);
    expect(Math.abs(x.mean().item() as number)).toBeLessThan(0.03);
    expect(Math.abs((x.std().item() as number) - 1)).toBeLessThan(0.03);
    expect(() => randn(2, { dtype: 'int32' })).toThrow(DtypeError);
    expect(() => manualSeed(-1)).toThrow(ArgumentError);
  });
});
