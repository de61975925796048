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
  | 'clamp'
  | 'erf'
  | 'gelu'
  | 'geluTanh'
  | 'silu'
  | 'sign'
  | 'leakyRelu'
  | 'softplus'
  | 'log1p'
  | 'expm1';

/** Inclusive scans along one dim (`Backend.scan`). */
export type ScanOp = 'sum' | 'prod';

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
  /**
   * `out = op(a)`; `clamp` uses `params = [min, max]` (±Infinity when absent), `leakyRelu`
   * `[negativeSlope]`, `softplus` `[beta, threshold]`.
   */
  unary(op: UnaryOp, a: View, out: View, params?: readonly number[]): void;
  /**
   * Reduces `a` over `axes` (sorted, distinct, non-negative) into contiguous `out`, whose
   * shape is `a.shape` without those axes. `argmax/argmin` write int32 indices of the first
   * extreme into the flattened reduced axes; `all/any` write bool. For argmax/argmin, a
   * `values` view (contiguous, `a`'s dtype, `out`'s shape) receives the elements the
   * indices name, in the same pass.
   */
  reduce(op: ReduceOp, a: View, axes: readonly number[], out: View, values?: View): void;
  /**
   * Inclusive scan of `a` along `dim` into `out` (same shape, the same float dtype, any
   * strides): `out[…, i, …] = a[…, 0, …] op … op a[…, i, …]`, accumulated in float64.
   */
  scan(op: ScanOp, a: View, dim: number, out: View): void;
  /**
   * Sorts each row of `a` along its last axis (any strides) by value, NaN above +Infinity,
   * stably (equal values keep their order), ascending or `descending`, and writes the first
   * `values.shape[last]` of each row to `values` (a's dtype) and their positions in the row
   * to `indices` (int32). A prefix shorter than the row costs O(n log k), not a full sort.
   */
  sort(a: View, descending: boolean, values: View, indices: View): void;
  /**
   * Batched matrix product `out[t] = alpha·a[t]·b[t] + beta·out[t]` with `a` `[B, m, k]`,
   * `b` `[B, k, n]` and `out` `[B, m, n]`, all of one dtype (not bool). Any strides:
   * transposed operands and stride-0 (broadcast) batches or rows need no copy. `alpha`
   * defaults to 1 and `beta` to 0; with `beta = 0` `out` is overwritten, never read (NaN
   * there does not propagate). int32 takes integer `alpha`/`beta` only.
   */
  gemm(a: View, b: View, out: View, alpha?: number, beta?: number): void;
  /**
   * Softmax (or log-softmax) along the last axis of `a` into `out` (same shape, a float
   * dtype), max-subtracted so large inputs do not overflow. Any strides: the op layer moves
   * another softmax dim last as a permuted view rather than a copy.
   */
  softmax(a: View, out: View, log: boolean): void;
  /**
   * `log Σ exp` along the last axis of `a` (a float dtype, any strides) into `out` (`a`'s
   * shape without that axis, the same dtype), max-subtracted, with torch's rules: a row of
   * only −Infinity (or no elements) gives −Infinity, a +Infinity entry +Infinity, NaN NaN.
   */
  logsumexp(a: View, out: View): void;
  /**
   * `out = softmax(scale·q·kᵀ + mask) · v` per batch item, with `q` `[B, L, E]`, `k` `[B, S, E]`,
   * `v` `[B, S, Ev]`, `out` `[B, L, Ev]`, all of one float dtype.
   */
  attention(q: View, k: View, v: View, out: View, args: AttentionArgs): void;
  /**
   * Layer norm (`(x − mean)/sqrt(var + eps)`, biased variance) or RMS norm
   * (`x/sqrt(mean(x²) + eps)`) of every row of `x` `[R, n]` into `out` (same shape, one
   * float dtype), then `·weight` and `+bias` (contiguous `[n]`, null when absent).
   */
  norm(
    kind: 'layer' | 'rms',
    x: View,
    weight: View | null,
    bias: View | null,
    eps: number,
    out: View,
  ): void;
  /**
   * Cross entropy (or NLL, `args.logProbs`) of every row of `x` `[R, C]` (a float dtype)
   * against int32 class indices `target` `[R]`, one loss per row into `out` `[R]` (x's
   * dtype). Every target is in `[0, C)` or equals `args.ignoreIndex` (that row gets 0):
   * the op layer checks before calling.
   */
  crossEntropy(x: View, target: View, out: View, args: CrossEntropyArgs): void;

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

  // Optimizer steps (optim.SGD, optim.AdamW): every view is contiguous, of one float
  // dtype and one length, none overlapping another; the parameter and state are updated
  // in place with torch 1.13's arithmetic, each operation rounded to the dtype.

  /** One SGD step of `param` (and `momentumBuffer`, null when momentum is 0) from `grad`. */
  sgdStep(param: View, grad: View, momentumBuffer: View | null, args: SgdStepArgs): void;
  /** One AdamW step of `param` and its moments (`maxExpAvgSq` null unless AMSGrad). */
  adamwStep(param: View, grad: View, state: AdamWStepState, args: AdamWStepArgs): void;
}

/** The scalars of `Backend.sgdStep`, resolved by the optimizer. */
export interface SgdStepArgs {
  readonly lr: number;
  readonly momentum: number;
  /** `1 − dampening` (computed in float64, then rounded to the dtype as torch's `alpha`). */
  readonly oneMinusDampening: number;
  readonly weightDecay: number;
  readonly nesterov: boolean;
  readonly maximize: boolean;
  /** The momentum buffer is new: it becomes the (decayed, signed) gradient. */
  readonly firstStep: boolean;
}

/** The moment views `Backend.adamwStep` updates. */
export interface AdamWStepState {
  readonly expAvg: View;
  readonly expAvgSq: View;
  readonly maxExpAvgSq: View | null;
}

/** The scalars of `Backend.adamwStep` for one step, bias corrections included. */
export interface AdamWStepArgs {
  /** `1 − lr·weightDecay`. */
  readonly decay: number;
  readonly beta1: number;
  readonly beta2: number;
  /** `1 − beta1` and `1 − beta2`, computed in float64 (then rounded to the dtype, as torch). */
  readonly oneMinusBeta1: number;
  readonly oneMinusBeta2: number;
  /** `lr / (1 − beta1^step)`. */
  readonly stepSize: number;
  /** `sqrt(1 − beta2^step)`. */
  readonly biasCorrection2Sqrt: number;
  readonly eps: number;
  readonly maximize: boolean;
}

/** Options of `Backend.crossEntropy`, already resolved by the op layer. */
export interface CrossEntropyArgs {
  readonly ignoreIndex: number;
  /** `ε` of torch's `label_smoothing`: the loss is `(1 − ε)·nll + ε·mean_j(−log p_j)`. */
  readonly labelSmoothing: number;
  /** `x` already holds log-probabilities (`nll_loss`: the loss is `−x[t]`). */
  readonly logProbs: boolean;
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
