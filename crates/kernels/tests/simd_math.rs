//! The f32 transcendental approximations against f64 references rounded to f32, in ulps,
//! over a sweep of bit patterns that covers every binade (negative, subnormal, huge).

use tensorlane_kernels::testing::simd::F32x4;
use tensorlane_kernels::testing::{expm1_log1p, simd_math};

mod common;
use common::{ulps, worst_over_every_f32};

/// Every `step`-th f32 bit pattern plus hand-picked edge values.
fn inputs(step: u32) -> Vec<f32> {
    let mut v: Vec<f32> = (0..=u32::MAX / step)
        .map(|i| f32::from_bits(i * step))
        .collect();
    v.extend([
        0.0,
        -0.0,
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::NAN,
        f32::MIN_POSITIVE,
        1e-45,
        88.72,
        88.73,
        -87.3,
        -103.9,
        -104.0,
        0.625,
        -0.625,
        std::f32::consts::PI,
        std::f32::consts::FRAC_PI_2,
        8192.0,
        -8192.5,
        1e30,
    ]);
    v
}

fn worst(f: fn(F32x4) -> F32x4, reference: fn(f64) -> f64, step: u32) -> (u64, f32) {
    let xs = inputs(step);
    let mut worst = (0u64, 0f32);
    for chunk in xs.chunks(4) {
        let mut lanes = [0f32; 4];
        lanes[..chunk.len()].copy_from_slice(chunk);
        let got = unsafe { f(F32x4::load(lanes.as_ptr())) }.to_array();
        for (i, &x) in chunk.iter().enumerate() {
            let want = reference(x as f64) as f32;
            let d = ulps(got[i], want);
            if d > worst.0 {
                worst = (d, x);
            }
        }
    }
    worst
}

const STEP: u32 = 4099; // ~1M inputs per function: fast in debug builds

fn check(name: &str, f: fn(F32x4) -> F32x4, reference: fn(f64) -> f64, max_ulps: u64) {
    let (d, at) = worst(f, reference, STEP);
    println!("{name}: worst {d} ulps at {at:e}");
    assert!(
        d <= max_ulps,
        "{name}: {d} ulps at x = {at:e} (bits {:#x})",
        at.to_bits()
    );
}

#[test]
fn exp_within_2_ulps() {
    check("exp", simd_math::exp, f64::exp, 2);
}

#[test]
fn log_within_2_ulps() {
    check("log", simd_math::log, f64::ln, 2);
}

#[test]
fn sin_within_2_ulps() {
    check("sin", simd_math::sin, f64::sin, 2);
}

#[test]
fn cos_within_2_ulps() {
    check("cos", simd_math::cos, f64::cos, 2);
}

#[test]
fn tanh_within_2_ulps() {
    check("tanh", simd_math::tanh, f64::tanh, 2);
}

#[test]
fn sigmoid_within_2_ulps() {
    check(
        "sigmoid",
        simd_math::sigmoid,
        |x| 1.0 / (1.0 + (-x).exp()),
        2,
    );
}

#[test]
fn trig_is_accurate_near_multiples_of_half_pi() {
    // Cancellation in the range reduction is worst right next to the zeros of sin and cos.
    for k in -5000i32..5000 {
        let centre = (k as f64 * std::f64::consts::FRAC_PI_2) as f32;
        let mut x = centre.next_down().next_down().next_down();
        for _ in 0..7 {
            let lanes = F32x4::splat(x);
            for (f, r, name) in [
                (
                    simd_math::sin as fn(F32x4) -> F32x4,
                    f64::sin as fn(f64) -> f64,
                    "sin",
                ),
                (simd_math::cos, f64::cos, "cos"),
            ] {
                let got = f(lanes).to_array()[0];
                let want = r(x as f64) as f32;
                assert!(
                    ulps(got, want) <= 2,
                    "{name}({x:e}) = {got:e}, want {want:e}"
                );
            }
            x = x.next_up();
        }
    }
}

/// Every f32 bit pattern (2^32 per function, seconds to a minute each in a release build):
/// `cargo test --release --test simd_math -- --ignored`, and again with
/// `--features host-fma` for the fused rounding of the relaxed wasm build.
fn check_every_f32(name: &str, f: fn(F32x4) -> F32x4, reference: fn(f64) -> f64, max_ulps: u64) {
    let (d, at) = worst_over_every_f32(f, reference);
    println!(
        "{name}: worst {d} ulps over every f32, at {at:e} (bits {:#x})",
        at.to_bits()
    );
    assert!(
        d <= max_ulps,
        "{name}: {d} ulps at x = {at:e} (bits {:#x})",
        at.to_bits()
    );
}

#[test]
#[ignore = "every f32 bit pattern: run with --release -- --ignored"]
fn exp_within_2_ulps_for_every_f32() {
    check_every_f32("exp", simd_math::exp, f64::exp, 2);
}

#[test]
#[ignore = "every f32 bit pattern: run with --release -- --ignored"]
fn log_within_2_ulps_for_every_f32() {
    check_every_f32("log", simd_math::log, f64::ln, 2);
}

#[test]
#[ignore = "every f32 bit pattern: run with --release -- --ignored"]
fn tanh_within_2_ulps_for_every_f32() {
    check_every_f32("tanh", simd_math::tanh, f64::tanh, 2);
}

#[test]
#[ignore = "every f32 bit pattern: run with --release -- --ignored"]
fn sigmoid_within_2_ulps_for_every_f32() {
    check_every_f32(
        "sigmoid",
        simd_math::sigmoid,
        |x| 1.0 / (1.0 + (-x).exp()),
        2,
    );
}

#[test]
fn signed_zeros_and_infinities_are_exact() {
    let lanes = [0.0f32, -0.0, f32::INFINITY, f32::NEG_INFINITY];
    let v = unsafe { F32x4::load(lanes.as_ptr()) };
    let bits = |v: F32x4| v.to_array().map(f32::to_bits);
    let want = |a: [f32; 4]| a.map(f32::to_bits);
    assert_eq!(bits(simd_math::tanh(v)), want([0.0, -0.0, 1.0, -1.0]));
    assert_eq!(
        bits(simd_math::exp(v)),
        want([1.0, 1.0, f32::INFINITY, 0.0])
    );
    assert_eq!(bits(simd_math::sigmoid(v)), want([0.5, 0.5, 1.0, 0.0]));
    let l = simd_math::log(v).to_array();
    assert_eq!(
        l[..3],
        [f32::NEG_INFINITY, f32::NEG_INFINITY, f32::INFINITY]
    );
    assert!(l[3].is_nan());
    let l = simd_math::log(F32x4::splat(-1.0)).to_array();
    assert!(l.iter().all(|v| v.is_nan()));
}

#[test]
fn expm1_within_2_ulps() {
    check("expm1", expm1_log1p::expm1, f64::exp_m1, 2);
}

#[test]
fn log1p_within_2_ulps() {
    check("log1p", expm1_log1p::log1p, f64::ln_1p, 2);
}

#[test]
#[ignore = "every f32 bit pattern: run with --release -- --ignored"]
fn expm1_within_2_ulps_for_every_f32() {
    check_every_f32("expm1", expm1_log1p::expm1, f64::exp_m1, 2);
}

#[test]
#[ignore = "every f32 bit pattern: run with --release -- --ignored"]
fn log1p_within_2_ulps_for_every_f32() {
    check_every_f32("log1p", expm1_log1p::log1p, f64::ln_1p, 2);
}

#[test]
#[ignore = "every f32 bit pattern: run with --release -- --ignored"]
fn sin_within_2_ulps_for_every_f32() {
    check_every_f32("sin", simd_math::sin, f64::sin, 2);
}

#[test]
#[ignore = "every f32 bit pattern: run with --release -- --ignored"]
fn cos_within_2_ulps_for_every_f32() {
    check_every_f32("cos", simd_math::cos, f64::cos, 2);
}

#[test]
fn expm1_and_log1p_keep_signed_zeros_and_edges() {
    let lanes = [0.0f32, -0.0, f32::INFINITY, f32::NEG_INFINITY];
    let v = unsafe { F32x4::load(lanes.as_ptr()) };
    let bits = |v: F32x4| v.to_array().map(f32::to_bits);
    let want = |a: [f32; 4]| a.map(f32::to_bits);
    assert_eq!(
        bits(expm1_log1p::expm1(v)),
        want([0.0, -0.0, f32::INFINITY, -1.0])
    );
    let l = expm1_log1p::log1p(v).to_array();
    assert_eq!(
        l[..3].iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
        [0.0f32, -0.0, f32::INFINITY].map(f32::to_bits)
    );
    assert!(l[3].is_nan());
    let edges = [-1.0f32, -1.5, f32::NAN, 88.8];
    let v = unsafe { F32x4::load(edges.as_ptr()) };
    let l = expm1_log1p::log1p(v).to_array();
    assert_eq!(l[0], f32::NEG_INFINITY);
    assert!(l[1].is_nan() && l[2].is_nan());
    let e = expm1_log1p::expm1(v).to_array();
    assert_eq!(e[0].to_bits(), (-0.632_120_56f32).to_bits());
    assert!(e[2].is_nan());
    assert_eq!(e[3], f32::INFINITY);
}
