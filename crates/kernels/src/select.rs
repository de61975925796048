//! Selection kernels over coalesced strided layouts, for every dtype: `where` (pick `a` or
//! `b` by a bool condition), `gather` (read along one dim at positions an int32 index gives:
//! torch's gather, index_select, embedding and integer-array indexing) and `scatter` (write
//! or add along one dim at such positions).
//!
//! `where` and `gather` move bits, so they are generic over the element width (1, 4 or 8
//! bytes), not the dtype. Every index value has been checked by the caller to lie in
//! `[-dim_size, dim_size)`; a negative one counts from the end, as Python's `x[-1]`.

use crate::copy::Kind;
use crate::strided::{for_each_row, inner_strides};

op_code_enum! {
    /// How `scatter` combines a source element with the one already there, numbered as the
    /// ABI passes it.
    pub enum ScatterMode {
        Assign = 0,
        Add = 1,
    }
}

/// An index value made non-negative (`-1` is the last position of a dim of `size`).
#[inline(always)]
fn wrap(k: i32, size: isize) -> isize {
    let k = k as isize;
    if k < 0 {
        k + size
    } else {
        k
    }
}

/// `out = cond ? a : b` over `shape`; `strides` are cond's, a's, b's and out's.
///
/// # Safety
/// Every element the layout addresses must be valid; `out` may alias `a` or `b` exactly
/// (same element at the same index), not otherwise.
pub unsafe fn where_select<T: Copy>(
    shape: &[isize],
    strides: [&[isize]; 4],
    cond: *const u8,
    a: *const T,
    b: *const T,
    out: *mut T,
) {
    let [sc, sa, sb, so] = inner_strides(strides);
    let unit_or_splat = |s: isize| s == 0 || s == 1;
    if core::mem::size_of::<T>() == 4 && so == 1 && [sc, sa, sb].into_iter().all(unit_or_splat) {
        // Contiguous rows, each of cond, a and b a row or one value repeated (a mask
        // broadcast along the row, masked_fill's scalar, tril/triu): the row kind is chosen
        // once, as the arithmetic kernels do, so a short row costs a few vector ops.
        let (a, b, out) = (a as *const u32, b as *const u32, out as *mut u32);
        let args = (shape, strides, cond, a, b, out);
        return match (sc == 0, sa == 0, sb == 0) {
            (false, false, false) => select_rows_u32::<false, false, false>(args),
            (false, false, true) => select_rows_u32::<false, false, true>(args),
            (false, true, false) => select_rows_u32::<false, true, false>(args),
            (false, true, true) => select_rows_u32::<false, true, true>(args),
            (true, false, false) => select_rows_u32::<true, false, false>(args),
            (true, false, true) => select_rows_u32::<true, false, true>(args),
            (true, true, false) => select_rows_u32::<true, true, false>(args),
            (true, true, true) => select_rows_u32::<true, true, true>(args),
        };
    }
    for_each_row(shape, strides, |[oc, oa, ob, oo], n| {
        let (c, a, b, o) = (cond.offset(oc), a.offset(oa), b.offset(ob), out.offset(oo));
        if sc == 0 {
            // One condition for the whole row: copy one side.
            let (src, ss) = if *c != 0 { (a, sa) } else { (b, sb) };
            if ss == 1 && so == 1 {
                // memmove: `out` may be `src` itself.
                core::ptr::copy(src, o, n);
            } else {
                for i in 0..n as isize {
                    *o.offset(i * so) = *src.offset(i * ss);
                }
            }
        } else {
            for i in 0..n as isize {
                *o.offset(i * so) = if *c.offset(i * sc) != 0 {
                    *a.offset(i * sa)
                } else {
                    *b.offset(i * sb)
                };
            }
        }
    });
}

/// What `select_rows_u32` runs on: the shape and the strides of cond, a, b and out, then
/// their first elements.
type SelectRowsArgs<'a> = (
    &'a [isize],
    [&'a [isize]; 4],
    *const u8,
    *const u32,
    *const u32,
    *mut u32,
);

/// Every row of a 4-byte `where` whose out rows are contiguous and whose cond, a and b rows
/// are contiguous or, where `SPLAT_*` is set, one value repeated.
#[inline(never)]
unsafe fn select_rows_u32<const SPLAT_C: bool, const SPLAT_A: bool, const SPLAT_B: bool>(
    (shape, strides, cond, a, b, out): SelectRowsArgs,
) {
    for_each_row(shape, strides, |[oc, oa, ob, oo], n| {
        let (c, a, b, o) = (cond.offset(oc), a.offset(oa), b.offset(ob), out.offset(oo));
        if n < 4 {
            select_row_scalar::<SPLAT_C, SPLAT_A, SPLAT_B>(c, a, b, o, n);
        } else {
            select_row_u32::<SPLAT_C, SPLAT_A, SPLAT_B>(c, a, b, o, n);
        }
    });
}

/// A `where` row of `n ≥ 4` 4-byte elements in SIMD: 16 condition bytes at a time become four
/// all-ones/all-zeros lane masks for `bitselect` (a repeated condition: one mask for the
/// row), then four at a time, and a row whose length is not a multiple of four ends with
/// one block over its last four, computed before the row is stored (so `out` may be `a` or
/// `b` itself).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
unsafe fn select_row_u32<const SPLAT_C: bool, const SPLAT_A: bool, const SPLAT_B: bool>(
    c: *const u8,
    a: *const u32,
    b: *const u32,
    o: *mut u32,
    n: usize,
) {
    use core::arch::wasm32::*;
    debug_assert!(n >= 4);
    let a_splat = v128_load32_splat(a);
    let b_splat = v128_load32_splat(b);
    let zero = u8x16_splat(0);
    let row_mask = i32x4_splat(-((*c != 0) as i32));
    // Four lanes of `a` and `b` at element `i`, picked by `mask`.
    let pick = |i: usize, mask: v128| {
        let av = if SPLAT_A {
            a_splat
        } else {
            v128_load(a.add(i) as *const v128)
        };
        let bv = if SPLAT_B {
            b_splat
        } else {
            v128_load(b.add(i) as *const v128)
        };
        v128_bitselect(av, bv, mask)
    };
    let mask4 = |i: usize| {
        if SPLAT_C {
            return row_mask;
        }
        let m = i8x16_ne(v128_load32_zero(c.add(i) as *const u32), zero);
        i32x4_extend_low_i16x8(i16x8_extend_low_i8x16(m))
    };
    let tail = pick(n - 4, mask4(n - 4));
    let mut i = 0;
    while i + 16 <= n {
        let masks = if SPLAT_C {
            [row_mask; 4]
        } else {
            let m = i8x16_ne(v128_load(c.add(i) as *const v128), zero);
            let (lo, hi) = (i16x8_extend_low_i8x16(m), i16x8_extend_high_i8x16(m));
            [
                i32x4_extend_low_i16x8(lo),
                i32x4_extend_high_i16x8(lo),
                i32x4_extend_low_i16x8(hi),
                i32x4_extend_high_i16x8(hi),
            ]
        };
        for (k, mask) in masks.into_iter().enumerate() {
            v128_store(o.add(i + 4 * k) as *mut v128, pick(i + 4 * k, mask));
        }
        i += 16;
    }
    while i + 4 <= n {
        v128_store(o.add(i) as *mut v128, pick(i, mask4(i)));
        i += 4;
    }
    if i < n {
        v128_store(o.add(n - 4) as *mut v128, tail);
    }
}

/// Builds without simd128 do every row element by element.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
use select_row_scalar as select_row_u32;

/// A `where` row of 4-byte elements, element by element (short rows; builds without simd128).
#[inline(always)]
unsafe fn select_row_scalar<const SPLAT_C: bool, const SPLAT_A: bool, const SPLAT_B: bool>(
    c: *const u8,
    a: *const u32,
    b: *const u32,
    o: *mut u32,
    n: usize,
) {
    let (sc, sa, sb) = (!SPLAT_C as usize, !SPLAT_A as usize, !SPLAT_B as usize);
    for i in 0..n {
        *o.add(i) = if *c.add(i * sc) != 0 {
            *a.add(i * sa)
        } else {
            *b.add(i * sb)
        };
    }
}

/// `out[p] = a[p + index[p]·dim_stride]` over `shape`; `strides` are a's (0 along the
/// gathered dim), index's and out's.
///
/// # Safety
/// Every element the layout addresses, for every index value, must be valid; every index
/// value must lie in `[-dim_size, dim_size)`; `out` must not overlap `a`.
pub unsafe fn gather<T: Copy>(
    shape: &[isize],
    strides: [&[isize]; 3],
    a: *const T,
    dim_stride: isize,
    dim_size: isize,
    index: *const i32,
    out: *mut T,
) {
    let [sa, si, so] = inner_strides(strides);
    for_each_row(shape, strides, |[oa, oi, oo], n| {
        let (a, idx, o) = (a.offset(oa), index.offset(oi), out.offset(oo));
        if si == 0 {
            // One index for the whole row (index_select, embedding): a row copy.
            let src = a.offset(wrap(*idx, dim_size) * dim_stride);
            if sa == 1 && so == 1 {
                core::ptr::copy_nonoverlapping(src, o, n);
            } else {
                for i in 0..n as isize {
                    *o.offset(i * so) = *src.offset(i * sa);
                }
            }
        } else {
            for i in 0..n as isize {
                let k = wrap(*idx.offset(i * si), dim_size);
                *o.offset(i * so) = *a.offset(i * sa + k * dim_stride);
            }
        }
    });
}

/// `out[p + index[p]·dim_stride] = combine(that element, src[p])` over `shape`, in
/// row-major order of `p` (so with repeated index values the last write wins, and sums
/// are added in that order); `strides` are out's (0 along the scattered dim), index's and
/// src's.
///
/// # Safety
/// As `gather`, with `out` written; `src` must not overlap `out`.
#[allow(clippy::too_many_arguments)]
pub unsafe fn scatter<T: Copy>(
    shape: &[isize],
    strides: [&[isize]; 3],
    out: *mut T,
    dim_stride: isize,
    dim_size: isize,
    index: *const i32,
    src: *const T,
    combine: impl Fn(T, T) -> T,
) {
    let [so, si, ss] = inner_strides(strides);
    for_each_row(shape, strides, |[oo, oi, os], n| {
        let (o, idx, s) = (out.offset(oo), index.offset(oi), src.offset(os));
        for i in 0..n as isize {
            let at = o.offset(i * so + wrap(*idx.offset(i * si), dim_size) * dim_stride);
            *at = combine(*at, *s.offset(i * ss));
        }
    });
}

/// `scatter` for a storage kind: `Assign` moves bits; `Add` adds floats, wraps int32 and
/// ORs bools (a bool sum is true when either is).
///
/// # Safety
/// As `scatter`.
#[allow(clippy::too_many_arguments)]
pub unsafe fn scatter_kind(
    mode: ScatterMode,
    kind: Kind,
    shape: &[isize],
    strides: [&[isize]; 3],
    out: *mut u8,
    dim_stride: isize,
    dim_size: isize,
    index: *const i32,
    src: *const u8,
) {
    let (ds, n) = (dim_stride, dim_size);
    match (mode, kind) {
        (ScatterMode::Assign, Kind::F32 | Kind::I32) => {
            scatter::<u32>(shape, strides, out as _, ds, n, index, src as _, |_, s| s)
        }
        (ScatterMode::Assign, Kind::F64) => {
            scatter::<u64>(shape, strides, out as _, ds, n, index, src as _, |_, s| s)
        }
        (ScatterMode::Assign, Kind::Bool) => {
            scatter::<u8>(shape, strides, out, ds, n, index, src, |_, s| s)
        }
        (ScatterMode::Add, Kind::F32) => {
            scatter::<f32>(shape, strides, out as _, ds, n, index, src as _, |o, s| {
                o + s
            })
        }
        (ScatterMode::Add, Kind::F64) => {
            scatter::<f64>(shape, strides, out as _, ds, n, index, src as _, |o, s| {
                o + s
            })
        }
        (ScatterMode::Add, Kind::I32) => {
            scatter::<i32>(shape, strides, out as _, ds, n, index, src as _, |o, s| {
                o.wrapping_add(s)
            })
        }
        (ScatterMode::Add, Kind::Bool) => {
            scatter::<u8>(shape, strides, out, ds, n, index, src, |o, s| {
                (o != 0 || s != 0) as u8
            })
        }
    }
}
