/**
 * The reference softmax along the last axis of a strided view: subtract the row maximum,
 * exponentiate, normalise (log-softmax: `x − max − log Σ exp(x − max)`).
 */
import type { TypedArray } from '../../dtype.js';
import { forEachRow } from '../../shape/strided-rows.js';
import type { Storage, View } from '../backend.js';

/** `Backend.softmax` over typed arrays. */
export type SoftmaxFn = (a: View, out: View, log: boolean) => void;

/**
 * A `softmax` that reads storages through `array`. A row of all −Infinity gives NaN, as
 * torch does; +Infinity or NaN in a row gives NaN for that row.
 * @example // not run: x and out are backend views (no public constructor)
 * arraySoftmax((s) => s.handle as TypedArray)(x, out, false)
 */
export function arraySoftmax(array: (s: Storage) => TypedArray): SoftmaxFn {
  return (a, out, log) => {
    const xa = array(a.storage);
    const xo = array(out.storage);
    const nd = a.shape.length;
    if (nd === 0) {
      // A 0-d tensor is a row of one: softmax 1, log-softmax 0 (NaN stays NaN).
      const x = xa[a.offset]!;
      xo[out.offset] = Number.isFinite(x) ? (log ? 0 : 1) : Number.NaN;
      return;
    }
    const ia = a.strides[nd - 1]!;
    const io = out.strides[nd - 1]!;
    forEachRow(a.shape, [a.strides, out.strides], [a.offset, out.offset], (offs, n) => {
      const p0 = offs[0]!;
      const q0 = offs[1]!;
      let max = -Infinity;
      for (let j = 0; j < n; j++) {
        const x = xa[p0 + j * ia]!;
        if (x > max || Number.isNaN(x)) max = x;
        if (Number.isNaN(max)) break;
      }
      let sum = 0;
      for (let j = 0; j < n; j++) sum += Math.exp(xa[p0 + j * ia]! - max);
      const logSum = Math.log(sum);
      for (let j = 0; j < n; j++) {
        const shifted = xa[p0 + j * ia]! - max;
        xo[q0 + j * io] = log ? shifted - logSum : Math.exp(shifted) / sum;
      }
    });
  };
}

/** `Backend.logsumexp` over typed arrays. */
export type LogSumExpFn = (a: View, out: View) => void;

/**
 * A `logsumexp` that reads storages through `array`: `m + log Σ exp(x − m)` per row, with
 * `m` the row maximum, or 0 when that is infinite (as torch), so −Infinity rows give
 * −Infinity and a +Infinity entry +Infinity; NaN gives NaN.
 * @example // not run: x and out are backend views (no public constructor)
 * arrayLogSumExp((s) => s.handle as TypedArray)(x, out)
 */
export function arrayLogSumExp(array: (s: Storage) => TypedArray): LogSumExpFn {
  return (a, out) => {
    const xa = array(a.storage);
    const xo = array(out.storage);
    const nd = a.shape.length;
    const n = a.shape[nd - 1] ?? 1;
    const ia = a.strides[nd - 1] ?? 0;
    // One row per output element: the outer dims, with a leading 1 so rank 0 is one row.
    const shape = [1, ...a.shape.slice(0, -1)];
    const strides = [
      [0, ...a.strides.slice(0, -1)],
      [0, ...out.strides],
    ];
    forEachRow(shape, strides, [a.offset, out.offset], (offs, rows) => {
      const [sa, so] = [strides[0]!.at(-1)!, strides[1]!.at(-1)!];
      for (let r = 0; r < rows; r++) {
        const p0 = offs[0]! + r * sa;
        let max = -Infinity;
        let nan = false;
        for (let j = 0; j < n; j++) {
          const x = xa[p0 + j * ia]!;
          if (x > max) max = x;
          else if (Number.isNaN(x)) nan = true;
        }
        const m = Number.isFinite(max) ? max : 0;
        let sum = 0;
        for (let j = 0; j < n; j++) sum += Math.exp(xa[p0 + j * ia]! - m);
        xo[offs[1]! + r * so] = nan ? Number.NaN : m + Math.log(sum);
      }
    });
  };
}
