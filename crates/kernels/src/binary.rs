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

/// Little-endian u32 whose byte i is bit i of the index: four bool bytes from a lane mask.
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

#[inline(always)]
fn compare(op: CmpOp, a: F32x4, b: F32x4) -> I32x4 {
    match op {
        CmpOp::Eq => x::eq(a, b),
        CmpOp::Ne => x::ne(a, b),
        CmpOp::Lt => x::lt(a, b),
        CmpOp::Le => x::le(a, b),
        CmpOp::Gt => x::gt(a, b),
        CmpOp::Ge => x::ge(a, b),
    }
}

/// Four bool bytes (0/1) at `out` from a lane mask.
#[inline(always)]
unsafe fn store_mask(m: I32x4, out: *mut u8) {
    (out as *mut u32).write_unaligned(MASK_BYTES[m.bitmask() as usize].to_le());
}

/// A row of comparisons into contiguous bool bytes with each operand contiguous or a splat
/// (`SPLAT_*`), as `row_fast`: rows of `n ≥ 4` end with one vector over the last four.
#[inline(always)]
unsafe fn compare_row_fast<const SPLAT_A: bool, const SPLAT_B: bool>(
    op: CmpOp,
    a: *const f32,
    b: *const f32,
    out: *mut u8,
    n: usize,
) {
    let (sa, sb) = (splat_of::<SPLAT_A>(a), splat_of::<SPLAT_B>(b));
    let at = |i: usize| {
        compare(
            op,
            lanes_at::<SPLAT_A>(a, sa, i),
            lanes_at::<SPLAT_B>(b, sb, i),
        )
    };
    let mut i = 0usize;
    while i + 4 <= n {
        store_mask(at(i), out.add(i));
        i += 4;
    }
    if i < n {
        store_mask(at(n - 4), out.add(n - 4));
    }
}

/// Elements `from..n` of a comparison row with any strides, four lanes at a time.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn compare_row_strided(
    op: CmpOp,
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
        let m = compare(
            op,
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
    let [sa, sb, so] = inner_strides(strides);
    for_each_row(shape, strides, |[oa, ob, oo], n| {
        let (a, b, out) = (a.offset(oa), b.offset(ob), out.offset(oo));
        match (sa, sb, so) {
            _ if n < 4 => compare_row_strided(op, a, sa, b, sb, out, so, n),
            (1, 1, 1) => compare_row_fast::<false, false>(op, a, b, out, n),
            (1, 0, 1) => compare_row_fast::<false, true>(op, a, b, out, n),
            (0, 1, 1) => compare_row_fast::<true, false>(op, a, b, out, n),
            _ => compare_row_strided(op, a, sa, b, sb, out, so, n),
        }
    });
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
    let f: fn(i32, i32) -> bool = match op {
        CmpOp::Eq => |p, q| p == q,
        CmpOp::Ne => |p, q| p != q,
        CmpOp::Lt => |p, q| p < q,
        CmpOp::Le => |p, q| p <= q,
        CmpOp::Gt => |p, q| p > q,
        CmpOp::Ge => |p, q| p >= q,
    };
    let [sa, sb, so] = inner_strides(strides);
    for_each_row(shape, strides, |[oa, ob, oo], n| {
        let (a, b, out) = (a.offset(oa), b.offset(ob), out.offset(oo));
        for i in 0..n as isize {
            *out.offset(i * so) = f(*a.offset(i * sa), *b.offset(i * sb)) as u8;
        }
    });
}
