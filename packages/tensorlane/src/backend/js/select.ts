/**
 * The reference selection kernels: `where`, `gather` and `scatter` as plain loops over
 * strided views (see `Backend` for their contracts). Elements are moved as numbers, so any
 * dtype works; `scatter`'s `'add'` follows the dtype (float sum, int32 wrap, bool OR).
 */
import type { TypedArray } from '../../dtype.js';
import { coalesceDims } from '../../shape/coalesce-dims.js';
import { forEachRow } from '../../shape/strided-rows.js';
import type { Backend, ScatterMode, Storage, View } from '../backend.js';

/** The selection kernels of a backend. */
export type SelectKernels = Pick<Backend, 'where' | 'gather' | 'scatter'>;

const innerOf = (strides: readonly (readonly number[])[]) =>
  strides.map((s) => s[s.length - 1] ?? 0);

/** `strides` with 0 at `dim`: the dim an index walks instead. */
export function withoutDim(strides: readonly number[], dim: number): number[] {
  return strides.map((s, d) => (d === dim ? 0 : s));
}

/**
 * Reference selection kernels over typed arrays seen through `array`.
 * @example // not run: cond, a, b and out are backend views (no public constructor)
 * arraySelectKernels((s) => s.handle as TypedArray).where(cond, a, b, out);
 */
export function arraySelectKernels(array: (s: Storage) => TypedArray): SelectKernels {
  function where(cond: View, a: View, b: View, out: View): void {
    const [xc, xa, xb, xo] = [cond, a, b, out].map((v) => array(v.storage)) as TypedArray[];
    const { shape, strides } = coalesceDims(out.shape, [
      cond.strides,
      a.strides,
      b.strides,
      out.strides,
    ]);
    const [sc, sa, sb, so] = innerOf(strides) as [number, number, number, number];
    const offsets = [cond.offset, a.offset, b.offset, out.offset];
    forEachRow(shape, strides, offsets, (offs, n) => {
      let [c, p, q, r] = offs as [number, number, number, number];
      for (let i = 0; i < n; i++, c += sc, p += sa, q += sb, r += so)
        xo![r] = xc![c] !== 0 ? xa![p]! : xb![q]!;
    });
  }

  function gather(a: View, dim: number, index: View, out: View): void {
    const [xa, xi, xo] = [a, index, out].map((v) => array(v.storage)) as TypedArray[];
    const size = a.shape[dim]!;
    const step = a.strides[dim]!;
    const { shape, strides } = coalesceDims(out.shape, [
      withoutDim(a.strides, dim),
      index.strides,
      out.strides,
    ]);
    const [sa, si, so] = innerOf(strides) as [number, number, number];
    forEachRow(shape, strides, [a.offset, index.offset, out.offset], (offs, n) => {
      let [p, q, r] = offs as [number, number, number];
      for (let i = 0; i < n; i++, p += sa, q += si, r += so) {
        const k = xi![q]!;
        xo![r] = xa![p + (k < 0 ? k + size : k) * step]!;
      }
    });
  }

  function scatter(mode: ScatterMode, out: View, dim: number, index: View, src: View): void {
    const [xo, xi, xs] = [out, index, src].map((v) => array(v.storage)) as TypedArray[];
    const size = out.shape[dim]!;
    const step = out.strides[dim]!;
    const combine = combiner(mode, out.storage.dtype);
    const { shape, strides } = coalesceDims(index.shape, [
      withoutDim(out.strides, dim),
      index.strides,
      src.strides,
    ]);
    const [so, si, ss] = innerOf(strides) as [number, number, number];
    forEachRow(shape, strides, [out.offset, index.offset, src.offset], (offs, n) => {
      let [p, q, r] = offs as [number, number, number];
      for (let i = 0; i < n; i++, p += so, q += si, r += ss) {
        const k = xi![q]!;
        const at = p + (k < 0 ? k + size : k) * step;
        xo![at] = combine(xo![at]!, xs![r]!);
      }
    });
  }

  return { where, gather, scatter };
}

/** How a scattered element meets the one it lands on, in the dtype's arithmetic. */
function combiner(mode: ScatterMode, dtype: Storage['dtype']): (old: number, x: number) => number {
  if (mode === 'assign') return (_, x) => x;
  if (dtype === 'int32') return (old, x) => (old + x) | 0;
  if (dtype === 'bool') return (old, x) => (old !== 0 || x !== 0 ? 1 : 0);
  // float32: the double sum of two floats rounds to the float sum on the store.
  return (old, x) => old + x;
}
