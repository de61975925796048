//! Softmax and log-softmax along contiguous rows, max-subtracted so large inputs cannot
//! overflow: `softmax(x) = exp(x − max) / Σ exp(x − max)`,
//! `log_softmax(x) = x − max − ln Σ exp(x − max)`. Vectorised; `x − max ≤ 0` lets it use
//! the cheaper `exp_shifted::exp_nonpositive`.

use crate::exp_shifted::{exp_nonpositive, exp_nonpositive_normal, FLUSH_BELOW};
use crate::scratch::{with_scratch, Scratch};
use crate::simd::F32x4;
use crate::simd_ext::{ne, pmax, pmin};
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
    let (max, min) = row_max_min(x, n);
    // When no x − max can fall below the flush threshold (fl(min − max) bounds every
    // fl(x − max) from below), the exp needs no flush: two operations fewer per vector.
    // −∞ entries, and NaN (false compare), take the flushing loop.
    let sum = |store| {
        if min - max >= FLUSH_BELOW {
            exp_sum_with(x, n, max, store, exp_nonpositive_normal)
        } else {
            exp_sum_with(x, n, max, store, exp_nonpositive)
        }
    };
    if log {
        // (x − max) − ln Σ, not x − (max + ln Σ): the latter rounds at the scale of max.
        let log_sum = F32x4::splat(sum(None).ln());
        let m = F32x4::splat(max);
        map_row(x, out, n, |v| v.sub(m).sub(log_sum));
    } else {
        // Writes exp(x − max) first, then scales in place: one exp per element.
        let inv = 1.0 / sum(Some(out));
        map_row(out, out, n, |v| v.mul(F32x4::splat(inv)));
    }
}

/// The row maximum. A NaN in the row need not show here: `exp(NaN − max)` makes the sum,
/// and so the whole row, NaN.
#[inline(always)]
pub(crate) unsafe fn row_max(x: *const f32, n: usize) -> f32 {
    row_max_min(x, n).0
}

/// The row maximum and minimum (NaN need not show in either, as for `row_max`).
#[inline(always)]
pub(crate) unsafe fn row_max_min(x: *const f32, n: usize) -> (f32, f32) {
    // Four accumulators each: independent chains, and one loop step per 16 floats.
    let mut hi = [F32x4::splat(f32::NEG_INFINITY); 4];
    let mut lo = [F32x4::splat(f32::INFINITY); 4];
    let mut j = 0;
    while j + 16 <= n {
        for k in 0..4 {
            let v = F32x4::load(x.add(j + 4 * k));
            hi[k] = pmax(hi[k], v);
            lo[k] = pmin(lo[k], v);
        }
        j += 16;
    }
    while j + 4 <= n {
        let v = F32x4::load(x.add(j));
        hi[0] = pmax(hi[0], v);
        lo[0] = pmin(lo[0], v);
        j += 4;
    }
    let h = pmax(pmax(hi[0], hi[1]), pmax(hi[2], hi[3]));
    let l = pmin(pmin(lo[0], lo[1]), pmin(lo[2], lo[3]));
    let mut m = h.to_array().into_iter().fold(f32::NEG_INFINITY, f32::max);
    let mut mn = l.to_array().into_iter().fold(f32::INFINITY, f32::min);
    while j < n {
        m = m.max(*x.add(j));
        mn = mn.min(*x.add(j));
        j += 1;
    }
    (m, mn)
}

/// `Σ exp(x − max)`, optionally storing each term into `store`.
#[inline(always)]
pub(crate) unsafe fn exp_sum(x: *const f32, n: usize, max: f32, store: Option<*mut f32>) -> f32 {
    exp_sum_with(x, n, max, store, exp_nonpositive)
}

/// `Σ exp(x − max)` with the given exp of non-positive lanes, optionally storing each term.
#[inline(always)]
pub(crate) unsafe fn exp_sum_with(
    x: *const f32,
    n: usize,
    max: f32,
    store: Option<*mut f32>,
    exp: impl Fn(F32x4) -> F32x4,
) -> f32 {
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
        // The scalar tail always flushes: its lanes were not checked against the minimum.
        let e = exp_nonpositive(F32x4::splat(*x.add(j) - max)).lane(0);
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
pub(crate) unsafe fn map_row(src: *const f32, out: *mut f32, n: usize, f: impl Fn(F32x4) -> F32x4) {
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
/// follows it), with the block's per-column maxima and sums (8 KB) kept in L1.
/// A narrow block (one cache line per row) would walk the rows at the full row stride,
/// where every access is a miss and, at power-of-two strides, the lines conflict in cache.
const COLUMN_BLOCK: usize = 1024;

/// Floats of one chunk of rows (32 KB): read twice in a row, the second time mostly from
/// L1. Twice the 16 KB that fits L1 beside the chunk's output measured faster on both
/// builds: the per-chunk work (the maxima check, the chunk maxima, the final factors) is
/// paid half as often.
const CHUNK_FLOATS: usize = 8192;

thread_local! {
    /// The running column maxima at the end of each chunk, for the final scaling.
    static CHUNK_MAXIMA: Scratch = const { Scratch::new() };
}

/// Softmax (or log-softmax) along a non-innermost axis, without moving it last: `n` rows of
/// `inner` contiguous floats, `sx`/`so` floats apart, each of the `inner` columns reduced
/// over the rows. Online, by chunks of rows: a chunk's column maxima raise the running
/// maxima (rescaling the running sums when they move), then the chunk, still in L1, adds
/// its `exp(x − max)` terms (stored, for softmax). One pass over the input, and one more
/// over the output to scale each chunk by `exp(max_chunk − max)/Σ`, or for log-softmax over
/// the input for `x − max − ln Σ`. The same NaN and infinity rules as `softmax_rows`.
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
    if n == 0 {
        return;
    }
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

/// `f(v, lanes)` for each vector of a block of `width` columns: whole vectors first, then
/// the partial one (`lanes < 4`).
#[inline(always)]
fn each_vector(width: usize, mut f: impl FnMut(usize, usize)) {
    for v in 0..width / 4 {
        f(v, 4);
    }
    if !width.is_multiple_of(4) {
        f(width / 4, width % 4);
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
    let load = |p: *const f32, v: usize, lanes: usize| gather(p.add(4 * v), 1, lanes);
    let store = |e: F32x4, p: *mut f32, v: usize, lanes: usize| scatter(e, p.add(4 * v), 1, lanes);
    let chunk = (CHUNK_FLOATS / width).clamp(1, n);
    let chunks = n.div_ceil(chunk);
    let rows = |c: usize| (c * chunk) as isize..((c + 1) * chunk).min(n) as isize;
    let saved = if log { 0 } else { 4 * chunks * vectors };
    with_scratch(&CHUNK_MAXIMA, saved, |chunk_max| {
        // Running maxima with −∞ held as f32::MIN, so that `x − max` of a −∞ entry is −∞
        // (its term 0) rather than NaN before a finite entry shows up; a column of only −∞
        // still ends NaN (its sum is 0). Lanes past `width` stay 0.
        let mut max = [F32x4::splat(f32::MIN); V];
        let mut sum = [F32x4::splat(0.0); V];
        for c in 0..chunks {
            // Groups of four vectors (16 columns) down the chunk's rows, their maxima and
            // sums in registers; then the remaining whole vectors and the partial one.
            let (full, lanes) = (width / 4, width % 4);
            let chunk = ColumnChunk {
                x,
                sx,
                out,
                so,
                rows: rows(c),
                log,
            };
            let mut v = 0;
            while v + 4 <= full {
                column_group::<4>(&chunk, v, 4, &mut max, &mut sum);
                v += 4;
            }
            while v < vectors {
                let l = if v < full { 4 } else { lanes };
                column_group::<1>(&chunk, v, l, &mut max, &mut sum);
                v += 1;
            }
            if !log {
                for (v, m) in max.iter().enumerate().take(vectors) {
                    m.store(chunk_max.as_mut_ptr().add(4 * (c * vectors + v)));
                }
            }
        }
        if log {
            // ln Σ per lane, once per column.
            for s in sum.iter_mut().take(vectors) {
                let l = s.to_array().map(f32::ln);
                *s = F32x4::load(l.as_ptr());
            }
            for r in 0..n as isize {
                let (row, dst) = (x.offset(r * sx), out.offset(r * so));
                each_vector(width, |v, l| {
                    store(load(row, v, l).sub(max[v]).sub(sum[v]), dst, v, l)
                });
            }
            return;
        }
        for s in sum.iter_mut().take(vectors) {
            *s = F32x4::splat(1.0).div(*s);
        }
        let mut factor = [F32x4::splat(0.0); V];
        for c in 0..chunks {
            for v in 0..vectors {
                let m = F32x4::load(chunk_max.as_ptr().add(4 * (c * vectors + v)));
                factor[v] = exp_nonpositive(m.sub(max[v])).mul(sum[v]);
            }
            for r in rows(c) {
                let dst = out.offset(r * so);
                each_vector(width, |v, l| {
                    store(load(dst, v, l).mul(factor[v]), dst, v, l)
                });
            }
        }
    })
}

/// A chunk of rows of one column block (as `softmax_column_block` takes it).
struct ColumnChunk {
    x: *const f32,
    sx: isize,
    out: *mut f32,
    so: isize,
    rows: core::ops::Range<isize>,
    log: bool,
}

/// One chunk of rows for the `G` vectors of columns from vector `v` (`lanes` of each valid,
/// `< 4` only when G = 1): raises the running maxima by the chunk's, rescaling the sums
/// where they move, then adds the chunk's `exp(x − max)` terms to the sums (storing them
/// for softmax).
#[inline(always)]
unsafe fn column_group<const G: usize>(
    chunk: &ColumnChunk,
    v: usize,
    lanes: usize,
    max: &mut [F32x4],
    sum: &mut [F32x4],
) {
    use crate::lanes::{gather, scatter};
    let (x, out) = (chunk.x.add(4 * v), chunk.out.add(4 * v));
    let (max, sum) = (&mut max[v..v + G], &mut sum[v..v + G]);
    let mut m: [F32x4; G] = core::array::from_fn(|k| max[k]);
    let mut s: [F32x4; G] = core::array::from_fn(|k| sum[k]);
    let mut raised = m;
    for r in chunk.rows.clone() {
        let row = x.offset(r * chunk.sx);
        for (k, h) in raised.iter_mut().enumerate() {
            *h = pmax(*h, gather(row.add(4 * k), 1, lanes));
        }
    }
    for k in 0..G {
        // NaN entries do not raise the maximum (pmax keeps its first operand); they make
        // the sum NaN below.
        if ne(raised[k], m[k]).any() {
            s[k] = s[k].mul(exp_nonpositive(m[k].sub(raised[k])));
            m[k] = raised[k];
        }
    }
    for r in chunk.rows.clone() {
        let (row, dst) = (x.offset(r * chunk.sx), out.offset(r * chunk.so));
        for k in 0..G {
            let e = exp_nonpositive(gather(row.add(4 * k), 1, lanes).sub(m[k]));
            if !chunk.log {
                scatter(e, dst.add(4 * k), 1, lanes);
            }
            s[k] = s[k].add(e);
        }
    }
    max.copy_from_slice(&m);
    sum.copy_from_slice(&s);
}
