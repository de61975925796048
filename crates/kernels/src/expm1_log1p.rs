//! expm1 and log1p on four f32 lanes, accurate next to 0 where `exp(x) − 1` and
//! `log(1 + x)` lose every digit. expm1 keeps the `(2^n − 1) + 2^n·expm1 t` form of
//! XNNPACK's f32-velu (exact at n = 0); log1p feeds the rounding error of `1 + x` back into
//! the reduced argument of `simd_math`'s log, as fdlibm's log1p does. Both results carry
//! x's sign, which also gives `f(-0) = -0`.

use crate::simd::F32x4;
use crate::simd_ext::{self as x, I32x4};
use crate::simd_math::{self, SQRT_HALF_BITS};

#[inline(always)]
fn splat(v: f32) -> F32x4 {
    F32x4::splat(v)
}

/// `r` with `v`'s sign bit or-ed in: expm1 and log1p have the sign of their argument.
#[inline(always)]
fn or_sign_of(r: F32x4, v: F32x4) -> F32x4 {
    x::from_bits(x::to_bits(r).or(x::to_bits(v).and(I32x4::splat(i32::MIN))))
}

/// Below this expm1 rounds to -1 (e^-17.4 is under half an ulp of 1); the clamp keeps 2^n
/// normal.
const EXPM1_LOW: f32 = -25.0;
/// Past this 2^n may overflow: `expm1_far` takes the vector.
const EXPM1_HIGH: f32 = 87.0;

/// e^x − 1. Overflows to +inf past 88.72, -1 at -inf, ±0 and NaN kept.
#[inline(always)]
pub fn expm1(v: F32x4) -> F32x4 {
    // A compare and select, false for NaN, which stays NaN.
    let z = x::lt(v, splat(EXPM1_LOW)).select(splat(EXPM1_LOW), v);
    let r = or_sign_of(simd_math::expm1_normal(z), v);
    if x::gt(v, splat(EXPM1_HIGH)).any() {
        return expm1_far(v, r);
    }
    r
}

/// Lanes past 87, where e^x − 1 rounds to e^x (the others keep `r`).
#[cold]
#[inline(never)]
fn expm1_far(v: F32x4, r: F32x4) -> F32x4 {
    x::gt(v, splat(EXPM1_HIGH)).select(simd_math::exp(v), r)
}

/// ln(1 + x). -inf at -1, NaN below -1 and for NaN, +inf at +inf, ±0 kept.
#[inline(always)]
pub fn log1p(v: F32x4) -> F32x4 {
    let one = splat(1.0);
    let u = one.add(v);
    // The rounding error of u = 1 + x, exactly (Fast2Sum with the larger operand first):
    // for x < 1, u − 1 is exact; for x ≥ 1, u − x is.
    let c = x::lt(v, one).select(v.sub(u.sub(one)), one.sub(u.sub(v)));
    // u = 2^k·m with m in [√½, √2), as simd_math's log splits it.
    let i = x::to_bits(u).add(I32x4::splat(0x3f80_0000 - SQRT_HALF_BITS));
    let e = i.shr::<23>();
    let k = x::to_f32(e.sub(I32x4::splat(127)));
    let m = x::from_bits(
        i.and(I32x4::splat(0x007f_ffff))
            .add(I32x4::splat(SQRT_HALF_BITS)),
    );
    // 2^-k, held at 2^-126 for u ≥ 2^126 (where c/u is far below an ulp of the result).
    let inv_scale = x::from_bits(I32x4::splat(254).sub(e).max(I32x4::splat(1)).shl::<23>());
    // ln(u + c) = k·ln2 + log1p(m − 1 + c·2^-k); at k = 0 the sum is x itself.
    let f = c.mul_add(inv_scale, m.sub(one));
    let r = or_sign_of(simd_math::log_of_parts(k, f), v);
    let normal = x::gt(u, splat(0.0)).and(x::le(u, splat(f32::MAX)));
    if normal.bitmask() != 0b1111 {
        return log1p_special(u, r);
    }
    r
}

/// A vector holding a lane with 1 + x ≤ 0, +inf or NaN.
#[cold]
#[inline(never)]
fn log1p_special(u: F32x4, r: F32x4) -> F32x4 {
    let r = x::eq(u, splat(0.0)).select(splat(f32::NEG_INFINITY), r);
    let r = x::eq(u, splat(f32::INFINITY)).select(u, r);
    // 1 + x < 0 and NaN (the comparison is false for NaN) give NaN.
    x::ge(u, splat(0.0)).select(r, splat(f32::NAN))
}
