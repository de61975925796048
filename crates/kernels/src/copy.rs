//! Strided n-d copy with casts between the storage types (f32, f64, i32, bool as u8), with
//! the conversions a JavaScript typed-array store performs, so results match the js backend:
//! to f32 rounds to nearest, to i32 is `ToInt32` (truncate, wrap mod 2^32, NaN → 0), to bool
//! is `x != 0` (NaN → true).

use crate::row_blocks::{copy_row_blocks, MAX_ROW_BYTES};
use crate::scalar::to_int32;
use crate::strided::{for_each_row, inner_strides};
use crate::transpose::{copy_transposed, plan_transposed};

op_code_enum! {
    /// Storage element kinds, numbered as the ABI passes them.
    pub enum Kind {
        F32 = 0,
        F64 = 1,
        I32 = 2,
        Bool = 3,
    }
}

impl Kind {
    /// Bytes per element.
    pub fn bytes(self) -> isize {
        match self {
            Kind::F32 | Kind::I32 => 4,
            Kind::F64 => 8,
            Kind::Bool => 1,
        }
    }
}

/// An element type that can be read as a number and written from one.
pub trait Elem: Copy {
    fn to_f64(self) -> f64;
    fn from_f64(v: f64) -> Self;
}
impl Elem for f32 {
    fn to_f64(self) -> f64 {
        self as f64
    }
    fn from_f64(v: f64) -> Self {
        v as f32
    }
}
impl Elem for f64 {
    fn to_f64(self) -> f64 {
        self
    }
    fn from_f64(v: f64) -> Self {
        v
    }
}
impl Elem for i32 {
    fn to_f64(self) -> f64 {
        self as f64
    }
    fn from_f64(v: f64) -> Self {
        to_int32(v)
    }
}
impl Elem for u8 {
    fn to_f64(self) -> f64 {
        self as f64
    }
    fn from_f64(v: f64) -> Self {
        (v != 0.0) as u8
    }
}

unsafe fn copy_typed<S: Elem, D: Elem>(
    shape: &[isize],
    strides: [&[isize]; 2],
    a: *const S,
    out: *mut D,
    same: bool,
) {
    if same && copy_tiled(shape, strides, a, out as *mut S) {
        return;
    }
    let [sa, so] = inner_strides(strides);
    if same && sa == 1 && so == 1 && copy_gathered_rows(shape, strides, a, out as *mut S) {
        return;
    }
    for_each_row(shape, strides, |[oa, oo], n| {
        let (a, out) = (a.offset(oa), out.offset(oo));
        if same && sa == 1 && so == 1 {
            // memmove: a same-type copy between overlapping views stays correct.
            core::ptr::copy(
                a as *const u8,
                out as *mut u8,
                n * core::mem::size_of::<S>(),
            );
        } else if same && so == 1 && sa == 0 {
            let v = *(a as *const D);
            for i in 0..n {
                *out.add(i) = v;
            }
        } else if same {
            // A plain move: no round trip through f64, which would quiet signalling NaNs.
            let a = a as *const D;
            for i in 0..n as isize {
                *out.offset(i * so) = *a.offset(i * sa);
            }
        } else {
            for i in 0..n as isize {
                *out.offset(i * so) = D::from_f64((*a.offset(i * sa)).to_f64());
            }
        }
    });
}

/// A same-type copy of a transposed or permuted layout, in cache tiles (`transpose.rs`),
/// when the layout is one and the operands do not overlap; false when not done.
unsafe fn copy_tiled<T: Copy>(
    shape: &[isize],
    strides: [&[isize]; 2],
    a: *const T,
    out: *mut T,
) -> bool {
    let Some((plan, d)) = plan_transposed(shape, strides) else {
        return false;
    };
    let size = core::mem::size_of::<T>();
    if byte_ranges_overlap(shape, strides, a as usize, out as usize, size) {
        return false;
    }
    // Every dim but the two tiled ones is walked one element at a time (a trailing dim of
    // one element stands for the tile).
    let last = shape.len() - 1;
    let keep = |v: &[isize], tail: isize| -> Vec<isize> {
        let mut kept: Vec<isize> = (0..last).filter(|&k| k != d).map(|k| v[k]).collect();
        kept.push(tail);
        kept
    };
    let outer = keep(shape, 1);
    let (sa, so) = (keep(strides[0], 0), keep(strides[1], 0));
    for_each_row(&outer, [&sa, &so], |[oa, oo], _| {
        copy_transposed(&plan, a.offset(oa), out.offset(oo))
    });
    true
}

/// A same-type copy of whole rows gathered from a permuted layout (`row_blocks.rs`): at
/// least three dims, short contiguous rows on both sides, the source's rows further apart
/// along the output's second-to-last dim than along the one above it (a plain slice walks
/// its source in order already), no overlap; false when not done.
unsafe fn copy_gathered_rows<T: Copy>(
    shape: &[isize],
    strides: [&[isize]; 2],
    a: *const T,
    out: *mut T,
) -> bool {
    let size = core::mem::size_of::<T>();
    let nd = shape.len();
    if nd < 3 || shape[nd - 1] as usize * size > MAX_ROW_BYTES {
        return false;
    }
    if strides[0][nd - 2].abs() <= strides[0][nd - 3].abs() {
        return false;
    }
    if byte_ranges_overlap(shape, strides, a as usize, out as usize, size) {
        return false;
    }
    copy_row_blocks(shape, strides, size, a as *const u8, out as *mut u8);
    true
}

/// Whether the bytes two strided operands of `shape` address can intersect (a conservative
/// test on their address ranges).
fn byte_ranges_overlap(
    shape: &[isize],
    strides: [&[isize]; 2],
    a: usize,
    out: usize,
    size: usize,
) -> bool {
    let range = |base: usize, st: &[isize]| {
        let (mut lo, mut hi) = (0isize, 0isize);
        for (&n, &s) in shape.iter().zip(st) {
            let reach = (n - 1).max(0) * s;
            if reach < 0 {
                lo += reach;
            } else {
                hi += reach;
            }
        }
        let start = base as isize + lo * size as isize;
        (start, base as isize + (hi + 1) * size as isize)
    };
    let (a0, a1) = range(a, strides[0]);
    let (o0, o1) = range(out, strides[1]);
    a0 < o1 && o0 < a1
}

unsafe fn copy_from<S: Elem>(
    to: Kind,
    from: Kind,
    shape: &[isize],
    strides: [&[isize]; 2],
    a: *const S,
    out: *mut u8,
) {
    let same = to == from;
    match to {
        Kind::F32 => copy_typed::<S, f32>(shape, strides, a, out as *mut f32, same),
        Kind::F64 => copy_typed::<S, f64>(shape, strides, a, out as *mut f64, same),
        Kind::I32 => copy_typed::<S, i32>(shape, strides, a, out as *mut i32, same),
        Kind::Bool => copy_typed::<S, u8>(shape, strides, a, out, same),
    }
}

/// `out = a` elementwise with a cast from `from` to `to` over a coalesced n-d layout.
///
/// # Safety
/// Every element the layout addresses must be valid for its kind.
pub unsafe fn copy_cast(
    from: Kind,
    to: Kind,
    shape: &[isize],
    strides: [&[isize]; 2],
    a: *const u8,
    out: *mut u8,
) {
    match from {
        Kind::F32 => copy_from(to, from, shape, strides, a as *const f32, out),
        Kind::F64 => copy_from(to, from, shape, strides, a as *const f64, out),
        Kind::I32 => copy_from(to, from, shape, strides, a as *const i32, out),
        Kind::Bool => copy_from(to, from, shape, strides, a, out),
    }
}
