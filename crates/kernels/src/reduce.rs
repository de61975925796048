//! Float32 reductions over any set of axes. The TypeScript side passes the kept dims and the
//! reduced dims separately (each coalesced, reduced dims in row-major order so argmax's
//! flattened index is preserved); each output element walks its reduced rows with SIMD.
//!
//! Sums run four f32x4 accumulators over blocks of `SUM_BLOCK` elements and add each block
//! into an f64, so the error stays near that of a 64-element f32 sum whatever the length.
//! Products multiply in f64, exactly as the js reference does, so overflow and underflow of
//! intermediate products behave the same. max/min propagate NaN; argmax/argmin return the
//! first NaN, else the first extreme (torch's rules).

use crate::lanes::{gather, scatter};
use crate::simd::F32x4;
use crate::simd_ext as x;
use crate::strided::{element_count, for_each_row, split_outer_sized};

op_code_enum! {
    /// Reductions, numbered as the ABI passes them.
    pub enum ReduceOp {
        Sum = 0,
        Prod = 1,
        Max = 2,
        Min = 3,
        Argmax = 4,
        Argmin = 5,
    }
}

/// Elements summed in f32 lanes before the partial sum is added into the f64 total.
pub const SUM_BLOCK: usize = 1024;

#[inline(always)]
fn hsum(v: F32x4) -> f32 {
    let a = v.to_array();
    (a[0] + a[1]) + (a[2] + a[3])
}

/// Σ of `n` floats `s` apart.
unsafe fn row_sum(p: *const f32, s: isize, n: usize) -> f64 {
    let mut total = 0f64;
    let mut i = 0usize;
    while i < n {
        let end = (i + SUM_BLOCK).min(n);
        let zero = F32x4::splat(0.0);
        let mut acc = [zero; 4];
        if s == 1 {
            while i + 16 <= end {
                for (k, a) in acc.iter_mut().enumerate() {
                    *a = a.add(F32x4::load(p.add(i + 4 * k)));
                }
                i += 16;
            }
        }
        while i < end {
            let c = (end - i).min(4);
            acc[0] = acc[0].add(gather(p.offset(i as isize * s), s, c));
            i += c;
        }
        total += hsum(acc[0].add(acc[1]).add(acc[2].add(acc[3]))) as f64;
    }
    total
}

/// Π of `n` floats `s` apart, in f64.
unsafe fn row_prod(p: *const f32, s: isize, n: usize, mut acc: f64) -> f64 {
    for i in 0..n as isize {
        acc *= *p.offset(i * s) as f64;
    }
    acc
}

/// One step of a running max/min: `pmax`/`pmin` are single instructions on x86, unlike the
/// NaN-propagating `max`/`min`, so NaN is tracked apart (see `row_extreme`).
#[inline(always)]
fn pick<const MAX: bool>(a: F32x4, b: F32x4) -> F32x4 {
    if MAX {
        x::pmax(a, b)
    } else {
        x::pmin(a, b)
    }
}

/// The max (or min) of a non-empty row, NaN if the row has one. Which zero wins a tie
/// between -0 and +0 is unspecified.
unsafe fn row_extreme<const MAX: bool>(p: *const f32, s: isize, n: usize) -> f32 {
    let first = F32x4::splat(*p);
    let mut acc = [first; 4];
    let mut nan = x::ne(first, first);
    let mut i = 0usize;
    if s == 1 {
        while i + 16 <= n {
            for (k, a) in acc.iter_mut().enumerate() {
                let v = F32x4::load(p.add(i + 4 * k));
                *a = pick::<MAX>(*a, v);
                nan = nan.or(x::ne(v, v));
            }
            i += 16;
        }
    }
    while i < n {
        let c = (n - i).min(4);
        // Pad short groups with the row's first element, which cannot change the answer.
        let mut lanes = [*p; 4];
        for (k, lane) in lanes.iter_mut().enumerate().take(c) {
            *lane = *p.offset((i + k) as isize * s);
        }
        let v = F32x4::load(lanes.as_ptr());
        acc[0] = pick::<MAX>(acc[0], v);
        nan = nan.or(x::ne(v, v));
        i += c;
    }
    if nan.any() {
        return f32::NAN;
    }
    let v = pick::<MAX>(pick::<MAX>(acc[0], acc[1]), pick::<MAX>(acc[2], acc[3])).to_array();
    let m = |a: f32, b: f32| if (a < b) == MAX { b } else { a };
    m(m(v[0], v[1]), m(v[2], v[3]))
}

/// Index of the first element of the row equal to `target` (NaN matches NaN); SIMD over
/// contiguous rows.
unsafe fn first_index(p: *const f32, s: isize, n: usize, target: f32) -> usize {
    let nan = target.is_nan();
    let t = F32x4::splat(target);
    let mut i = 0usize;
    if s == 1 {
        while i + 4 <= n {
            let v = F32x4::load(p.add(i));
            let hit = if nan { x::ne(v, v) } else { x::eq(v, t) };
            let bits = hit.bitmask();
            if bits != 0 {
                return i + bits.trailing_zeros() as usize;
            }
            i += 4;
        }
    }
    (i..n)
        .find(|&k| {
            let v = *p.offset(k as isize * s);
            if nan {
                v.is_nan()
            } else {
                v == target
            }
        })
        .unwrap_or(0)
}

/// JS reference's "x replaces the best so far": strictly more extreme, or the first NaN.
#[inline(always)]
fn better(x: f32, best: f32, want_max: bool) -> bool {
    (if want_max { x > best } else { x < best }) || (x.is_nan() && !best.is_nan())
}

/// Reduces the elements at `a + Σ idx·red_strides` into one value (f32 bits or i32 index).
unsafe fn reduce_one(
    op: ReduceOp,
    red_shape: &[isize],
    red_strides: &[isize],
    a: *const f32,
) -> u32 {
    let rs = red_strides.last().copied().unwrap_or(0);
    match op {
        ReduceOp::Sum => {
            let mut total = 0f64;
            for_each_row(red_shape, [red_strides], |[o], n| {
                total += row_sum(a.offset(o), rs, n)
            });
            (total as f32).to_bits()
        }
        ReduceOp::Prod => {
            let mut acc = 1f64;
            for_each_row(red_shape, [red_strides], |[o], n| {
                acc = row_prod(a.offset(o), rs, n, acc)
            });
            (acc as f32).to_bits()
        }
        ReduceOp::Max => extreme::<true>(red_shape, red_strides, a, false),
        ReduceOp::Min => extreme::<false>(red_shape, red_strides, a, false),
        ReduceOp::Argmax => extreme::<true>(red_shape, red_strides, a, true),
        ReduceOp::Argmin => extreme::<false>(red_shape, red_strides, a, true),
    }
}

/// max/min (value bits) or argmax/argmin (index) over the reduced rows at `a`. The index is
/// found only when asked for, with a second pass over the row that holds the extreme.
unsafe fn extreme<const MAX: bool>(
    red_shape: &[isize],
    red_strides: &[isize],
    a: *const f32,
    want_index: bool,
) -> u32 {
    let rs = red_strides.last().copied().unwrap_or(0);
    let (mut best, mut at, mut base) = (0f32, -1i64, 0usize);
    for_each_row(red_shape, [red_strides], |[o], n| {
        if n > 0 {
            let p = a.offset(o);
            let m = row_extreme::<MAX>(p, rs, n);
            if at < 0 || better(m, best, MAX) {
                best = m;
                at = if want_index {
                    (base + first_index(p, rs, n, m)) as i64
                } else {
                    0
                };
            }
        }
        base += n;
    });
    if want_index {
        at as i32 as u32
    } else {
        best.to_bits()
    }
}

/// Reduced rows between flushes of the f32 partial sums into f64 (as `SUM_BLOCK` does).
const VERTICAL_SUM_BLOCK: usize = 64;

/// Reduces `n` adjacent outputs at once: for every reduced index, combines the contiguous
/// row `a + red_offset .. + n` into the outputs lane-wise (sum, max or min), so a reduction
/// over a non-innermost axis reads whole vectors instead of one element per cache line.
unsafe fn reduce_rows(
    op: ReduceOp,
    red_shape: &[isize],
    red_strides: &[isize],
    a: *const f32,
    n: usize,
    out: *mut f32,
) {
    // `combine` knows sum, max and min; max and min start from the first reduced row, so
    // they need one (a sum of nothing is the zeros `acc` starts with).
    debug_assert!(matches!(op, ReduceOp::Sum | ReduceOp::Max | ReduceOp::Min));
    debug_assert!(
        op == ReduceOp::Sum || element_count(red_shape) > 0,
        "{op:?} over no reduced elements"
    );
    debug_assert!(n >= 1);
    let rs = red_strides.last().copied().unwrap_or(0);
    let combine = |acc: F32x4, v: F32x4| match op {
        ReduceOp::Max => x::max_nan(acc, v),
        ReduceOp::Min => x::min_nan(acc, v),
        _ => acc.add(v),
    };
    let mut acc = vec![0f32; n];
    let mut total = vec![0f64; if op == ReduceOp::Sum { n } else { 0 }];
    let mut first = true;
    let mut since_flush = 0usize;
    for_each_row(red_shape, [red_strides], |[o], m| {
        for j in 0..m as isize {
            let row = a.offset(o + j * rs);
            if first {
                core::ptr::copy_nonoverlapping(row, acc.as_mut_ptr(), n);
                first = false;
                continue;
            }
            let mut i = 0usize;
            while i < n {
                let c = (n - i).min(4);
                let p = acc.as_mut_ptr().add(i);
                scatter(combine(gather(p, 1, c), gather(row.add(i), 1, c)), p, 1, c);
                i += c;
            }
            since_flush += 1;
            if op == ReduceOp::Sum && since_flush == VERTICAL_SUM_BLOCK {
                for (t, s) in total.iter_mut().zip(acc.iter_mut()) {
                    *t += *s as f64;
                    *s = 0.0;
                }
                since_flush = 0;
            }
        }
    });
    for i in 0..n {
        *out.add(i) = if op == ReduceOp::Sum {
            (total[i] + acc[i] as f64) as f32
        } else {
            acc[i]
        };
    }
}

/// `reduce_rows` for argmax/argmin: per lane, the best value and the flat reduced index
/// where it was first seen (a NaN beats every number and only the first NaN is kept),
/// written as i32 indices to `out`.
unsafe fn arg_rows(
    op: ReduceOp,
    red_shape: &[isize],
    red_strides: &[isize],
    a: *const f32,
    n: usize,
    out: *mut u32,
) {
    debug_assert!(matches!(op, ReduceOp::Argmax | ReduceOp::Argmin));
    debug_assert!(
        element_count(red_shape) > 0,
        "{op:?} over no reduced elements"
    );
    debug_assert!(n >= 1);
    let rs = red_strides.last().copied().unwrap_or(0);
    let better = |v: F32x4, best: F32x4| {
        if op == ReduceOp::Argmax {
            x::gt(v, best)
        } else {
            x::lt(v, best)
        }
    };
    let mut best = vec![0f32; n];
    // The index of each lane's best, as i32 bits in f32 lanes.
    let mut at = vec![0f32; n];
    let mut k = 0i32;
    for_each_row(red_shape, [red_strides], |[o], m| {
        for j in 0..m as isize {
            let row = a.offset(o + j * rs);
            if k == 0 {
                core::ptr::copy_nonoverlapping(row, best.as_mut_ptr(), n);
                k = 1;
                continue;
            }
            let here = x::from_bits(x::I32x4::splat(k));
            let mut i = 0usize;
            while i < n {
                let c = (n - i).min(4);
                let (p, q) = (best.as_mut_ptr().add(i), at.as_mut_ptr().add(i));
                let (b, v) = (gather(p, 1, c), gather(row.add(i), 1, c));
                let take = better(v, b).or(x::ne(v, v).and(x::eq(b, b)));
                scatter(take.select(here, gather(q, 1, c)), q, 1, c);
                scatter(take.select(v, b), p, 1, c);
                i += c;
            }
            k += 1;
        }
    });
    for (i, &bits) in at.iter().enumerate() {
        *out.add(i) = bits.to_bits();
    }
}

/// Writes one result per kept index, in row-major order of `kept_shape`, to contiguous `out`
/// (f32 for sum/prod/max/min, i32 for argmax/argmin).
///
/// # Safety
/// Every element the layout addresses must be valid; `out` holds Π kept_shape 4-byte values.
pub unsafe fn reduce_f32(
    op: ReduceOp,
    kept_shape: &[isize],
    kept_strides: &[isize],
    red_shape: &[isize],
    red_strides: &[isize],
    a: *const f32,
    out: *mut u32,
) {
    let ks = kept_strides.last().copied().unwrap_or(0);
    let rs = red_strides.last().copied().unwrap_or(0);
    let vertical = op != ReduceOp::Prod && ks == 1 && rs != 1 && !red_shape.is_empty();
    let mut o = 0usize;
    for_each_row(kept_shape, [kept_strides], |[off], n| {
        if vertical && n >= 4 {
            // The kept row is contiguous and the reduced dims are not: SIMD across the row.
            let a = a.offset(off);
            if matches!(op, ReduceOp::Argmax | ReduceOp::Argmin) {
                arg_rows(op, red_shape, red_strides, a, n, out.add(o));
            } else {
                reduce_rows(op, red_shape, red_strides, a, n, out.add(o) as *mut f32);
            }
            o += n;
            return;
        }
        for i in 0..n as isize {
            *out.add(o) = reduce_one(op, red_shape, red_strides, a.offset(off + i * ks));
            o += 1;
        }
    });
}

/// `reduce_f32`, split over the pool by blocks of the outermost kept dim when the input is
/// large. Only where each output's reduction is the same whoever computes it: several kept
/// dims (the inner kept rows stay whole), or one kept dim whose reduced rows are contiguous
/// (one scalar-path reduction per output). A full reduction stays serial.
///
/// # Safety
/// As for `reduce_f32`.
pub unsafe fn reduce_f32_split(
    op: ReduceOp,
    kept_shape: &[isize],
    kept_strides: &[isize],
    red_shape: &[isize],
    red_strides: &[isize],
    a: *const f32,
    out: *mut u32,
) {
    let red_inner = red_strides.last().copied().unwrap_or(0);
    let splittable = kept_shape.len() >= 2 || (kept_shape.len() == 1 && red_inner == 1);
    if !splittable {
        return reduce_f32(op, kept_shape, kept_strides, red_shape, red_strides, a, out);
    }

    // `out` is contiguous over the kept dims: give it row-major strides as a second operand.
    let mut out_strides = vec![1isize; kept_shape.len()];
    for d in (0..kept_shape.len() - 1).rev() {
        out_strides[d] = out_strides[d + 1] * kept_shape[d + 1];
    }
    let (a, out) = (a as usize, out as usize);
    let work = element_count(kept_shape).saturating_mul(element_count(red_shape));
    split_outer_sized(
        kept_shape,
        [kept_strides, &out_strides],
        work,
        |kept, [oa, oo]| {
            let a = (a as *const f32).offset(oa);
            let out = (out as *mut u32).offset(oo);
            reduce_f32(op, kept, kept_strides, red_shape, red_strides, a, out);
        },
    );
}
