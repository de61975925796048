//! Softmax and log-softmax rows against an f64 reference: odd lengths (tails past the
//! vector width), strided rows, in place, huge inputs (max subtraction), −∞ entries, and
//! the NaN rows PyTorch gives.

mod common;
use common::Rng;
use tensorlane_kernels::testing::softmax::{softmax_columns, softmax_rows, SoftmaxRows};

fn reference(row: &[f32], log: bool) -> Vec<f64> {
    let max = row.iter().fold(f64::NEG_INFINITY, |m, &x| m.max(x as f64));
    let sum: f64 = row.iter().map(|&x| (x as f64 - max).exp()).sum();
    row.iter()
        .map(|&x| {
            if log {
                x as f64 - max - sum.ln()
            } else {
                (x as f64 - max).exp() / sum
            }
        })
        .collect()
}

fn run(x: &[f32], rows: usize, n: usize, rsx: usize, rso: usize, log: bool) -> Vec<f32> {
    let mut out = vec![f32::NAN; rows.max(1) * rso.max(n)];
    let s = SoftmaxRows {
        rows,
        n,
        x: x.as_ptr(),
        rsx: rsx as isize,
        out: out.as_mut_ptr(),
        rso: rso as isize,
        log,
    };
    unsafe { softmax_rows(&s) };
    out
}

/// `softmax_columns` of `n` rows `sx` floats apart into rows `so` floats apart.
fn columns(x: &[f32], n: usize, inner: usize, sx: usize, so: usize, log: bool) -> Vec<f32> {
    let mut out = vec![f32::NAN; n * so];
    let (xp, op) = (x.as_ptr(), out.as_mut_ptr());
    unsafe { softmax_columns(n, inner, xp, sx as isize, op, so as isize, log) };
    out
}

fn assert_row_close(got: &[f32], want: &[f64], what: &str) {
    for (j, (&g, &w)) in got.iter().zip(want).enumerate() {
        let tol = 1e-6 + 4e-6 * w.abs();
        assert!((g as f64 - w).abs() <= tol, "{what}: [{j}] = {g}, want {w}");
    }
}

#[test]
fn matches_reference_for_odd_lengths_and_strided_rows() {
    let mut rng = Rng::new(11);
    for n in [1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 31, 64, 127, 1000] {
        for log in [false, true] {
            let (rows, rsx, rso) = (3, n + 5, n + 2);
            let x: Vec<f32> = (0..rows * rsx).map(|_| rng.signed() * 20.0).collect();
            let out = run(&x, rows, n, rsx, rso, log);
            for r in 0..rows {
                let want = reference(&x[r * rsx..r * rsx + n], log);
                assert_row_close(
                    &out[r * rso..r * rso + n],
                    &want,
                    &format!("n={n} log={log} row {r}"),
                );
                if !log {
                    let s: f32 = out[r * rso..r * rso + n].iter().sum();
                    assert!((s - 1.0).abs() < 1e-5, "n={n}: row {r} sums to {s}");
                }
            }
        }
    }
}

#[test]
fn huge_inputs_do_not_overflow_and_minus_infinity_gives_zero() {
    let x = [1000.0f32, 999.0, f32::NEG_INFINITY, 998.0, 1000.0];
    let out = run(&x, 1, 5, 5, 5, false);
    assert_row_close(&out[..5], &reference(&x, false), "softmax");
    assert_eq!(out[2], 0.0);
    let out = run(&x, 1, 5, 5, 5, true);
    assert_eq!(out[2], f32::NEG_INFINITY);
    assert_row_close(&out[..2], &reference(&x, true)[..2], "log_softmax");
}

#[test]
fn nan_or_all_minus_infinity_rows_become_nan() {
    for x in [
        [1.0, f32::NAN, 2.0, 3.0, 4.0],
        [f32::NEG_INFINITY; 5],
        [1.0, f32::INFINITY, 2.0, 3.0, 4.0],
    ] {
        for log in [false, true] {
            let out = run(&x, 1, 5, 5, 5, log);
            assert!(
                out[..5].iter().all(|v| v.is_nan()),
                "{x:?} log={log} → {out:?}"
            );
        }
    }
}

#[test]
fn in_place_rows() {
    let mut rng = Rng::new(3);
    let mut x: Vec<f32> = (0..2 * 13).map(|_| rng.signed() * 5.0).collect();
    let want: Vec<Vec<f64>> = x.chunks(13).map(|r| reference(r, false)).collect();
    let p = x.as_mut_ptr();
    let s = SoftmaxRows {
        rows: 2,
        n: 13,
        x: p,
        rsx: 13,
        out: p,
        rso: 13,
        log: false,
    };
    unsafe { softmax_rows(&s) };
    for r in 0..2 {
        assert_row_close(&x[r * 13..(r + 1) * 13], &want[r], "in place");
    }
}

#[test]
fn exp_nonpositive_is_within_two_ulp_and_flushes_below_the_normal_range() {
    use tensorlane_kernels::testing::exp_shifted::exp_nonpositive;
    use tensorlane_kernels::testing::simd::F32x4;
    let ulps = |a: f32, b: f32| (a.to_bits() as i64 - b.to_bits() as i64).abs();
    let mut x = -87.3f32;
    while x <= 0.0 {
        let got = exp_nonpositive(F32x4::splat(x)).lane(0);
        let want = (x as f64).exp() as f32;
        assert!(ulps(got, want) <= 2, "exp({x}) = {got}, want {want}");
        x += 0.000_37;
    }
    let lanes = [f32::NEG_INFINITY, -90.0, f32::NAN, 0.0];
    let special = exp_nonpositive(unsafe { F32x4::load(lanes.as_ptr()) });
    assert_eq!(special.lane(0), 0.0);
    assert_eq!(special.lane(1), 0.0);
    assert!(special.lane(2).is_nan());
    assert_eq!(special.lane(3), 1.0);
}

/// Every f32 in [−87.33, 0] (about 1.1·10⁹, seconds in a release build):
/// `cargo test --release --test softmax -- --ignored`, and again with `--features host-fma`.
#[test]
#[ignore = "every f32 in the range: run with --release -- --ignored"]
fn exp_nonpositive_within_2_ulps_for_every_f32_in_its_range() {
    use tensorlane_kernels::testing::exp_shifted::{exp_nonpositive, exp_nonpositive_normal};
    use tensorlane_kernels::testing::simd::F32x4;
    let ulps = |a: f32, b: f32| (a.to_bits() as i64 - b.to_bits() as i64).unsigned_abs();
    let last = (-87.33f32).to_bits();
    let mut worst = (0u64, 0f32);
    let mut bits = 0x8000_0000u32;
    while bits <= last {
        let lanes: [f32; 4] = core::array::from_fn(|i| f32::from_bits((bits + i as u32).min(last)));
        let v = unsafe { F32x4::load(lanes.as_ptr()) };
        let (got, normal) = (
            exp_nonpositive(v).to_array(),
            exp_nonpositive_normal(v).to_array(),
        );
        for i in 0..4 {
            let want = (lanes[i] as f64).exp() as f32;
            assert_eq!(got[i].to_bits(), normal[i].to_bits(), "x = {:e}", lanes[i]);
            let d = ulps(got[i], want);
            if d > worst.0 {
                worst = (d, lanes[i]);
            }
        }
        bits += 4;
    }
    println!("exp_nonpositive: worst {} ulps, at {:e}", worst.0, worst.1);
    assert!(worst.0 <= 2, "{} ulps at x = {:e}", worst.0, worst.1);
}

#[test]
fn columns_match_the_row_reference_for_every_block_width() {
    // Widths around the 4-lane vectors and the 16- and 1024-column blocks; NaN, +∞ and all-−∞
    // columns must give NaN columns, as along rows.
    let mut rng = Rng::new(12);
    for inner in [1, 3, 4, 5, 16, 17, 33, 1029] {
        for n in [1, 2, 7, 64] {
            for log in [false, true] {
                let (sx, so) = (inner + 3, inner + 1);
                let mut x: Vec<f32> = (0..n * sx).map(|_| rng.signed() * 30.0).collect();
                if inner > 2 {
                    x[sx * (n - 1) + 1] = f32::NAN;
                    x[2] = f32::INFINITY;
                }
                let out = columns(&x, n, inner, sx, so, log);
                for c in 0..inner {
                    let column: Vec<f32> = (0..n).map(|r| x[r * sx + c]).collect();
                    let want = reference(&column, log);
                    let got: Vec<f32> = (0..n).map(|r| out[r * so + c]).collect();
                    if column.iter().any(|v| v.is_nan() || *v == f32::INFINITY) {
                        assert!(
                            got.iter().all(|g| g.is_nan()),
                            "inner={inner} n={n} column {c}: {got:?}"
                        );
                    } else {
                        assert_row_close(
                            &got,
                            &want,
                            &format!("inner={inner} n={n} log={log} column {c}"),
                        );
                    }
                }
            }
        }
    }
    // A column of only −∞ is NaN too.
    let x = [f32::NEG_INFINITY, 1.0, f32::NEG_INFINITY, 2.0];
    let mut out = [0f32; 4];
    unsafe { softmax_columns(2, 2, x.as_ptr(), 2, out.as_mut_ptr(), 2, false) };
    assert!(out[0].is_nan() && out[2].is_nan(), "{out:?}");
    assert!(
        (out[1] as f64 - 1.0 / (1.0 + 1f64.exp())).abs() < 1e-6,
        "{out:?}"
    );
}

#[test]
fn columns_rescale_when_a_later_chunk_raises_the_maximum() {
    // 1024 columns: chunks of 8 rows. Column 0 starts with −∞ rows, column 1 is all −∞,
    // column 2 rises row by row (its maximum moves in every chunk), column 3 falls, the rest
    // are random with a spike late.
    let (n, inner) = (21, 1024);
    let mut rng = Rng::new(5);
    let mut x: Vec<f32> = (0..n * inner).map(|_| rng.signed() * 20.0).collect();
    for r in 0..n {
        x[r * inner] = if r < 9 { f32::NEG_INFINITY } else { r as f32 };
        x[r * inner + 1] = f32::NEG_INFINITY;
        x[r * inner + 2] = 10.0 * r as f32;
        x[r * inner + 3] = -10.0 * r as f32;
    }
    x[17 * inner + 100] = 500.0;
    for log in [false, true] {
        let out = columns(&x, n, inner, inner, inner, log);
        for c in 0..inner {
            let column: Vec<f32> = (0..n).map(|r| x[r * inner + c]).collect();
            let got: Vec<f32> = (0..n).map(|r| out[r * inner + c]).collect();
            if c == 1 {
                assert!(got.iter().all(|g| g.is_nan()), "all −∞: {got:?}");
                continue;
            }
            let want = reference(&column, log);
            if log {
                // −∞ entries stay −∞.
                for (g, w) in got.iter().zip(&want) {
                    if w.is_infinite() {
                        assert_eq!(*g as f64, *w, "log column {c}");
                    }
                }
                let finite: Vec<usize> = (0..n).filter(|&r| want[r].is_finite()).collect();
                let (g, w): (Vec<f32>, Vec<f64>) =
                    finite.iter().map(|&r| (got[r], want[r])).unzip();
                assert_row_close(&g, &w, &format!("log column {c}"));
            } else {
                assert_row_close(&got, &want, &format!("column {c}"));
            }
        }
    }
}
