/**
 * The reference scaled dot-product attention: for each query row, the scaled scores against
 * every key plus the mask, a max-subtracted softmax, then the weighted sum of values. One
 * row of scores at a time, so it also serves as a low-memory path.
 */
import type { TypedArray } from '../../dtype.js';
import type { AttentionArgs, Storage, View } from '../backend.js';

/** `Backend.attention` over typed arrays. */
export type AttentionFn = (q: View, k: View, v: View, out: View, args: AttentionArgs) => void;

/**
 * An `attention` that reads storages through `array`. A query whose every key is masked
 * out gets NaN, as torch's math path does.
 * @example // not run: q, k, v and out are backend views (no public constructor)
 * arrayAttention((s) => s.handle as TypedArray)(q, k, v, out, { scale: 0.125, causal: false })
 */
export function arrayAttention(array: (s: Storage) => TypedArray): AttentionFn {
  return (q, k, v, out, { scale, causal, mask }) => {
    const [batch, L, E] = q.shape as [number, number, number];
    const S = k.shape[1]!;
    const Ev = v.shape[2]!;
    const [xq, xk, xv, xo] = [
      array(q.storage),
      array(k.storage),
      array(v.storage),
      array(out.storage),
    ];
    const xm = mask ? array(mask.storage) : undefined;
    const scores = new Float64Array(S);
    const acc = new Float64Array(Ev);
    for (let t = 0; t < batch; t++) {
      for (let i = 0; i < L; i++) {
        const qRow = q.offset + t * q.strides[0]! + i * q.strides[1]!;
        let max = -Infinity;
        for (let j = 0; j < S; j++) {
          let s = -Infinity;
          if (!causal || j <= i) {
            const kRow = k.offset + t * k.strides[0]! + j * k.strides[1]!;
            let dot = 0;
            for (let e = 0; e < E; e++)
              dot += xq[qRow + e * q.strides[2]!]! * xk[kRow + e * k.strides[2]!]!;
            s = dot * scale;
            if (mask && xm)
              s +=
                xm[
                  mask.offset + t * mask.strides[0]! + i * mask.strides[1]! + j * mask.strides[2]!
                ]!;
          }
          scores[j] = s;
          if (s > max || Number.isNaN(s)) max = s;
        }
        acc.fill(0);
        let sum = 0;
        for (let j = 0; j < S; j++) {
          const w = Math.exp(scores[j]! - max);
          sum += w;
          if (w === 0) continue;
          const vRow = v.offset + t * v.strides[0]! + j * v.strides[1]!;
          for (let e = 0; e < Ev; e++) acc[e] = acc[e]! + w * xv[vRow + e * v.strides[2]!]!;
        }
        const oRow = out.offset + t * out.strides[0]! + i * out.strides[1]!;
        for (let e = 0; e < Ev; e++) xo[oRow + e * out.strides[2]!] = acc[e]! / sum;
      }
    }
  };
}
