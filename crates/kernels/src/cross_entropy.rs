//! Cross entropy over contiguous rows of logits, fused: per row the maximum, `ln Σ e^(x −
//! max)`, and the target's logit give `loss = (max − x[t]) + ln Σ`, without writing the
//! log-softmax. With label smoothing `ε` the loss is `(1 − ε)·nll + ε·(lse − mean(x))`, as
//! torch's `cross_entropy(label_smoothing=ε)`. The same loop with inputs that already are
//! log-probabilities is `nll_loss` (`−x[t]`).

use crate::softmax::{exp_sum, row_max};
use crate::strided::split_outer_sized;

/// Rows of a cross-entropy problem: `rows` rows of `c` contiguous floats, `rsx` floats
/// apart; `target` holds one class index per row and `out` one loss per row.
#[derive(Clone, Copy, Debug)]
pub struct CrossEntropyRows {
    pub rows: usize,
    pub c: usize,
    pub x: *const f32,
    pub rsx: isize,
    pub target: *const i32,
    /// Rows whose target equals this get loss 0.
    pub ignore_index: i32,
    pub smoothing: f32,
    /// The rows are log-probabilities already (`nll_loss`): no log-sum-exp, no smoothing.
    pub log_probs: bool,
    pub out: *mut f32,
}

// Plain addresses into memory the pool's threads share; each task owns its rows.
unsafe impl Sync for CrossEntropyRows {}

/// The loss of every row.
///
/// # Safety
/// Every row of `x` must be readable for `c` floats, `target` and `out` valid for `rows`
/// values, and every target in `[0, c)` or equal to `ignore_index` (the caller checks).
pub unsafe fn cross_entropy_rows(s: &CrossEntropyRows) {
    let shape = [s.rows as isize, s.c as isize];
    let x = s.x as usize;
    split_outer_sized(
        &shape,
        [&[s.rsx, 1], &[1, 0]],
        s.rows * s.c,
        |piece, [ox, or]| {
            for r in 0..piece[0] {
                let row = (or + r) as usize;
                let x = (x as *const f32).offset(ox + r * s.rsx);
                *s.out.add(row) = row_loss(s, x, *s.target.add(row));
            }
        },
    );
}

/// The loss of one row with target class `t`.
#[inline(always)]
unsafe fn row_loss(s: &CrossEntropyRows, x: *const f32, t: i32) -> f32 {
    if t == s.ignore_index {
        return 0.0;
    }
    debug_assert!(
        t >= 0 && (t as usize) < s.c,
        "target {t} outside [0, {})",
        s.c
    );
    let xt = *x.add(t as usize);
    if s.log_probs {
        return -xt;
    }
    let max = row_max(x, s.c);
    let log_sum = exp_sum(x, s.c, max, None).ln();
    // (max − x[t]) + ln Σ rounds at the scale of the loss, not of the logits.
    let nll = (max - xt) + log_sum;
    if s.smoothing == 0.0 {
        return nll;
    }
    let mut sum = 0.0f32;
    for j in 0..s.c {
        sum += *x.add(j);
    }
    let smooth = (max - sum / s.c as f32) + log_sum;
    (1.0 - s.smoothing) * nll + s.smoothing * smooth
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference(row: &[f32], t: usize, eps: f64, log_probs: bool) -> f64 {
        if log_probs {
            return -(row[t] as f64);
        }
        let max = row.iter().fold(f64::NEG_INFINITY, |m, &v| m.max(v as f64));
        let lse = max
            + row
                .iter()
                .map(|&v| (v as f64 - max).exp())
                .sum::<f64>()
                .ln();
        let logp: Vec<f64> = row.iter().map(|&v| v as f64 - lse).collect();
        let smooth = -logp.iter().sum::<f64>() / row.len() as f64;
        (1.0 - eps) * -logp[t] + eps * smooth
    }

    #[test]
    fn matches_the_naive_reference_with_ignore_and_smoothing() {
        let mut s = 12345u32;
        let mut next = || {
            s ^= s << 13;
            s ^= s >> 17;
            s ^= s << 5;
            s
        };
        for c in [1usize, 2, 3, 4, 5, 8, 9, 31, 100, 1000] {
            for (eps, log_probs) in [(0.0, false), (0.1, false), (0.0, true)] {
                let rows = 6;
                let rsx = c + 2;
                let x: Vec<f32> = (0..rows * rsx)
                    .map(|_| (next() % 2000) as f32 / 100.0 - 10.0)
                    .collect();
                let mut target: Vec<i32> =
                    (0..rows).map(|_| (next() as usize % c) as i32).collect();
                target[2] = -100;
                let mut out = vec![f32::NAN; rows];
                let p = CrossEntropyRows {
                    rows,
                    c,
                    x: x.as_ptr(),
                    rsx: rsx as isize,
                    target: target.as_ptr(),
                    ignore_index: -100,
                    smoothing: eps as f32,
                    log_probs,
                    out: out.as_mut_ptr(),
                };
                unsafe { cross_entropy_rows(&p) };
                for r in 0..rows {
                    let want = if target[r] == -100 {
                        0.0
                    } else {
                        reference(&x[r * rsx..r * rsx + c], target[r] as usize, eps, log_probs)
                    };
                    let tol = 1e-5 * (1.0 + want.abs());
                    assert!(
                        (out[r] as f64 - want).abs() <= tol,
                        "c={c} eps={eps} row {r}: {} vs {want}",
                        out[r]
                    );
                }
            }
        }
    }

    #[test]
    fn a_nan_logit_gives_a_nan_loss() {
        let x = [1.0f32, f32::NAN, 3.0, 0.5, 2.0];
        let target = [0i32];
        let mut out = [0.0f32];
        let p = CrossEntropyRows {
            rows: 1,
            c: 5,
            x: x.as_ptr(),
            rsx: 5,
            target: target.as_ptr(),
            ignore_index: -100,
            smoothing: 0.0,
            log_probs: false,
            out: out.as_mut_ptr(),
        };
        unsafe { cross_entropy_rows(&p) };
        assert!(out[0].is_nan());
    }
}
