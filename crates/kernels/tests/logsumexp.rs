//! `logsumexp_rows` and `logsumexp_columns` against a float64 reference: within
//! (n + 8)·u + 2u·|result| (u = 2⁻²⁴) for n terms, and torch's rules for −∞ rows, +∞
//! entries and NaN.

mod common;
use common::Rng;
use tensorlane_kernels::testing::logsumexp::{logsumexp_columns, logsumexp_rows};

/// log Σ exp in f64, torch's way (an infinite max is replaced by 0).
fn reference(xs: &[f32]) -> f64 {
    let m = xs.iter().fold(f64::NEG_INFINITY, |m, &x| m.max(x as f64));
    let m = if m.is_finite() { m } else { 0.0 };
    if xs.iter().any(|x| x.is_nan()) {
        return f64::NAN;
    }
    m + xs.iter().map(|&x| (x as f64 - m).exp()).sum::<f64>().ln()
}

fn check(got: f32, xs: &[f32], ctx: &str) {
    let want = reference(xs);
    if !want.is_finite() {
        assert!(
            (got.is_nan() && want.is_nan()) || got as f64 == want,
            "{ctx}: {got} vs {want}"
        );
        return;
    }
    let u = 2f64.powi(-24);
    let bound = (xs.len() as f64 + 8.0) * u + 2.0 * u * want.abs();
    assert!(
        (got as f64 - want).abs() <= bound,
        "{ctx}: {got} vs {want} (bound {bound})"
    );
}

/// A value: mostly spread over ±100 (and ±1e4 for a large max), sometimes an infinity, NaN.
fn value(rng: &mut Rng, specials: bool) -> f32 {
    let r = rng.below(40);
    if specials && r == 0 {
        return f32::NAN;
    }
    if specials && r == 1 {
        return f32::INFINITY;
    }
    if specials && r < 5 {
        return f32::NEG_INFINITY;
    }
    let scale = if r < 10 { 1e4 } else { 100.0 };
    rng.signed() * scale
}

#[test]
fn rows_and_columns_match_a_float64_reference() {
    let mut rng = Rng::new(5);
    for case in 0..600 {
        let n = [0, 1, 2, 3, 5, 16, 17, 100, 1000, 4097][case % 10];
        let inner = [1, 3, 4, 16, 17, 40, 1030][case / 10 % 7];
        if n * inner > 50_000 {
            continue;
        }
        let specials = case % 3 == 0;
        // Rows that are all −∞, a +∞ with NaN, or plain.
        let kind = rng.below(8);
        let pad = 3;
        let sx = inner + pad;
        let data: Vec<f32> = (0..n * sx)
            .map(|_| match kind {
                0 => f32::NEG_INFINITY,
                _ => value(&mut rng, specials),
            })
            .collect();
        let column = |c: usize| -> Vec<f32> { (0..n).map(|r| data[r * sx + c]).collect() };
        let mut out = vec![0f32; inner];
        unsafe { logsumexp_columns(n, inner, data.as_ptr(), sx as isize, out.as_mut_ptr()) };
        for (c, &got) in out.iter().enumerate() {
            check(
                got,
                &column(c),
                &format!("columns n {n} inner {inner} column {c}"),
            );
        }
        // The same data as `n` rows of `inner`, and as `inner`-strided rows of the transpose.
        let rows = n;
        let mut out = vec![0f32; 2 * rows];
        unsafe { logsumexp_rows(rows, inner, data.as_ptr(), sx as isize, out.as_mut_ptr(), 2) };
        for r in 0..rows {
            let row = &data[r * sx..r * sx + inner];
            check(out[2 * r], row, &format!("rows n {inner} row {r}"));
        }
    }
}

#[test]
fn infinities_follow_torch() {
    let (inf, nan) = (f32::INFINITY, f32::NAN);
    let cases: [(&[f32], f32); 6] = [
        (&[-inf, -inf], -inf),
        (&[inf, 1.0], inf),
        (&[inf, -inf], inf),
        (&[inf, nan], nan),
        (&[-inf, nan], nan),
        (&[1000.0, 1000.0], 1000.0 + std::f32::consts::LN_2),
    ];
    for (xs, want) in cases {
        let mut got = [0f32; 2];
        unsafe {
            logsumexp_rows(1, xs.len(), xs.as_ptr(), 0, got.as_mut_ptr(), 1);
            logsumexp_columns(xs.len(), 1, xs.as_ptr(), 1, got.as_mut_ptr().add(1));
        }
        for g in got {
            assert!(
                g == want || (g.is_nan() && want.is_nan()),
                "{xs:?}: {g} vs {want}"
            );
        }
    }
}
