//! Elementwise binary kernels over contiguous float32 arrays.

use crate::simd::F32x4;

/// `out[i] = a[i] + b[i]`; SIMD in the simd128/relaxed builds, four scalar lanes otherwise.
///
/// # Safety
/// `a`, `b` and `out` must be valid for `n` floats; `out` may alias `a` or `b` exactly.
pub unsafe fn add_f32(a: *const f32, b: *const f32, out: *mut f32, n: usize) {
    let mut i = 0;
    while i + 4 <= n {
        F32x4::load(a.add(i)).add(F32x4::load(b.add(i))).store(out.add(i));
        i += 4;
    }
    while i < n {
        *out.add(i) = *a.add(i) + *b.add(i);
        i += 1;
    }
}
