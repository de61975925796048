/**
 * Losses with torch's semantics: `crossEntropy` (class indices through one fused kernel
 * per call: max, log-sum-exp and the target's logit per row, with `ignoreIndex` and label
 * smoothing; or class probabilities, composed from `logSoftmax`), `nllLoss` (the same
 * kernel on log-probabilities) and `mseLoss`. Class targets are int32 (torch's int64) and
 * are range-checked before any kernel runs.
 */
import {
  expectInt,
  expectNumber,
  expectOneOf,
  expectOptions,
  expectTensor,
} from '../argument-checks.js';
import { withGrad } from '../autograd/graph.js';
import { type DType, isFloat } from '../dtype.js';
import { ArgumentError, DtypeError, fmtShape, IndexError, ShapeError } from '../errors.js';
import { broadcastShapes } from '../shape/broadcast.js';
import { emptyTensor, outputTensor, type Tensor } from '../tensor.js';
import { binaryOp, unaryOp } from './elementwise.js';
import { inplaceBinary } from './inplace.js';
import { asTensor, disposeAll, rowsView } from './operands.js';
import { mean, sum } from './reduce.js';
import { logSoftmax } from './softmax.js';

/** How a loss reduces its per-element values (torch's `reduction`). */
export type Reduction = 'none' | 'mean' | 'sum';
const REDUCTIONS: readonly Reduction[] = ['none', 'mean', 'sum'];

/** Options of `crossEntropy`. */
export interface CrossEntropyOptions {
  /** Default `'mean'`: over the targets that are not ignored. */
  readonly reduction?: Reduction;
  /** Targets equal to this contribute nothing (default -100). */
  readonly ignoreIndex?: number;
  /** `ε` in [0, 1]: the target becomes `(1 − ε)·onehot + ε/C` (default 0). */
  readonly labelSmoothing?: number;
}

/** Options of `nllLoss`. */
export type NllLossOptions = Omit<CrossEntropyOptions, 'labelSmoothing'>;

/** Options of `mseLoss`. */
export interface MseLossOptions {
  readonly reduction?: Reduction;
}

/** `nllLoss`'s options checked, with their defaults filled in. */
export function nllLossOptions(
  op: string,
  options: NllLossOptions | undefined,
): Required<NllLossOptions> {
  const o = expectOptions(op, options, ['reduction', 'ignoreIndex']);
  return {
    reduction: expectOneOf(op, 'reduction', o.reduction ?? 'mean', REDUCTIONS),
    ignoreIndex: expectInt(op, 'ignoreIndex', o.ignoreIndex ?? -100, -(2 ** 31), 2 ** 31 - 1),
  };
}

/** `crossEntropy`'s options checked, with their defaults filled in. */
export function crossEntropyOptions(
  op: string,
  options: CrossEntropyOptions | undefined,
): Required<CrossEntropyOptions> {
  const o = expectOptions(op, options, ['reduction', 'ignoreIndex', 'labelSmoothing']);
  const labelSmoothing = expectNumber(op, 'labelSmoothing', o.labelSmoothing ?? 0, true);
  if (labelSmoothing < 0 || labelSmoothing > 1)
    throw new ArgumentError(`${op}: labelSmoothing must be in [0, 1], got ${labelSmoothing}`);
  return {
    ...nllLossOptions(op, { reduction: o.reduction, ignoreIndex: o.ignoreIndex }),
    labelSmoothing,
  };
}

/** `mseLoss`'s options checked, with their defaults filled in. */
export function mseLossOptions(
  op: string,
  options: MseLossOptions | undefined,
): Required<MseLossOptions> {
  const o = expectOptions(op, options, ['reduction']);
  return { reduction: expectOneOf(op, 'reduction', o.reduction ?? 'mean', REDUCTIONS) };
}

function floatInput(op: string, name: string, t: Tensor): DType {
  if (!isFloat(t.dtype))
    throw new DtypeError(`${op}: ${name} must be float32 or float64, got ${t.dtype}`);
  return t.dtype;
}

/** `input` with the class dim (1, or 0 for 1-D input) last, as rows `[R, C]`. */
function classRows(input: Tensor, temps: Tensor[]) {
  if (input.ndim <= 2) return rowsView(input, 1, temps);
  const perm = [0, ...Array.from({ length: input.ndim - 2 }, (_, i) => i + 2), 1];
  const moved = input.permute(perm);
  temps.push(moved);
  return rowsView(moved, 1, temps);
}

/** The per-row losses of class-index targets, reduced: the body of crossEntropy and nllLoss. */
function classTargetLoss(
  op: string,
  input: Tensor,
  target: Tensor,
  reduction: Reduction,
  ignoreIndex: number,
  labelSmoothing: number,
  logProbs: boolean,
): Tensor {
  const dtype = floatInput(op, 'input', input);
  if (target.dtype !== 'int32')
    throw new DtypeError(
      `${op}: class-index target must be int32, got ${target.dtype} ${fmtShape(target.shape)}` +
        (isFloat(target.dtype) ? ' (class probabilities need the shape of input)' : ''),
    );
  if (input.ndim === 0)
    throw new ShapeError(`${op}: input must have at least 1 dim (the classes), got shape []`);
  const classDim = input.ndim === 1 ? 0 : 1;
  const c = input.shape[classDim]!;
  const want = input.shape.filter((_, d) => d !== classDim);
  if (target.ndim !== want.length || target.shape.some((s, i) => s !== want[i]))
    throw new ShapeError(
      `${op}: target has shape ${fmtShape(target.shape)} but input ${fmtShape(input.shape)} ` +
        `needs target shape ${fmtShape(want)}`,
    );
  const values = target.data();
  let valid = 0;
  for (let i = 0; i < values.length; i++) {
    const t = values[i]!;
    if (t === ignoreIndex) continue;
    if (t < 0 || t >= c)
      throw new IndexError(
        `${op}: target ${t} at flat index ${i} is out of range for ${c} classes ` +
          `(expected 0..${c - 1} or ignoreIndex ${ignoreIndex})`,
      );
    valid++;
  }
  const backend = input.backend;
  const temps: Tensor[] = [];
  try {
    const losses = (reduction === 'none' ? outputTensor : emptyTensor)(want, dtype, backend);
    if (reduction !== 'none') temps.push(losses);
    const rows = target.numel();
    if (rows > 0 && c > 0) {
      const x = classRows(input, temps);
      const tv = rowsView(asTensor(target, 'int32', backend, temps), target.ndim, temps);
      const flatTarget = { ...tv, shape: [rows], strides: [1] };
      const flatOut = { ...losses.backendView, shape: [rows], strides: [1] };
      backend.crossEntropy(x, flatTarget, flatOut, { ignoreIndex, labelSmoothing, logProbs });
    }
    if (reduction === 'none') return losses;
    const total = sum(losses);
    // torch: the mean over no valid target is 0/0 = NaN.
    return reduction === 'sum' ? total : inplaceBinary('div', total, valid);
  } finally {
    disposeAll(temps);
  }
}

/** Class-probability targets: `−Σ_c p'·logSoftmax(x)` along the class dim, composed. */
function probabilityTargetLoss(
  input: Tensor,
  target: Tensor,
  reduction: Reduction,
  labelSmoothing: number,
): Tensor {
  const op = 'crossEntropy';
  floatInput(op, 'input', input);
  const classDim = input.ndim === 1 ? 0 : 1;
  const c = input.shape[classDim]!;
  const temps: Tensor[] = [];
  try {
    const logp = logSoftmax(input, classDim);
    temps.push(logp);
    let p = target;
    if (labelSmoothing > 0) {
      const scaled = binaryOp('mul', target, 1 - labelSmoothing);
      temps.push(scaled);
      p = inplaceBinary('add', scaled, labelSmoothing / c);
    }
    const weighted = binaryOp('mul', logp, p);
    temps.push(weighted);
    const perRow = sum(weighted, classDim);
    temps.push(perRow);
    const losses = unaryOp('neg', perRow);
    if (reduction === 'none') return losses;
    temps.push(losses);
    return reduction === 'sum' ? sum(losses) : mean(losses);
  } finally {
    disposeAll(temps);
  }
}

/**
 * Cross entropy between `input` logits (`[C]`, `[N, C]` or `[N, C, d1, …]`) and `target`,
 * as `F.cross_entropy`: int32 class indices (`[]`, `[N]` or `[N, d1, …]`; an index outside
 * `[0, C)` other than `ignoreIndex` is an `IndexError`), or float class probabilities of
 * `input`'s shape. Class indices run one fused kernel (log-sum-exp per row, never a
 * log-softmax tensor). The `weight` option of torch is not supported.
 * @example crossEntropy(tensor([[2.0, 1.0, 0.1]]), tensor([0])) // → tensor(0.4170)
 */
export function crossEntropy(input: Tensor, target: Tensor, options?: CrossEntropyOptions): Tensor {
  const op = 'crossEntropy';
  expectTensor(op, 'input', input).live(op);
  expectTensor(op, 'target', target).live(op);
  const { reduction, ignoreIndex, labelSmoothing } = crossEntropyOptions(op, options);
  const probabilities =
    isFloat(target.dtype) &&
    target.ndim === input.ndim &&
    target.shape.every((s, i) => s === input.shape[i]);
  // Probability targets are composed of recorded ops; class indices are one fused node.
  if (probabilities) return probabilityTargetLoss(input, target, reduction, labelSmoothing);
  return withGrad(
    'crossEntropy',
    [input, target],
    () => classTargetLoss(op, input, target, reduction, ignoreIndex, labelSmoothing, false),
    { reduction, ignoreIndex, labelSmoothing },
  );
}

/**
 * Negative log-likelihood of int32 class indices under `input` log-probabilities (`[C]`,
 * `[N, C]` or `[N, C, d1, …]`), as `F.nll_loss`: `−input[n, target[n]]`, reduced over the
 * targets that are not `ignoreIndex`. The `weight` option of torch is not supported.
 * @example nllLoss(tensor([[-0.5, -1.5]]), tensor([1])) // → tensor(1.5000)
 */
export function nllLoss(input: Tensor, target: Tensor, options?: NllLossOptions): Tensor {
  const op = 'nllLoss';
  expectTensor(op, 'input', input).live(op);
  expectTensor(op, 'target', target).live(op);
  const { reduction, ignoreIndex } = nllLossOptions(op, options);
  return withGrad(
    'nllLoss',
    [input, target],
    () => classTargetLoss(op, input, target, reduction, ignoreIndex, 0, true),
    { reduction, ignoreIndex },
  );
}

/**
 * Mean squared error `(input − target)²`, reduced, as `F.mse_loss` (the two broadcast).
 * @example mseLoss(tensor([1, 2], { dtype: 'float32' }), tensor([1.5, 4])) // → tensor(2.1250)
 */
export function mseLoss(input: Tensor, target: Tensor, options?: MseLossOptions): Tensor {
  const op = 'mseLoss';
  expectTensor(op, 'input', input).live(op);
  expectTensor(op, 'target', target).live(op);
  const { reduction } = mseLossOptions(op, options);
  floatInput(op, 'input', input);
  floatInput(op, 'target', target);
  broadcastShapes(op, input.shape, target.shape);
  const diff = binaryOp('sub', input, target);
  try {
    const squares = unaryOp('square', diff);
    if (reduction === 'none') return squares;
    try {
      return reduction === 'sum' ? sum(squares) : mean(squares);
    } finally {
      squares.dispose();
    }
  } finally {
    diff.dispose();
  }
}
