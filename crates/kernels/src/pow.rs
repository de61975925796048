//! float32 `pow` on four lanes as `2^(y·log2|x|)`, computed in f64 (two f64x2 halves), so
//! that the product y·log2|x| (up to ±150 where the result is finite) keeps the ~34 bits an
//! f32 result needs, and the final f64 → f32 rounding gives overflow to inf and subnormal
//! results with one rounding. log2 reduces |x| = 2^k·m (m in [√½, √2)) and sums the atanh
//! series of s = (m−1)/(m+1); 2^p splits p = n + r with the magic-bias rounding of
//! `simd_math` and a Taylor polynomial for e^(r·ln2). The sign (odd integer y of a negative
//! x) and NaN (non-integer y of a negative x) are lane selects. Lanes with x zero,
//! subnormal, infinite or NaN, or y infinite or NaN, take a cold path per vector through
//! C's pow, whose special cases torch follows.

use crate::simd::F32x4;
use crate::simd_ext::{self as x, I32x4};
use crate::simd_math::SQRT_HALF_BITS;

/// C's pow (as torch.pow on float32): the f64 pow of the f32 inputs, rounded once more.
/// `1^y = 1` and `x^0 = 1` even for NaN, `(-1)^±inf = 1`.
#[inline]
pub fn pow_scalar(a: f32, b: f32) -> f32 {
    (a as f64).powf(b as f64) as f32
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod f64x2 {
    use crate::simd::F32x4;
    use core::arch::wasm32::*;

    /// Two f64 lanes.
    #[derive(Clone, Copy)]
    pub struct F64x2(v128);

    impl F64x2 {
        #[inline(always)]
        pub fn splat(v: f64) -> Self {
            F64x2(f64x2_splat(v))
        }
        /// Lanes 0, 1 and lanes 2, 3 of `v`, widened exactly.
        #[inline(always)]
        pub fn widen(v: F32x4) -> (Self, Self) {
            let hi = i64x2_shuffle::<1, 1>(v.0, v.0);
            (
                F64x2(f64x2_promote_low_f32x4(v.0)),
                F64x2(f64x2_promote_low_f32x4(hi)),
            )
        }
        /// `lo`'s and `hi`'s lanes rounded to f32, in order.
        #[inline(always)]
        pub fn narrow(lo: Self, hi: Self) -> F32x4 {
            F32x4(i64x2_shuffle::<0, 2>(
                f32x4_demote_f64x2_zero(lo.0),
                f32x4_demote_f64x2_zero(hi.0),
            ))
        }
        #[inline(always)]
        pub fn add(self, o: Self) -> Self {
            F64x2(f64x2_add(self.0, o.0))
        }
        #[inline(always)]
        pub fn sub(self, o: Self) -> Self {
            F64x2(f64x2_sub(self.0, o.0))
        }
        #[inline(always)]
        pub fn mul(self, o: Self) -> Self {
            F64x2(f64x2_mul(self.0, o.0))
        }
        #[inline(always)]
        pub fn div(self, o: Self) -> Self {
            F64x2(f64x2_div(self.0, o.0))
        }
        /// Clamped to [lo, hi] (no NaN reaches here).
        #[inline(always)]
        pub fn clamp(self, lo: f64, hi: f64) -> Self {
            F64x2(f64x2_pmin(
                f64x2_pmax(self.0, f64x2_splat(lo)),
                f64x2_splat(hi),
            ))
        }
        /// The bits shifted left by 52: the low 12 bits of the mantissa become the exponent.
        #[inline(always)]
        pub fn bits_shl52(self) -> Self {
            F64x2(i64x2_shl(self.0, 52))
        }
    }
}

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
mod f64x2 {
    use crate::simd::F32x4;

    /// Two f64 lanes (portable: the baseline build and host tests).
    #[derive(Clone, Copy)]
    pub struct F64x2([f64; 2]);

    impl F64x2 {
        #[inline(always)]
        pub fn splat(v: f64) -> Self {
            F64x2([v; 2])
        }
        #[inline(always)]
        pub fn widen(v: F32x4) -> (Self, Self) {
            let a = v.to_array();
            (
                F64x2([a[0] as f64, a[1] as f64]),
                F64x2([a[2] as f64, a[3] as f64]),
            )
        }
        #[inline(always)]
        pub fn narrow(lo: Self, hi: Self) -> F32x4 {
            let r = [
                lo.0[0] as f32,
                lo.0[1] as f32,
                hi.0[0] as f32,
                hi.0[1] as f32,
            ];
            // SAFETY: `r` holds four floats.
            unsafe { F32x4::load(r.as_ptr()) }
        }
        #[inline(always)]
        fn zip(self, o: Self, f: impl Fn(f64, f64) -> f64) -> Self {
            F64x2([f(self.0[0], o.0[0]), f(self.0[1], o.0[1])])
        }
        #[inline(always)]
        pub fn add(self, o: Self) -> Self {
            self.zip(o, |a, b| a + b)
        }
        #[inline(always)]
        pub fn sub(self, o: Self) -> Self {
            self.zip(o, |a, b| a - b)
        }
        #[inline(always)]
        pub fn mul(self, o: Self) -> Self {
            self.zip(o, |a, b| a * b)
        }
        #[inline(always)]
        pub fn div(self, o: Self) -> Self {
            self.zip(o, |a, b| a / b)
        }
        #[inline(always)]
        pub fn clamp(self, lo: f64, hi: f64) -> Self {
            F64x2(self.0.map(|v| v.max(lo).min(hi)))
        }
        #[inline(always)]
        pub fn bits_shl52(self) -> Self {
            F64x2(self.0.map(|v| f64::from_bits(v.to_bits() << 52)))
        }
    }
}

use f64x2::F64x2;

/// `2·atanh(s)/s − 2 = Σ 2·z^j/(2j+1)`, j = 1..5, in z = s², highest degree first: the
/// remainder is below 2^-34 of ln m for |s| ≤ (√2−1)/(√2+1).
const ATANH_Q: [f64; 5] = [2.0 / 11.0, 2.0 / 9.0, 2.0 / 7.0, 2.0 / 5.0, 2.0 / 3.0];
/// `e^t`'s Taylor terms 1/j!, j = 8..0: below 2^-31 relative on |t| ≤ ln2/2.
const EXP_TAYLOR: [f64; 9] = [
    1.0 / 40320.0,
    1.0 / 5040.0,
    1.0 / 720.0,
    1.0 / 120.0,
    1.0 / 24.0,
    1.0 / 6.0,
    0.5,
    1.0,
    1.0,
];
/// 1.5·2^52 + 1023: `p + MAGIC` holds round(p) + 1023 in its low mantissa bits.
const MAGIC: f64 = 6_755_399_441_056_767.0;
/// |y·log2|x|| is clamped here: 2^±300 is still a normal f64 and far outside f32.
const P_LIMIT: f64 = 300.0;

#[inline(always)]
fn horner(t: F64x2, p: &[f64]) -> F64x2 {
    let mut acc = F64x2::splat(p[0]);
    for &c in &p[1..] {
        acc = acc.mul(t).add(F64x2::splat(c));
    }
    acc
}

/// `2^(y·(k + log2 m))` for one f64 half.
#[inline(always)]
fn exp2_of_product(k: F64x2, m: F64x2, y: F64x2) -> F64x2 {
    let one = F64x2::splat(1.0);
    let s = m.sub(one).div(m.add(one));
    let z = s.mul(s);
    let ln_m = s.add(s).add(s.mul(z).mul(horner(z, &ATANH_Q)));
    let log2x = ln_m.mul(F64x2::splat(core::f64::consts::LOG2_E)).add(k);
    let p = y.mul(log2x).clamp(-P_LIMIT, P_LIMIT);
    let biased = p.add(F64x2::splat(MAGIC));
    let n = biased.sub(F64x2::splat(MAGIC));
    let t = p.sub(n).mul(F64x2::splat(core::f64::consts::LN_2));
    horner(t, &EXP_TAYLOR).mul(biased.bits_shl52())
}

/// `x^y` per lane, as C's pow (torch.pow on float32).
#[inline(always)]
pub fn pow(a: F32x4, b: F32x4) -> F32x4 {
    let usual = usual_lanes(a, b);
    if usual.bitmask() != 0b1111 {
        return pow_special(a, b, usual);
    }
    pow_usual(a, b)
}

/// |x| normal and finite and y finite: everything else is a special case of C's pow.
#[inline(always)]
fn usual_lanes(a: F32x4, b: F32x4) -> I32x4 {
    let ax = x::abs(a);
    x::ge(ax, F32x4::splat(f32::MIN_POSITIVE))
        .and(x::le(ax, F32x4::splat(f32::MAX)))
        .and(x::le(x::abs(b), F32x4::splat(f32::MAX)))
}

/// `x^y` for lanes where `usual_lanes` holds.
#[inline(always)]
fn pow_usual(a: F32x4, b: F32x4) -> F32x4 {
    // |x| = 2^k·m, m in [√½, √2), as simd_math's log splits it.
    let i = x::to_bits(x::abs(a)).add(I32x4::splat(0x3f80_0000 - SQRT_HALF_BITS));
    let k = x::to_f32(i.shr::<23>().sub(I32x4::splat(127)));
    let m = x::from_bits(
        i.and(I32x4::splat(0x007f_ffff))
            .add(I32x4::splat(SQRT_HALF_BITS)),
    );
    let (k0, k1) = F64x2::widen(k);
    let (m0, m1) = F64x2::widen(m);
    let (y0, y1) = F64x2::widen(b);
    let r = F64x2::narrow(exp2_of_product(k0, m0, y0), exp2_of_product(k1, m1, y1));
    // A negative x: NaN unless y is an integer, negated if y is odd (y/2 is not an integer;
    // every f32 past 2^24 is even).
    let negative = x::lt(a, F32x4::splat(0.0));
    let integer = x::eq(x::floor(b), b);
    let half = b.mul(F32x4::splat(0.5));
    let odd = integer.and_not(x::eq(x::floor(half), half));
    let sign = negative.and(odd).and(I32x4::splat(i32::MIN));
    let r = x::from_bits(x::to_bits(r).or(sign));
    negative.and_not(integer).select(F32x4::splat(f32::NAN), r)
}

/// A vector with a zero, subnormal, infinite or NaN x, or an infinite or NaN y: those lanes
/// through C's pow, the others as `pow_usual` gives them wherever they sit.
#[cold]
#[inline(never)]
fn pow_special(a: F32x4, b: F32x4, usual: I32x4) -> F32x4 {
    let one = F32x4::splat(1.0);
    let r = pow_usual(usual.select(a, one), usual.select(b, one)).to_array();
    let (a, b, mask) = (a.to_array(), b.to_array(), usual.bitmask());
    let r: [f32; 4] = core::array::from_fn(|i| {
        if mask >> i & 1 == 1 {
            r[i]
        } else {
            pow_scalar(a[i], b[i])
        }
    });
    // SAFETY: `r` holds four floats.
    unsafe { F32x4::load(r.as_ptr()) }
}
