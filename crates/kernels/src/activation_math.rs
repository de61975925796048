//! erf, GELU (erf and tanh forms) and SiLU on four f32 lanes, in the manner of XNNPACK's
//! f32-verf/f32-vgelu: clamp, reduce to a range, evaluate a minimax fit. The fits are this
//! crate's own (Lawson-weighted least squares for the relative error, in f64):
//!
//! - `erf(x) = x·P(x²)` on |x| < 1, P of degree 6 (fit error 1.2e-9);
//! - erf's tail on 1 ≤ |x| ≤ 4 as `1 − P(|x| − 5/2)`, P of degree 14 in absolute error;
//! - `erfc(a) = e^{-a²}·R(a)` on a ∈ [0.5, 10.5] for GELU's tail, where relative accuracy
//!   counts, R a (4, 5) rational (fit error 7.3e-10),
//!   with `a²` carried as its f32 rounding plus the exact remainder so that e^{-a²} keeps its
//!   relative accuracy deep into the tail, where the rounding of `a²` alone would cost |a²|
//!   ulps.
//!
//! Measured against f64 references (`tests/activation_math.rs`): erf 1 ulp over every f32
//! input (with and without FMA); over a dense sweep (tails, ±inf and NaN included) gelu 7
//! (2 above x ≈ -0.7), gelu tanh 6, silu 3.
//! GELU's negative tail comes from `erfc` directly rather than `1 + erf`, which would cancel;
//! the tanh form's argument is formed in f64 per lane for the same reason.

use crate::simd::F32x4;
use crate::simd_ext::{self as x, I32x4};
use crate::simd_math::{estrin, exp, exp_normal, horner};

#[inline(always)]
fn splat(v: f32) -> F32x4 {
    F32x4::splat(v)
}

/// erf(x)/x − 1 on x² ∈ [0, 1], highest degree first (the fit of erf(x)/x with its constant
/// 2/√π lowered by 1: see `erf_small`).
const ERF_SMALL: [f32; 7] = [
    7.854_001e-5,
    -8.010_24e-4,
    5.188_334e-3,
    -2.685_381_5e-2,
    1.128_358_5e-1,
    -3.761_262_6e-1,
    0.128_379_17, // 2/√π − 1
];

/// erf x for |x| < 1 as `x + x·(erf(x)/x − 1)`: the last step adds a correction of about a
/// ninth of x, so the rounding errors of the polynomial reach the result an ninth as large
/// as they would through `x·(erf(x)/x)` (which measured 3 ulps without FMA).
#[inline(always)]
fn erf_small(v: F32x4) -> F32x4 {
    v.mul(horner(v.mul(v), &ERF_SMALL)).add(v)
}

/// `erf_small` with the polynomial by Estrin's scheme, for `erf`, which evaluates it beside
/// the tail: short chains let the two overlap.
#[inline(always)]
fn erf_small_estrin(v: F32x4) -> F32x4 {
    v.mul(estrin(v.mul(v), &ERF_SMALL)).add(v)
}
/// erfc(a)·e^{a²} = P(a)/Q(a) on [0.5, 10.5], highest degree first; Q's constant is 1.
const ERFCX_P: [f32; 5] = [
    4.356_013_5e-2,
    2.729_378_4e-1,
    8.170_637e-1,
    1.313_105_5,
    1.000_009_8,
];
const ERFCX_Q: [f32; 6] = [
    7.720_804e-2,
    4.837_819e-1,
    1.486_589_7,
    2.571_666_5,
    2.441_580_2,
    1.0,
];
/// Past this |a| erfc(a)·e^{a²} is never needed: erfc underflows f32 entirely.
const ERFC_LIMIT: f32 = 10.5;

/// `v` with its low 12 mantissa bits cleared: products of such heads are exact in f32.
#[inline(always)]
fn head(v: F32x4) -> F32x4 {
    x::from_bits(x::to_bits(v).and(I32x4::splat(!0xfff)))
}

/// `s·erfc(a)` for a ≥ 0.5 (capped at `ERFC_LIMIT`), where `a² = hi + lo` is given split.
/// `s·R(a)` is formed first and e^{-a²} applied last: for the callers `|s·R(a)| < 1`, so a
/// subnormal e^{-a²} is never scaled up into a normal result with its lost bits.
#[inline(always)]
fn erfc_tail(a: F32x4, hi: F32x4, lo: F32x4, s: F32x4) -> F32x4 {
    let a = x::min_nan(a, splat(ERFC_LIMIT));
    // e^{-(hi+lo)} = e^{-hi}·(1 - lo) to within lo², far below one ulp.
    let e = exp(x::neg(hi)).mul(splat(1.0).sub(lo));
    // The ratio first: s may be near the f32 limit (gelu's x), P(a) is ~10³.
    s.mul(horner(a, &ERFCX_P).div(horner(a, &ERFCX_Q))).mul(e)
}

/// `a²` for a ≥ 0 as its f32 rounding and the exact remainder (Dekker's product: the
/// 12-bit halves of `a` multiply exactly).
#[inline(always)]
fn square_split(a: F32x4) -> (F32x4, F32x4) {
    let h = head(a);
    let l = a.sub(h);
    let hi = a.mul(a);
    let hl = h.mul(l);
    let lo = h.mul(h).sub(hi).add(hl.add(hl)).add(l.mul(l));
    (hi, lo)
}

/// Copies the sign of `s` onto the non-negative lanes of `v`.
#[inline(always)]
fn with_sign_of(v: F32x4, s: F32x4) -> F32x4 {
    x::from_bits(x::to_bits(v).or(x::to_bits(s).and(I32x4::splat(i32::MIN))))
}

/// erfc(a) for a ∈ [1, 4] as a polynomial in `a − 5/2`, highest degree first: absolute
/// error 1.3e-8 (`crates/kernels/fits/minimax.py`), which is all that `1 − erfc` needs.
const ERFC_MID: [f32; 15] = [
    -8.961_361e-7,
    -5.093_404_5e-7,
    1.576_799_9e-5,
    -1.768_168e-5,
    -8.125_662e-5,
    2.703_979_8e-4,
    -2.584_807_2e-4,
    -5.600_641e-4,
    2.797_349e-3,
    -6.109_303e-3,
    8.622_685e-3,
    -8.351_715e-3,
    5.445_676_4e-3,
    -2.178_188_9e-3,
    4.069_526_6e-4,
];

/// erf x: `x·P(x²)` below |x| = 1, `±(1 − erfc|x|)` above with erfc from one polynomial
/// (no exp, no division); ±1 past |x| ≈ 3.92, NaN stays NaN.
#[inline(always)]
pub fn erf(v: F32x4) -> F32x4 {
    let a = x::abs(v);
    let small = erf_small_estrin(v);
    // The tail is skipped when no lane needs it (NaN lanes are NaN either way).
    let tail = x::ge(a, splat(1.0));
    if !tail.any() {
        return small;
    }
    // Past 4, erfc(4) = 1.5e-8 is below half an ulp of 1, as is every erfc beyond:
    // the cap gives ±1. `a − 5/2` is exact for a in [1, 4]. pmin keeps a NaN `a` (one
    // instruction; `min_nan` takes several for its NaN rules).
    let u = x::pmin(a, splat(4.0)).sub(splat(2.5));
    let large = with_sign_of(splat(1.0).sub(estrin(u, &ERFC_MID)), v);
    tail.blend(large, small)
}

/// GELU, exact form: `x·Φ(x)` with `Φ(x) = ½(1 + erf(x/√2))`; for x/√2 < −0.5, `x·½·erfc(|x|/√2)`
/// straight from the tail, so tiny results keep their relative accuracy. gelu(−inf) is NaN
/// (−inf·0), as torch computes it.
#[inline(always)]
pub fn gelu(v: F32x4) -> F32x4 {
    let u = v.mul(splat(core::f32::consts::FRAC_1_SQRT_2));
    let a = x::abs(u);
    let phi_small = erf_small(u).mul_add(splat(0.5), splat(0.5));
    let use_small = x::ge(u, splat(-0.5)).and(x::lt(u, splat(1.0)));
    // As in `erf`: the tail only when a lane needs it (NaN lanes take it).
    if use_small.bitmask() == 0b1111 {
        return v.mul(phi_small);
    }
    // u² = x²/2 from the split of x itself (halving is exact). x is capped where e^{-x²/2}
    // is 0 in f32, so that −inf still meets a zero factor.
    let xc = x::min_nan(x::abs(v), splat(30.0));
    let (hi, lo) = square_split(xc);
    let neg = x::lt(u, splat(0.0));
    let half = splat(0.5);
    let t = erfc_tail(a, hi.mul(half), lo.mul(half), neg.select(v.mul(half), half));
    // u < 0: t = x·½erfc(|u|); u > 0: t = ½erfc(u) and Φ = 1 − t.
    let large = neg.select(t, v.mul(splat(1.0).sub(t)));
    use_small.select(v.mul(phi_small), large)
}

/// √(2/π)·2 and √(2/π)·2·0.044715, the tanh form's argument `2z = x·(C1 + C3·x²)`.
const GELU_TANH_C1: f64 = 1.595_769_121_605_730_7;
const GELU_TANH_C3: f64 = 0.071_354_816_272_919_7;

/// `2z` of the tanh form per lane in f64 (x³ and the constants would otherwise cost
/// |2z| ulps in e^{2z}), returned as an f32 head and tail.
#[inline(always)]
fn gelu_tanh_arg(v: F32x4) -> (F32x4, F32x4) {
    let xs = v.to_array();
    let mut hi = [0f32; 4];
    let mut lo = [0f32; 4];
    for i in 0..4 {
        let d = xs[i] as f64;
        let s = d * (GELU_TANH_C1 + GELU_TANH_C3 * d * d);
        hi[i] = s as f32;
        lo[i] = if hi[i].is_finite() {
            (s - hi[i] as f64) as f32
        } else {
            0.0
        };
    }
    // SAFETY: both arrays hold four floats.
    unsafe { (F32x4::load(hi.as_ptr()), F32x4::load(lo.as_ptr())) }
}

/// GELU, tanh form: `½x(1 + tanh z) = x·σ(2z)`, z = √(2/π)(x + 0.044715x³); σ of a negative
/// argument as `e/(1+e)` with `e = e^{2z}` applied as two halves (see `silu`).
#[inline(always)]
pub fn gelu_tanh(v: F32x4) -> F32x4 {
    let (hi, lo) = gelu_tanh_arg(v);
    x_sigmoid(v, hi, lo)
}

/// `x·σ(s)` for `s = hi + lo`. For s < 0 it is `(x·h)·h / (1 + h²)` with `h = e^{s/2}`: the
/// product that may be subnormal is the last one, rounded once.
#[inline(always)]
fn x_sigmoid(v: F32x4, hi: F32x4, lo: F32x4) -> F32x4 {
    let neg = x::lt(hi, splat(0.0));
    let m = neg.select(hi, x::neg(hi));
    let ml = neg.select(lo, x::neg(lo));
    let h = exp(m.mul(splat(0.5))).mul(ml.mul_add(splat(0.5), splat(1.0)));
    let d = h.mul_add(h, splat(1.0));
    neg.select(v.mul(h).mul(h), v).div(d)
}

/// Below this |x| SiLU takes sigmoid's quotient: e^{-|x|} and the result are normal.
const SILU_FAST_LIMIT: f32 = 80.0;

/// SiLU: `x·σ(x)`, as `x/(1+e)` for x ≥ 0 and `x·e/(1+e)` for x < 0 with `e = e^{-|x|}`
/// when every lane is within ±80 (NaN lanes too, which stay NaN); otherwise `x_sigmoid`,
/// whose split keeps tiny results accurate where `e` would be subnormal.
#[inline(always)]
pub fn silu(v: F32x4) -> F32x4 {
    let a = x::abs(v);
    if x::gt(a, splat(SILU_FAST_LIMIT)).any() {
        return x_sigmoid(v, v, splat(0.0));
    }
    let e = exp_normal(x::neg(a));
    x::lt(v, splat(0.0))
        .select(v.mul(e), v)
        .div(e.add(splat(1.0)))
}
