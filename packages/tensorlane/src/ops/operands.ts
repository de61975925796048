/**
 * Turning op arguments into backend views: JS scalars become one-element storages, tensors
 * are cast to the compute dtype and moved to the op's backend, and every operand is
 * broadcast (stride 0) to the output shape. Temporaries are tracked for disposal.
 */
import type { Backend, View } from '../backend/backend.js';
import type { DType } from '../dtype.js';
import { broadcastStrides } from '../shape/broadcast.js';
import { coalesceDims } from '../shape/coalesce-dims.js';
import { emptyTensor, outputTensor, Tensor } from '../tensor.js';

/** A tensor or a JS number/boolean standing for a 0-d tensor. */
export type Operand = Tensor | number | boolean;

/** Writes `value` as element 0 of a fresh 0-d tensor of `dtype`. */
export function scalarTensor(value: number | boolean, dtype: DType, backend: Backend): Tensor {
  const t = emptyTensor([], dtype, backend);
  backend.array(t.backendView.storage)[0] = dtype === 'bool' ? (value ? 1 : 0) : Number(value);
  return t;
}

/** Shape of an operand (`[]` for a JS scalar). */
export function shapeOf(x: Operand): readonly number[] {
  return x instanceof Tensor ? x.shape : [];
}

/**
 * `x` as a `dtype` tensor on `backend`: the tensor itself when nothing changes, otherwise a
 * temporary pushed onto `temps` (the caller disposes it).
 */
export function asTensor(x: Operand, dtype: DType, backend: Backend, temps: Tensor[]): Tensor {
  if (!(x instanceof Tensor)) {
    const t = scalarTensor(x, dtype, backend);
    temps.push(t);
    return t;
  }
  let t = x;
  if (t.backend !== backend) {
    // Crossing backends copies through JS; rare (tensors made before a setBackend).
    const moved = outputTensor(t.shape, t.dtype, backend);
    backend.array(moved.backendView.storage).set(t.data() as any);
    temps.push(moved);
    t = moved;
  }
  if (t.dtype !== dtype) {
    const cast = outputTensor(t.shape, dtype, backend);
    backend.copy(t.backendView, cast.backendView);
    temps.push(cast);
    t = cast;
  }
  return t;
}

/** The view of `t` read as `shape` (which `t.shape` broadcasts to). */
export function broadcastView(t: Tensor, shape: readonly number[]): View {
  const v = t.backendView;
  return { ...v, shape, strides: broadcastStrides(v.shape, v.strides, shape) };
}

/** Disposes the temporaries an op made. */
export function disposeAll(temps: readonly Tensor[]): void {
  for (const t of temps) t.dispose();
}

/**
 * `t` as a `[rows, n]` view whose rows are its trailing `k` dims (n elements each) with
 * unit inner stride, as the fused row kernels take it: `t`'s own storage when its strides
 * allow, else a contiguous copy pushed onto `temps`. `t` must have at least one element.
 */
export function rowsView(t: Tensor, k: number, temps: Tensor[]): View {
  const split = t.ndim - k;
  const n = t.shape.slice(split).reduce((a, b) => a * b, 1);
  const rows = t.numel() / n;
  const lead = coalesceDims(t.shape.slice(0, split), [t.backendView.strides.slice(0, split)]);
  const trail = coalesceDims(t.shape.slice(split), [t.backendView.strides.slice(split)]);
  const unitRows =
    trail.shape.length === 0 || (trail.shape.length === 1 && trail.strides[0]![0] === 1);
  let src = t;
  let rowStride = lead.shape.length === 1 ? lead.strides[0]![0]! : n;
  if (!unitRows || lead.shape.length > 1) {
    src = t.contiguous();
    temps.push(src);
    rowStride = n;
  }
  return { ...src.backendView, shape: [rows, n], strides: [rowStride, 1] };
}
