/**
 * The reference sort/top-k kernel along the last axis. Order is total: by value with NaN
 * above +Infinity (torch's order), then by position, so the sort is stable and a top-k is
 * exactly the first k of the full sort. k < n keeps a binary heap of the k best seen
 * (O(n log k)); k = n sorts the row (O(n log n)).
 */
import type { DType, TypedArray } from '../../dtype.js';
import { forEachRow } from '../../shape/strided-rows.js';
import type { Storage, View } from '../backend.js';

/** -1/0/1 of value order, NaN largest (-0 and +0 are equal). */
function compareValues(x: number, y: number): number {
  const xn = Number.isNaN(x);
  const yn = Number.isNaN(y);
  if (xn || yn) return xn === yn ? 0 : xn ? 1 : -1;
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Sorts rows of `a` (last axis) into `values`/`indices`, whose last axis may be shorter (k).
 * @example // not run: needs backend views
 * sortKernel(array)(a, true, values, indices);
 */
export function sortKernel(array: (s: Storage) => TypedArray) {
  return function sort(a: View, descending: boolean, values: View, indices: View): void {
    const xa = array(a.storage);
    const xv = array(values.storage);
    const xi = array(indices.storage);
    const last = a.shape.length - 1;
    const n = last < 0 ? 1 : a.shape[last]!;
    const k = last < 0 ? 1 : values.shape[last]!;
    const outer = a.shape.slice(0, Math.max(0, last));
    const strides = [a, values, indices].map((v) => v.strides.slice(0, Math.max(0, last)));
    const [sa, sv, si] = [a, values, indices].map((v) => (last < 0 ? 0 : v.strides[last]!));
    const inner = strides.map((s) => s[s.length - 1] ?? 0);
    const row = new Float64Array(n);
    // `before(i, j)`: position i of the row comes first in the requested order.
    const sign = descending ? -1 : 1;
    const before = (i: number, j: number) => {
      const c = sign * compareValues(row[i]!, row[j]!);
      return c < 0 || (c === 0 && i < j);
    };
    let order: Int32Array = new Int32Array(k);
    forEachRow(outer, strides, [a.offset, values.offset, indices.offset], (offs, m) => {
      for (let r = 0; r < m; r++) {
        const p = offs[0]! + r * inner[0]!;
        for (let j = 0; j < n; j++) row[j] = xa[p + j * sa!]!;
        order =
          k < n
            ? selectFirst(n, k, before, order)
            : sortAll(row, n, descending, a.storage.dtype, order);
        let q = offs[1]! + r * inner[1]!;
        let t = offs[2]! + r * inner[2]!;
        for (let j = 0; j < k; j++, q += sv!, t += si!) {
          xv[q] = row[order[j]!]!;
          xi[t] = order[j]!;
        }
      }
    });
  };
}

/** Positions per row that fit beside a 32-bit order key in a float64's 53 bits. */
const POSITION_BITS = 21;
const POSITIONS = 2 ** POSITION_BITS;

/**
 * All `n` positions in order. Rows of 32-bit values (float32, int32, bool) with at most 2^21
 * elements sort as float64 keys `orderKey·2^21 + position` with the engine's native numeric
 * sort, no comparator: equal values tie-break by position, so it is stable. Other rows sort
 * positions with a numeric comparator, NaNs set aside.
 */
function sortAll(
  row: Float64Array,
  n: number,
  descending: boolean,
  dtype: DType,
  order: Int32Array,
): Int32Array {
  const idx = order.length === n ? order : new Int32Array(n);
  if (dtype !== 'float64' && n <= POSITIONS) {
    const keys = new Float64Array(n);
    const f32 = new Float32Array(1);
    const bits = new Uint32Array(f32.buffer);
    for (let j = 0; j < n; j++) {
      const v = row[j]!;
      let key: number;
      if (dtype !== 'float32') key = v + 2 ** 31;
      else if (Number.isNaN(v)) key = 0xffffffff;
      else {
        // -0 keys as +0. IEEE bits order like integers once negatives are flipped.
        f32[0] = v === 0 ? 0 : v;
        const b = bits[0]!;
        key = b >= 0x80000000 ? 0xffffffff - b : b + 0x80000000;
      }
      keys[j] = (descending ? 0xffffffff - key : key) * POSITIONS + j;
    }
    keys.sort();
    for (let j = 0; j < n; j++) idx[j] = keys[j]! % POSITIONS;
    return idx;
  }
  let m = 0;
  for (let j = 0; j < n; j++) if (!Number.isNaN(row[j]!)) idx[m++] = j;
  const nans = n - m;
  let t = m;
  for (let j = 0; j < n; j++) if (Number.isNaN(row[j]!)) idx[t++] = j;
  // ±Infinity − ±Infinity is NaN, which `||` passes over to the position, as for equal values.
  const finite = idx.subarray(0, m);
  finite.sort(
    descending ? (i, j) => row[j]! - row[i]! || i - j : (i, j) => row[i]! - row[j]! || i - j,
  );
  if (descending && nans > 0) {
    // NaN is the largest: it leads a descending order.
    const copy = idx.slice();
    idx.set(copy.subarray(m), 0);
    idx.set(copy.subarray(0, m), nans);
  }
  return idx;
}

/** The first `k` of `n` positions in `before` order: a heap whose root is the worst kept. */
function selectFirst(
  n: number,
  k: number,
  before: (i: number, j: number) => boolean,
  order: Int32Array,
): Int32Array {
  const heap = order.length === k ? order : new Int32Array(k);
  if (k === 0) return heap;
  const siftDown = (start: number) => {
    let i = start;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= k) return;
      // The child that comes later in the order is the worse one.
      const c = l + 1 < k && before(heap[l]!, heap[l + 1]!) ? l + 1 : l;
      if (!before(heap[i]!, heap[c]!)) return;
      [heap[i], heap[c]] = [heap[c]!, heap[i]!];
      i = c;
    }
  };
  for (let j = 0; j < k; j++) heap[j] = j;
  for (let i = (k >> 1) - 1; i >= 0; i--) siftDown(i);
  for (let j = k; j < n; j++) {
    if (before(j, heap[0]!)) {
      heap[0] = j;
      siftDown(0);
    }
  }
  return heap.sort((i, j) => (before(i, j) ? -1 : 1));
}
