//! Layer norm and RMS norm over contiguous rows, fused: one pass for the row's statistics,
//! one pass writing `(x − mean)·rstd·w + b` (layer) or `x·rstd·w` (RMS).
//!
//! The layer statistics merge per-block mean and squared deviations with Chan's parallel
//! formula: each block of `BLOCK` floats is summed, then its deviations from the block
//! mean are summed while the block is still in L1, so a row whose mean is far from zero
//! loses no precision to cancellation, all in f32. The RMS sum of squares accumulates per
//! block in vector lanes, then across blocks (a two-level sum).

use crate::simd::F32x4;
use crate::strided::split_outer_sized;

/// Floats per block of the two-level statistics.
const BLOCK: usize = 64;

/// Which normalisation `norm_rows` applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NormKind {
    /// `(x − mean) / sqrt(var + eps)`, biased variance (torch `layer_norm`).
    Layer,
    /// `x / sqrt(mean(x²) + eps)` (torch `rms_norm`).
    Rms,
}

/// Rows of a norm problem: `rows` rows of `n` contiguous floats, `rs*` floats apart;
/// `weight` and `bias` are `n` contiguous floats or null (none).
#[derive(Clone, Copy, Debug)]
pub struct NormRows {
    pub kind: NormKind,
    pub rows: usize,
    pub n: usize,
    pub x: *const f32,
    pub rsx: isize,
    pub weight: *const f32,
    pub bias: *const f32,
    pub eps: f32,
    pub out: *mut f32,
    pub rso: isize,
}

// Plain addresses into memory the pool's threads share; each task owns its rows.
unsafe impl Sync for NormRows {}

/// Normalises every row.
///
/// # Safety
/// Every row of `x` must be readable and every row of `out` writable for `n` floats, and
/// `weight`/`bias` (when not null) readable for `n` floats; an output row may be its own
/// input row but must not overlap other rows.
pub unsafe fn norm_rows(s: &NormRows) {
    debug_assert!(s.eps >= 0.0 || s.eps.is_nan());
    let shape = [s.rows as isize, s.n as isize];
    let (x, out) = (s.x as usize, s.out as usize);
    split_outer_sized(
        &shape,
        [&[s.rsx, 1], &[s.rso, 1]],
        2 * s.rows * s.n,
        |piece, [ox, oo]| {
            for r in 0..piece[0] {
                let x = (x as *const f32).offset(ox + r * s.rsx);
                let out = (out as *mut f32).offset(oo + r * s.rso);
                norm_row(s, x, out);
            }
        },
    );
}

/// Normalises one row of `s.n` floats.
///
/// # Safety
/// As for `norm_rows`, for one row.
unsafe fn norm_row(s: &NormRows, x: *const f32, out: *mut f32) {
    let n = s.n;
    if n == 0 {
        return;
    }
    let (center, rstd) = match s.kind {
        NormKind::Layer => {
            let (mean, var) = mean_var(x, n);
            (mean, 1.0 / (var + s.eps).sqrt())
        }
        NormKind::Rms => (0.0, 1.0 / (sum_squares(x, n) / n as f32 + s.eps).sqrt()),
    };
    let (w, b) = (s.weight, s.bias);
    let (center, rstd) = (F32x4::splat(center), F32x4::splat(rstd));
    // (x − mean)·rstd, not x·rstd − mean·rstd: the latter rounds at the scale of the mean.
    // Then ·w and +b when given; the scalar tail takes the same steps in lane 0.
    let write = |j: usize, v: F32x4| -> F32x4 {
        let mut y = v.sub(center).mul(rstd);
        if !w.is_null() {
            y = y.mul(load_or_splat(w, j, n));
        }
        if !b.is_null() {
            y = y.add(load_or_splat(b, j, n));
        }
        y
    };
    let mut j = 0;
    while j + 4 <= n {
        write(j, F32x4::load(x.add(j))).store(out.add(j));
        j += 4;
    }
    while j < n {
        *out.add(j) = write(j, F32x4::splat(*x.add(j))).lane(0);
        j += 1;
    }
}

/// Four floats at `p + j`, or `p[j]` splat in the scalar tail.
#[inline(always)]
unsafe fn load_or_splat(p: *const f32, j: usize, n: usize) -> F32x4 {
    if j + 4 <= n {
        F32x4::load(p.add(j))
    } else {
        F32x4::splat(*p.add(j))
    }
}

/// Mean and biased variance of `n ≥ 1` floats, merging blocks with Chan's formula.
#[inline(always)]
unsafe fn mean_var(x: *const f32, n: usize) -> (f32, f32) {
    let (mut count, mut mean, mut m2) = (0.0f32, 0.0f32, 0.0f32);
    let mut j = 0;
    while j < n {
        let len = BLOCK.min(n - j);
        let p = x.add(j);
        let nb = len as f32;
        let block_mean = block_sum(p, len, |v| v) / nb;
        let m = F32x4::splat(block_mean);
        let block_m2 = block_sum(p, len, |v| {
            let d = v.sub(m);
            d.mul(d)
        });
        let total = count + nb;
        let delta = block_mean - mean;
        mean += delta * (nb / total);
        m2 += block_m2 + delta * delta * (count * nb / total);
        count = total;
        j += len;
    }
    (mean, m2 / n as f32)
}

/// `Σ x²` over `n` floats: per-block vector sums added across blocks.
#[inline(always)]
unsafe fn sum_squares(x: *const f32, n: usize) -> f32 {
    let mut total = 0.0f32;
    let mut j = 0;
    while j < n {
        let len = BLOCK.min(n - j);
        total += block_sum(x.add(j), len, |v| v.mul(v));
        j += len;
    }
    total
}

/// `Σ f(x[j])` over one block of `len` floats (f applied lane-wise; the tail as lane 0).
#[inline(always)]
unsafe fn block_sum(p: *const f32, len: usize, f: impl Fn(F32x4) -> F32x4) -> f32 {
    let (mut a0, mut a1) = (F32x4::splat(0.0), F32x4::splat(0.0));
    let mut j = 0;
    while j + 8 <= len {
        a0 = a0.add(f(F32x4::load(p.add(j))));
        a1 = a1.add(f(F32x4::load(p.add(j + 4))));
        j += 8;
    }
    if j + 4 <= len {
        a0 = a0.add(f(F32x4::load(p.add(j))));
        j += 4;
    }
    let a = a0.add(a1).to_array();
    let mut sum = (a[0] + a[1]) + (a[2] + a[3]);
    while j < len {
        sum += f(F32x4::splat(*p.add(j))).lane(0);
        j += 1;
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The naive two-pass reference in f64.
    fn reference(
        kind: NormKind,
        row: &[f32],
        w: Option<&[f32]>,
        b: Option<&[f32]>,
        eps: f32,
    ) -> Vec<f64> {
        let n = row.len() as f64;
        let mean = row.iter().map(|&v| v as f64).sum::<f64>() / n;
        let (center, ms) = match kind {
            NormKind::Layer => (
                mean,
                row.iter().map(|&v| (v as f64 - mean).powi(2)).sum::<f64>() / n,
            ),
            NormKind::Rms => (
                0.0,
                row.iter().map(|&v| (v as f64).powi(2)).sum::<f64>() / n,
            ),
        };
        let rstd = 1.0 / (ms + eps as f64).sqrt();
        (0..row.len())
            .map(|j| {
                let y = (row[j] as f64 - center) * rstd;
                y * w.map_or(1.0, |w| w[j] as f64) + b.map_or(0.0, |b| b[j] as f64)
            })
            .collect()
    }

    fn values(count: usize, seed: u32, offset: f32) -> Vec<f32> {
        let mut s = seed.wrapping_mul(2_654_435_761) | 1;
        (0..count)
            .map(|_| {
                s ^= s << 13;
                s ^= s >> 17;
                s ^= s << 5;
                offset + (s as f32 / u32::MAX as f32) * 2.0 - 1.0
            })
            .collect()
    }

    fn run(kind: NormKind, n: usize, offset: f32, affine: bool) {
        let rows = 3;
        let rsx = n + 3;
        let x = values(rows * rsx, n as u32 + 1, offset);
        let w = values(n, 7, 0.5);
        let b = values(n, 9, 0.0);
        let mut out = vec![f32::NAN; rows * n];
        let s = NormRows {
            kind,
            rows,
            n,
            x: x.as_ptr(),
            rsx: rsx as isize,
            weight: if affine {
                w.as_ptr()
            } else {
                core::ptr::null()
            },
            bias: if affine && kind == NormKind::Layer {
                b.as_ptr()
            } else {
                core::ptr::null()
            },
            eps: 1e-5,
            out: out.as_mut_ptr(),
            rso: n as isize,
        };
        unsafe { norm_rows(&s) };
        for r in 0..rows {
            let row = &x[r * rsx..r * rsx + n];
            let want = reference(
                kind,
                row,
                affine.then_some(&w[..]),
                (affine && kind == NormKind::Layer).then_some(&b[..]),
                1e-5,
            );
            for j in 0..n {
                let got = out[r * n + j] as f64;
                // An f32 mean is exact only to its own ulp: the deviations carry that error over the
                // spread (about 0.6 here), 1e-4 relative at mean 1000.
                let tol =
                    2e-5 * (1.0 + want[j].abs()) + 16.0 * f32::EPSILON as f64 * offset.abs() as f64;
                assert!(
                    (got - want[j]).abs() <= tol,
                    "{kind:?} n={n} offset={offset} [{r},{j}] = {got}, want {}",
                    want[j]
                );
            }
        }
    }

    #[test]
    fn matches_the_naive_reference_for_odd_lengths() {
        for n in [1, 2, 3, 4, 5, 7, 8, 9, 63, 64, 65, 129, 768, 1000] {
            for kind in [NormKind::Layer, NormKind::Rms] {
                run(kind, n, 0.0, true);
                run(kind, n, 0.0, false);
            }
        }
    }

    #[test]
    fn layer_statistics_keep_precision_far_from_zero() {
        // Mean 1000 with unit spread: Σx² − (Σx)²/n in f32 would be off by about 10% here.
        for n in [5, 64, 200, 768] {
            run(NormKind::Layer, n, 1000.0, false);
        }
    }
}
