//! The exported C ABI of tensorlane's kernels: one thin function per kernel. Pointers are
//! byte offsets into this module's linear memory; the TypeScript package owns allocation
//! (through `tl_alloc`/`tl_free`) so tensors stay resident and no call copies. At the end,
//! a few exports for `bench/` only; `testing` opens internals to the native tests only.

// The threaded builds park workers with `memory.atomic.wait32`, still unstable in
// core::arch; those builds already need RUSTC_BOOTSTRAP for -Zbuild-std (see
// scripts/build-wasm.mjs).
#![cfg_attr(
    all(target_arch = "wasm32", target_feature = "atomics"),
    feature(stdarch_wasm_atomic_wait)
)]

#[macro_use]
mod op_code;

pub(crate) mod activation_math;
pub(crate) mod attention;
pub(crate) mod binary;
pub(crate) mod copy;
pub(crate) mod cross_entropy;
pub(crate) mod exp_shifted;
pub(crate) mod expm1_log1p;
pub(crate) mod gemm;
pub(crate) mod lanes;
pub(crate) mod logsumexp;
pub(crate) mod memory;
pub(crate) mod optim_step;
pub(crate) mod pool;
pub(crate) mod pow;
pub(crate) mod reduce;
pub(crate) mod reduce_columns;
pub(crate) mod reduce_typed;
pub(crate) mod row_blocks;
pub(crate) mod row_norm;
pub(crate) mod scalar;
pub(crate) mod scan;
pub(crate) mod scratch;
pub(crate) mod select;
pub(crate) mod simd;
pub(crate) mod simd_ext;
pub(crate) mod simd_math;
pub(crate) mod softmax;
#[cfg(feature = "pass-probes")]
mod softmax_probes;
pub(crate) mod strided;
pub(crate) mod transpose;
pub(crate) mod unary;

/// What the integration tests in `crates/kernels/tests/` reach, and nothing else: the
/// modules above are crate-private, and the C ABI below is the crate's only interface.
#[doc(hidden)]
pub mod testing {
    pub mod activation_math {
        pub use crate::activation_math::{erf, gelu, gelu_tanh, silu};
    }
    pub mod attention {
        pub use crate::attention::{attention, AttentionArgs, Strided3};
    }
    pub mod binary {
        pub use crate::binary::{arith_f32, arith_i32, compare_f32, compare_i32, ArithOp, CmpOp};
    }
    pub mod copy {
        pub use crate::copy::{copy_cast, Kind};
    }
    pub mod exp_shifted {
        pub use crate::exp_shifted::{exp_nonpositive, exp_nonpositive_normal};
    }
    pub mod expm1_log1p {
        pub use crate::expm1_log1p::{expm1, log1p};
    }
    pub mod gemm {
        pub use crate::gemm::{gemm_with, GemmArgs, Kernel};
    }
    pub mod logsumexp {
        pub use crate::logsumexp::{logsumexp_columns, logsumexp_rows};
    }
    pub mod pool {
        pub use crate::pool::{
            chunk, failed, parallel_for, set_threads, shutdown, stats, threads, worker_failed,
            worker_loop, Stat,
        };
    }
    pub mod pow {
        pub use crate::pow::{pow, pow_scalar};
    }
    pub mod reduce {
        pub use crate::reduce::{reduce_f32, reduce_f32_values, ReduceDims, ReduceOp, SUM_BLOCK};
        pub use crate::reduce_columns::ROW_BLOCK;
        pub use crate::reduce_typed::reduce_kind;
    }
    pub mod scan {
        pub use crate::scan::{scan_f32, ScanBlock, ScanOp};
    }
    pub mod select {
        pub use crate::select::{gather, scatter_kind, where_select, ScatterMode};
    }
    pub mod simd {
        pub use crate::simd::F32x4;
    }
    pub mod simd_math {
        pub use crate::simd_math::{cos, exp, log, sigmoid, sin, tanh};
    }
    pub mod softmax {
        pub use crate::softmax::{softmax_columns, softmax_rows, SoftmaxRows};
    }
    pub mod unary {
        pub use crate::unary::{unary_f32, UnaryOp};
    }
}

/// Allocates `bytes` bytes aligned to 16; returns 0 when memory cannot grow.
#[no_mangle]
pub extern "C" fn tl_alloc(bytes: usize) -> *mut u8 {
    memory::alloc(bytes)
}

/// Frees a block returned by `tl_alloc` with the same `bytes`.
///
/// # Safety
/// `ptr` must come from `tl_alloc(bytes)` and not have been freed.
#[no_mangle]
pub unsafe extern "C" fn tl_free(ptr: *mut u8, bytes: usize) {
    memory::free(ptr, bytes)
}

/// Splits later kernels over `threads` participants (this caller plus `threads - 1`
/// workers parked in `tl_worker_loop`). With `caller_may_block` 0 the caller spins instead
/// of `memory.atomic.wait` while a job finishes (a browser main thread must; the package
/// passes 0 everywhere, see thread-pool.ts). Only the threaded builds
/// (`relaxed-threads`, `simd128-threads`) have workers; the others are called with 1.
#[no_mangle]
pub extern "C" fn tl_set_threads(threads: u32, caller_may_block: u32) {
    pool::set_threads(threads as usize, caller_may_block != 0)
}

/// A worker's entry point: parks until work arrives and returns only after
/// `tl_shutdown_threads`.
#[no_mangle]
pub extern "C" fn tl_worker_loop() {
    pool::worker_loop()
}

/// Tasks the workers have run so far (the caller's own are not counted).
#[no_mangle]
pub extern "C" fn tl_worker_tasks() -> u32 {
    pool::worker_tasks()
}

/// Called by a worker whose `tl_worker_loop` trapped: the pool turns serial, and a caller
/// waiting for that worker's task traps instead of hanging. Returns 1.
#[no_mangle]
pub extern "C" fn tl_worker_failed() -> u32 {
    pool::worker_failed();
    1
}

/// 1 once a worker has died (ops then run on the calling thread alone).
#[no_mangle]
pub extern "C" fn tl_pool_failed() -> u32 {
    pool::failed() as u32
}

/// Puts the kernels back in order after a call trapped on this thread (a bug, or an
/// allocation that failed; traps skip every destructor): closes a job the call left open
/// in the pool and frees the scratch buffers it held. JS calls it after any trap, before it
/// resets `__stack_pointer`. Returns 1.
#[no_mangle]
pub extern "C" fn tl_recover() -> u32 {
    pool::recover_after_trap();
    gemm::release_scratch_after_trap();
    attention::release_scratch_after_trap();
    1
}

/// Ends every `tl_worker_loop`; later kernels run on the caller alone.
#[no_mangle]
pub extern "C" fn tl_shutdown_threads() {
    pool::shutdown()
}

/// Batched strided GEMM: `C[t] = alpha·A[t]·B[t] + beta·C[t]` for `t < batch`, with
/// A `m×k`, B `k×n`, C `m×n`. Strides are in elements (`rs*` rows, `cs*` columns, `bs*`
/// batch; any sign, 0 broadcasts). `beta == 0` overwrites C without reading it.
///
/// # Safety
/// Every element the shapes and strides address must be in bounds; C's elements must be
/// distinct and not overlap A or B.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn gemm_f32(
    batch: usize,
    m: usize,
    n: usize,
    k: usize,
    alpha: f32,
    beta: f32,
    a: *const f32,
    rsa: isize,
    csa: isize,
    bsa: isize,
    b: *const f32,
    rsb: isize,
    csb: isize,
    bsb: isize,
    c: *mut f32,
    rsc: isize,
    csc: isize,
    bsc: isize,
) {
    let args = gemm::GemmArgs {
        batch,
        m,
        n,
        k,
        alpha,
        beta,
        a,
        rsa,
        csa,
        bsa,
        b,
        rsb,
        csb,
        bsb,
        c,
        rsc,
        csc,
        bsc,
    };
    gemm::gemm(&args)
}

// Elementwise, unary, reduction and copy kernels over coalesced strided layouts. `dims` points
// at `ndim` shape entries followed by `ndim` strides (in elements) per operand; data pointers
// already include each view's offset. Op codes are listed in each module's enum.

/// `out = a op b` for float32 (`op`: binary::ArithOp). Returns 0 for an unknown op.
///
/// # Safety
/// `dims` holds `4·ndim` values; every element the layout addresses must be valid.
#[no_mangle]
pub unsafe extern "C" fn binary_f32(
    op: u32,
    ndim: usize,
    dims: *const isize,
    a: *const f32,
    b: *const f32,
    out: *mut f32,
) -> u32 {
    let Some(op) = binary::ArithOp::from_code(op) else {
        return 0;
    };
    let (shape, strides) = strided::split_dims::<3>(dims, ndim);
    let (a, b, out) = (a as usize, b as usize, out as usize);
    strided::split_outer(shape, strides, |shape, [oa, ob, oo]| {
        let (a, b) = ((a as *const f32).offset(oa), (b as *const f32).offset(ob));
        binary::arith_f32(op, shape, strides, a, b, (out as *mut f32).offset(oo))
    });
    1
}

/// `out = a op b` as bool bytes for float32 (`op`: binary::CmpOp). Returns 0 for an unknown op.
///
/// # Safety
/// `dims` holds `4·ndim` values; every element the layout addresses must be valid.
#[no_mangle]
pub unsafe extern "C" fn compare_f32(
    op: u32,
    ndim: usize,
    dims: *const isize,
    a: *const f32,
    b: *const f32,
    out: *mut u8,
) -> u32 {
    let Some(op) = binary::CmpOp::from_code(op) else {
        return 0;
    };
    let (shape, strides) = strided::split_dims::<3>(dims, ndim);
    let (a, b, out) = (a as usize, b as usize, out as usize);
    strided::split_outer(shape, strides, |shape, [oa, ob, oo]| {
        let (a, b) = ((a as *const f32).offset(oa), (b as *const f32).offset(ob));
        binary::compare_f32(op, shape, strides, a, b, (out as *mut u8).offset(oo))
    });
    1
}

/// `out = a op b` for int32 (add, sub, mul, maximum, minimum); returns 0 for other ops.
///
/// # Safety
/// `dims` holds `4·ndim` values; every element the layout addresses must be valid.
#[no_mangle]
pub unsafe extern "C" fn binary_i32(
    op: u32,
    ndim: usize,
    dims: *const isize,
    a: *const i32,
    b: *const i32,
    out: *mut i32,
) -> u32 {
    let Some(op) = binary::ArithOp::from_code(op) else {
        return 0;
    };
    if !binary::arith_i32_supports(op) {
        return 0;
    }
    let (shape, strides) = strided::split_dims::<3>(dims, ndim);
    let (a, b, out) = (a as usize, b as usize, out as usize);
    strided::split_outer(shape, strides, |shape, [oa, ob, oo]| {
        let (a, b) = ((a as *const i32).offset(oa), (b as *const i32).offset(ob));
        binary::arith_i32(op, shape, strides, a, b, (out as *mut i32).offset(oo));
    });
    1
}

/// `out = a op b` as bool bytes for int32 (`op`: binary::CmpOp). Returns 0 for an unknown op.
///
/// # Safety
/// `dims` holds `4·ndim` values; every element the layout addresses must be valid.
#[no_mangle]
pub unsafe extern "C" fn compare_i32(
    op: u32,
    ndim: usize,
    dims: *const isize,
    a: *const i32,
    b: *const i32,
    out: *mut u8,
) -> u32 {
    let Some(op) = binary::CmpOp::from_code(op) else {
        return 0;
    };
    let (shape, strides) = strided::split_dims::<3>(dims, ndim);
    let (a, b, out) = (a as usize, b as usize, out as usize);
    strided::split_outer(shape, strides, |shape, [oa, ob, oo]| {
        let (a, b) = ((a as *const i32).offset(oa), (b as *const i32).offset(ob));
        binary::compare_i32(op, shape, strides, a, b, (out as *mut u8).offset(oo))
    });
    1
}

/// `out = op(a)` for float32 (`op`: unary::UnaryOp; clamp uses `lo`, `hi`). 0 if unknown.
///
/// # Safety
/// `dims` holds `3·ndim` values; every element the layout addresses must be valid.
#[no_mangle]
pub unsafe extern "C" fn unary_f32(
    op: u32,
    ndim: usize,
    dims: *const isize,
    a: *const f32,
    out: *mut f32,
    lo: f32,
    hi: f32,
) -> u32 {
    let Some(op) = unary::UnaryOp::from_code(op) else {
        return 0;
    };
    let (shape, strides) = strided::split_dims::<2>(dims, ndim);
    let (a, out) = (a as usize, out as usize);
    strided::split_outer(shape, strides, |shape, [oa, oo]| {
        let (a, out) = ((a as *const f32).offset(oa), (out as *mut f32).offset(oo));
        unary::unary_f32(op, shape, strides, a, out, lo, hi)
    });
    1
}

/// Reduces float32 `a` (`op`: reduce::ReduceOp 0–5; 0 for all/any, which `reduce_kind`
/// runs) into contiguous `out`. `dims` holds the kept
/// shape and strides (`nkept` each), then the reduced shape and strides (`nred` each).
///
/// # Safety
/// `dims` holds `2·(nkept + nred)` values; `out` holds one 4-byte value per kept index.
#[no_mangle]
pub unsafe extern "C" fn reduce_f32(
    op: u32,
    nkept: usize,
    nred: usize,
    dims: *const isize,
    a: *const f32,
    out: *mut u32,
) -> u32 {
    let Some(op) = reduce::ReduceOp::from_code(op) else {
        return 0;
    };
    if matches!(op, reduce::ReduceOp::All | reduce::ReduceOp::Any) {
        return 0;
    }
    let dims = reduce_dims(dims, nkept, nred);
    reduce::reduce_f32_split(op, &dims, a, out, core::ptr::null_mut());
    1
}

/// `out = a` with a cast between kinds (`from`, `to`: copy::Kind). 0 for an unknown kind.
///
/// # Safety
/// `dims` holds `3·ndim` values; every element the layout addresses must be valid.
#[no_mangle]
pub unsafe extern "C" fn copy_cast(
    from: u32,
    to: u32,
    ndim: usize,
    dims: *const isize,
    a: *const u8,
    out: *mut u8,
) -> u32 {
    let (Some(from), Some(to)) = (copy::Kind::from_code(from), copy::Kind::from_code(to)) else {
        return 0;
    };
    let (shape, strides) = strided::split_dims::<2>(dims, ndim);
    let (a, out) = (a as usize, out as usize);
    strided::split_outer(shape, strides, |shape, [oa, oo]| {
        let a = (a as *const u8).offset(oa * from.bytes());
        let out = (out as *mut u8).offset(oo * to.bytes());
        copy::copy_cast(from, to, shape, strides, a, out)
    });
    1
}

/// Softmax (`log != 0`: log-softmax) of `rows` contiguous rows of `n` floats, `rsx`/`rso`
/// floats apart, max-subtracted.
///
/// # Safety
/// Every row must be in bounds; an output row may equal its input row but not overlap others.
#[no_mangle]
pub unsafe extern "C" fn softmax_f32(
    rows: usize,
    n: usize,
    x: *const f32,
    rsx: isize,
    out: *mut f32,
    rso: isize,
    log: u32,
) {
    let rows = softmax::SoftmaxRows {
        rows,
        n,
        x,
        rsx,
        out,
        rso,
        log: log != 0,
    };
    softmax::softmax_rows(&rows)
}

/// Softmax (`log != 0`: log-softmax) along a non-innermost axis: `n` rows of `inner`
/// contiguous floats, `sx`/`so` floats apart, each column reduced over the rows.
///
/// # Safety
/// Every row must be in bounds; output rows must not overlap each other.
#[no_mangle]
pub unsafe extern "C" fn softmax_columns_f32(
    n: usize,
    inner: usize,
    x: *const f32,
    sx: isize,
    out: *mut f32,
    so: isize,
    log: u32,
) {
    softmax::softmax_columns(n, inner, x, sx, out, so, log != 0)
}

/// Fused attention `out = softmax(scale·q·kᵀ + mask)·v` over `batch` items without
/// materialising the `l × s` scores: q `[batch, l, e]`, k `[batch, s, e]`, v `[batch, s, ev]`,
/// out `[batch, l, ev]`, mask `[batch, l, s]` (null pointer: none). Strides in elements.
///
/// # Safety
/// Every element the shapes and strides address must be in bounds; `out` must not overlap
/// the inputs.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn attention_f32(
    batch: usize,
    l: usize,
    s: usize,
    e: usize,
    ev: usize,
    scale: f32,
    causal: u32,
    q: *const f32,
    bsq: isize,
    rsq: isize,
    csq: isize,
    k: *const f32,
    bsk: isize,
    rsk: isize,
    csk: isize,
    v: *const f32,
    bsv: isize,
    rsv: isize,
    csv: isize,
    mask: *const f32,
    bsm: isize,
    rsm: isize,
    csm: isize,
    out: *mut f32,
    bso: isize,
    rso: isize,
    cso: isize,
) {
    use attention::Strided3;
    let args = attention::AttentionArgs {
        batch,
        l,
        s,
        e,
        ev,
        scale,
        causal: causal != 0,
        q: Strided3 {
            ptr: q,
            bs: bsq,
            rs: rsq,
            cs: csq,
        },
        k: Strided3 {
            ptr: k,
            bs: bsk,
            rs: rsk,
            cs: csk,
        },
        v: Strided3 {
            ptr: v,
            bs: bsv,
            rs: rsv,
            cs: csv,
        },
        mask: (!mask.is_null()).then_some(Strided3 {
            ptr: mask,
            bs: bsm,
            rs: rsm,
            cs: csm,
        }),
        out,
        bso,
        rso,
        cso,
    };
    attention::attention(&args)
}

/// Layer norm (`rms == 0`) or RMS norm (`rms != 0`) of `rows` contiguous rows of `n`
/// floats, `rsx`/`rso` floats apart; `weight` and `bias` are `n` floats or null (none).
///
/// # Safety
/// Every row must be in bounds; an output row may equal its input row but not overlap others.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn norm_f32(
    rows: usize,
    n: usize,
    x: *const f32,
    rsx: isize,
    weight: *const f32,
    bias: *const f32,
    eps: f32,
    out: *mut f32,
    rso: isize,
    rms: u32,
) {
    let kind = if rms != 0 {
        row_norm::NormKind::Rms
    } else {
        row_norm::NormKind::Layer
    };
    row_norm::norm_rows(&row_norm::NormRows {
        kind,
        rows,
        n,
        x,
        rsx,
        weight,
        bias,
        eps,
        out,
        rso,
    })
}

/// Per-row cross entropy of `rows` contiguous rows of `c` logits (`log_probs != 0`: rows of
/// log-probabilities, the NLL loss) against int32 class `target`s, into `rows` floats at
/// `out`; a row whose target is `ignore_index` gets 0.
///
/// # Safety
/// Every row must be in bounds and every target in `[0, c)` or `ignore_index`.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn cross_entropy_f32(
    rows: usize,
    c: usize,
    x: *const f32,
    rsx: isize,
    target: *const i32,
    ignore_index: i32,
    smoothing: f32,
    log_probs: u32,
    out: *mut f32,
) {
    cross_entropy::cross_entropy_rows(&cross_entropy::CrossEntropyRows {
        rows,
        c,
        x,
        rsx,
        target,
        ignore_index,
        smoothing,
        log_probs: log_probs != 0,
        out,
    })
}

// Scans (issue 16).

/// Inclusive scan (`op`: scan::ScanOp) of float32 along one dim. `dims` holds the outer
/// shape and the input's and output's outer strides (`nouter` each); each outer index scans
/// `n` steps (`sna`/`sno` apart) of `inner` elements (`sia`/`sio` apart). 0 if unknown.
///
/// # Safety
/// `dims` holds `3·nouter` values; every element the layout addresses must be valid.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn scan_f32(
    op: u32,
    nouter: usize,
    dims: *const isize,
    n: usize,
    sna: isize,
    sno: isize,
    inner: usize,
    sia: isize,
    sio: isize,
    a: *const f32,
    out: *mut f32,
) -> u32 {
    let Some(op) = scan::ScanOp::from_code(op) else {
        return 0;
    };
    let (shape, strides) = strided::split_dims::<2>(dims, nouter);
    let block = scan::ScanBlock {
        n,
        inner,
        sn: [sna, sno],
        si: [sia, sio],
    };
    let total = strided::element_count(shape) * n * inner;
    let (a, out) = (a as usize, out as usize);
    strided::split_outer_sized(shape, strides, total, |shape, [oa, oo]| {
        let (a, out) = ((a as *const f32).offset(oa), (out as *mut f32).offset(oo));
        scan::scan_f32(op, shape, strides, &block, a, out)
    });
    1
}

// Selection kernels (select.rs): `dims` as above; `width` is the element size in bytes (1,
// 4 or 8) for the kernels that only move bits. Index values were range-checked by the caller.

/// `out = cond ? a : b` (cond bool bytes; a, b, out one element width). 0 for another width.
///
/// # Safety
/// `dims` holds `5·ndim` values; every element the layout addresses must be valid; `out`
/// may alias `a` or `b` only exactly.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn where_select(
    width: u32,
    ndim: usize,
    dims: *const isize,
    cond: *const u8,
    a: *const u8,
    b: *const u8,
    out: *mut u8,
) -> u32 {
    if !matches!(width, 1 | 4 | 8) {
        return 0;
    }
    let (shape, strides) = strided::split_dims::<4>(dims, ndim);
    let (c, a, b, out) = (cond as usize, a as usize, b as usize, out as usize);
    let w = width as isize;
    strided::split_outer(shape, strides, |shape, [oc, oa, ob, oo]| {
        let c = (c as *const u8).offset(oc);
        let (a, b) = (
            (a as *const u8).offset(oa * w),
            (b as *const u8).offset(ob * w),
        );
        let out = (out as *mut u8).offset(oo * w);
        match width {
            1 => select::where_select::<u8>(shape, strides, c, a, b, out),
            4 => select::where_select::<u32>(shape, strides, c, a as _, b as _, out as _),
            _ => select::where_select::<u64>(shape, strides, c, a as _, b as _, out as _),
        }
    });
    1
}

/// `out[p] = a[p + wrap(index[p])·dim_stride]` (`dims`: shape, then a's strides with 0 along
/// the gathered dim, index's and out's). 0 for another width.
///
/// # Safety
/// `dims` holds `4·ndim` values; every index value is in `[-dim_size, dim_size)`; every
/// element addressed must be valid; `out` must not overlap `a`.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn gather_along(
    width: u32,
    ndim: usize,
    dims: *const isize,
    a: *const u8,
    dim_stride: isize,
    dim_size: isize,
    index: *const i32,
    out: *mut u8,
) -> u32 {
    if !matches!(width, 1 | 4 | 8) {
        return 0;
    }
    let (shape, strides) = strided::split_dims::<3>(dims, ndim);
    let (a, index, out) = (a as usize, index as usize, out as usize);
    let w = width as isize;
    let (ds, n) = (dim_stride, dim_size);
    strided::split_outer(shape, strides, |shape, [oa, oi, oo]| {
        let a = (a as *const u8).offset(oa * w);
        let index = (index as *const i32).offset(oi);
        let out = (out as *mut u8).offset(oo * w);
        match width {
            1 => select::gather::<u8>(shape, strides, a, ds, n, index, out),
            4 => select::gather::<u32>(shape, strides, a as _, ds, n, index, out as _),
            _ => select::gather::<u64>(shape, strides, a as _, ds, n, index, out as _),
        }
    });
    1
}

/// `out[p + wrap(index[p])·dim_stride] (=|+=) src[p]` (`mode`: select::ScatterMode; `kind`:
/// copy::Kind; `dims`: shape, then out's strides with 0 along the scattered dim, index's and
/// src's), serially in row-major order. 0 for an unknown mode or kind.
///
/// # Safety
/// As `gather_along`, with `out` written; `src` must not overlap `out`.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn scatter_along(
    mode: u32,
    kind: u32,
    ndim: usize,
    dims: *const isize,
    out: *mut u8,
    dim_stride: isize,
    dim_size: isize,
    index: *const i32,
    src: *const u8,
) -> u32 {
    let (Some(mode), Some(kind)) = (
        select::ScatterMode::from_code(mode),
        copy::Kind::from_code(kind),
    ) else {
        return 0;
    };
    let (shape, strides) = strided::split_dims::<3>(dims, ndim);
    select::scatter_kind(
        mode, kind, shape, strides, out, dim_stride, dim_size, index, src,
    );
    1
}

// ---------------------------------------------------------------------------------------
// Benchmark-only exports. They exist for the scripts in `bench/` (microkernel comparisons
// and the in-process FMA peak that GEMM results are reported against) and are not part of
// the API: the TypeScript package does not rely on them and they may change or go.

/// Selects the GEMM microkernel (0 = 4×8, 1 = 6×8, 2 = 4×16); returns 0 for an unknown id.
#[no_mangle]
pub extern "C" fn bench_gemm_set_kernel(id: u32) -> u32 {
    match gemm::Kernel::from_id(id) {
        Some(kernel) => {
            gemm::set_kernel(kernel);
            1
        }
        None => 0,
    }
}

/// Peak-measurement loop of independent f32x4 `mul_add`s (relaxed FMA in the relaxed build).
#[no_mangle]
pub extern "C" fn bench_peak_fma(iters: u32, m: f32, c: f32) -> f32 {
    gemm::peak::peak_fma(iters, m, c)
}

/// Peak-measurement loop of independent f32x4 multiplies followed by adds (never fused).
#[no_mangle]
pub extern "C" fn bench_peak_muladd(iters: u32, m: f32, c: f32) -> f32 {
    gemm::peak::peak_muladd(iters, m, c)
}

/// Flops one iteration of `bench_peak_fma`/`bench_peak_muladd` performs.
#[no_mangle]
pub extern "C" fn bench_peak_flops_per_iter() -> u32 {
    gemm::peak::FLOPS_PER_ITER as u32
}

// ---------------------------------------------------------------------------------------
// Fused optimizer steps (`optim_step.rs`): `optim.SGD` and `optim.AdamW` on contiguous f32.

/// One SGD step over `n` elements, `p` and `buf` (0 when momentum is 0) in place from `g`.
/// `flags`: bit 0 nesterov, bit 1 maximize, bit 2 the buffer is new (it becomes the gradient).
///
/// # Safety
/// `p`, `g` and a non-zero `buf` must each hold `n` f32 in linear memory; `g` overlaps neither.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn sgd_step_f32(
    n: usize,
    p: *mut f32,
    g: *const f32,
    buf: *mut f32,
    lr: f32,
    momentum: f32,
    one_minus_dampening: f32,
    weight_decay: f32,
    flags: u32,
) {
    let args = optim_step::SgdArgs {
        lr,
        momentum,
        one_minus_dampening,
        weight_decay,
        nesterov: flags & 1 != 0,
        maximize: flags & 2 != 0,
        first: flags & 4 != 0,
    };
    optim_step::sgd(n, p, g, buf, &args)
}

/// One AdamW step over `n` elements: `p`, `m`, `v` and `vmax` (0 unless AMSGrad) in place
/// from `g`; `decay` is `1 − lr·weight_decay`, `step_size` `lr/(1 − β1^t)`, the `one_minus_*`
/// differences are rounded from f64 as torch's scalars are.
///
/// # Safety
/// `p`, `g`, `m`, `v` and a non-zero `vmax` must each hold `n` f32 and not overlap.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn adamw_step_f32(
    n: usize,
    p: *mut f32,
    g: *const f32,
    m: *mut f32,
    v: *mut f32,
    vmax: *mut f32,
    decay: f32,
    beta1: f32,
    beta2: f32,
    one_minus_beta1: f32,
    one_minus_beta2: f32,
    step_size: f32,
    bias_correction2_sqrt: f32,
    eps: f32,
    maximize: u32,
) {
    let args = optim_step::AdamWArgs {
        decay,
        beta1,
        beta2,
        one_minus_beta1,
        one_minus_beta2,
        step_size,
        bias_correction2_sqrt,
        eps,
        maximize: maximize != 0,
    };
    optim_step::adamw(n, p, g, m, v, vmax, &args)
}

// ---------------------------------------------------------------------------------------
// Thread pool counters for benchmarks (`pool.rs`; bench/threads-pool-stats.mjs).

/// Writes the pool's counters (in `pool::Stat` order, as f64) to `out`; returns how many.
///
/// # Safety
/// `out` must have room for `pool::STAT_COUNT` f64.
#[no_mangle]
pub unsafe extern "C" fn bench_pool_stats(out: *mut f64) -> u32 {
    for (i, v) in pool::stats().iter().enumerate() {
        *out.add(i) = *v as f64;
    }
    pool::STAT_COUNT as u32
}

/// Polls `n` times as a waiting pool thread does, so a benchmark can time one poll.
#[no_mangle]
pub extern "C" fn bench_pool_spin(n: u32) -> u32 {
    pool::spin_polls(n)
}

/// argmax/argmin of float32 `a` (`op`: reduce::ReduceOp 4 or 5) as `reduce_f32`, writing the
/// extreme values (the elements the indices name) to contiguous `values` as well: one pass
/// for `max(dim)`/`min(dim)`. Returns 0 for any other op.
///
/// # Safety
/// As `reduce_f32`; `values` holds one float per kept index.
#[no_mangle]
pub unsafe extern "C" fn reduce_arg_values_f32(
    op: u32,
    nkept: usize,
    nred: usize,
    dims: *const isize,
    a: *const f32,
    out: *mut u32,
    values: *mut f32,
) -> u32 {
    let Some(op @ (reduce::ReduceOp::Argmax | reduce::ReduceOp::Argmin)) =
        reduce::ReduceOp::from_code(op)
    else {
        return 0;
    };
    let dims = reduce_dims(dims, nkept, nred);
    reduce::reduce_f32_split(op, &dims, a, out, values);
    1
}

/// The kept shape and strides (`nkept` each), then the reduced ones (`nred` each), at `dims`.
///
/// # Safety
/// `dims` holds `2·(nkept + nred)` values.
unsafe fn reduce_dims<'a>(dims: *const isize, nkept: usize, nred: usize) -> reduce::ReduceDims<'a> {
    let (kept_shape, [kept_strides]) = strided::split_dims::<1>(dims, nkept);
    let (red_shape, [red_strides]) = strided::split_dims::<1>(dims.add(2 * nkept), nred);
    reduce::ReduceDims {
        kept_shape,
        kept_strides,
        red_shape,
        red_strides,
    }
}

/// Reduces `a` of any kind (`kind`: copy::Kind; `op`: reduce::ReduceOp, all eight) into
/// contiguous `out`: `out_kind` values for sum/prod/max/min/all/any, i32 indices for
/// argmax/argmin, whose extreme values also go to `values` (of `kind`) unless it is 0.
/// `dims` as `reduce_f32`. Returns 0 for an unknown op or kind.
///
/// # Safety
/// As `reduce_f32`; `out` (and `values`) hold one element per kept index.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn reduce_kind(
    op: u32,
    kind: u32,
    out_kind: u32,
    nkept: usize,
    nred: usize,
    dims: *const isize,
    a: *const u8,
    out: *mut u8,
    values: *mut u8,
) -> u32 {
    let (Some(op), Some(kind), Some(out_kind)) = (
        reduce::ReduceOp::from_code(op),
        copy::Kind::from_code(kind),
        copy::Kind::from_code(out_kind),
    ) else {
        return 0;
    };
    let dims = reduce_dims(dims, nkept, nred);
    reduce_typed::reduce_kind(op, kind, &dims, a, out, out_kind, values);
    1
}

/// `out[r·so] = log Σ exp` of each of `rows` contiguous float32 rows of `n`, `sx` floats apart
/// (torch's rules: only −∞ gives −∞, a +∞ entry +∞, NaN NaN).
///
/// # Safety
/// Rows of `x` readable for `n` floats; `out` writable at each `r·so`.
#[no_mangle]
pub unsafe extern "C" fn logsumexp_f32(
    rows: usize,
    n: usize,
    x: *const f32,
    sx: isize,
    out: *mut f32,
    so: isize,
) {
    logsumexp::logsumexp_rows(rows, n, x, sx, out, so)
}

/// `out[c] = log Σ_r exp(x[r·sx + c])` for `inner` contiguous float32 columns of `n` rows,
/// `sx` floats apart, into contiguous `out`: one read of the input.
///
/// # Safety
/// Rows of `x` readable for `inner` floats; `out` writable for `inner` floats.
#[no_mangle]
pub unsafe extern "C" fn logsumexp_columns_f32(
    n: usize,
    inner: usize,
    x: *const f32,
    sx: isize,
    out: *mut f32,
) {
    logsumexp::logsumexp_columns(n, inner, x, sx, out)
}
