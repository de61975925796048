//! Strided n-d copy with casts between the storage types (f32, f64, i32, bool as u8), with
//! the conversions a JavaScript typed-array store performs, so results match the js backend:
//! to f32 rounds to nearest, to i32 is `ToInt32` (truncate, wrap mod 2^32, NaN → 0), to bool
//! is `x != 0` (NaN → true).

use crate::scalar::to_int32;
use crate::strided::{for_each_row, inner_strides};

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
    let [sa, so] = inner_strides(strides);
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
        } else {
            for i in 0..n as isize {
                *out.offset(i * so) = D::from_f64((*a.offset(i * sa)).to_f64());
            }
        }
    });
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
