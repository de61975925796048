//! Bench-only exports (cargo feature `pass-probes`, never in the shipped builds): softmax's
//! passes over rows one at a time, so that `bench/softmax-passes.mjs` can time each and set
//! it against its floor in cycles per vector. Each takes `rows` rows of `n` floats.

use crate::exp_shifted::{exp_nonpositive, exp_nonpositive_normal};
use crate::simd::F32x4;
use crate::simd_math::{horner, LN2_HI, LN2_LO};
use crate::softmax::{exp_sum_with, map_row, row_max, row_max_min, softmax_row};

/// `2·iters` dependent single-cycle integer vector operations (`(v + w) ^ u`), to read
/// the clock in the same process.
#[no_mangle]
pub unsafe extern "C" fn probe_clock(iters: usize, p: *const f32) -> f32 {
    let load = |k: usize| crate::simd_ext::to_bits(F32x4::load(p.add(4 * k)));
    let (mut v, w, u) = (load(0), load(1), load(2));
    for _ in 0..iters {
        v = v.add(w).xor(u);
    }
    crate::simd_ext::from_bits(v).lane(0)
}

/// Load and store, no arithmetic: the memory floor of a pass over the row.
#[no_mangle]
pub unsafe extern "C" fn probe_copy(rows: usize, n: usize, x: *const f32, out: *mut f32) {
    for r in 0..rows {
        map_row(x.add(r * n), out.add(r * n), n, |v| v);
    }
}

/// The max pass as softmax runs it (maximum and minimum).
#[no_mangle]
pub unsafe extern "C" fn probe_max_min(rows: usize, n: usize, x: *const f32) -> f32 {
    let mut s = 0.0;
    for r in 0..rows {
        let (m, mn) = row_max_min(x.add(r * n), n);
        s += m - mn;
    }
    s
}

/// The maximum only.
#[no_mangle]
pub unsafe extern "C" fn probe_max(rows: usize, n: usize, x: *const f32) -> f32 {
    let mut s = 0.0;
    for r in 0..rows {
        s += row_max(x.add(r * n), n);
    }
    s
}

/// The exp, sum and store pass over every row with the given exp.
unsafe fn exp_pass(
    rows: usize,
    n: usize,
    x: *const f32,
    out: *mut f32,
    max: f32,
    exp: impl Fn(F32x4) -> F32x4 + Copy,
) -> f32 {
    let mut s = 0.0;
    for r in 0..rows {
        s += exp_sum_with(x.add(r * n), n, max, Some(out.add(r * n)), exp);
    }
    s
}

/// An export running `exp_pass` with the given exp.
macro_rules! probe_exp_pass {
    ($(#[$doc:meta])* $name:ident, $exp:expr) => {
        $(#[$doc])*
        #[no_mangle]
        pub unsafe extern "C" fn $name(rows: usize, n: usize, x: *const f32, out: *mut f32, max: f32) -> f32 {
            exp_pass(rows, n, x, out, max, $exp)
        }
    };
}
probe_exp_pass!(
    /// The exp, sum and store pass (no flush: the inputs are within 87 of `max`).
    probe_exp,
    exp_nonpositive_normal
);
probe_exp_pass!(
    /// The same with the flushing exp (compare and mask per vector).
    probe_exp_flush,
    exp_nonpositive
);

/// The scale pass, in place.
#[no_mangle]
pub unsafe extern "C" fn probe_scale(rows: usize, n: usize, out: *mut f32, inv: f32) {
    for r in 0..rows {
        let o = out.add(r * n);
        map_row(o, o, n, |v| v.mul(F32x4::splat(inv)));
    }
}

/// The whole row kernel, for the sum of the passes.
#[no_mangle]
pub unsafe extern "C" fn probe_row(rows: usize, n: usize, x: *const f32, out: *mut f32) {
    for r in 0..rows {
        softmax_row(x.add(r * n), out.add(r * n), n, false);
    }
}

/// The exp pass unrolled over `U` vectors with `U` sums.
unsafe fn exp_unrolled<const U: usize>(
    x: *const f32,
    out: *mut f32,
    n: usize,
    max: f32,
    exp: impl Fn(F32x4) -> F32x4,
) -> f32 {
    let m = F32x4::splat(max);
    let mut acc = [F32x4::splat(0.0); U];
    let mut j = 0;
    while j + 4 * U <= n {
        for (k, a) in acc.iter_mut().enumerate() {
            let e = exp(F32x4::load(x.add(j + 4 * k)).sub(m));
            e.store(out.add(j + 4 * k));
            *a = a.add(e);
        }
        j += 4 * U;
    }
    let mut t = F32x4::splat(0.0);
    for a in acc {
        t = t.add(a);
    }
    t.lane(0) + t.lane(1) + t.lane(2) + t.lane(3)
}

macro_rules! probe_exp_unrolled {
    ($name:ident, $u:literal, $exp:expr) => {
        #[no_mangle]
        pub unsafe extern "C" fn $name(
            rows: usize,
            n: usize,
            x: *const f32,
            out: *mut f32,
            max: f32,
        ) -> f32 {
            let mut s = 0.0;
            for r in 0..rows {
                s += exp_unrolled::<$u>(x.add(r * n), out.add(r * n), n, max, $exp);
            }
            s
        }
    };
}
probe_exp_unrolled!(probe_exp_u1, 1, exp_nonpositive_normal);
probe_exp_unrolled!(probe_exp_u2, 2, exp_nonpositive_normal);
probe_exp_unrolled!(probe_exp_u8, 8, exp_nonpositive_normal);
probe_exp_unrolled!(probe_exp_int_u4, 4, exp_nonpositive_normal_int);
probe_exp_unrolled!(probe_exp_int_u2, 2, exp_nonpositive_normal_int);

// Only the loads, the subtraction and the sums (no exp): the pass's frame.
probe_exp_unrolled!(probe_exp_none, 4, |v: F32x4| v);

/// 1.5·2^23: `v + BIAS` for |v| < 2^22 holds round(v) in its low mantissa bits, so that
/// its bits shifted left by 23 are `round(v) << 23`, 2^round(v)'s exponent step.
const BIAS: f32 = 12_582_912.0;

/// Tried, not shipped: `exp_nonpositive_normal` with 2^n applied by an integer add to the exponent of
/// `q = 1 + r·p(r)` rather than by two multiplications (`q ∈ [0.7, 1.42]`, and the result
/// is normal on [−87.33, 0], so the add neither borrows nor carries out of the exponent):
/// the same single rounding (of `q`), one operation fewer.
#[inline(always)]
pub fn exp_nonpositive_normal_int(v: F32x4) -> F32x4 {
    let z = v.mul_add(F32x4::splat(core::f32::consts::LOG2_E), F32x4::splat(BIAS));
    let n = z.sub(F32x4::splat(BIAS));
    let r = n.mul_add(F32x4::splat(-LN2_HI), v);
    let r = n.mul_add(F32x4::splat(-LN2_LO), r);
    let q = r.mul_add(horner(r, &crate::exp_shifted::EXP_P5), F32x4::splat(1.0));
    to_bits_add(q, z)
}

/// `q · 2^n` by adding `z`'s low bits, shifted into the exponent, to `q`'s bits. A NaN
/// input with a payload in its low 9 bits would come out as a number, which is why this
/// stays a probe.
#[inline(always)]
fn to_bits_add(q: F32x4, z: F32x4) -> F32x4 {
    use crate::simd_ext as x;
    x::from_bits(x::to_bits(q).add(x::to_bits(z).shl::<23>()))
}
