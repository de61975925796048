/** Shape arithmetic shared by tensors, views and kernels. Strides are in elements. */

/** Row-major (C-order) strides of a shape. @example contiguousStrides([2, 3]) // → [3, 1] */
export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d]!;
  }
  return strides;
}

/** Number of elements of a shape (1 for `[]`). */
export function numelOf(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

/**
 * True when the strides walk the shape in row-major order with no gaps, as PyTorch's
 * `is_contiguous` decides: strides of size-1 dims do not matter, and empty tensors count.
 */
export function isContiguousLayout(shape: readonly number[], strides: readonly number[]): boolean {
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    const size = shape[d]!;
    if (size === 0) return true;
    if (size === 1) continue;
    if (strides[d] !== expected) return false;
    expected *= size;
  }
  return true;
}

/**
 * True when two distinct indices of the view address the same element (a stride-0 dim of
 * size > 1, as `expand` makes). Writing through such a view is rejected, as in PyTorch.
 */
export function hasInternalOverlap(shape: readonly number[], strides: readonly number[]): boolean {
  // An empty tensor has no elements to share a location (its strides may be 0).
  if (shape.includes(0)) return false;
  for (let d = 0; d < shape.length; d++) if (shape[d]! > 1 && strides[d] === 0) return true;
  return false;
}
