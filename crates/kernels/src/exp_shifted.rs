//! e^x for max-subtracted softmax inputs (x ≤ 0, −∞ or NaN), cheaper than `simd_math::exp`:
//! no far-range branch, and a degree-5 polynomial (`e^r = 1 + r·p(r)`, p's constant fitted
//! rather than fixed at 1, as XNNPACK's p5 kernels) in place of the general exp's degree 6,
//! one fused step and one constant fewer per vector. There are no subnormal results: below
//! −87.33 (e^x < 2^−126, under 1e−38 of the row maximum's weight) the result is 0, as it
//! must be exactly for −∞ (masked) inputs. Within 2 ulp of e^x over every f32 in
//! [−87.33, 0], with and without FMA (`tests/softmax.rs`).

use crate::simd::F32x4;
use crate::simd_ext as x;
use crate::simd_math::{exp_reduce, horner};

/// Below this e^x would be subnormal (or 2^n not representable); the result is flushed to 0.
pub(crate) const FLUSH_BELOW: f32 = -87.33;

/// `(e^r − 1)/r`'s minimax fit on |r| ≤ ln2/2 for the relative error of e^r, highest degree
/// first (`crates/kernels/fits/minimax.py`).
pub(crate) const EXP_P5: [f32; 5] = [
    8.290_306e-3,
    4.189_797_5e-2,
    1.666_763_7e-1,
    4.999_915e-1,
    9.999_997e-1,
];

/// e^x for lanes in [−87.33, 0] or NaN: the result and 2^n are normal, so no lane needs a
/// flush (the caller checked the lanes' range, e.g. by the row minimum).
#[inline(always)]
pub fn exp_nonpositive_normal(v: F32x4) -> F32x4 {
    let (_, s, r) = exp_reduce(v);
    r.mul(s).mul_add(horner(r, &EXP_P5), s)
}

/// e^x for lanes x ≤ 0 (positive lanes are not supported); −∞ → 0, NaN → NaN.
#[inline(always)]
pub fn exp_nonpositive(v: F32x4) -> F32x4 {
    // False for NaN, which stays NaN through the arithmetic.
    let flushed = x::lt(v, F32x4::splat(FLUSH_BELOW));
    x::from_bits(x::to_bits(exp_nonpositive_normal(v)).and_not(flushed))
}
