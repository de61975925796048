/**
 * Broadcasting elementwise math: binary ops and comparisons on tensors or JS numbers with
 * PyTorch's type promotion, and the unary ops. Shapes and dtypes are validated before any
 * allocation, so a failing op leaves every tensor intact.
 */

import {
  describeValue,
  expectInt32Values,
  expectOperand,
  expectTensor,
} from '../argument-checks.js';
import { withGrad } from '../autograd/graph.js';
import type { BinaryOp, UnaryOp } from '../backend/backend.js';
import { currentBackend } from '../backend/current.js';
import { type DType, isFloat } from '../dtype.js';
import { ArgumentError, DtypeError, fmtShape } from '../errors.js';
import { resultType } from '../promote.js';
import { broadcastShapes } from '../shape/broadcast.js';
import { outputTensor, Tensor } from '../tensor.js';
import { asTensor, broadcastView, disposeAll, type Operand, shapeOf } from './operands.js';

const COMPARISONS = new Set<BinaryOp>(['eq', 'ne', 'lt', 'le', 'gt', 'ge']);

/** The dtypes an elementwise binary op computes in and returns. */
export function binaryDtypes(op: BinaryOp, a: Operand, b: Operand): { compute: DType; out: DType } {
  const promoted = resultType([a, b]);
  if (op === 'sub' && promoted === 'bool')
    throw new DtypeError(
      `sub: ${describe(a)} and ${describe(b)}: subtracting bool tensors is not supported (use ne() for xor)`,
    );
  if (COMPARISONS.has(op)) return { compute: promoted, out: 'bool' };
  if (op === 'pow' && promoted === 'int32' && hasNegative(b))
    throw new DtypeError(
      `pow: ${describe(a)} ** ${describe(b)}: integers to negative integer powers are not allowed`,
    );
  // True division, as torch: integers and bools divide as float32.
  const compute = op === 'div' && !isFloat(promoted) ? 'float32' : promoted;
  return { compute, out: compute };
}

/**
 * A JS number computed as int32 must fit it (PyTorch wraps `t + 3e9` silently; tensorlane
 * raises, as PyTorch's `fill_` does).
 */
export function scalarsFitInt32(op: string, ...operands: Operand[]): void {
  for (const x of operands) if (typeof x === 'number') expectInt32Values(op, [x]);
}

/** True when `x` is a negative number or an int tensor holding a negative element. */
function hasNegative(x: Operand): boolean {
  if (typeof x === 'number') return x < 0;
  if (!(x instanceof Tensor) || x.dtype !== 'int32') return false;
  return x.data().some((v) => v < 0);
}

function describe(x: Operand): string {
  return x instanceof Tensor ? `${x.dtype} ${fmtShape(x.shape)}` : `scalar ${x}`;
}

/**
 * `a op b` with broadcasting. Comparisons give bool; `div` gives float.
 * @example binaryOp('add', tensor([[1, 2]]), tensor([[10], [20]])).shape // → [2, 2]
 */
export function binaryOp(op: BinaryOp, a: Operand, b: Operand): Tensor {
  expectOperand(op, 'input', a);
  expectOperand(op, 'other', b);
  const anchor = a instanceof Tensor ? a : b instanceof Tensor ? b : undefined;
  if (a instanceof Tensor) a.live(op);
  if (b instanceof Tensor) b.live(op);
  const backend = anchor?.backend ?? currentBackend();
  const { compute, out: outDtype } = binaryDtypes(op, a, b);
  if (compute === 'int32') scalarsFitInt32(op, a, b);
  const shape = broadcastShapes(op, shapeOf(a), shapeOf(b));
  return withGrad(op, [a, b], () => {
    const temps: Tensor[] = [];
    try {
      const ta = asTensor(a, compute, backend, temps);
      const tb = asTensor(b, compute, backend, temps);
      const out = outputTensor(shape, outDtype, backend);
      backend.binary(op, broadcastView(ta, shape), broadcastView(tb, shape), out.backendView);
      return out;
    } finally {
      disposeAll(temps);
    }
  });
}

const FLOAT_ONLY = new Set<UnaryOp>([
  'sqrt',
  'exp',
  'log',
  'sin',
  'cos',
  'tanh',
  'sigmoid',
  'reciprocal',
  'erf',
  'log1p',
  'expm1',
]);

/**
 * `op(t)` elementwise. Float-only ops (sqrt, exp, log, …) compute int/bool input as float32,
 * as torch does; the others keep the dtype and reject bool.
 * @example unaryOp('sqrt', tensor([4, 9])) // → tensor([2., 3.])
 */
export function unaryOp(op: UnaryOp, t: Tensor, params?: readonly number[], dtype?: DType): Tensor {
  expectTensor(op, 'input', t).live(op);
  let compute = dtype ?? t.dtype;
  if (FLOAT_ONLY.has(op) && !isFloat(compute)) compute = 'float32';
  if (compute === 'bool')
    throw new DtypeError(
      `${op}: not supported for bool tensors (shape ${fmtShape(t.shape)}); convert with .int() or .float() first`,
    );
  const run = () => {
    const temps: Tensor[] = [];
    try {
      const src = asTensor(t, compute, t.backend, temps);
      const out = outputTensor(t.shape, compute, t.backend);
      t.backend.unary(op, src.backendView, out.backendView, params);
      return out;
    } finally {
      disposeAll(temps);
    }
  };
  return withGrad(op, [t], run, { params });
}

/** A clamp bound: a number, a tensor (broadcast with the input), or null/undefined for none. */
export type ClampBound = Operand | null | undefined;

/**
 * Clamps into `[min, max]` (either may be null/undefined, not both; either may be a tensor,
 * broadcast with `t`, as torch). `min(max(t, min), max)`: NaN propagates from every side,
 * and `min > max` gives `max`. An int tensor with a non-integer bound computes as float32.
 * @example clampOp(tensor([-2, 0.5, 3]), 0, 1) // → tensor([0.0000, 0.5000, 1.0000])
 * @example clampOp(tensor([1, 5, 9]), tensor([2, 2, 2]), 6) // → tensor([2, 5, 6], dtype=torch.int32)
 */
export function clampOp(t: Tensor, min?: ClampBound, max?: ClampBound): Tensor {
  expectTensor('clamp', 'input', t).live('clamp');
  const none = (b: ClampBound) => b === undefined || b === null;
  for (const [name, b] of [
    ['min', min],
    ['max', max],
  ] as const)
    if (!none(b) && typeof b !== 'number' && !(b instanceof Tensor))
      throw new ArgumentError(
        `clamp: ${name} must be a number, a Tensor or null, got ${describeValue(b)}`,
      );
  if (none(min) && none(max))
    throw new ArgumentError("clamp: at least one of 'min' or 'max' must be given");
  if (min instanceof Tensor || max instanceof Tensor) {
    // Promotion and broadcasting as torch's clamp with tensor bounds; checked up front.
    const bounds = [min, max].filter((b): b is Operand => !none(b));
    const dtype = resultType([t, ...bounds]);
    bounds.reduce<readonly number[]>(
      (shape, b) => broadcastShapes('clamp', shape, shapeOf(b)),
      t.shape,
    );
    if (dtype === 'bool') throw new DtypeError('clamp: not supported for bool tensors');
    // One node whose gradient follows torch's clamp (ties go to the input), not the
    // maximum/minimum pair it is computed with (which would split ties).
    return withGrad('clamp', [t, none(min) ? null : min, none(max) ? null : max], () => {
      const lower = none(min) ? t : binaryOp('maximum', t, min as Operand);
      try {
        return none(max)
          ? lower === t
            ? t.clone()
            : lower
          : binaryOp('minimum', lower, max as Operand);
      } finally {
        if (lower !== t && !none(max)) lower.dispose();
      }
    });
  }
  const lo = (min as number | null | undefined) ?? -Infinity;
  const hi = (max as number | null | undefined) ?? Infinity;
  const bounds = [min, max].filter((x): x is number => typeof x === 'number');
  const dtype = resultType([t, ...bounds]);
  return unaryOp('clamp', t, [lo, hi], dtype);
}
