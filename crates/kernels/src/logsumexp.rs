//! `log Σ exp(x)` along contiguous rows or down columns, max-subtracted as
//! `max + ln Σ exp(x − max)` so large inputs cannot overflow, with torch's rules for the
//! infinities: a row of only −∞ gives −∞, a +∞ entry gives +∞, and NaN anywhere gives NaN.
//!
//! Rows reuse softmax's row maximum and `exp(x − max)` sum. Columns (the reduced axis not
//! innermost) go online by chunks of rows, as `softmax_columns`: a chunk's column maxima
//! raise the running maxima (rescaling the running sums when they move), then the chunk,
//! still in L1, adds its `exp(x − max)` terms. The input is read from memory once.

use crate::exp_shifted::exp_nonpositive;
use crate::lanes::gather;
use crate::simd::F32x4;
use crate::simd_ext::{ne, pmax, I32x4};
use crate::softmax::{exp_sum, row_max};

/// The result once the maximum is known to be infinite (or the row to hold no finite
/// maximum): NaN if the row has a NaN, else the maximum itself (+∞, or −∞ for a row of −∞).
fn infinite_max(max: f32, nan: bool) -> f32 {
    if nan {
        f32::NAN
    } else {
        max
    }
}

/// `log Σ exp(x)` of one contiguous row of `n` floats (−∞ when `n` is 0).
///
/// # Safety
/// `x` is readable for `n` floats.
pub unsafe fn logsumexp_row(x: *const f32, n: usize) -> f32 {
    if n == 0 {
        return f32::NEG_INFINITY;
    }
    // `row_max` skips NaN; a NaN then makes the sum, and the result, NaN.
    let max = row_max(x, n);
    if max.is_infinite() {
        let nan = (0..n).any(|j| (*x.add(j)).is_nan());
        return infinite_max(max, nan);
    }
    max + exp_sum(x, n, max, None).ln()
}

/// `out[r·so] = log Σ exp` of each of `rows` contiguous rows of `n` floats, `sx` apart.
///
/// # Safety
/// Rows of `x` readable for `n` floats; `out` writable at each `r·so`.
pub unsafe fn logsumexp_rows(
    rows: usize,
    n: usize,
    x: *const f32,
    sx: isize,
    out: *mut f32,
    so: isize,
) {
    for r in 0..rows as isize {
        *out.offset(r * so) = logsumexp_row(x.offset(r * sx), n);
    }
}

/// Columns of one block: their running maxima, sums and NaN flags stay in L1.
const COLUMN_BLOCK: usize = 1024;

/// Floats of one chunk of rows (16 KB): read twice in a row, the second time from L1.
const CHUNK_FLOATS: usize = 4096;

/// `out[c] = log Σ_r exp(x[r·sx + c])` for the `inner` contiguous columns of `n` rows.
/// A column of no rows gives −∞.
///
/// # Safety
/// Rows of `x` readable for `inner` floats; `out` writable for `inner` floats.
pub unsafe fn logsumexp_columns(n: usize, inner: usize, x: *const f32, sx: isize, out: *mut f32) {
    let mut c = 0;
    while c < inner {
        let width = COLUMN_BLOCK.min(inner - c);
        if width <= 16 {
            column_block::<4>(n, width, x.add(c), sx, out.add(c));
        } else {
            column_block::<{ COLUMN_BLOCK / 4 }>(n, width, x.add(c), sx, out.add(c));
        }
        c += width;
    }
}

/// The running state of `V` vectors of columns.
struct Columns<const V: usize> {
    max: [F32x4; V],
    sum: [F32x4; V],
    nan: [I32x4; V],
}

/// `logsumexp_columns` for one block of `width ≤ 4·V` columns.
#[inline(always)]
unsafe fn column_block<const V: usize>(
    n: usize,
    width: usize,
    x: *const f32,
    sx: isize,
    out: *mut f32,
) {
    debug_assert!(width <= 4 * V, "a block of {width} columns");
    // −∞ is held as f32::MIN, so that `x − max` of a −∞ entry is −∞ (its term 0) rather
    // than NaN; a column of only −∞ keeps a zero sum, whose log is −∞.
    let mut s = Columns::<V> {
        max: [F32x4::splat(f32::MIN); V],
        sum: [F32x4::splat(0.0); V],
        nan: [I32x4::splat(0); V],
    };
    let (full, lanes) = (width / 4, width % 4);
    let chunk = (CHUNK_FLOATS / width.max(1)).clamp(1, n.max(1));
    let mut r0 = 0;
    while r0 < n {
        let rows = r0 as isize..(r0 + chunk).min(n) as isize;
        let mut v = 0;
        while v + 4 <= full {
            column_group::<V, 4>(x, sx, rows.clone(), v, 4, &mut s);
            v += 4;
        }
        while v < full + (lanes > 0) as usize {
            let l = if v < full { 4 } else { lanes };
            column_group::<V, 1>(x, sx, rows.clone(), v, l, &mut s);
            v += 1;
        }
        r0 += chunk;
    }
    for c in 0..width {
        let (v, l) = (c / 4, c % 4);
        let max = s.max[v].to_array()[l];
        let nan = (s.nan[v].bitmask() >> l) & 1 != 0;
        *out.add(c) = if max == f32::INFINITY {
            infinite_max(max, nan)
        } else {
            max + s.sum[v].to_array()[l].ln()
        };
    }
}

/// One chunk of rows for the `G` vectors of columns from vector `v` (`lanes` of each valid,
/// `< 4` only when G = 1): raises the running maxima by the chunk's, rescaling the sums
/// where they move, then adds the chunk's `exp(x − max)` terms.
#[inline(always)]
unsafe fn column_group<const V: usize, const G: usize>(
    x: *const f32,
    sx: isize,
    rows: core::ops::Range<isize>,
    v: usize,
    lanes: usize,
    s: &mut Columns<V>,
) {
    let x = x.add(4 * v);
    let mut m: [F32x4; G] = core::array::from_fn(|k| s.max[v + k]);
    let mut sum: [F32x4; G] = core::array::from_fn(|k| s.sum[v + k]);
    let mut nan: [I32x4; G] = core::array::from_fn(|k| s.nan[v + k]);
    let mut raised = m;
    for r in rows.clone() {
        let row = x.offset(r * sx);
        for k in 0..G {
            let e = gather(row.add(4 * k), 1, lanes);
            // NaN does not raise the maximum (pmax keeps its first operand); it is flagged
            // for the +∞ case, and otherwise makes the sum NaN below.
            raised[k] = pmax(raised[k], e);
            nan[k] = nan[k].or(ne(e, e));
        }
    }
    for k in 0..G {
        if ne(raised[k], m[k]).any() {
            sum[k] = sum[k].mul(exp_nonpositive(m[k].sub(raised[k])));
            m[k] = raised[k];
        }
    }
    for r in rows {
        let row = x.offset(r * sx);
        for k in 0..G {
            sum[k] = sum[k].add(exp_nonpositive(gather(row.add(4 * k), 1, lanes).sub(m[k])));
        }
    }
    s.max[v..v + G].copy_from_slice(&m);
    s.sum[v..v + G].copy_from_slice(&sum);
    s.nan[v..v + G].copy_from_slice(&nan);
}
