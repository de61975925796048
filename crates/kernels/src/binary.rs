//! Elementwise binary kernels: the strided n-d float32 and int32 ops (arithmetic and
//! comparisons) with fast rows for contiguous operands, a scalar operand
//! (stride 0 along the row) and row broadcast (stride 0 in an outer dim: each row is
//! contiguous, so it takes the contiguous path).

use crate::lanes::{gather, scatter};
use crate::pow;
use crate::simd::F32x4;
use crate::simd_ext::{self as x, I32x4};
use crate::strided::{for_each_row, inner_strides};

op_code_enum! {
    /// Float32 arithmetic ops, numbered as the ABI passes them.
    pub enum ArithOp {
        Add = 0,
        Sub = 1,
        Mul = 2,
        Div = 3,
        Pow = 4,
        Maximum = 5,
        Minimum = 6,
    }
}

op_code_enum! {
    /// Comparisons (output bool bytes), numbered as the ABI passes them.
    pub enum CmpOp {
        Eq = 0,
        Ne = 1,
        Lt = 2,
        Le = 3,
        Gt = 4,
        Ge = 5,
    }
}

trait Lanes2 {
    fn apply(a: F32x4, b: F32x4) -> F32x4;
}
macro_rules! lanes2 {
    ($name:ident, |$a:ident, $b:ident| $body:expr) => {
        struct $name;
        impl Lanes2 for $name {
            #[inline(always)]
            fn apply($a: F32x4, $b: F32x4) -> F32x4 {
                $body
            }
        }
    };
}
lanes2!(AddL, |a, b| a.add(b));
lanes2!(SubL, |a, b| a.sub(b));
lanes2!(MulL, |a, b| a.mul(b));
lanes2!(DivL, |a, b| a.div(b));
lanes2!(MaxL, |a, b| x::max_nan(a, b));
lanes2!(MinL, |a, b| x::min_nan(a, b));
lanes2!(PowL, |a, b| pow::pow(a, b));

/// Floats per unrolled step of the fast rows: four vectors in flight hide the latency of
/// each load/op/store chain, as the contiguous row has always done.
const UNROLL: usize = 16;

/// Four lanes of an operand at element `i` of a row: its splat (`SPLAT`: stride 0 along the
/// row) or a load of the contiguous row.
#[inline(always)]
unsafe fn lanes_at<const SPLAT: bool>(p: *const f32, splat: F32x4, i: usize) -> F32x4 {
    if SPLAT {
        splat
    } else {
        F32x4::load(p.add(i))
    }
}

/// The splat of a stride-0 operand's one value (unused zeros for a contiguous one).
#[inline(always)]
unsafe fn splat_of<const SPLAT: bool>(p: *const f32) -> F32x4 {
    F32x4::splat(if SPLAT { *p } else { 0.0 })
}

/// A row of `out = op(a, b)` with contiguous `out` and each operand contiguous or, if its
/// `SPLAT_*` flag is set, one value repeated (stride 0). A row of `n ≥ 4` whose length is not
/// a multiple of 4 ends with one vector over its last four elements, computed before the
/// rest of the row is stored (so `out` may alias an input exactly) and stored last; shorter
/// rows go lane by lane. Short rows (a broadcast of a column over 10 floats) so cost a few
/// vector ops each, not a scalar tail.
#[inline(always)]
unsafe fn row_fast<L: Lanes2, const SPLAT_A: bool, const SPLAT_B: bool>(
    a: *const f32,
    b: *const f32,
    out: *mut f32,
    n: usize,
) {
    if n < 4 {
        let (sa, sb) = (!SPLAT_A as isize, !SPLAT_B as isize);
        return row_strided::<L>(a, sa, b, sb, out, 1, 0, n);
    }
    let (sa, sb) = (splat_of::<SPLAT_A>(a), splat_of::<SPLAT_B>(b));
    let at = |i: usize| L::apply(lanes_at::<SPLAT_A>(a, sa, i), lanes_at::<SPLAT_B>(b, sb, i));
    let tail = at(n - 4);
    let mut i = 0usize;
    while i + UNROLL <= n {
        for u in (0..UNROLL).step_by(4) {
            at(i + u).store(out.add(i + u));
        }
        i += UNROLL;
    }
    while i + 4 <= n {
        at(i).store(out.add(i));
        i += 4;
    }
    if i < n {
        tail.store(out.add(n - 4));
    }
}

/// Elements `from..n` of a row with any strides, four lanes at a time through the same
/// vector op (the strided rows, and the tails of the fast rows).
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn row_strided<L: Lanes2>(
    a: *const f32,
    sa: isize,
    b: *const f32,
    sb: isize,
    out: *mut f32,
    so: isize,
    from: usize,
    n: usize,
) {
    let mut i = from;
    while i < n {
        let c = (n - i).min(4);
        let ii = i as isize;
        let va = gather(a.offset(ii * sa), sa, c);
        let vb = gather(b.offset(ii * sb), sb, c);
        scatter(L::apply(va, vb), out.offset(ii * so), so, c);
        i += c;
    }
}

/// Runs every row of the layout through the row kind its inner strides call for; the kind is
/// chosen once, so the per-row work is only the outer step and the row itself.
unsafe fn arith_nd<L: Lanes2>(
    shape: &[isize],
    strides: [&[isize]; 3],
    a: *const f32,
    b: *const f32,
    out: *mut f32,
) {
    let [sa, sb, so] = inner_strides(strides);
    match (sa, sb, so) {
        (1, 1, 1) => for_each_row(shape, strides, |[oa, ob, oo], n| {
            row_fast::<L, false, false>(a.offset(oa), b.offset(ob), out.offset(oo), n)
        }),
        (1, 0, 1) => for_each_row(shape, strides, |[oa, ob, oo], n| {
            row_fast::<L, false, true>(a.offset(oa), b.offset(ob), out.offset(oo), n)
        }),
        (0, 1, 1) => for_each_row(shape, strides, |[oa, ob, oo], n| {
            row_fast::<L, true, false>(a.offset(oa), b.offset(ob), out.offset(oo), n)
        }),
        _ => for_each_row(shape, strides, |[oa, ob, oo], n| {
            row_strided::<L>(a.offset(oa), sa, b.offset(ob), sb, out.offset(oo), so, 0, n);
        }),
    }
}

/// `out = a op b` over a coalesced n-d layout (`strides` = a's, b's, out's, in elements).
///
/// # Safety
/// Every element the layout addresses must be valid; `out` may alias an input exactly.
pub unsafe fn arith_f32(
    op: ArithOp,
    shape: &[isize],
    strides: [&[isize]; 3],
    a: *const f32,
    b: *const f32,
    out: *mut f32,
) {
    match op {
        ArithOp::Add => arith_nd::<AddL>(shape, strides, a, b, out),
        ArithOp::Sub => arith_nd::<SubL>(shape, strides, a, b, out),
        ArithOp::Mul => arith_nd::<MulL>(shape, strides, a, b, out),
        ArithOp::Div => arith_nd::<DivL>(shape, strides, a, b, out),
        ArithOp::Pow => arith_nd::<PowL>(shape, strides, a, b, out),
        ArithOp::Maximum => arith_nd::<MaxL>(shape, strides, a, b, out),
        ArithOp::Minimum => arith_nd::<MinL>(shape, strides, a, b, out),
    }
}

/// Little-endian u32 whose byte i is bit i of the index: four bool bytes from a lane mask
/// (the simd128 builds narrow the mask in the vector instead).
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
const MASK_BYTES: [u32; 16] = {
    let mut t = [0u32; 16];
    let mut m = 0;
    while m < 16 {
        let mut i = 0;
        while i < 4 {
            if m & (1 << i) != 0 {
                t[m] |= 1 << (8 * i);
            }
            i += 1;
        }
        m += 1;
    }
    t
};

/// One comparison on one element type as a type, so each op's rows are compiled with it
/// inlined (no per-vector dispatch on the op).
trait Compare2 {
    type E: Copy;
    type V: Copy;
    /// Four lanes from `p` (`SPLAT`: `*p` in every lane).
    unsafe fn lanes<const SPLAT: bool>(p: *const Self::E) -> Self::V;
    fn apply(a: Self::V, b: Self::V) -> I32x4;
    fn scalar(a: Self::E, b: Self::E) -> bool;
}
macro_rules! compare2 {
    ($name:ident, $e:ty, $v:ty, $load:path, $splat:path, $f:path, $op:tt) => {
        struct $name;
        impl Compare2 for $name {
            type E = $e;
            type V = $v;
            #[inline(always)]
            unsafe fn lanes<const SPLAT: bool>(p: *const $e) -> $v {
                if SPLAT {
                    $splat(*p)
                } else {
                    $load(p)
                }
            }
            #[inline(always)]
            fn apply(a: $v, b: $v) -> I32x4 {
                $f(a, b)
            }
            #[inline(always)]
            fn scalar(a: $e, b: $e) -> bool {
                a $op b
            }
        }
    };
}
compare2!(EqC, f32, F32x4, F32x4::load, F32x4::splat, x::eq, ==);
compare2!(NeC, f32, F32x4, F32x4::load, F32x4::splat, x::ne, !=);
compare2!(LtC, f32, F32x4, F32x4::load, F32x4::splat, x::lt, <);
compare2!(LeC, f32, F32x4, F32x4::load, F32x4::splat, x::le, <=);
compare2!(GtC, f32, F32x4, F32x4::load, F32x4::splat, x::gt, >);
compare2!(GeC, f32, F32x4, F32x4::load, F32x4::splat, x::ge, >=);
compare2!(EqI, i32, I32x4, int_lanes::load, I32x4::splat, int_lanes::eq, ==);
compare2!(NeI, i32, I32x4, int_lanes::load, I32x4::splat, int_lanes::ne, !=);
compare2!(LtI, i32, I32x4, int_lanes::load, I32x4::splat, int_lanes::lt, <);
compare2!(LeI, i32, I32x4, int_lanes::load, I32x4::splat, int_lanes::le, <=);
compare2!(GtI, i32, I32x4, int_lanes::load, I32x4::splat, int_lanes::gt, >);
compare2!(GeI, i32, I32x4, int_lanes::load, I32x4::splat, int_lanes::ge, >=);

/// Loads and signed comparisons of i32 lanes, for the int32 comparison rows.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod int_lanes {
    use crate::simd_ext::I32x4;
    use core::arch::wasm32::*;

    #[inline(always)]
    pub unsafe fn load(p: *const i32) -> I32x4 {
        I32x4(v128_load(p as *const v128))
    }
    macro_rules! cmp {
        ($($name:ident => $f:ident),*) => {$(
            #[inline(always)]
            pub fn $name(a: I32x4, b: I32x4) -> I32x4 {
                I32x4($f(a.0, b.0))
            }
        )*};
    }
    cmp!(eq => i32x4_eq, ne => i32x4_ne, lt => i32x4_lt, le => i32x4_le, gt => i32x4_gt, ge => i32x4_ge);
}

/// Loads and signed comparisons of i32 lanes (the portable four-lane form).
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
mod int_lanes {
    use crate::simd_ext::I32x4;

    #[inline(always)]
    pub unsafe fn load(p: *const i32) -> I32x4 {
        I32x4(core::array::from_fn(|i| *p.add(i)))
    }
    macro_rules! cmp {
        ($($name:ident => $op:tt),*) => {$(
            #[inline(always)]
            pub fn $name(a: I32x4, b: I32x4) -> I32x4 {
                I32x4(core::array::from_fn(|i| -((a.0[i] $op b.0[i]) as i32)))
            }
        )*};
    }
    cmp!(eq => ==, ne => !=, lt => <, le => <=, gt => >, ge => >=);
}

/// Four bool bytes (0/1) at `out` from a lane mask: narrowed to bytes in the vector and
/// stored from lane 0 (no round trip through a scalar bitmask and a table).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
unsafe fn store_mask(m: I32x4, out: *mut u8) {
    use core::arch::wasm32::*;
    let h = i16x8_narrow_i32x4(m.0, m.0);
    let bytes = v128_and(i8x16_narrow_i16x8(h, h), u8x16_splat(1));
    v128_store32_lane::<0>(bytes, out as *mut u32);
}

/// Four bool bytes (0/1) at `out` from a lane mask.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[inline(always)]
unsafe fn store_mask(m: I32x4, out: *mut u8) {
    (out as *mut u32).write_unaligned(MASK_BYTES[m.bitmask() as usize].to_le());
}

/// Sixteen bool bytes at `out` from four lane masks: narrowed to bytes (all ones stays all
/// ones under signed saturation) and masked to 0/1, one store.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
unsafe fn store_masks16(m: [I32x4; 4], out: *mut u8) {
    use core::arch::wasm32::*;
    let lo = i16x8_narrow_i32x4(m[0].0, m[1].0);
    let hi = i16x8_narrow_i32x4(m[2].0, m[3].0);
    let bytes = v128_and(i8x16_narrow_i16x8(lo, hi), u8x16_splat(1));
    v128_store(out as *mut v128, bytes);
}

/// Sixteen bool bytes at `out` from four lane masks.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[inline(always)]
unsafe fn store_masks16(m: [I32x4; 4], out: *mut u8) {
    for (k, mk) in m.into_iter().enumerate() {
        store_mask(mk, out.add(4 * k));
    }
}

/// A row of comparisons into contiguous bool bytes with each operand contiguous or a splat
/// (`SPLAT_*`), as `row_fast`: rows of `n ≥ 4` end with one vector over the last four,
/// shorter ones go through `compare_row_strided`; 16 at a time, four masks become 16 bytes
/// with one store.
#[inline(always)]
unsafe fn compare_row_fast<C: Compare2, const SPLAT_A: bool, const SPLAT_B: bool>(
    a: *const C::E,
    b: *const C::E,
    out: *mut u8,
    n: usize,
) {
    if n < 4 {
        let (sa, sb) = (!SPLAT_A as isize, !SPLAT_B as isize);
        return compare_row_scalar::<C>(a, sa, b, sb, out, 1, n);
    }
    // A splat is made once per row (n ≥ 4, so the first four lanes are in the row either way).
    let (first_a, first_b) = (C::lanes::<SPLAT_A>(a), C::lanes::<SPLAT_B>(b));
    let at = |i: usize| {
        let va = if SPLAT_A {
            first_a
        } else {
            C::lanes::<false>(a.add(i))
        };
        let vb = if SPLAT_B {
            first_b
        } else {
            C::lanes::<false>(b.add(i))
        };
        C::apply(va, vb)
    };
    let mut i = 0usize;
    while i + 16 <= n {
        store_masks16([at(i), at(i + 4), at(i + 8), at(i + 12)], out.add(i));
        i += 16;
    }
    while i + 4 <= n {
        store_mask(at(i), out.add(i));
        i += 4;
    }
    if i < n {
        store_mask(at(n - 4), out.add(n - 4));
    }
}

/// A comparison row with any strides, element by element (int32 rows that are not
/// contiguous or splats, and rows shorter than four).
#[inline(always)]
unsafe fn compare_row_scalar<C: Compare2>(
    a: *const C::E,
    sa: isize,
    b: *const C::E,
    sb: isize,
    out: *mut u8,
    so: isize,
    n: usize,
) {
    for i in 0..n as isize {
        *out.offset(i * so) = C::scalar(*a.offset(i * sa), *b.offset(i * sb)) as u8;
    }
}

/// A comparison row with any strides, four lanes at a time.
#[inline(always)]
unsafe fn compare_row_strided<C: Compare2<E = f32, V = F32x4>>(
    a: *const f32,
    sa: isize,
    b: *const f32,
    sb: isize,
    out: *mut u8,
    so: isize,
    n: usize,
) {
    let mut i = 0usize;
    while i < n {
        let c = (n - i).min(4);
        let ii = i as isize;
        let m = C::apply(
            gather(a.offset(ii * sa), sa, c),
            gather(b.offset(ii * sb), sb, c),
        );
        if c == 4 && so == 1 {
            store_mask(m, out.add(i));
        } else {
            let bits = m.bitmask();
            for k in 0..c {
                *out.offset((ii + k as isize) * so) = ((bits >> k) & 1) as u8;
            }
        }
        i += c;
    }
}

/// A comparison row of any strides: `(a, a's stride, b, b's stride, out, out's stride, n)`.
type StridedCompareRow<E> = unsafe fn(*const E, isize, *const E, isize, *mut u8, isize, usize);

/// Runs every row through the row kind its inner strides call for, chosen once (as
/// `arith_nd`), so a broadcast of a column over short rows costs a few vector ops a row;
/// `strided` does rows of any other strides.
unsafe fn compare_nd<C: Compare2>(
    shape: &[isize],
    strides: [&[isize]; 3],
    a: *const C::E,
    b: *const C::E,
    out: *mut u8,
    strided: StridedCompareRow<C::E>,
) {
    let [sa, sb, so] = inner_strides(strides);
    match (sa, sb, so) {
        (1, 1, 1) => for_each_row(shape, strides, |[oa, ob, oo], n| {
            compare_row_fast::<C, false, false>(a.offset(oa), b.offset(ob), out.offset(oo), n)
        }),
        (1, 0, 1) => for_each_row(shape, strides, |[oa, ob, oo], n| {
            compare_row_fast::<C, false, true>(a.offset(oa), b.offset(ob), out.offset(oo), n)
        }),
        (0, 1, 1) => for_each_row(shape, strides, |[oa, ob, oo], n| {
            compare_row_fast::<C, true, false>(a.offset(oa), b.offset(ob), out.offset(oo), n)
        }),
        _ => for_each_row(shape, strides, |[oa, ob, oo], n| {
            strided(a.offset(oa), sa, b.offset(ob), sb, out.offset(oo), so, n)
        }),
    }
}

/// `out = a op b` as bool bytes (0/1) over a coalesced n-d layout.
///
/// # Safety
/// Every element the layout addresses must be valid.
pub unsafe fn compare_f32(
    op: CmpOp,
    shape: &[isize],
    strides: [&[isize]; 3],
    a: *const f32,
    b: *const f32,
    out: *mut u8,
) {
    match op {
        CmpOp::Eq => compare_nd::<EqC>(shape, strides, a, b, out, compare_row_strided::<EqC>),
        CmpOp::Ne => compare_nd::<NeC>(shape, strides, a, b, out, compare_row_strided::<NeC>),
        CmpOp::Lt => compare_nd::<LtC>(shape, strides, a, b, out, compare_row_strided::<LtC>),
        CmpOp::Le => compare_nd::<LeC>(shape, strides, a, b, out, compare_row_strided::<LeC>),
        CmpOp::Gt => compare_nd::<GtC>(shape, strides, a, b, out, compare_row_strided::<GtC>),
        CmpOp::Ge => compare_nd::<GeC>(shape, strides, a, b, out, compare_row_strided::<GeC>),
    }
}

/// Whether `arith_i32` has a kernel for `op` (int32 division and pow go to the js side).
pub fn arith_i32_supports(op: ArithOp) -> bool {
    !matches!(op, ArithOp::Div | ArithOp::Pow)
}

/// int32 `add sub mul maximum minimum` (wrapping, as the dtype does) and comparisons.
///
/// # Safety
/// Every element the layout addresses must be valid; `out` may alias an input exactly.
pub unsafe fn arith_i32(
    op: ArithOp,
    shape: &[isize],
    strides: [&[isize]; 3],
    a: *const i32,
    b: *const i32,
    out: *mut i32,
) -> bool {
    let f: fn(i32, i32) -> i32 = match op {
        ArithOp::Add => i32::wrapping_add,
        ArithOp::Sub => i32::wrapping_sub,
        ArithOp::Mul => i32::wrapping_mul,
        ArithOp::Maximum => |p, q| p.max(q),
        ArithOp::Minimum => |p, q| p.min(q),
        ArithOp::Div | ArithOp::Pow => return false,
    };
    let [sa, sb, so] = inner_strides(strides);
    for_each_row(shape, strides, |[oa, ob, oo], n| {
        let (a, b, out) = (a.offset(oa), b.offset(ob), out.offset(oo));
        if sa == 1 && sb == 1 && so == 1 {
            // Contiguous: a plain indexed loop the compiler vectorises for simd128.
            for i in 0..n {
                *out.add(i) = f(*a.add(i), *b.add(i));
            }
        } else {
            for i in 0..n as isize {
                *out.offset(i * so) = f(*a.offset(i * sa), *b.offset(i * sb));
            }
        }
    });
    true
}

/// int32 comparisons as bool bytes.
///
/// # Safety
/// Every element the layout addresses must be valid.
pub unsafe fn compare_i32(
    op: CmpOp,
    shape: &[isize],
    strides: [&[isize]; 3],
    a: *const i32,
    b: *const i32,
    out: *mut u8,
) {
    match op {
        CmpOp::Eq => compare_nd::<EqI>(shape, strides, a, b, out, compare_row_scalar::<EqI>),
        CmpOp::Ne => compare_nd::<NeI>(shape, strides, a, b, out, compare_row_scalar::<NeI>),
        CmpOp::Lt => compare_nd::<LtI>(shape, strides, a, b, out, compare_row_scalar::<LtI>),
        CmpOp::Le => compare_nd::<LeI>(shape, strides, a, b, out, compare_row_scalar::<LeI>),
        CmpOp::Gt => compare_nd::<GtI>(shape, strides, a, b, out, compare_row_scalar::<GtI>),
        CmpOp::Ge => compare_nd::<GeI>(shape, strides, a, b, out, compare_row_scalar::<GeI>),
    }
}
