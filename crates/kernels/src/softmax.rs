//! Softmax and log-softmax along contiguous rows, max-subtracted so large inputs cannot
//! overflow: `softmax(x) = exp(x − max) / Σ exp(x − max)`,
//! `log_softmax(x) = x − max − ln Σ exp(x − max)`. Vectorised; `x − max ≤ 0` lets it use
//! the cheaper `exp_shifted::exp_nonpositive`.

use crate::exp_shifted::exp_nonpositive as exp;
use crate::simd::F32x4;
use crate::simd_ext::pmax;
use crate::strided::split_outer;

/// Rows of a softmax problem: `rows` rows of `n` contiguous floats, `rs*` floats apart.
#[derive(Clone, Copy, Debug)]
pub struct SoftmaxRows {
    pub rows: usize,
    pub n: usize,
    pub x: *const f32,
    pub rsx: isize,
    pub out: *mut f32,
    pub rso: isize,
    pub log: bool,
}

// Plain addresses into memory the pool's threads share; each task owns its rows.
unsafe impl Sync for SoftmaxRows {}

/// Softmax (or log-softmax) of every row. A row holding NaN, +∞, or only −∞ becomes NaN,
/// as in PyTorch.
///
/// # Safety
/// Every row of `x` must be readable and every row of `out` writable for `n` floats; an
/// output row may be its own input row (in place) but must not overlap other rows.
pub unsafe fn softmax_rows(s: &SoftmaxRows) {
    // Output rows are written independently (by several threads when large): none may
    // overlap another. Input rows may (a broadcast input has `rsx == 0`).
    debug_assert!(
        s.rows <= 1 || s.rso.unsigned_abs() >= s.n,
        "output rows {} floats apart overlap (n = {})",
        s.rso,
        s.n
    );
    let shape = [s.rows as isize, s.n as isize];
    let (rsx, rso) = ([s.rsx, 1], [s.rso, 1]);
    // Rows are independent: blocks of whole rows go to the pool when the input is large.
    let (x, out) = (s.x as usize, s.out as usize);
    split_outer(&shape, [&rsx, &rso], |piece, [ox, oo]| {
        for r in 0..piece[0] {
            let x = (x as *const f32).offset(ox + r * s.rsx);
            let out = (out as *mut f32).offset(oo + r * s.rso);
            softmax_row(x, out, s.n, s.log);
        }
    });
}

/// Softmax of one contiguous row of `n` floats.
///
/// # Safety
/// As for `softmax_rows`, for one row.
pub unsafe fn softmax_row(x: *const f32, out: *mut f32, n: usize, log: bool) {
    if n == 0 {
        return;
    }
    let max = row_max(x, n);
    if log {
        // (x − max) − ln Σ, not x − (max + ln Σ): the latter rounds at the scale of max.
        let log_sum = F32x4::splat(exp_sum(x, n, max, None).ln());
        let m = F32x4::splat(max);
        map_row(x, out, n, |v| v.sub(m).sub(log_sum));
    } else {
        // Writes exp(x − max) first, then scales in place: one exp per element.
        let inv = 1.0 / exp_sum(x, n, max, Some(out));
        map_row(out, out, n, |v| v.mul(F32x4::splat(inv)));
    }
}

/// The row maximum. A NaN in the row need not show here: `exp(NaN − max)` makes the sum,
/// and so the whole row, NaN.
#[inline(always)]
pub(crate) unsafe fn row_max(x: *const f32, n: usize) -> f32 {
    // Four accumulators: independent chains, and one loop step per 16 floats.
    let mut acc = [F32x4::splat(f32::NEG_INFINITY); 4];
    let mut j = 0;
    while j + 16 <= n {
        for (k, a) in acc.iter_mut().enumerate() {
            *a = pmax(*a, F32x4::load(x.add(j + 4 * k)));
        }
        j += 16;
    }
    while j + 4 <= n {
        acc[0] = pmax(acc[0], F32x4::load(x.add(j)));
        j += 4;
    }
    let acc = pmax(pmax(acc[0], acc[1]), pmax(acc[2], acc[3]));
    let mut m = acc.to_array().into_iter().fold(f32::NEG_INFINITY, f32::max);
    while j < n {
        m = m.max(*x.add(j));
        j += 1;
    }
    m
}

/// `Σ exp(x − max)`, optionally storing each term into `store`.
#[inline(always)]
pub(crate) unsafe fn exp_sum(x: *const f32, n: usize, max: f32, store: Option<*mut f32>) -> f32 {
    let m = F32x4::splat(max);
    let mut acc = [F32x4::splat(0.0); 4];
    let mut j = 0;
    while j + 16 <= n {
        for (k, a) in acc.iter_mut().enumerate() {
            let e = exp(F32x4::load(x.add(j + 4 * k)).sub(m));
            if let Some(o) = store {
                e.store(o.add(j + 4 * k));
            }
            *a = a.add(e);
        }
        j += 16;
    }
    while j + 4 <= n {
        let e = exp(F32x4::load(x.add(j)).sub(m));
        if let Some(o) = store {
            e.store(o.add(j));
        }
        acc[0] = acc[0].add(e);
        j += 4;
    }
    let a = acc[0].add(acc[1]).add(acc[2].add(acc[3])).to_array();
    let mut sum = (a[0] + a[1]) + (a[2] + a[3]);
    while j < n {
        let e = exp(F32x4::splat(*x.add(j) - max)).lane(0);
        if let Some(o) = store {
            *o.add(j) = e;
        }
        sum += e;
        j += 1;
    }
    sum
}

/// `out[j] = f(src[j])`, four lanes at a time (the tail through a padded vector).
#[inline(always)]
unsafe fn map_row(src: *const f32, out: *mut f32, n: usize, f: impl Fn(F32x4) -> F32x4) {
    let mut j = 0;
    while j + 16 <= n {
        let v: [F32x4; 4] = core::array::from_fn(|k| F32x4::load(src.add(j + 4 * k)));
        for (k, &v) in v.iter().enumerate() {
            f(v).store(out.add(j + 4 * k));
        }
        j += 16;
    }
    while j + 4 <= n {
        f(F32x4::load(src.add(j))).store(out.add(j));
        j += 4;
    }
    while j < n {
        *out.add(j) = f(F32x4::splat(*src.add(j))).lane(0);
        j += 1;
    }
}

/// Columns of one block: 4 KB of each row, read contiguously (the hardware prefetcher
/// follows it), with the block's per-column maxima, sums and factors (12 KB) kept in L1.
/// A narrow block (one cache line per row) would walk the rows at the full row stride,
/// where every access is a miss and, at power-of-two strides, the lines conflict in cache.
const COLUMN_BLOCK: usize = 1024;

/// Softmax (or log-softmax) along a non-innermost axis, without moving it last: `n` rows of
/// `inner` contiguous floats, `sx`/`so` floats apart, each of the `inner` columns reduced
/// over the rows. A block of up to 1024 columns is walked down the rows
/// three times: the maximum, `Σ exp(x − max)` (storing the terms), the scaling; the same
/// NaN and infinity rules as `softmax_rows`.
///
/// # Safety
/// Rows of `x` readable and rows of `out` writable for `inner` floats; output rows must not
/// overlap each other (`|so| ≥ inner` when n > 1); `out` may equal `x`.
pub unsafe fn softmax_columns(
    n: usize,
    inner: usize,
    x: *const f32,
    sx: isize,
    out: *mut f32,
    so: isize,
    log: bool,
) {
    debug_assert!(n <= 1 || so.unsigned_abs() >= inner, "output rows overlap");
    if inner <= 16 {
        // Narrow rows (many calls, e.g. per outer index): small per-block arrays.
        return softmax_column_block::<4>(n, inner, x, sx, out, so, log);
    }
    let mut i = 0;
    while i < inner {
        let width = COLUMN_BLOCK.min(inner - i);
        softmax_column_block::<{ COLUMN_BLOCK / 4 }>(n, width, x.add(i), sx, out.add(i), so, log);
        i += width;
    }
}

/// `softmax_columns` for one block of `width ≤ 4·V` columns.
#[inline(always)]
unsafe fn softmax_column_block<const V: usize>(
    n: usize,
    width: usize,
    x: *const f32,
    sx: isize,
    out: *mut f32,
    so: isize,
    log: bool,
) {
    debug_assert!(width <= 4 * V, "a block of {width} columns");
    use crate::lanes::{gather, scatter};
    let vectors = width.div_ceil(4);
    let lanes = |v: usize| (width - 4 * v).min(4);
    let load = |p: *const f32, v: usize| gather(p.add(4 * v), 1, lanes(v));
    let store = |e: F32x4, p: *mut f32, v: usize| scatter(e, p.add(4 * v), 1, lanes(v));
    let mut max = [F32x4::splat(f32::NEG_INFINITY); V];
    for r in 0..n as isize {
        let row = x.offset(r * sx);
        for (v, m) in max.iter_mut().enumerate().take(vectors) {
            *m = pmax(*m, load(row, v));
        }
    }
    let mut sum = [F32x4::splat(0.0); V];
    for r in 0..n as isize {
        let (row, dst) = (x.offset(r * sx), out.offset(r * so));
        for v in 0..vectors {
            let e = exp(load(row, v).sub(max[v]));
            if !log {
                store(e, dst, v);
            }
            sum[v] = sum[v].add(e);
        }
    }
    // Per lane: the reciprocal of the sum (softmax) or its log (log-softmax), computed once.
    let mut factor = [F32x4::splat(0.0); V];
    for v in 0..vectors {
        let s = sum[v].to_array();
        let f = if log {
            s.map(f32::ln)
        } else {
            s.map(|t| 1.0 / t)
        };
        factor[v] = F32x4::load(f.as_ptr());
    }
    for r in 0..n as isize {
        let (row, dst) = (x.offset(r * sx), out.offset(r * so));
        for v in 0..vectors {
            let y = if log {
                load(row, v).sub(max[v]).sub(factor[v])
            } else {
                load(dst, v).mul(factor[v])
            };
            store(y, dst, v);
        }
    }
}
