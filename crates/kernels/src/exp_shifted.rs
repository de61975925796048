//! e^x for max-subtracted softmax inputs (x ≤ 0, −∞ or NaN), cheaper than
//! `simd_math::exp`: no upper clamp, a compare-and-select for the lower one (where
//! NaN-exact min/max take several instructions on x86), and no subnormal results: below
//! −87.3 (e^x < 2^−126, under 1e−38 of the row maximum's weight) the result is 0, as it
//! must be exactly for −∞ (masked) inputs. Same Cephes polynomial, so normal results
//! match `simd_math::exp` to a couple of ulp (tested in `tests/softmax.rs`).

use crate::simd::F32x4;
use crate::simd_ext::{self as x, I32x4};
use crate::simd_math::{EXP_POLY as POLY, LN2_HI, LN2_LO};

/// Below this e^x would be subnormal; the result is flushed to 0.
const FLUSH_BELOW: f32 = -87.33;

/// e^x for lanes x ≤ 0 (positive lanes are not supported); −∞ → 0, NaN → NaN.
#[inline(always)]
pub fn exp_nonpositive(v: F32x4) -> F32x4 {
    let flushed = x::lt(v, F32x4::splat(FLUSH_BELOW));
    // v < lo ? lo : v keeps NaN (the comparison is false) and lifts −∞ to a finite value.
    // A select, not pmax: the relaxed build's max may drop a NaN.
    let c = flushed.select(F32x4::splat(FLUSH_BELOW), v);
    let n = x::round_even(c.mul(F32x4::splat(core::f32::consts::LOG2_E)));
    let r = n.mul_add(F32x4::splat(-LN2_HI), c);
    let r = n.mul_add(F32x4::splat(-LN2_LO), r);
    let mut p = F32x4::splat(POLY[0]);
    for &k in &POLY[1..] {
        p = p.mul_add(r, F32x4::splat(k));
    }
    let y = p.mul_add(r.mul(r), r).add(F32x4::splat(1.0));
    // 2^n with n in [−126, 0]: a normal float built from its exponent bits.
    let scale = x::from_bits(x::to_i32(n).add(I32x4::splat(127)).shl::<23>());
    flushed.select(F32x4::splat(0.0), y.mul(scale))
}
