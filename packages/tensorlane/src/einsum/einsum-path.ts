/**
 * `einsumPath`: the contraction order einsum will use and what it costs, the counterpart of
 * `np.einsum_path`. Works on shapes alone, so a plan can be inspected without data.
 */

import { describeValue, expectOptions, expectString } from '../argument-checks.js';
import { ArgumentError } from '../errors.js';
import { Tensor } from '../tensor.js';
import { einsumPlan, type OptimizeStrategy, type PlanStep } from './einsum-plan.js';
import type { EinsumSpec } from './einsum-spec.js';
import type { ContractionPath } from './optimal-path.js';

/** Anything with a shape: a tensor, or a plain shape array. */
export type ShapeLike = readonly number[] | { readonly shape: readonly number[] };

/** Options for `einsumPath` (and `einsum`). */
export interface EinsumPathOptions {
  /** Contraction-order strategy; default `'auto'`. */
  readonly optimize?: OptimizeStrategy;
}

/** What `einsumPath` reports; `toString()` prints NumPy's table. */
export interface EinsumPathInfo {
  /** Steps as positions in the current operand list; each result is appended to the list. */
  readonly path: ContractionPath;
  /** Per step: its equation (`'jk,ij->ik'`), FLOPs, scaling and result size. */
  readonly steps: readonly (PlanStep & { readonly equation: string })[];
  readonly naiveFlops: number;
  readonly optimizedFlops: number;
  /** `naiveFlops / optimizedFlops`. */
  readonly speedup: number;
  readonly naiveScaling: number;
  readonly optimizedScaling: number;
  /** Largest step result in elements (the output included, as NumPy counts it). */
  readonly largestIntermediate: number;
  toString(): string;
}

function isOptions(x: unknown): x is EinsumPathOptions {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && !('shape' in x);
}

/** Splits `(...operands, options?)` into shapes and options. */
export function splitOperands(args: readonly unknown[]): {
  shapes: (readonly number[])[];
  options: EinsumPathOptions;
} {
  const last = args[args.length - 1];
  const options = isOptions(last) ? last : {};
  const operands = isOptions(last) ? args.slice(0, -1) : args;
  const shapes = operands.map((o) => (Array.isArray(o) ? o : (o as { shape: number[] }).shape));
  return { shapes, options };
}

function term(ids: readonly number[], spec: EinsumSpec): string {
  return ids.map((id) => spec.names[id]).join('');
}

function pad(s: string, width: number): string {
  return s.length >= width ? s : ' '.repeat(width - s.length) + s;
}

const exp3 = (x: number) => x.toExponential(3).replace(/e([+-])(\d)$/, 'e$10$2');

/**
 * The contraction order and FLOP counts (NumPy's cost model) for `equation` on operands of
 * the given shapes (or tensors); a trailing options object picks the strategy.
 *
 * @example
 * const info = einsumPath('ij,jk,kl->il', [1000, 2], [2, 1000], [1000, 3]);
 * info.path // → [[1, 2], [0, 1]]
 * console.log(String(info)); // NumPy's table, from
 * // →   Complete contraction:  ij,jk,kl->il …
 */
export function einsumPath(
  equation: string,
  ...operands: (ShapeLike | EinsumPathOptions)[]
): EinsumPathInfo {
  expectString('einsumPath', 'equation', equation);
  operands.forEach((o, i) => {
    if (i === operands.length - 1 && isOptions(o)) return;
    if (o instanceof Tensor) o.live('einsumPath');
    const shape = Array.isArray(o) ? o : (o as { shape?: unknown } | null)?.shape;
    if (Array.isArray(shape) && shape.every((s) => Number.isInteger(s) && s >= 0)) return;
    throw new ArgumentError(
      `einsumPath: operand ${i} must be a shape or a tensor, got ${describeValue(o)}`,
    );
  });
  const { shapes, options } = splitOperands(operands);
  expectOptions('einsumPath', options, ['optimize']);
  const plan = einsumPlan(equation, shapes, options.optimize ?? 'auto');
  const { spec } = plan;
  const terms = spec.inputs.map((ids) => term(ids, spec));
  const out = term(spec.output, spec);
  const remainingAfter: string[] = [];
  const steps = plan.steps.map((st) => {
    const used = st.positions.map((p) => terms[p]!);
    for (const p of [...st.positions].sort((a, b) => b - a)) terms.splice(p, 1);
    const res = term(st.result, spec);
    terms.push(res);
    remainingAfter.push(`${terms.join(',')}->${out}`);
    return { ...st, equation: `${used.join(',')}->${res}` };
  });
  const speedup = plan.naiveFlops / Math.max(1, plan.optimizedFlops);
  const complete = `${spec.inputs.map((ids) => term(ids, spec)).join(',')}->${out}`;
  return {
    path: plan.path,
    steps,
    naiveFlops: plan.naiveFlops,
    optimizedFlops: plan.optimizedFlops,
    speedup,
    naiveScaling: plan.naiveScaling,
    optimizedScaling: plan.optimizedScaling,
    largestIntermediate: plan.largestIntermediate,
    toString() {
      const lines = [
        `  Complete contraction:  ${complete}`,
        `         Naive scaling:  ${plan.naiveScaling}`,
        `     Optimized scaling:  ${plan.optimizedScaling}`,
        `      Naive FLOP count:  ${exp3(plan.naiveFlops)}`,
        `  Optimized FLOP count:  ${exp3(plan.optimizedFlops)}`,
        `   Theoretical speedup:  ${speedup.toFixed(3)}`,
        `  Largest intermediate:  ${exp3(plan.largestIntermediate)} elements`,
        '-'.repeat(74),
        `${pad('scaling', 6)} ${pad('current', 24)} ${pad('remaining', 40)}`,
        '-'.repeat(74),
        ...steps.map(
          (st, k) =>
            `${pad(String(st.scaling), 4)}    ${pad(st.equation, 24)} ${pad(remainingAfter[k]!, 40)}`,
        ),
      ];
      return lines.join('\n');
    },
  };
}
