/**
 * In-place writes through a tensor's view: `add_`-style ops, `copy_`, `fill_`. All checks
 * (shape, dtype, self-overlap) run before the first element is written.
 */

import { expectOperand, expectScalar } from '../argument-checks.js';
import { checkInplaceGrad } from '../autograd/graph.js';
import type { BinaryOp } from '../backend/backend.js';
import { DtypeError, fmtShape, ShapeError } from '../errors.js';
import { canCast } from '../promote.js';
import { broadcastShapes } from '../shape/broadcast.js';
import { hasInternalOverlap } from '../shape/strides.js';
import { emptyTensor, Tensor } from '../tensor.js';
import { binaryDtypes, scalarsFitInt32 } from './elementwise.js';
import { asTensor, broadcastView, disposeAll, type Operand, shapeOf } from './operands.js';

/** Throws a `ShapeError` unless every element of `t` has its own memory (no expanded view). */
export function checkWritable(op: string, t: Tensor, ...sources: unknown[]): void {
  t.live(op);
  if (hasInternalOverlap(t.shape, t.stride()))
    throw new ShapeError(
      `${op}: cannot write to a tensor of shape ${fmtShape(t.shape)} with strides ${fmtShape(t.stride())}: ` +
        'several elements share one memory location (an expanded view); clone() it first',
    );
  checkInplaceGrad(op, t, ...sources);
  // Saved tensors on this storage are now stale; backward() will say so if it reads one.
  t.bumpVersion();
}

function checkBroadcastsTo(op: string, t: Tensor, src: Operand): void {
  const shape = broadcastShapes(op, t.shape, shapeOf(src));
  if (shape.length !== t.ndim || shape.some((s, i) => s !== t.shape[i]))
    throw new ShapeError(
      `${op}: ${fmtShape(t.shape)} and ${fmtShape(shapeOf(src))}: the value broadcasts to ` +
        `${fmtShape(shape)}, not to the written tensor's shape ${fmtShape(t.shape)}`,
    );
}

/** True when `x` reads storage that `t` writes (so the op must go through a temporary). */
function aliases(t: Tensor, x: Operand): boolean {
  return x instanceof Tensor && x.storageHandle === t.storageHandle;
}

/**
 * `t = t op other` in place (as torch's `add_`): the result dtype must be castable to
 * `t.dtype` and `other` must broadcast to `t.shape`. Returns `t`.
 * @example const t = zeros(3); t.add_(1) // → tensor([1., 1., 1.])
 */
export function inplaceBinary(op: BinaryOp, t: Tensor, other: Operand): Tensor {
  const name = `${op}_`;
  checkWritable(name, t, other);
  expectOperand(name, 'other', other);
  if (other instanceof Tensor) other.live(name);
  const { compute } = binaryDtypes(op, t, other);
  if (compute === 'int32') scalarsFitInt32(name, other);
  if (!canCast(compute, t.dtype))
    throw new DtypeError(
      `${name}: result type ${compute} cannot be cast to the tensor's dtype ${t.dtype} in place`,
    );
  checkBroadcastsTo(name, t, other);
  const temps: Tensor[] = [];
  try {
    const a = asTensor(t, compute, t.backend, temps);
    const b = asTensor(other, compute, t.backend, temps);
    const bView = broadcastView(b, t.shape);
    if (a === t && !aliases(t, other)) {
      t.backend.binary(op, t.backendView, bView, t.backendView);
    } else {
      const tmp = emptyTensor(t.shape, compute, t.backend);
      temps.push(tmp);
      t.backend.binary(op, a.backendView, bView, tmp.backendView);
      t.backend.copy(tmp.backendView, t.backendView);
    }
    return t;
  } finally {
    disposeAll(temps);
  }
}

/**
 * Copies `src` (broadcast to `t.shape`, cast to `t.dtype`) into `t`. Returns `t`.
 * @example zeros(2, 3).copy_(tensor([1, 2, 3])) // every row is [1, 2, 3]
 */
export function copyInto(t: Tensor, src: Operand, op = 'copy_'): Tensor {
  checkWritable(op, t, src);
  expectOperand(op, op === 'copy_' ? 'src' : 'value', src);
  if (src instanceof Tensor) src.live(op);
  if (t.dtype === 'int32') scalarsFitInt32(op, src);
  checkBroadcastsTo(op, t, src);
  const temps: Tensor[] = [];
  try {
    let s = asTensor(src, src instanceof Tensor ? src.dtype : t.dtype, t.backend, temps);
    if (aliases(t, s)) {
      s = s.clone();
      temps.push(s);
    }
    t.backend.copy(broadcastView(s, t.shape), t.backendView);
    return t;
  } finally {
    disposeAll(temps);
  }
}

/** Sets every element of `t` to `value` (cast to `t.dtype`). Returns `t`. */
export function fillInto(t: Tensor, value: number | boolean): Tensor {
  expectScalar('fill_', 'value', value);
  return copyInto(t, value, 'fill_');
}
