/**
 * The loop skeleton of the js kernels: walks an n-d strided iteration space (already
 * coalesced) one innermost row at a time, so per-element work stays a flat `for` loop.
 */

/**
 * Calls `row(offsets, n)` once per innermost row, where `offsets[k]` is operand k's element
 * offset of the row's first element and `n` the row length (the innermost dim). A rank-0
 * space is one row of one element; a space with a zero dim has no rows.
 */
export function forEachRow(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
  offsets: readonly number[],
  row: (offsets: number[], n: number) => void,
): void {
  const k = offsets.length;
  const ndim = shape.length;
  const offs = offsets.slice();
  if (ndim === 0) {
    row(offs, 1);
    return;
  }
  if (shape.includes(0)) return;
  const n = shape[ndim - 1]!;
  const outer = ndim - 1;
  const idx = new Array<number>(outer).fill(0);
  for (;;) {
    row(offs.slice(), n);
    // Odometer increment over the outer dims, moving each operand's offset incrementally.
    let d = outer - 1;
    for (; d >= 0; d--) {
      idx[d]!++;
      for (let j = 0; j < k; j++) offs[j]! += strides[j]![d]!;
      if (idx[d]! < shape[d]!) break;
      for (let j = 0; j < k; j++) offs[j]! -= strides[j]![d]! * shape[d]!;
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}
