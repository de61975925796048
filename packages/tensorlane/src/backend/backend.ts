/**
 * The contract between the tensor layer and a compute backend (`js` or `wasm`).
 *
 * The tensor layer resolves broadcasting, dims, dtypes and output allocation; a backend
 * only runs kernels over strided views whose shapes already agree. Offsets and strides are
 * in elements, never bytes. Every op writes into an `out` view the caller allocated, so a
 * failed op never touches existing tensors.
 */
import type { DType, TypedArray } from '../dtype.js';

/** One allocation in a backend's memory. `handle` is a wasm byte pointer or a typed array. */
export interface Storage {
  readonly backend: Backend;
  readonly dtype: DType;
  /** Number of elements. */
  readonly length: number;
  readonly handle: number | TypedArray;
}

/** A strided window onto a storage: element `idx` lives at `offset + Σ idx[d]·strides[d]`. */
export interface View {
  readonly storage: Storage;
  readonly offset: number;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
}

export type BinaryOp =
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'pow'
  | 'maximum'
  | 'minimum'
  | 'eq'
  | 'ne'
  | 'lt'
  | 'le'
  | 'gt'
  | 'ge';

export type UnaryOp =
  | 'neg'
  | 'abs'
  | 'sqrt'
  | 'exp'
  | 'log'
  | 'sin'
  | 'cos'
  | 'tanh'
  | 'sigmoid'
  | 'relu'
  | 'square'
  | 'reciprocal'
  | 'floor'
  | 'ceil'
  | 'round'
  | 'clamp';

export type ReduceOp = 'sum' | 'prod' | 'max' | 'min' | 'argmax' | 'argmin' | 'all' | 'any';

/** How `Backend.scatter` combines a source element with the one it lands on. */
export type ScatterMode = 'assign' | 'add';

export interface Backend {
  readonly name: 'js' | 'wasm';

  /**
   * Allocates `length` elements, zeroed unless `zeroed` is false (for op outputs whose
   * every element the kernel writes: skipping the fill saves a full pass over memory).
   * Throws `OutOfMemoryError` when it cannot.
   */
  alloc(dtype: DType, length: number, zeroed?: boolean): Storage;
  /** Releases a storage; the tensor layer calls it exactly once per storage. */
  free(storage: Storage): void;
  /**
   * A typed array over the storage's elements. For wasm it is a fresh view over linear
   * memory: do not keep it across an `alloc`, which may grow (and detach) the buffer.
   */
  array(storage: Storage): TypedArray;
  /** Bytes of memory the backend has reserved from the engine (wasm: the linear memory). */
  heapBytes(): number;

  /** `out = a` elementwise, casting to `out`'s dtype. Shapes are equal. */
  copy(a: View, out: View): void;
  /**
   * `out = a op b`. `a`, `b` and `out` share one shape (broadcast dims have stride 0).
   * `a` and `b` have the same dtype; `out` has that dtype, or bool for comparisons.
   */
  binary(op: BinaryOp, a: View, b: View, out: View): void;
  /** `out = op(a)`; `clamp` uses `params = [min, max]` (±Infinity when absent). */
  unary(op: UnaryOp, a: View, out: View, params?: readonly number[]): void;
  /**
   * Reduces `a` over `axes` (sorted, distinct, non-negative) into contiguous `out`, whose
   * shape is `a.shape` without those axes. `argmax/argmin` write int32 indices of the first
   * extreme into the flattened reduced axes; `all/any` write bool.
   */
  reduce(op: ReduceOp, a: View, axes: readonly number[], out: View): void;
  /**
   * Batched matrix product `out[t] = a[t] · b[t]` with `a` `[B, m, k]`, `b` `[B, k, n]` and
   * `out` `[B, m, n]`, all of one dtype (not bool). Any strides: transposed operands and
   * stride-0 (broadcast) batches or rows need no copy. `out` is overwritten, never read.
   */
  gemm(a: View, b: View, out: View): void;
  /**
   * Softmax (or log-softmax) along the last axis of `a` into `out` (same shape, a float
   * dtype), max-subtracted so large inputs do not overflow.
   */
  softmax(a: View, out: View, log: boolean): void;
  /**
   * `out = softmax(scale·q·kᵀ + mask) · v` per batch item, with `q` `[B, L, E]`, `k` `[B, S, E]`,
   * `v` `[B, S, Ev]`, `out` `[B, L, Ev]`, all of one float dtype.
   */
  attention(q: View, k: View, v: View, out: View, args: AttentionArgs): void;

  // Selection (torch.where, gather, scatter); any dtype. Index views are int32, and every
  // index value is in `[-size, size)` of the dim it indexes (negative counts from the end):
  // the tensor layer has checked, so a kernel never reads or writes out of bounds.

  /**
   * `out = cond ? a : b` elementwise. All four share `out`'s shape (stride 0 where
   * broadcast, negative strides allowed); `cond` is bool; `a`, `b` and `out` share a dtype.
   * `out` may be `b` itself (an in-place masked fill).
   */
  where(cond: View, a: View, b: View, out: View): void;
  /**
   * Along `dim`: `out[p] = a[p with coordinate dim replaced by index[p]]` for every `p` of
   * `out`'s shape, which `index` shares; `a` has the same rank, and off `dim` its size is at
   * least `out`'s (or its stride there is 0). `out` has `a`'s dtype and does not overlap it.
   */
  gather(a: View, dim: number, index: View, out: View): void;
  /**
   * Along `dim`: `out[p with coordinate dim replaced by index[p]] = src[p]` (`'add'`: `+=`,
   * int32 wrapping, bool OR) for every `p` of `index`'s shape, which `src` shares, in
   * row-major order of `p`: a repeated target keeps the last write, and sums add in that
   * order. `out` has `index`'s rank, off `dim` a size at least `index`'s, `src`'s dtype, and
   * does not overlap `src` or `index`.
   */
  scatter(mode: ScatterMode, out: View, dim: number, index: View, src: View): void;
}

/** Options of `Backend.attention`, already resolved by the op layer. */
export interface AttentionArgs {
  /** Multiplies `q·kᵀ` before the mask is added. */
  readonly scale: number;
  /** Drops key `j` for query `i` when `j > i` (top-left aligned, as torch's `is_causal`). */
  readonly causal: boolean;
  /** Added to the scaled scores: `[B, L, S]`, same dtype, broadcast strides allowed. */
  readonly mask?: View;
}
