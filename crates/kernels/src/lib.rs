//! The exported C ABI of tensorlane's kernels: one thin function per kernel, nothing else.
//! Pointers are byte offsets into this module's linear memory; the TypeScript package owns
//! allocation (through `tl_alloc`/`tl_free`) so tensors stay resident and no call copies.

pub mod binary;
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
