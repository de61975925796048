//! Moving up to four strided f32 values in and out of one `F32x4`, so that tails and strided
//! rows run the very same vector code as contiguous rows (identical results everywhere).

use crate::simd::F32x4;

/// Loads `count` (≤ 4) floats `stride` apart; missing lanes are 0.
///
/// # Safety
/// `p + i·stride` must be readable for `i < count`.
#[inline(always)]
pub unsafe fn gather(p: *const f32, stride: isize, count: usize) -> F32x4 {
    debug_assert!(count <= 4, "gather of {count} lanes");
    if count == 4 && stride == 1 {
        return F32x4::load(p);
    }
    let mut buf = [0f32; 4];
    for (i, slot) in buf.iter_mut().enumerate().take(count) {
        *slot = *p.offset(i as isize * stride);
    }
    F32x4::load(buf.as_ptr())
}

/// Stores the first `count` (≤ 4) lanes `stride` apart.
///
/// # Safety
/// `p + i·stride` must be writable for `i < count`.
#[inline(always)]
pub unsafe fn scatter(v: F32x4, p: *mut f32, stride: isize, count: usize) {
    debug_assert!(count <= 4, "scatter of {count} lanes");
    if count == 4 && stride == 1 {
        return v.store(p);
    }
    let lanes = v.to_array();
    for (i, &x) in lanes.iter().enumerate().take(count) {
        *p.offset(i as isize * stride) = x;
    }
}
