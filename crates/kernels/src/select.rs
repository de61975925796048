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

/// How `scatter` combines a source element with the one already there, numbered as the
/// ABI passes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScatterMode {
    Assign = 0,
    Add = 1,
}

impl ScatterMode {
    pub fn from_code(code: u32) -> Option<Self> {
        use ScatterMode::*;
        [Assign, Add].get(code as usize).copied()
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
    for_each_row(shape, strides, |[oc, oa, ob, oo], n| {
        let (c, a, b, o) = (cond.offset(oc), a.offset(oa), b.offset(ob), out.offset(oo));
        if sc == 0 {
            // One condition for the whole row (a mask broadcast along it): copy one side.
            let (src, ss) = if *c != 0 { (a, sa) } else { (b, sb) };
            if ss == 1 && so == 1 {
                // memmove: `out` may be `src` itself.
                core::ptr::copy(src, o, n);
            } else {
                for i in 0..n as isize {
                    *o.offset(i * so) = *src.offset(i * ss);
                }
            }
        } else if sc == 1 && so == 1 && (sa == 0 || sa == 1) && (sb == 0 || sb == 1) {
            // Contiguous rows, either side possibly a scalar (masked_fill, tril/triu).
            let done = select_row_simd(c, a, sa, b, sb, o, n);
            for i in done..n {
                let j = i as isize;
                *o.add(i) = if *c.add(i) != 0 {
                    *a.offset(j * sa)
                } else {
                    *b.offset(j * sb)
                };
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

/// The 16-element blocks of a contiguous `where` row with 4-byte elements, in SIMD: the
/// 16 condition bytes become four all-ones/all-zeros lane masks for `bitselect`. `sa`/`sb`
/// are 1 (a row) or 0 (a scalar). Returns how many leading elements it wrote (the rest
/// are the caller's).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
unsafe fn select_row_simd<T: Copy>(
    c: *const u8,
    a: *const T,
    sa: isize,
    b: *const T,
    sb: isize,
    o: *mut T,
    n: usize,
) -> usize {
    use core::arch::wasm32::*;
    if core::mem::size_of::<T>() != 4 {
        return 0;
    }
    let (a, b, o) = (a as *const v128, b as *const v128, o as *mut v128);
    let a_splat = v128_load32_splat(a as *const u32);
    let b_splat = v128_load32_splat(b as *const u32);
    let zero = u8x16_splat(0);
    let mut i = 0;
    while i + 16 <= n {
        let m = i8x16_ne(v128_load(c.add(i) as *const v128), zero);
        let (lo, hi) = (i16x8_extend_low_i8x16(m), i16x8_extend_high_i8x16(m));
        let masks = [
            i32x4_extend_low_i16x8(lo),
            i32x4_extend_high_i16x8(lo),
            i32x4_extend_low_i16x8(hi),
            i32x4_extend_high_i16x8(hi),
        ];
        for (k, mask) in masks.into_iter().enumerate() {
            // Element offset i + 4k, in v128 units of 4 elements.
            let q = i / 4 + k;
            let av = if sa == 0 {
                a_splat
            } else {
                v128_load(a.add(q))
            };
            let bv = if sb == 0 {
                b_splat
            } else {
                v128_load(b.add(q))
            };
            v128_store(o.add(q), v128_bitselect(av, bv, mask));
        }
        i += 16;
    }
    i
}

/// Without simd128 the caller's scalar loop does the whole row.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[inline(always)]
unsafe fn select_row_simd<T: Copy>(
    _c: *const u8,
    _a: *const T,
    _sa: isize,
    _b: *const T,
    _sb: isize,
    _o: *mut T,
    _n: usize,
) -> usize {
    0
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
