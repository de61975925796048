//! Scalar helpers with JavaScript's semantics, so portable lanes and scalar paths give the
//! same answers as the js backend (`Math.max`, `Math.min`, `ToInt32`).

/// `Math.max` on f32: NaN if either is NaN; `+0` beats `-0`. (The portable lanes' max; the
/// simd128 builds compute it with vector instructions in `simd_ext`.)
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[inline(always)]
pub fn max_nan(a: f32, b: f32) -> f32 {
    if a.is_nan() || b.is_nan() {
        f32::NAN
    } else if a == b {
        // Equal values differ only in the sign of zero: the larger one has the clear bit.
        f32::from_bits(a.to_bits() & b.to_bits())
    } else if a > b {
        a
    } else {
        b
    }
}

/// `Math.min` on f32: NaN if either is NaN; `-0` beats `+0`. (Portable lanes only, as above.)
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[inline(always)]
pub fn min_nan(a: f32, b: f32) -> f32 {
    if a.is_nan() || b.is_nan() {
        f32::NAN
    } else if a == b {
        f32::from_bits(a.to_bits() | b.to_bits())
    } else if a < b {
        a
    } else {
        b
    }
}

/// JavaScript's `ToInt32` (what storing a number into an `Int32Array` does): truncate toward
/// zero, wrap modulo 2^32, NaN and ±Infinity become 0.
#[inline(always)]
pub fn to_int32(x: f64) -> i32 {
    if x.abs() < 2147483648.0 {
        return x as i32; // in range: plain truncation (NaN fails the test above)
    }
    if !x.is_finite() {
        return 0;
    }
    (x.trunc().rem_euclid(4294967296.0) as u64) as u32 as i32
}
