/**
 * `Backend.attention` on the wasm backend: float32 runs the fused `attention_f32` kernel
 * (tiles of K/V with an online softmax, never the L × S scores); float64 runs the reference.
 */
import type { AttentionFn } from '../js/attention.js';
import { address, type KernelExports } from './abi.js';

/**
 * A wasm `attention`, falling back to `reference` for dtypes without a kernel.
 * @example // not run: needs the loaded module's exports and backend views
 * wasmAttention(exports, arrayAttention(array))(q, k, v, out, { scale: 0.125, causal: true })
 */
export function wasmAttention(exports: KernelExports, reference: AttentionFn): AttentionFn {
  return (q, k, v, out, args) => {
    if (out.storage.dtype !== 'float32') return reference(q, k, v, out, args);
    const [batch, l, e] = q.shape as [number, number, number];
    const s = k.shape[1]!;
    const ev = v.shape[2]!;
    const m = args.mask;
    exports.attention_f32(
      batch,
      l,
      s,
      e,
      ev,
      args.scale,
      args.causal ? 1 : 0,
      address(q),
      q.strides[0]!,
      q.strides[1]!,
      q.strides[2]!,
      address(k),
      k.strides[0]!,
      k.strides[1]!,
      k.strides[2]!,
      address(v),
      v.strides[0]!,
      v.strides[1]!,
      v.strides[2]!,
      m ? address(m) : 0,
      m?.strides[0] ?? 0,
      m?.strides[1] ?? 0,
      m?.strides[2] ?? 0,
      address(out),
      out.strides[0]!,
      out.strides[1]!,
      out.strides[2]!,
    );
  };
}
