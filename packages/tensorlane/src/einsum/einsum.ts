/**
 * `einsum(equation, ...operands)`: NumPy's grammar, PyTorch's semantics (ellipsis dims may
 * be summed), run as the plan's sequence of pairwise contractions. Repeated labels are
 * diagonal views, labels only one operand needs are summed first, each pair is one batched
 * product (or a broadcast multiply when nothing is summed), and the output permutation is
 * a view. Operands are only read, so a failure leaves every tensor as it was.
 */
import { expectOptions, expectString, expectTensor } from '../argument-checks.js';
import { withGrad } from '../autograd/graph.js';
import { DtypeError, fmtShape } from '../errors.js';
import { Tensor } from '../tensor.js';
import type { EinsumPathOptions } from './einsum-path.js';
import { einsumPlan } from './einsum-plan.js';
import { release } from './labelled-ops.js';
import { diagonalView, type LabelledView } from './labelled-view.js';
import { contractPair, type LoweringContext, sumUnneeded } from './lower-pair.js';
import { singleProduct } from './single-product.js';

/** Options for `einsum`: the contraction-order strategy (default `'auto'`). */
export type EinsumOptions = EinsumPathOptions;

function checkOperands(equation: string, operands: readonly Tensor[]): void {
  operands.forEach((t, i) => {
    expectTensor('einsum', `operand ${i}`, t).live('einsum');
  });
  const first = operands[0];
  if (!first) return; // the spec reports the operand count
  const dtypes = operands.map((t) => t.dtype);
  const describe = () => operands.map((t) => `${t.dtype} ${fmtShape(t.shape)}`).join(', ');
  if (dtypes.includes('bool'))
    throw new DtypeError(`einsum: '${equation}' on ${describe()}: bool operands are not supported`);
  if (dtypes.some((d) => d !== first.dtype))
    throw new DtypeError(
      `einsum: '${equation}' on ${describe()}: all operands must have one dtype (cast with .to())`,
    );
  if (operands.some((t) => t.backend !== first.backend))
    throw new DtypeError(
      `einsum: '${equation}': operands live on different backends (${operands.map((t) => t.backend.name).join(', ')})`,
    );
}

/** Runs one path step on `current` (positions into it) and appends the result. */
function runStep(
  current: LabelledView[],
  positions: readonly number[],
  output: readonly number[],
  ctx: LoweringContext,
  isLast: boolean,
): void {
  const taken = positions.map((p) => current[p]!);
  for (const p of [...positions].sort((x, y) => y - x)) current.splice(p, 1);
  const neededLater = (id: number) =>
    output.includes(id) || current.some((lv) => lv.labels.includes(id));
  let result = taken[0]!;
  if (taken.length === 1) result = sumUnneeded(result, neededLater, ctx);
  for (let k = 1; k < taken.length; k++) {
    const rest = taken.slice(k + 1);
    const keep = new Set(
      [...result.labels, ...taken[k]!.labels].filter(
        (id) => neededLater(id) || rest.some((lv) => lv.labels.includes(id)),
      ),
    );
    result = contractPair(result, taken[k]!, keep, ctx, isLast ? output : undefined);
  }
  current.push(result);
}

/**
 * Einstein summation over the operands, as `torch.einsum`/`np.einsum`: explicit (`->`) or
 * implicit output, `...` broadcasting, repeated labels (diagonals, traces), any number of
 * operands contracted in the cheapest order. A trailing options object picks the strategy.
 *
 * @example
 * einsum('ik,kj->ij', a, b)         // matmul
 * einsum('bhqd,bhkd->bhqk', q, k)   // attention scores
 * einsum('ii', m)                   // trace
 * einsum('...ij->...ji', x)         // batched transpose, a view
 */
export function einsum(equation: string, ...args: (Tensor | EinsumOptions)[]): Tensor {
  expectString('einsum', 'equation', equation);
  const last = args[args.length - 1];
  const hasOptions =
    last !== null && typeof last === 'object' && !(last instanceof Tensor) && !Array.isArray(last);
  const operands = (hasOptions ? args.slice(0, -1) : args) as Tensor[];
  checkOperands(equation, operands);
  const options = expectOptions('einsum', hasOptions ? (last as EinsumOptions) : {}, ['optimize']);
  // One node for the whole contraction; its gradients are einsums too (derivatives/einsum.ts).
  return withGrad('einsum', operands, () => contract(equation, operands, options), { equation });
}

/** The planned pairwise contractions of checked operands. */
function contract(equation: string, operands: readonly Tensor[], options: EinsumOptions): Tensor {
  const plan = einsumPlan(
    equation,
    operands.map((t) => t.shape),
    options.optimize ?? 'auto',
  );
  const direct = singleProduct(plan, operands);
  if (direct) return direct;
  const { spec } = plan;
  const first = operands[0]!;
  const ctx: LoweringContext = { sizes: spec.sizes, dtype: first.dtype, backend: first.backend };
  const current = operands.map((t, n) => diagonalView(t, spec.inputs[n]!, spec.sizes));
  try {
    plan.path.forEach((positions, k) => {
      runStep(current, positions, spec.output, ctx, k === plan.path.length - 1);
    });
  } catch (e) {
    for (const lv of current) release(lv);
    throw e;
  }
  return outputTensor(current[0]!, spec.output, first);
}

/** The final labelled view permuted to the output's label order, as a tensor (a view). */
function outputTensor(lv: LabelledView, output: readonly number[], input: Tensor): Tensor {
  const dims = output.map((id) => lv.labels.indexOf(id));
  // The common case (matmul-like equations): the temporary already is the answer (an
  // owned view always spans its owner's whole layout).
  if (lv.owner && dims.every((d, k) => d === k)) return lv.owner;
  const shape = dims.map((d) => lv.view.shape[d]!);
  const strides = dims.map((d) => lv.view.strides[d]!);
  // With no temporary the result reads the (single) operand: a view, as NumPy returns.
  const base = lv.owner ?? input;
  const out = base.withLayout(shape, strides, lv.view.offset);
  release(lv);
  return out;
}
