/**
 * The kernel module's ABI, declared once: every export of `crates/kernels/src/lib.rs` (and
 * the linker globals `scripts/build-wasm.mjs` exports) with its arguments, the op codes the
 * kernels take, and the byte address of a view. Pointers and sizes are wasm32 byte
 * addresses and element counts; strides are in elements. A test
 * (`test/abi.node.test.ts`) checks the op codes against the Rust enums.
 */
import type { DType } from '../../dtype.js';
import { BYTES_OF } from '../../dtype.js';
import type { BinaryOp, ReduceOp, ScanOp, ScatterMode, UnaryOp, View } from '../backend.js';

/** Every export of every build (the threaded builds add the `__tls_*` globals). */
export interface KernelExports {
  readonly memory: WebAssembly.Memory;
  /** The shadow stack pointer, put back after a trap (`trap-recovery.ts`). */
  readonly __stack_pointer: WebAssembly.Global;

  // Memory.
  /** 16-aligned block of `bytes` bytes, or 0 when memory cannot grow. */
  tl_alloc(bytes: number): number;
  tl_free(ptr: number, bytes: number): void;

  // Thread pool (`crates/kernels/src/pool.rs`); single-thread builds keep one participant.
  tl_set_threads(threads: number, callerMayBlock: number): void;
  tl_worker_loop(): void;
  tl_worker_tasks(): number;
  tl_worker_failed(): number;
  tl_pool_failed(): number;
  tl_shutdown_threads(): void;
  /** After a trap: closes the open job, waits out the workers, frees the scratch. */
  tl_recover(): number;

  // Strided elementwise, reduction and copy kernels. `dims` points at the i32 shape
  // followed by each operand's strides; each returns 0 when it has no kernel for the op
  // (the caller then runs the js reference kernel).
  binary_f32(op: number, ndim: number, dims: number, a: number, b: number, out: number): number;
  compare_f32(op: number, ndim: number, dims: number, a: number, b: number, out: number): number;
  binary_i32(op: number, ndim: number, dims: number, a: number, b: number, out: number): number;
  compare_i32(op: number, ndim: number, dims: number, a: number, b: number, out: number): number;
  unary_f32(
    op: number,
    ndim: number,
    dims: number,
    a: number,
    out: number,
    lo: number,
    hi: number,
  ): number;
  reduce_f32(op: number, nkept: number, nred: number, dims: number, a: number, out: number): number;
  /**
   * `op` of any reduce::ReduceOp over `a` of copy::Kind `kind` as `reduce_f32`: `outKind`
   * values, or int32 indices for argmax/argmin whose extreme values (of `kind`) also go to
   * `values` unless it is 0.
   */
  reduce_kind(
    op: number,
    kind: number,
    outKind: number,
    nkept: number,
    nred: number,
    dims: number,
    a: number,
    out: number,
    values: number,
  ): number;
  copy_cast(from: number, to: number, ndim: number, dims: number, a: number, out: number): number;
  /** `dims`: the outer shape and both outer strides; then `n` steps of `inner` elements. */
  scan_f32(
    op: number,
    nouter: number,
    dims: number,
    n: number,
    sna: number,
    sno: number,
    inner: number,
    sia: number,
    sio: number,
    a: number,
    out: number,
  ): number;

  // Linear algebra: row, column and batch strides per operand.
  gemm_f32(
    batch: number,
    m: number,
    n: number,
    k: number,
    alpha: number,
    beta: number,
    a: number,
    rsa: number,
    csa: number,
    bsa: number,
    b: number,
    rsb: number,
    csb: number,
    bsb: number,
    c: number,
    rsc: number,
    csc: number,
    bsc: number,
  ): void;
  softmax_f32(
    rows: number,
    n: number,
    x: number,
    rsx: number,
    out: number,
    rso: number,
    log: number,
  ): void;
  /** Softmax down `n` rows of `inner` contiguous columns (a non-innermost axis). */
  softmax_columns_f32(
    n: number,
    inner: number,
    x: number,
    sx: number,
    out: number,
    so: number,
    log: number,
  ): void;
  attention_f32(
    batch: number,
    l: number,
    s: number,
    e: number,
    ev: number,
    scale: number,
    causal: number,
    q: number,
    bsq: number,
    rsq: number,
    csq: number,
    k: number,
    bsk: number,
    rsk: number,
    csk: number,
    v: number,
    bsv: number,
    rsv: number,
    csv: number,
    mask: number,
    bsm: number,
    rsm: number,
    csm: number,
    out: number,
    bso: number,
    rso: number,
    cso: number,
  ): void;

  // Fused row kernels (`row_norm.rs`, `cross_entropy.rs`): `rows` contiguous rows `rs*`
  // floats apart; a null (0) weight or bias is absent.
  norm_f32(
    rows: number,
    n: number,
    x: number,
    rsx: number,
    weight: number,
    bias: number,
    eps: number,
    out: number,
    rso: number,
    rms: number,
  ): void;
  cross_entropy_f32(
    rows: number,
    c: number,
    x: number,
    rsx: number,
    target: number,
    ignoreIndex: number,
    smoothing: number,
    logProbs: number,
    out: number,
  ): void;
  // Selection (crates/kernels/src/select.rs): `width` is the element size in bytes (1, 4
  // or 8); index values were range-checked by the caller. Each returns 0 when it cannot
  // run (an unknown width, mode or kind).
  where_select(
    width: number,
    ndim: number,
    dims: number,
    cond: number,
    a: number,
    b: number,
    out: number,
  ): number;
  gather_along(
    width: number,
    ndim: number,
    dims: number,
    a: number,
    dimStride: number,
    dimSize: number,
    index: number,
    out: number,
  ): number;
  scatter_along(
    mode: number,
    kind: number,
    ndim: number,
    dims: number,
    out: number,
    dimStride: number,
    dimSize: number,
    index: number,
    src: number,
  ): number;
  // Fused optimizer steps (crates/kernels/src/optim_step.rs) on `n` contiguous f32.
  /** `flags`: 1 nesterov, 2 maximize, 4 the momentum buffer is new; `buf` 0 without momentum. */
  sgd_step_f32(
    n: number,
    p: number,
    g: number,
    buf: number,
    lr: number,
    momentum: number,
    oneMinusDampening: number,
    weightDecay: number,
    flags: number,
  ): void;
  /** `vmax` 0 unless AMSGrad. */
  adamw_step_f32(
    n: number,
    p: number,
    g: number,
    m: number,
    v: number,
    vmax: number,
    decay: number,
    beta1: number,
    beta2: number,
    oneMinusBeta1: number,
    oneMinusBeta2: number,
    stepSize: number,
    biasCorrection2Sqrt: number,
    eps: number,
    maximize: number,
  ): void;
  /** `out[r·so] = log Σ exp` of `rows` contiguous rows of `n` floats, `sx` apart. */
  logsumexp_f32(rows: number, n: number, x: number, sx: number, out: number, so: number): void;
  /** `out[c] = log Σ_r exp(x[r·sx + c])` for `inner` contiguous columns of `n` rows. */
  logsumexp_columns_f32(n: number, inner: number, x: number, sx: number, out: number): void;
  /** argmax/argmin (`op` 4/5) as `reduce_f32`, the extreme values also written to `values`. */
  reduce_arg_values_f32(
    op: number,
    nkept: number,
    nred: number,
    dims: number,
    a: number,
    out: number,
    values: number,
  ): number;
}

/**
 * Exports that exist only for `bench/` (FMA peak loops, the GEMM microkernel switch, the
 * pool's counters): not API, so the library neither calls nor requires them.
 */
export interface BenchKernelExports {
  bench_peak_fma(iters: number, m: number, c: number): number;
  bench_peak_muladd(iters: number, m: number, c: number): number;
  bench_peak_flops_per_iter(): number;
  bench_gemm_set_kernel(id: number): number;
  /** Writes the thread pool's counters (f64, `pool::Stat` order) at `out`; returns how many. */
  bench_pool_stats(out: number): number;
  /** Polls `n` times as an idle pool thread does (to time one poll). */
  bench_pool_spin(n: number): number;
}

/** The linker globals a threaded build adds, which each worker instance needs. */
export interface ThreadedKernelExports extends KernelExports {
  readonly __tls_size: WebAssembly.Global;
  readonly __tls_align: WebAssembly.Global;
  readonly __tls_base: WebAssembly.Global;
  __wasm_init_tls(tls: number): void;
}

/** `binary::ArithOp`. */
export const ARITH_CODE: Partial<Record<BinaryOp, number>> = {
  add: 0,
  sub: 1,
  mul: 2,
  div: 3,
  pow: 4,
  maximum: 5,
  minimum: 6,
};

/** `binary::CmpOp`. */
export const COMPARE_CODE: Partial<Record<BinaryOp, number>> = {
  eq: 0,
  ne: 1,
  lt: 2,
  le: 3,
  gt: 4,
  ge: 5,
};

/** `unary::UnaryOp` (softplus uses the js kernel). */
export const UNARY_CODE: Partial<Record<UnaryOp, number>> = {
  neg: 0,
  abs: 1,
  sqrt: 2,
  exp: 3,
  log: 4,
  sin: 5,
  cos: 6,
  tanh: 7,
  sigmoid: 8,
  relu: 9,
  square: 10,
  reciprocal: 11,
  floor: 12,
  ceil: 13,
  round: 14,
  clamp: 15,
  erf: 16,
  gelu: 17,
  geluTanh: 18,
  silu: 19,
  sign: 20,
  leakyRelu: 21,
  expm1: 22,
  log1p: 23,
};

/** `scan::ScanOp`. */
export const SCAN_CODE: Record<ScanOp, number> = { sum: 0, prod: 1 };

/** `reduce::ReduceOp` (`reduce_f32` takes 0–5, `reduce_kind` all eight). */
export const REDUCE_CODE: Record<ReduceOp, number> = {
  sum: 0,
  prod: 1,
  max: 2,
  min: 3,
  argmax: 4,
  argmin: 5,
  all: 6,
  any: 7,
};

/** `select::ScatterMode`. */
export const SCATTER_CODE: Record<ScatterMode, number> = { assign: 0, add: 1 };

/** `copy::Kind`: how each dtype's elements are stored. */
export const KIND_CODE: Record<DType, number> = { float32: 0, float64: 1, int32: 2, bool: 3 };

/**
 * Byte address of a view's first element in wasm memory.
 * @example // not run: needs backend views
 * exports.softmax_f32(rows, n, address(a), rsa, address(out), rso, 0);
 */
export function address(v: View): number {
  return (v.storage.handle as number) + v.offset * BYTES_OF[v.storage.dtype];
}

type FunctionName<T> = {
  [K in keyof T]: T[K] extends (...args: never[]) => unknown ? K : never;
}[keyof T];

/**
 * How many arguments each exported function takes. The compiler holds this list to the
 * interfaces above (a missing or extra name fails `tsc`); `bindKernelExports` holds the
 * module to it, so a stale or foreign `.wasm` fails at load, not in the middle of an op.
 */
const ARITY: { [K in FunctionName<ThreadedKernelExports>]: number } = {
  tl_alloc: 1,
  tl_free: 2,
  tl_set_threads: 2,
  tl_worker_loop: 0,
  tl_worker_tasks: 0,
  tl_worker_failed: 0,
  tl_pool_failed: 0,
  tl_shutdown_threads: 0,
  tl_recover: 0,
  binary_f32: 6,
  compare_f32: 6,
  binary_i32: 6,
  compare_i32: 6,
  unary_f32: 7,
  reduce_f32: 6,
  copy_cast: 6,
  scan_f32: 11,
  gemm_f32: 18,
  softmax_f32: 7,
  softmax_columns_f32: 7,
  attention_f32: 27,
  norm_f32: 10,
  cross_entropy_f32: 9,
  where_select: 7,
  gather_along: 8,
  scatter_along: 9,
  sgd_step_f32: 9,
  adamw_step_f32: 15,
  reduce_arg_values_f32: 7,
  reduce_kind: 9,
  logsumexp_f32: 6,
  logsumexp_columns_f32: 5,
  __wasm_init_tls: 1,
};

/** The functions only threaded builds export. */
const THREADED_ONLY = new Set<string>(['__wasm_init_tls']);
const GLOBALS = ['__stack_pointer'] as const;
const THREADED_GLOBALS = ['__tls_size', '__tls_align', '__tls_base'] as const;

/** The names of the exported functions, for wrapping each one (`trap-recovery.ts`). */
export function kernelFunctionNames(threaded: boolean): string[] {
  return Object.keys(ARITY).filter((name) => threaded || !THREADED_ONLY.has(name));
}

/**
 * What is wrong with `exports` as a kernel module's exports (empty when nothing is): each
 * missing export, or function taking another number of arguments than this ABI says.
 */
export function abiMismatches(exports: Record<string, unknown>, threaded: boolean): string[] {
  const problems: string[] = [];
  if (!(exports.memory instanceof WebAssembly.Memory)) problems.push('memory: missing');
  for (const name of [...GLOBALS, ...(threaded ? THREADED_GLOBALS : [])])
    if (!(exports[name] instanceof WebAssembly.Global)) problems.push(`${name}: missing global`);
  for (const name of kernelFunctionNames(threaded)) {
    const fn = exports[name];
    const want = ARITY[name as keyof typeof ARITY];
    if (typeof fn !== 'function') problems.push(`${name}: missing function`);
    else if (fn.length !== want)
      problems.push(`${name}: takes ${fn.length} arguments, not ${want}`);
  }
  return problems;
}

/** True when `exports` matches this ABI (see `abiMismatches`). */
export function isKernelExports(
  exports: Record<string, unknown>,
  threaded: false,
): exports is Record<string, unknown> & KernelExports;
export function isKernelExports(
  exports: Record<string, unknown>,
  threaded: true,
): exports is Record<string, unknown> & ThreadedKernelExports;
export function isKernelExports(exports: Record<string, unknown>, threaded: boolean): boolean {
  return abiMismatches(exports, threaded).length === 0;
}
