//! e^x for max-subtracted softmax inputs (x ≤ 0, −∞ or NaN): `simd_math::exp`'s reduction
//! and polynomial without its far-range branch. There are no subnormal results: below −87.33
//! (e^x < 2^−126, under 1e−38 of the row maximum's weight) the result is 0, as it must be
//! exactly for −∞ (masked) inputs; one and-not applies that. Normal results are bit-identical
//! to `simd_math::exp` (tested in `tests/softmax.rs`).

use crate::simd::F32x4;
use crate::simd_ext as x;
use crate::simd_math::exp_normal;

/// Below this e^x would be subnormal (or 2^n not representable); the result is flushed to 0.
const FLUSH_BELOW: f32 = -87.33;

/// e^x for lanes x ≤ 0 (positive lanes are not supported); −∞ → 0, NaN → NaN.
#[inline(always)]
pub fn exp_nonpositive(v: F32x4) -> F32x4 {
    // False for NaN, which stays NaN through the arithmetic.
    let flushed = x::lt(v, F32x4::splat(FLUSH_BELOW));
    x::from_bits(x::to_bits(exp_normal(v)).and_not(flushed))
}
