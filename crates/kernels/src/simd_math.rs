//! exp, log, tanh and sigmoid (and sin, cos) on four f32 lanes, in the manner of XNNPACK's
//! f32-vsigmoid / f32-velu / f32-raddstoreexpminusmax kernels: a branch-free range
//! reduction with the "magic bias" trick (adding 1.5·2^23 rounds to an integer whose low
//! mantissa bits, shifted into the exponent field, are 2^n directly), then a minimax
//! polynomial. The fits are this crate's own (`crates/kernels/fits/minimax.py`). Inputs
//! whose result leaves the normal range (exp past |x| = 87, log of subnormals, zero,
//! negatives, inf, NaN) take a cold path per vector, so the common loop carries one compare
//! and a branch instead of clamps and selects.
//!
//! Accuracy, over every f32 bit pattern against f64 references rounded to f32
//! (`tests/simd_math.rs`, the `*_for_every_f32` tests, with and without fused multiply-add):
//! recorded in docs/testing.md ("Kernel accuracy"). sin/cos keep Cephes' reduction; lanes
//! with |x| > `TRIG_SIMD_LIMIT` are recomputed in f64, where the four-part reduction by π/4
//! would stop being exact.

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

/// The same polynomial as `horner` by Estrin's scheme: pairs `c_2j + c_2j+1·t` combined
/// with t², t⁴, …, so that the longest chain of dependent steps is about log2 of the degree
/// (Horner's is the degree): more operations, but independent ones, which the out-of-order
/// core overlaps.
#[inline(always)]
pub(crate) fn estrin(t: F32x4, p: &[f32]) -> F32x4 {
    let n = p.len();
    debug_assert!((1..=16).contains(&n));
    // Ascending coefficient j is p[n - 1 - j].
    let mut terms = [splat(0.0); 8];
    let mut m = 0;
    while 2 * m < n {
        let j = 2 * m;
        terms[m] = if j + 1 < n {
            splat(p[n - 2 - j]).mul_add(t, splat(p[n - 1 - j]))
        } else {
            splat(p[n - 1 - j])
        };
        m += 1;
    }
    let mut power = t.mul(t);
    while m > 1 {
        let mut k = 0;
        while 2 * k < m {
            terms[k] = if 2 * k + 1 < m {
                terms[2 * k + 1].mul_add(power, terms[2 * k])
            } else {
                terms[2 * k]
            };
            k += 1;
        }
        m = k;
        if m > 1 {
            power = power.mul(power);
        }
    }
    terms[0]
}

/// 2^n for integer lanes n in [-126, 127].
#[inline(always)]
fn pow2i(n: I32x4) -> F32x4 {
    x::from_bits(n.add(I32x4::splat(127)).shl::<23>())
}

pub(crate) const LN2_HI: f32 = 0.693_359_4; // 0.693359375: few mantissa bits, so n·LN2_HI is exact
pub(crate) const LN2_LO: f32 = -2.121_944_4e-4;
/// 1.5·2^23 + 127: `v + MAGIC` for |v| < 2^22 holds round(v) + 127 in its low mantissa
/// bits, so shifting its bits left by 23 gives the float 2^round(v) (for round(v) in
/// [-126, 127]) and subtracting it back gives round(v).
const MAGIC: f32 = 12_583_039.0;
const SIGN: i32 = i32::MIN;

/// `(e^r − 1 − r)/r`'s minimax fit on |r| ≤ ln2/2, highest degree first, ending in the
/// fixed 1 of `e^r = 1 + r·q(r)`.
const EXP_Q: [f32; 6] = [
    1.381_459_9e-3,
    8.368_717e-3,
    4.166_839e-2,
    1.666_652_1e-1,
    4.999_999_4e-1,
    1.0,
];

/// `n = round(v/ln2)`, `s = 2^n` (valid for n in [-126, 127]) and `r = v − n·ln2`
/// (|r| ≤ ln2/2, in two steps so that it is exact to the last bits).
#[inline(always)]
pub(crate) fn exp_reduce(v: F32x4) -> (F32x4, F32x4, F32x4) {
    let z = v.mul_add(splat(core::f32::consts::LOG2_E), splat(MAGIC));
    let s = x::from_bits(x::to_bits(z).shl::<23>());
    let n = z.sub(splat(MAGIC));
    let r = n.mul_add(splat(-LN2_HI), v);
    let r = n.mul_add(splat(-LN2_LO), r);
    (n, s, r)
}

/// e^x for |x| ≤ 87 (the result and 2^n are normal); NaN stays NaN.
#[inline(always)]
pub(crate) fn exp_normal(v: F32x4) -> F32x4 {
    let (_, s, r) = exp_reduce(v);
    r.mul(s).mul_add(horner(r, &EXP_Q), s)
}

/// Past this |x| e^x or its 2^n may leave the normal range: `exp_far` takes the vector.
const EXP_FAST_LIMIT: f32 = 87.0;

/// e^x. Overflows to +inf past 88.72, gives subnormals below -87.34 (rounded once), 0 below
/// -103.97 and at -inf; NaN stays NaN.
#[inline(always)]
pub fn exp(v: F32x4) -> F32x4 {
    let f = exp_normal(v);
    let far = x::gt(x::abs(v), splat(EXP_FAST_LIMIT));
    if far.any() {
        return exp_far(v, f, far);
    }
    f
}

/// The lanes of `far` (|x| > 87, ±inf) by scaling e^r with 2^n as two halves, so that a
/// subnormal result is rounded once; the other lanes keep `f`.
#[cold]
#[inline(never)]
fn exp_far(v: F32x4, f: F32x4, far: I32x4) -> F32x4 {
    let c = x::min_nan(x::max_nan(v, splat(-104.0)), splat(89.0));
    let (n, _, r) = exp_reduce(c);
    let er = r.mul_add(horner(r, &EXP_Q), splat(1.0));
    let ni = x::to_i32(n);
    let half = ni.shr::<1>();
    let y = er.mul(pow2i(half)).mul(pow2i(ni.sub(half)));
    far.select(y, f)
}

/// `R(z)` of `log1p f = f − f²/2 + s·(f²/2 + R(s²))`, `s = f/(2+f)`: minimax in z = s² for
/// 1+f in [√½, √2), highest degree first (times z).
const LOG_R: [f32; 3] = [2.987_120_7e-1, 3.997_756_5e-1, 6.666_677_6e-1];
/// The bits of √½: `bits(x) − bits(√½)` has the exponent k with x/2^k in [√½, √2).
pub(crate) const SQRT_HALF_BITS: i32 = 0x3f35_04f3;

/// ln x for normal positive lanes, `bias` subtracted from their exponents (the cold path
/// passes subnormals scaled by 2^23 with bias 23).
#[inline(always)]
fn log_normal(v: F32x4, bias: I32x4) -> F32x4 {
    let i = x::to_bits(v).add(I32x4::splat(0x3f80_0000 - SQRT_HALF_BITS));
    let k = x::to_f32(i.shr::<23>().sub(I32x4::splat(127)).sub(bias));
    let m = x::from_bits(
        i.and(I32x4::splat(0x007f_ffff))
            .add(I32x4::splat(SQRT_HALF_BITS)),
    );
    // m − 1 is exact (Sterbenz); so is k·LN2_HI.
    log_poly(k, m.sub(splat(1.0)))
}

/// `(log1p f − f + f²/2)/f³`'s minimax fit for 1+f in [√½, √2), highest degree first
/// (`crates/kernels/fits/minimax.py`), in relative error of log1p f.
const LOG_P: [f32; 8] = [
    -7.634_474e-2,
    1.276_234_7e-1,
    -1.316_054_6e-1,
    1.420_168e-1,
    -1.662_331_5e-1,
    2.000_122_8e-1,
    -2.500_082_3e-1,
    3.333_333e-1,
];

/// `k·ln2 + log1p f` for f = m − 1 in [√½ − 1, √2 − 1] as `f − f²/2 + f³·P(f)`: no division
/// (`log_of_parts`' `f/(2+f)` is the slowest step of its chain), P by Estrin's scheme.
#[inline(always)]
fn log_poly(k: F32x4, f: F32x4) -> F32x4 {
    let f2 = f.mul(f);
    let p = estrin(f, &LOG_P);
    let t = f2.mul(f).mul_add(p, k.mul(splat(LN2_LO)));
    let hfsq = f2.mul(splat(0.5));
    k.mul_add(splat(LN2_HI), f.sub(hfsq.sub(t)))
}

/// `k·ln2 + log1p f` for f in [√½ − 1, √2 − 1] (log1p passes an f that carries the rounding
/// error of 1 + x, so it need not be a float minus 1).
#[inline(always)]
pub(crate) fn log_of_parts(k: F32x4, f: F32x4) -> F32x4 {
    let s = f.div(f.add(splat(2.0)));
    let z = s.mul(s);
    let r = horner(z, &LOG_R).mul(z);
    let hfsq = f.mul(f).mul(splat(0.5));
    let t = s.mul_add(hfsq.add(r), k.mul(splat(LN2_LO)));
    k.mul_add(splat(LN2_HI), f.sub(hfsq.sub(t)))
}

/// ln x. ln 0 = -inf, ln of negatives or NaN = NaN, ln inf = inf; subnormals are exact.
#[inline(always)]
pub fn log(v: F32x4) -> F32x4 {
    let y = log_normal(v, I32x4::splat(0));
    // Positive normal bits [0x0080_0000, 0x7f7f_ffff] move to [i32::MIN, -0x0100_0001] by
    // this wrapping add, and every other pattern (zero, subnormal, inf, NaN, negative) lands
    // above: one compare finds the lanes for the cold path.
    let special = x::to_bits(v)
        .add(I32x4::splat(0x7f80_0000))
        .gt(I32x4::splat(-0x0100_0001));
    if special.any() {
        return log_special(v);
    }
    y
}

/// ln x for a vector holding a zero, subnormal, negative, infinite or NaN lane.
#[cold]
#[inline(never)]
fn log_special(v: F32x4) -> F32x4 {
    // Lift subnormals (and zeros, fixed below) into the normal range.
    let tiny = x::lt(x::abs(v), splat(f32::MIN_POSITIVE));
    let scaled = tiny.select(v.mul(splat(8_388_608.0)), v); // · 2^23
    let r = log_normal(scaled, tiny.and(I32x4::splat(23)));
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

/// `(expm1 t − t)/t²`'s minimax fit on |t| ≤ ln2/2, highest degree first.
const EXPM1_P: [f32; 5] = [
    1.388_252_1e-3,
    8.366_520_5e-3,
    4.166_72e-2,
    1.666_654_3e-1,
    4.999_999_7e-1,
];
/// e^z − 1 as `(2^n − 1) + 2^n·expm1 t` (n = round(z/ln2), t = z − n·ln2), which keeps its
/// relative accuracy at n = 0, where t = z exactly; for z in [-25, 87] (2^n normal).
#[inline(always)]
pub(crate) fn expm1_normal(z: F32x4) -> F32x4 {
    let (_, s, t) = exp_reduce(z);
    let tp = horner(t, &EXPM1_P).mul(t);
    let ts = t.mul(s);
    ts.mul_add(tp, ts).add(s.sub(splat(1.0)))
}

/// tanh's argument `-2|x|` is clamped here: below -18.03 tanh rounds to ±1 already, and the
/// clamp keeps 2^n normal.
const TANH_CUTOFF: f32 = -18.5;

/// tanh x as `-expm1(z)/(expm1(z) + 2)` with z = -2|x| and x's sign, where
/// `expm1 z = (2^n − 1) + 2^n·expm1 t` keeps its relative accuracy at n = 0 (small |x|).
#[inline(always)]
pub fn tanh(v: F32x4) -> F32x4 {
    // A compare and select, false for NaN, which stays NaN: not pmax, which the relaxed
    // build may turn into an x86 max that drops it.
    let z = x::abs(v).mul(splat(-2.0));
    let z = x::lt(z, splat(TANH_CUTOFF)).blend(splat(TANH_CUTOFF), z);
    let em1 = expm1_normal(z);
    let y = em1.div(em1.add(splat(2.0)));
    // |y| with x's sign: tanh(±0) = ±0.
    x::from_bits(
        x::to_bits(y)
            .and(I32x4::splat(i32::MAX))
            .or(x::to_bits(v).and(I32x4::splat(SIGN))),
    )
}

/// 1 / (1 + e^-x), as `1/(1+e)` for x ≥ 0 and `e/(1+e)` for x < 0 with `e = e^-|x|`, so that
/// tiny results keep their precision (down to subnormals) instead of flushing to 0.
#[inline(always)]
pub fn sigmoid(v: F32x4) -> F32x4 {
    let e = exp(x::from_bits(x::to_bits(v).or(I32x4::splat(SIGN))));
    let num = x::lt(v, splat(0.0)).blend(e, splat(1.0));
    num.div(e.add(splat(1.0)))
}
