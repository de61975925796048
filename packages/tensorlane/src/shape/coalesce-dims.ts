/**
 * Merges adjacent dims that every operand walks as one (PyTorch TensorIterator's
 * "coalesce dimensions"), so kernels loop over as few, as long, rows as possible.
 */

/** Dims and per-operand strides after coalescing; same element order as the input. */
export interface CoalescedDims {
  readonly shape: number[];
  /** `strides[k]` are operand k's strides over `shape`. */
  readonly strides: number[][];
}

/**
 * Drops size-1 dims and merges dim `d` into its outer neighbour when, for every operand,
 * `stride[outer] === shape[d] * stride[d]`. A shape with a zero dim becomes `[0]`; a shape
 * of one element becomes `[]`.
 * @example coalesceDims([2, 3], [[3, 1], [0, 1]]) // → {shape: [2, 3], strides: [[3, 1], [0, 1]]}
 * @example coalesceDims([2, 3], [[3, 1]]) // → {shape: [6], strides: [[1]]}
 */
export function coalesceDims(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
): CoalescedDims {
  const n = strides.length;
  if (shape.includes(0)) return { shape: [0], strides: strides.map(() => [0]) };
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const size = shape[d]!;
    if (size === 1) continue;
    const last = outShape.length - 1;
    if (last >= 0) {
      let mergeable = true;
      for (let k = 0; k < n; k++) {
        if (outStrides[k]![last] !== size * strides[k]![d]!) {
          mergeable = false;
          break;
        }
      }
      if (mergeable) {
        outShape[last] = outShape[last]! * size;
        for (let k = 0; k < n; k++) outStrides[k]![last] = strides[k]![d]!;
        continue;
      }
    }
    outShape.push(size);
    for (let k = 0; k < n; k++) outStrides[k]!.push(strides[k]![d]!);
  }
  return { shape: outShape, strides: outStrides };
}
