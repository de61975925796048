/** The kernel crate's linear-algebra exports (see `crates/kernels/src/lib.rs`). */

/** `gemm_f32`, `softmax_f32`, `attention_f32` and the benchmark's peak loops. */
export interface WasmLinalgExports {
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
  gemm_set_kernel(id: number): number;
  softmax_f32(
    rows: number,
    n: number,
    x: number,
    rsx: number,
    out: number,
    rso: number,
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
  peak_fma(iters: number, m: number, c: number): number;
  peak_muladd(iters: number, m: number, c: number): number;
  peak_flops_per_iter(): number;
}
