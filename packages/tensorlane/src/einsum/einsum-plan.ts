/**
 * An einsum plan: the checked spec plus the contraction order and its costs. Plans depend
 * only on the equation, the operand shapes and the strategy, so they are cached on that
 * key and reused by repeated calls (attention layers call the same einsum every step).
 */
import {
  findContraction,
  flopCount,
  type LabelSet,
  labelSet,
  labelsOf,
  sizeOf,
} from './contraction-cost.js';
import { type EinsumSpec, einsumSpec } from './einsum-spec.js';
import { greedyPath } from './greedy-path.js';
import { type ContractionPath, optimalPath } from './optimal-path.js';

/**
 * How to order pairwise contractions. `auto`: exact search up to `EXACT_SEARCH_MAX_OPERANDS`
 * operands, greedy beyond (like opt_einsum's `auto`); `optimal`: always exact; `greedy`:
 * NumPy's greedy; `none`: left to right, as torch.einsum without opt_einsum.
 */
export type OptimizeStrategy = 'auto' | 'optimal' | 'greedy' | 'none';

/** The subset DP visits 3^n splits: 59k at 10 operands (a few ms), 14M at 15. */
export const EXACT_SEARCH_MAX_OPERANDS = 10;

/** One step of a plan, costed with NumPy's model. */
export interface PlanStep {
  /** Positions in the current operand list (`np.einsum_path` convention); the result is appended. */
  readonly positions: readonly number[];
  /** Label ids of the step's result (the final step's are the output's, in output order). */
  readonly result: readonly number[];
  /** Label ids summed away by this step. */
  readonly summed: readonly number[];
  readonly flops: number;
  /** Number of distinct labels the step loops over. */
  readonly scaling: number;
  /** Elements of the step's result. */
  readonly resultSize: number;
}

/** A checked einsum with its contraction order. */
export interface EinsumPlan {
  readonly spec: EinsumSpec;
  readonly strategy: OptimizeStrategy;
  readonly path: ContractionPath;
  readonly steps: readonly PlanStep[];
  /** NumPy's cost of one n-ary loop nest over all labels. */
  readonly naiveFlops: number;
  /** Sum of the steps' FLOPs (NumPy prints this plus one). */
  readonly optimizedFlops: number;
  readonly naiveScaling: number;
  readonly optimizedScaling: number;
  /** Largest step result in elements, the output included (as NumPy reports it). */
  readonly largestIntermediate: number;
}

function leftToRight(n: number): ContractionPath {
  if (n === 1) return [[0]];
  return Array.from({ length: n - 1 }, () => [0, 1]);
}

/** NumPy's default memory limit: the largest input or output, in elements. */
function defaultMemoryLimit(spec: EinsumSpec): number {
  const termSize = (ids: readonly number[]) => ids.reduce((p, id) => p * spec.sizes[id]!, 1);
  return Math.max(termSize(spec.output), ...spec.inputs.map(termSize));
}

function choosePath(
  strategy: OptimizeStrategy,
  sets: LabelSet[],
  output: LabelSet,
  spec: EinsumSpec,
): ContractionPath {
  const n = sets.length;
  if (strategy === 'none') return leftToRight(n);
  if (n <= 2) return [Array.from({ length: n }, (_, i) => i)];
  const limit = defaultMemoryLimit(spec);
  const exact = strategy === 'optimal' || (strategy === 'auto' && n <= EXACT_SEARCH_MAX_OPERANDS);
  return exact
    ? optimalPath(sets, output, spec.sizes, limit)
    : greedyPath(sets, output, spec.sizes, limit);
}

/** Costs a path step by step; the last step's result is the output. */
function costSteps(path: ContractionPath, spec: EinsumSpec): PlanStep[] {
  let sets = spec.inputs.map((ids) => labelSet(ids));
  const output = labelSet(spec.output);
  return path.map((positions, k) => {
    const c = findContraction(positions, sets, output);
    sets = c.remaining;
    const last = k === path.length - 1;
    return {
      positions,
      result: last ? [...spec.output] : labelsOf(c.result),
      summed: labelsOf(c.removed),
      flops: flopCount(c.contracted, c.removed !== 0n, positions.length, spec.sizes),
      scaling: labelsOf(c.contracted).length,
      resultSize: sizeOf(c.result, spec.sizes),
    };
  });
}

/** Builds a plan without the cache. */
export function buildEinsumPlan(
  equation: string,
  shapes: readonly (readonly number[])[],
  strategy: OptimizeStrategy = 'auto',
): EinsumPlan {
  const spec = einsumSpec(equation, shapes);
  const sets = spec.inputs.map((ids) => labelSet(ids));
  const output = labelSet(spec.output);
  const path = choosePath(strategy, sets, output, spec);
  const steps = costSteps(path, spec);
  const all = sets.reduce((a, b) => a | b, 0n);
  const distinct = sets.reduce((n, s) => n + labelsOf(s).length, 0);
  // NumPy's naive cost: one loop nest, with an add whenever two inputs share a label.
  const naiveFlops = flopCount(all, distinct > labelsOf(all).length, sets.length, spec.sizes);
  return {
    spec,
    strategy,
    path,
    steps,
    naiveFlops,
    optimizedFlops: steps.reduce((s, st) => s + st.flops, 0),
    naiveScaling: labelsOf(all).length,
    optimizedScaling: Math.max(...steps.map((s) => s.scaling)),
    largestIntermediate: Math.max(...steps.map((s) => s.resultSize)),
  };
}

const CACHE_LIMIT = 512;
const cache = new Map<string, EinsumPlan>();

/**
 * The plan for `equation` on operands of `shapes`, cached (the oldest plans are dropped
 * past 512).
 *
 * @example einsumPlan('ij,jk,kl->il', [[2, 3], [3, 4], [4, 5]]).path // → [[0, 1], [0, 1]]
 */
export function einsumPlan(
  equation: string,
  shapes: readonly (readonly number[])[],
  strategy: OptimizeStrategy = 'auto',
): EinsumPlan {
  // Built by concatenation: this runs on every einsum call, so it avoids array temporaries.
  let key = `${strategy}|${equation}`;
  for (const shape of shapes) {
    key += '|';
    for (const d of shape) key += `${d},`;
  }
  const hit = cache.get(key);
  if (hit) return hit;
  const plan = buildEinsumPlan(equation, shapes, strategy);
  cache.set(key, plan);
  if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  return plan;
}
