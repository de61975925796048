//! Float32 reductions over any set of axes. The TypeScript side passes the kept dims and the
//! reduced dims separately (each coalesced, reduced dims in row-major order so argmax's
//! flattened index is preserved); each output element walks its reduced rows with SIMD, or,
//! when the kept row is contiguous and the reduced dims are not, `reduce_columns` reduces
//! the whole row at once down its columns.
//!
//! Sums run four f32x4 accumulators over blocks of `SUM_BLOCK` elements (strided rows too,
//! round-robin) and add each block into an f64, so no f32 lane adds more than 32 terms: the
//! error stays within u·|Σx| + 32·u·Σ|x| whatever the length, the bound of `reduce_columns`.
//! Products multiply in f64, exactly as the js reference does, so overflow and underflow of
//! intermediate products behave the same. max/min propagate NaN; argmax/argmin return the
//! first NaN, else the first extreme (torch's rules).

use crate::lanes::gather;
use crate::reduce_columns as columns;
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
        All = 6,
        Any = 7,
    }
}

/// Elements summed in f32 lanes before the partial sum is added into the f64 total.
pub const SUM_BLOCK: usize = 512;

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
        let mut k = 0;
        while i < end {
            let c = (end - i).min(4);
            acc[k] = acc[k].add(gather(p.offset(i as isize * s), s, c));
            k = (k + 1) % 4;
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

/// Reduces the elements at `a + Σ idx·red_strides` into one value (f32 bits or i32 index),
/// and for argmax/argmin the extreme value as well (0 for the other ops).
unsafe fn reduce_one(
    op: ReduceOp,
    red_shape: &[isize],
    red_strides: &[isize],
    a: *const f32,
) -> (u32, f32) {
    let rs = red_strides.last().copied().unwrap_or(0);
    match op {
        ReduceOp::Sum => {
            let mut total = 0f64;
            for_each_row(red_shape, [red_strides], |[o], n| {
                total += row_sum(a.offset(o), rs, n)
            });
            ((total as f32).to_bits(), 0.0)
        }
        ReduceOp::Prod => {
            let mut acc = 1f64;
            for_each_row(red_shape, [red_strides], |[o], n| {
                acc = row_prod(a.offset(o), rs, n, acc)
            });
            ((acc as f32).to_bits(), 0.0)
        }
        ReduceOp::Max => extreme::<true>(red_shape, red_strides, a, false),
        ReduceOp::Min => extreme::<false>(red_shape, red_strides, a, false),
        ReduceOp::Argmax => extreme::<true>(red_shape, red_strides, a, true),
        ReduceOp::Argmin => extreme::<false>(red_shape, red_strides, a, true),
        ReduceOp::All | ReduceOp::Any => unreachable!("all/any run in reduce_typed"),
    }
}

/// max/min (value bits) or argmax/argmin (index) over the reduced rows at `a`, and the
/// extreme value. The index is found only when asked for, with a second pass over the row
/// that holds the extreme.
unsafe fn extreme<const MAX: bool>(
    red_shape: &[isize],
    red_strides: &[isize],
    a: *const f32,
    want_index: bool,
) -> (u32, f32) {
    let rs = red_strides.last().copied().unwrap_or(0);
    let (mut best, mut at, mut base, mut value) = (0f32, -1i64, 0usize, 0f32);
    for_each_row(red_shape, [red_strides], |[o], n| {
        if n > 0 {
            let p = a.offset(o);
            let m = row_extreme::<MAX>(p, rs, n);
            if at < 0 || better(m, best, MAX) {
                best = m;
                at = if want_index {
                    let k = first_index(p, rs, n, m);
                    // The element itself: `m` may be the other zero of a -0/+0 tie.
                    value = *p.offset(k as isize * rs);
                    (base + k) as i64
                } else {
                    0
                };
            }
        }
        base += n;
    });
    if want_index {
        (at as i32 as u32, value)
    } else {
        (best.to_bits(), best)
    }
}

/// The layout of a reduction: the kept dims (in `out`'s order) and the reduced dims, each
/// with the input's strides.
#[derive(Clone, Copy)]
pub struct ReduceDims<'a> {
    pub kept_shape: &'a [isize],
    pub kept_strides: &'a [isize],
    pub red_shape: &'a [isize],
    pub red_strides: &'a [isize],
}

/// Writes one result per kept index, in row-major order of `kept_shape`, to contiguous `out`
/// (f32 for sum/prod/max/min, i32 for argmax/argmin); all/any are `reduce_typed`'s.
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
    let dims = ReduceDims {
        kept_shape,
        kept_strides,
        red_shape,
        red_strides,
    };
    reduce_f32_values(op, &dims, a, out, core::ptr::null_mut())
}

/// `reduce_f32`; for argmax/argmin, when `values` is not null, the extreme values (the
/// elements the indices name) go to contiguous `values` as well.
///
/// # Safety
/// As `reduce_f32`; `values` is null or holds Π kept_shape floats.
pub unsafe fn reduce_f32_values(
    op: ReduceOp,
    dims: &ReduceDims,
    a: *const f32,
    out: *mut u32,
    values: *mut f32,
) {
    let (red_shape, red_strides) = (dims.red_shape, dims.red_strides);
    let ks = dims.kept_strides.last().copied().unwrap_or(0);
    let rs = red_strides.last().copied().unwrap_or(0);
    let vertical = op != ReduceOp::Prod && ks == 1 && rs != 1 && !red_shape.is_empty();
    let mut o = 0usize;
    for_each_row(dims.kept_shape, [dims.kept_strides], |[off], n| {
        if vertical {
            // The kept row is contiguous and the reduced dims are not: SIMD across the row.
            let (a, out, (rs, rt)) = (a.offset(off), out.add(o), (red_shape, red_strides));
            let (acc, vals) = (out as *mut f32, values_at(values, o));
            match op {
                ReduceOp::Sum => columns::sum_columns(rs, rt, a, n, acc),
                ReduceOp::Max => columns::extreme_columns::<true>(rs, rt, a, n, acc),
                ReduceOp::Min => columns::extreme_columns::<false>(rs, rt, a, n, acc),
                ReduceOp::Argmax => columns::arg_columns::<true>(rs, rt, a, n, out, vals),
                ReduceOp::Argmin => columns::arg_columns::<false>(rs, rt, a, n, out, vals),
                ReduceOp::Prod => unreachable!("prod multiplies in f64 on the scalar path"),
                ReduceOp::All | ReduceOp::Any => unreachable!("all/any run in reduce_typed"),
            }
            o += n;
            return;
        }
        for i in 0..n as isize {
            let (r, v) = reduce_one(op, red_shape, red_strides, a.offset(off + i * ks));
            *out.add(o) = r;
            if !values.is_null() {
                *values.add(o) = v;
            }
            o += 1;
        }
    });
}

/// `values + o`, or null when there are no values to write.
fn values_at(values: *mut f32, o: usize) -> *mut f32 {
    if values.is_null() {
        values
    } else {
        values.wrapping_add(o)
    }
}

/// `reduce_f32_values`, split over the pool by blocks of the outermost kept dim when the
/// input is large. Only where each output's reduction is the same whoever computes it:
/// several kept dims (the inner kept rows stay whole), or one kept dim whose reduced rows
/// are contiguous (one scalar-path reduction per output) or which is itself contiguous
/// (columns, each summed in the same order in any piece). A full reduction stays serial.
///
/// # Safety
/// As for `reduce_f32_values`.
pub unsafe fn reduce_f32_split(
    op: ReduceOp,
    dims: &ReduceDims,
    a: *const f32,
    out: *mut u32,
    values: *mut f32,
) {
    let kept_shape = dims.kept_shape;
    let red_inner = dims.red_strides.last().copied().unwrap_or(0);
    // One kept dim splits when its outputs are reduced one by one (contiguous reduced rows)
    // or as columns of a contiguous kept row: each column's order is the same in any piece.
    let one_kept = kept_shape.len() == 1
        && (red_inner == 1
            || (dims.kept_strides[0] == 1
                && columns::columns_split_alike(kept_shape[0].max(0) as usize)));
    let splittable = kept_shape.len() >= 2 || one_kept;
    if !splittable {
        return reduce_f32_values(op, dims, a, out, values);
    }

    // `out` is contiguous over the kept dims: give it row-major strides as a second operand.
    let mut out_strides = vec![1isize; kept_shape.len()];
    for d in (0..kept_shape.len() - 1).rev() {
        out_strides[d] = out_strides[d + 1] * kept_shape[d + 1];
    }
    let (a, out, values) = (a as usize, out as usize, values as usize);
    let work = element_count(kept_shape).saturating_mul(element_count(dims.red_shape));
    let dims = *dims;
    split_outer_sized(
        kept_shape,
        [dims.kept_strides, &out_strides],
        work,
        |kept, [oa, oo]| {
            let a = (a as *const f32).offset(oa);
            let out = (out as *mut u32).offset(oo);
            let values = values_at(values as *mut f32, oo as usize);
            let piece = ReduceDims {
                kept_shape: kept,
                ..dims
            };
            reduce_f32_values(op, &piece, a, out, values);
        },
    );
}
