import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { labelSet } from '../src/einsum/contraction-cost.js';
import { einsumPath } from '../src/einsum/einsum-path.js';
import { buildEinsumPlan, einsumPlan } from '../src/einsum/einsum-plan.js';
import { greedyPath } from '../src/einsum/greedy-path.js';
import { optimalPath } from '../src/einsum/optimal-path.js';
import paths from './fixtures/einsum-paths.json';

interface NumpyPath {
  path: number[][];
  stepFlops: number[];
  optimizedFlops: number;
  naiveFlops: number;
  largestIntermediate: number;
}
interface PathRecord {
  equation: string;
  shapes: number[][];
  optimal?: NumpyPath;
  greedy: NumpyPath;
}
const records = paths as PathRecord[];

/** True when the equation sums no label at all: NumPy then declines to optimise. */
function sumsNothing(r: PathRecord): boolean {
  const [ins, out] = r.equation.split('->') as [string, string];
  return new Set(ins.replace(/,/g, '')).size === new Set(out).size;
}

describe('einsumPath vs np.einsum_path', () => {
  const withOptimal = records.filter((r) => r.optimal);
  it.each(withOptimal.map((r) => [r.equation, r] as const))(
    "'optimal' on %s costs what NumPy's exhaustive search finds",
    (_eq, r) => {
      const info = einsumPath(r.equation, ...r.shapes, { optimize: 'optimal' });
      expect(info.naiveFlops).toBe(r.optimal!.naiveFlops);
      if (sumsNothing(r)) {
        // NumPy keeps one n-ary step here; pairwise steps are never costlier.
        expect(info.optimizedFlops).toBeLessThanOrEqual(r.optimal!.optimizedFlops);
      } else {
        expect(info.optimizedFlops).toBe(r.optimal!.optimizedFlops);
      }
    },
  );

  it.each(records.map((r) => [r.equation, r] as const))(
    "'greedy' reproduces NumPy's greedy path and costs (%s)",
    (_eq, r) => {
      const info = einsumPath(r.equation, ...r.shapes, { optimize: 'greedy' });
      if (sumsNothing(r)) {
        expect(info.optimizedFlops).toBeLessThanOrEqual(r.greedy.optimizedFlops);
        return;
      }
      expect(info.path).toEqual(r.greedy.path);
      expect(info.steps.map((s) => s.flops)).toEqual(r.greedy.stepFlops);
      expect(info.largestIntermediate).toBe(r.greedy.largestIntermediate);
    },
  );

  it.each(records.filter((r) => !r.optimal).map((r) => [r.equation, r] as const))(
    "'auto' beyond NumPy's optimal range is no worse than NumPy's greedy (%s)",
    (_eq, r) => {
      const info = einsumPath(r.equation, ...r.shapes);
      expect(info.optimizedFlops).toBeLessThanOrEqual(r.greedy.optimizedFlops);
    },
  );
});

describe('einsumPath', () => {
  it('contracts the cheap pair first and reports NumPy-style figures', () => {
    const info = einsumPath('ij,jk,kl->il', [1000, 2], [2, 1000], [1000, 3]);
    expect(info.path).toEqual([
      [1, 2],
      [0, 1],
    ]);
    expect(info.steps.map((s) => s.equation)).toEqual(['jk,kl->jl', 'ij,jl->il']);
    // jk,kl: 2·1000·3 labels touched, summed → ×2; then ij,jl: 1000·2·3 ×2.
    expect(info.optimizedFlops).toBe(12000 + 12000);
    expect(info.largestIntermediate).toBe(3000);
    expect(info.naiveScaling).toBe(4);
    expect(info.optimizedScaling).toBe(3);
    const text = String(info);
    expect(text).toContain('  Complete contraction:  ij,jk,kl->il');
    expect(text).toContain('  Optimized FLOP count:  2.400e+04');
    expect(text).toContain('jk,kl->jl');
  });

  it('accepts tensors (anything with a shape) as well as shapes', () => {
    const a = einsumPath('ij,jk', { shape: [2, 3] }, { shape: [3, 4] });
    expect(a.path).toEqual([[0, 1]]);
    expect(a.optimizedFlops).toBe(2 * 3 * 4 * 2);
  });

  it("'none' contracts left to right, and the optimum beats it on a chain", () => {
    const shapes = [[4096, 64], [64, 64], [64, 64], [64]];
    const ltr = einsumPath('ij,jk,kl,l->i', ...shapes, { optimize: 'none' });
    const opt = einsumPath('ij,jk,kl,l->i', ...shapes);
    expect(ltr.path).toEqual([
      [0, 1],
      [0, 1],
      [0, 1],
    ]);
    expect(ltr.optimizedFlops / opt.optimizedFlops).toBeGreaterThan(50);
  });

  it('costs single-operand diagonals and traces as NumPy does', () => {
    expect(einsumPath('ii', [5, 5]).optimizedFlops).toBe(10);
    expect(einsumPath('ii->i', [5, 5]).optimizedFlops).toBe(5);
  });

  it('caches plans per equation, shapes and strategy', () => {
    const a = einsumPlan('ab,bc->ac', [
      [2, 3],
      [3, 4],
    ]);
    expect(
      einsumPlan('ab,bc->ac', [
        [2, 3],
        [3, 4],
      ]),
    ).toBe(a);
    expect(
      einsumPlan('ab,bc->ac', [
        [2, 3],
        [3, 5],
      ]),
    ).not.toBe(a);
    expect(
      einsumPlan(
        'ab,bc->ac',
        [
          [2, 3],
          [3, 4],
        ],
        'none',
      ),
    ).not.toBe(a);
  });
});

/** Exhaustive search over every pair sequence (NumPy's `_optimal_path` without sieving). */
function bruteForceCost(sets: bigint[], output: bigint, sizes: number[]): number {
  if (sets.length === 1) return 0;
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < sets.length; i++) {
    for (let j = i + 1; j < sets.length; j++) {
      const rest = sets.filter((_, k) => k !== i && k !== j);
      const keep = rest.reduce((a, b) => a | b, output);
      const touched = sets[i]! | sets[j]!;
      const result = touched & keep;
      let size = 1;
      for (let id = 0; id < sizes.length; id++)
        if ((touched >> BigInt(id)) & 1n) size *= sizes[id]!;
      const step = size * (result === touched ? 1 : 2);
      best = Math.min(best, step + bruteForceCost([...rest, result], output, sizes));
    }
  }
  return best;
}

describe('optimalPath', () => {
  const problem = fc.integer({ min: 2, max: 5 }).chain((n) =>
    fc.record({
      terms: fc.array(
        fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 3 }),
        {
          minLength: n,
          maxLength: n,
        },
      ),
      sizes: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 7, maxLength: 7 }),
      outMask: fc.integer({ min: 0, max: 127 }),
    }),
  );

  it('matches a brute-force search over all pair sequences', () => {
    fc.assert(
      fc.property(problem, ({ terms, sizes, outMask }) => {
        const sets = terms.map((t) => labelSet(t));
        const all = sets.reduce((a, b) => a | b, 0n);
        const output = BigInt(outMask) & all;
        const path = optimalPath(sets, output, sizes, Number.POSITIVE_INFINITY);
        // Replay the path with the plan's own costing.
        let cur = [...sets];
        let total = 0;
        for (const step of path) {
          const rest = cur.filter((_, k) => !step.includes(k));
          const keep = rest.reduce((a, b) => a | b, output);
          const touched = step.reduce((a, k) => a | cur[k]!, 0n);
          let size = 1;
          for (let id = 0; id < 7; id++) if ((touched >> BigInt(id)) & 1n) size *= sizes[id]!;
          total += size * ((touched & keep) === touched ? 1 : 2);
          cur = [...rest, touched & keep];
        }
        expect(path.length).toBe(sets.length - 1);
        expect(total).toBe(bruteForceCost(sets, output, sizes));
      }),
      { numRuns: 150 },
    );
  });

  it('is never costlier than greedy', () => {
    fc.assert(
      fc.property(problem, ({ terms, sizes, outMask }) => {
        const eq = `${terms.map((t) => t.map((id) => 'abcdefg'[id]).join('')).join(',')}->`;
        const used = new Set(terms.flat());
        const out = [...used].filter((id) => (outMask >> id) & 1);
        const shapes = terms.map((t) => t.map((id) => sizes[id]!));
        const full = `${eq}${out.map((id) => 'abcdefg'[id]).join('')}`;
        const opt = buildEinsumPlan(full, shapes, 'optimal');
        const greedy = buildEinsumPlan(full, shapes, 'greedy');
        expect(opt.optimizedFlops).toBeLessThanOrEqual(greedy.optimizedFlops);
      }),
      { numRuns: 100 },
    );
  });

  it('handles the planner limits quickly (12 operands by greedy, 10 exactly)', () => {
    const eq = 'ab,bc,cd,de,ef,fg,gh,hi,ij,jk,kl,lm->am';
    const shapes = Array.from({ length: 12 }, (_, i) => [2 + (i % 5), 2 + ((i + 1) % 5)]);
    const sets = shapes.map((_, i) => labelSet([i, i + 1]));
    expect(
      greedyPath(sets, labelSet([0, 12]), [2, 3, 4, 5, 6, 2, 3, 4, 5, 6, 2, 3, 4], 1e9).length,
    ).toBe(11);
    expect(einsumPath(eq, ...shapes).path.length).toBe(11);
  });
});
