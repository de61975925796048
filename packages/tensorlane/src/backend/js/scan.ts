/** The reference scan kernel: one float64 running value per line along the scanned dim. */
import type { TypedArray } from '../../dtype.js';
import { forEachRow } from '../../shape/strided-rows.js';
import type { ScanOp, Storage, View } from '../backend.js';

/**
 * `out = cumulative op of a along dim`, any strides.
 * @example // not run: needs backend views
 * scanKernel(array)('sum', a, 1, out);
 */
export function scanKernel(array: (s: Storage) => TypedArray) {
  return function scan(op: ScanOp, a: View, dim: number, out: View): void {
    const xa = array(a.storage);
    const xo = array(out.storage);
    const others = a.shape.map((_, d) => d).filter((d) => d !== dim);
    const shape = others.map((d) => a.shape[d]!);
    const sa = others.map((d) => a.strides[d]!);
    const so = others.map((d) => out.strides[d]!);
    const n = a.shape[dim] ?? 1;
    const [na, no] = [a.strides[dim] ?? 0, out.strides[dim] ?? 0];
    const [ia, io] = [sa[sa.length - 1] ?? 0, so[so.length - 1] ?? 0];
    forEachRow(shape, [sa, so], [a.offset, out.offset], (offs, m) => {
      for (let i = 0; i < m; i++) {
        let p = offs[0]! + i * ia;
        let q = offs[1]! + i * io;
        let acc = op === 'sum' ? 0 : 1;
        for (let k = 0; k < n; k++, p += na, q += no) {
          acc = op === 'sum' ? acc + xa[p]! : acc * xa[p]!;
          xo[q] = acc;
        }
      }
    });
  };
}
