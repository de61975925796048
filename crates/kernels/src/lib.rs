//! The exported C ABI of tensorlane's kernels: one thin function per kernel, nothing else.
//! Pointers are byte offsets into this module's linear memory; the TypeScript package owns
//! allocation (through `tl_alloc`/`tl_free`) so tensors stay resident and no call copies.

pub mod binary;
pub mod gemm;
pub mod memory;
pub mod simd;

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

/// `out[i] = a[i] + b[i]` for `i < n` (contiguous float32).
///
/// # Safety
/// All three pointers must be valid for `n` floats; `out` may alias `a` or `b`.
#[no_mangle]
pub unsafe extern "C" fn add_f32(a: *const f32, b: *const f32, out: *mut f32, n: usize) {
    binary::add_f32(a, b, out, n)
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

/// Selects the GEMM microkernel (0 = 4×8, 1 = 6×8, 2 = 4×16); returns 0 for an unknown id.
#[no_mangle]
pub extern "C" fn gemm_set_kernel(id: u32) -> u32 {
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
pub extern "C" fn peak_fma(iters: u32, m: f32, c: f32) -> f32 {
    gemm::peak::peak_fma(iters, m, c)
}

/// Peak-measurement loop of independent f32x4 multiplies followed by adds (never fused).
#[no_mangle]
pub extern "C" fn peak_muladd(iters: u32, m: f32, c: f32) -> f32 {
    gemm::peak::peak_muladd(iters, m, c)
}

/// Flops one iteration of `peak_fma`/`peak_muladd` performs.
#[no_mangle]
pub extern "C" fn peak_flops_per_iter() -> u32 {
    gemm::peak::FLOPS_PER_ITER as u32
}
