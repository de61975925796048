//! exp, log, sin, cos, tanh and sigmoid on four f32 lanes, after Cephes' single-precision
//! routines (S. Moshier): Cody–Waite range reduction, then a short polynomial.
//!
//! Accuracy, measured by `tests/simd_math.rs` against f64 references rounded to f32 on a
//! sweep of ~1M bit patterns spanning every binade (plus edge values and the neighbourhoods
//! of 10,000 multiples of π/2): worst cases exp 1 ulp, log 1, tanh 1, sin 2, cos 2,
//! sigmoid 2 (portable/host arithmetic). The wasm property tests hold every build, the
//! relaxed FMA one included, to 2 ulp against the js backend (`Math.exp` etc.).
//! sin/cos lanes with |x| > `TRIG_SIMD_LIMIT` are recomputed in f64, where the four-part
//! reduction by π/4 would stop being exact.

use crate::simd::F32x4;
use crate::simd_ext::{self as x, I32x4};

#[inline(always)]
fn splat(v: f32) -> F32x4 {
    F32x4::splat(v)
}

/// `p[0]·t^(n-1) + … + p[n-1]` by Horner's rule with fused steps where the build has FMA.
#[inline(always)]
pub(crate) fn horner(t: F32x4, p: &[f32]) -> F32x4 {
    let mut acc = splat(p[0]);
    for &c in &p[1..] {
        acc = acc.mul_add(t, splat(c));
    }
    acc
}

/// 2^n for integer lanes n in [-126, 127].
#[inline(always)]
fn pow2i(n: I32x4) -> F32x4 {
    x::from_bits(n.add(I32x4::splat(127)).shl::<23>())
}

pub(crate) const LN2_HI: f32 = 0.693_359_4; // 0.693359375: few mantissa bits, so n·LN2_HI is exact
pub(crate) const LN2_LO: f32 = -2.121_944_4e-4;
/// Cephes' minimax polynomial for e^r on |r| ≤ ln2/2, highest degree first.
pub(crate) const EXP_POLY: [f32; 6] = [
    1.987_569_1e-4,
    1.398_199_9e-3,
    8.333_452e-3,
    4.166_579_6e-2,
    1.666_666_5e-1,
    5e-1,
];

/// e^x. Overflows to +inf past 88.72, reaches subnormals below -87.34 (scaled in two steps
/// so they are rounded once), 0 below -103.97; NaN stays NaN.
#[inline(always)]
pub fn exp(v: F32x4) -> F32x4 {
    let v = x::min_nan(x::max_nan(v, splat(-104.0)), splat(89.0));
    let n = x::round_even(v.mul(splat(core::f32::consts::LOG2_E)));
    let r = n.mul_add(splat(-LN2_HI), v);
    let r = n.mul_add(splat(-LN2_LO), r);
    let p = horner(r, &EXP_POLY);
    let y = p.mul(r.mul(r)).add(r).add(splat(1.0));
    let ni = x::to_i32(n);
    let half = ni.shr::<1>();
    y.mul(pow2i(half)).mul(pow2i(ni.sub(half)))
}

/// ln x. ln 0 = -inf, ln of negatives or NaN = NaN, ln inf = inf; subnormals are exact.
#[inline(always)]
pub fn log(v: F32x4) -> F32x4 {
    // Lift subnormals into the normal range so the exponent field is meaningful.
    let tiny = x::lt(v, splat(f32::MIN_POSITIVE));
    let scaled = tiny.select(v.mul(splat(8_388_608.0)), v); // · 2^23
    let bits = x::to_bits(scaled);
    let mut e = bits
        .shr::<23>()
        .and(I32x4::splat(0xff))
        .sub(I32x4::splat(126))
        .sub(tiny.and(I32x4::splat(23)));
    // m in [0.5, 1): mantissa with the exponent of 0.5.
    let m = x::from_bits(
        bits.and(I32x4::splat(0x007f_ffff))
            .or(I32x4::splat(0x3f00_0000)),
    );
    let below = x::lt(m, splat(core::f32::consts::FRAC_1_SQRT_2));
    e = e.add(below); // mask lanes are -1
    let t = below.select(m.add(m), m).sub(splat(1.0));
    let z = t.mul(t);
    let p = horner(
        t,
        &[
            7.037_683_6e-2,
            -1.151_461e-1,
            1.167_699_9e-1,
            -1.242_014_1e-1,
            1.424_932_3e-1,
            -1.666_805_8e-1,
            2.000_071_5e-1,
            -2.499_999_4e-1,
            3.333_333e-1,
        ],
    );
    let ef = x::to_f32(e);
    let y = p.mul(t).mul(z);
    let y = ef.mul_add(splat(LN2_LO), y);
    let y = z.mul_add(splat(-0.5), y);
    let r = ef.mul_add(splat(LN2_HI), t.add(y));
    let r = x::eq(v, splat(0.0)).select(splat(f32::NEG_INFINITY), r);
    let r = x::eq(v, splat(f32::INFINITY)).select(v, r);
    // Negative inputs and NaN (the comparison is false for NaN) give NaN.
    x::ge(v, splat(0.0)).select(r, splat(f32::NAN))
}

/// Past this |x| (octant j ≥ 2^12, where j·DPi stops being exact) sin/cos lanes are
/// recomputed in f64, whose range reduction is exact.
pub const TRIG_SIMD_LIMIT: f32 = 3216.0;

const FOUR_OVER_PI: f32 = core::f32::consts::FRAC_2_PI * 2.0;
// π/4 = DP1 + DP2 + DP3 + DP4 (to 2^-70). DP1..DP3 have 12 significant bits, so j·DPi is
// exact for j < 2^12 and the reduced argument stays accurate next to the zeros of sin/cos.
const DP1: f32 = 0.785_400_4;
const DP2: f32 = -2.226_792_3e-6;
const DP3: f32 = -4.353_069e-10;
const DP4: f32 = 3.111_686e-14;

/// sin or cos: reduce |x| to z in [-π/4, π/4] around octant j, pick the polynomial and the
/// sign from j. `cos` shifts the octant by 2 (cos x = sin(x + π/2)).
#[inline(always)]
fn sincos(v: F32x4, cos: bool) -> F32x4 {
    let a = x::abs(v);
    let j = x::to_i32(a.mul(splat(FOUR_OVER_PI)));
    let j = j.add(I32x4::splat(1)).and(I32x4::splat(!1));
    let jf = x::to_f32(j);
    let z = jf.mul_add(splat(-DP1), a);
    let z = jf.mul_add(splat(-DP2), z);
    let z = jf.mul_add(splat(-DP3), z);
    let z = jf.mul_add(splat(-DP4), z);
    let zz = z.mul(z);
    let cos_p = horner(zz, &[2.443_315_7e-5, -1.388_731_6e-3, 4.166_664_6e-2])
        .mul(zz.mul(zz))
        .add(zz.mul_add(splat(-0.5), splat(1.0)));
    let sin_p = horner(zz, &[-1.951_529_6e-4, 8.332_161e-3, -1.666_665_5e-1])
        .mul(zz.mul(z))
        .add(z);
    // Octant j is even here: bit 1 picks the polynomial, bit 2 flips the sign.
    let odd_octant = j.and(I32x4::splat(2)).eq(I32x4::splat(2));
    let (r, sign) = if cos {
        let sign = j.add(I32x4::splat(2)).and(I32x4::splat(4)).shl::<29>();
        (odd_octant.select(sin_p, cos_p), sign)
    } else {
        let flip = j.and(I32x4::splat(4)).shl::<29>();
        let sign_x = x::to_bits(v).and(I32x4::splat(i32::MIN));
        (odd_octant.select(cos_p, sin_p), flip.xor(sign_x))
    };
    let r = x::from_bits(x::to_bits(r).xor(sign));
    let far = x::gt(a, splat(TRIG_SIMD_LIMIT)).or(x::ne(v, v));
    if far.any() {
        return big_lanes(v, r, cos);
    }
    r
}

/// Recomputes lanes with |x| past the SIMD limit (and inf/NaN) in f64.
#[cold]
#[inline(never)]
fn big_lanes(v: F32x4, r: F32x4, cos: bool) -> F32x4 {
    let (vs, mut rs) = (v.to_array(), r.to_array());
    for i in 0..4 {
        if vs[i].abs() > TRIG_SIMD_LIMIT || vs[i].is_nan() {
            let d = vs[i] as f64;
            rs[i] = if cos { d.cos() } else { d.sin() } as f32;
        }
    }
    // SAFETY: `rs` holds four floats.
    unsafe { F32x4::load(rs.as_ptr()) }
}

/// sin x (|x| ≤ `TRIG_SIMD_LIMIT` in SIMD, beyond that exact f64 reduction).
#[inline(always)]
pub fn sin(v: F32x4) -> F32x4 {
    sincos(v, false)
}

/// cos x (|x| ≤ `TRIG_SIMD_LIMIT` in SIMD, beyond that exact f64 reduction).
#[inline(always)]
pub fn cos(v: F32x4) -> F32x4 {
    sincos(v, true)
}

/// tanh x: an odd polynomial below |x| = 0.625, `1 - 2/(e^{2|x|} + 1)` with x's sign above.
#[inline(always)]
pub fn tanh(v: F32x4) -> F32x4 {
    let a = x::abs(v);
    let z = v.mul(v);
    let p = horner(
        z,
        &[
            -5.704_988_7e-3,
            2.063_909e-2,
            -5.373_971_6e-2,
            1.333_144_2e-1,
            -3.333_328e-1,
        ],
    );
    let small = v.mul(z).mul_add(p, v);
    let e = exp(a.add(a));
    let large = splat(1.0).sub(splat(2.0).div(e.add(splat(1.0))));
    let sign = x::to_bits(v).and(I32x4::splat(i32::MIN));
    let large = x::from_bits(x::to_bits(large).or(sign));
    x::lt(a, splat(0.625)).select(small, large)
}

/// 1 / (1 + e^-x), computed as `e/(1+e)` with `e = e^x` for negative x so that tiny results
/// keep their precision instead of flushing to 0.
#[inline(always)]
pub fn sigmoid(v: F32x4) -> F32x4 {
    let e = exp(x::neg(x::abs(v)));
    let d = e.add(splat(1.0));
    let r = splat(1.0).div(d);
    x::lt(v, splat(0.0)).select(e.div(d), r)
}
