//! Elementwise float32 unary kernels over a coalesced n-d layout. Every op is a function on
//! four lanes, applied to contiguous rows directly and to strided rows and tails through
//! `lanes::gather`/`scatter`, so each element gets the same arithmetic wherever it sits.

use crate::activation_math;
use crate::expm1_log1p;
use crate::lanes::{gather, scatter};
use crate::simd::F32x4;
use crate::simd_ext as x;
use crate::simd_math;
use crate::strided::{for_each_row, inner_strides};

op_code_enum! {
    /// Unary ops, numbered as the ABI passes them (the order of the TypeScript `UnaryOp` list).
    pub enum UnaryOp {
        Neg = 0,
        Abs = 1,
        Sqrt = 2,
        Exp = 3,
        Log = 4,
        Sin = 5,
        Cos = 6,
        Tanh = 7,
        Sigmoid = 8,
        Relu = 9,
        Square = 10,
        Reciprocal = 11,
        Floor = 12,
        Ceil = 13,
        Round = 14,
        Clamp = 15,
        Erf = 16,
        Gelu = 17,
        GeluTanh = 18,
        Silu = 19,
        Sign = 20,
        LeakyRelu = 21,
        Expm1 = 22,
        Log1p = 23,
    }
}

trait Lanes1 {
    fn apply(v: F32x4, lo: F32x4, hi: F32x4) -> F32x4;
}
macro_rules! lanes1 {
    ($name:ident, |$v:ident, $lo:ident, $hi:ident| $body:expr) => {
        struct $name;
        impl Lanes1 for $name {
            #[inline(always)]
            #[allow(unused_variables)]
            fn apply($v: F32x4, $lo: F32x4, $hi: F32x4) -> F32x4 {
                $body
            }
        }
    };
}
lanes1!(NegL, |v, lo, hi| x::neg(v));
lanes1!(AbsL, |v, lo, hi| x::abs(v));
lanes1!(SqrtL, |v, lo, hi| x::sqrt(v));
lanes1!(ExpL, |v, lo, hi| simd_math::exp(v));
lanes1!(LogL, |v, lo, hi| simd_math::log(v));
lanes1!(SinL, |v, lo, hi| simd_math::sin(v));
lanes1!(CosL, |v, lo, hi| simd_math::cos(v));
lanes1!(TanhL, |v, lo, hi| simd_math::tanh(v));
lanes1!(SigmoidL, |v, lo, hi| simd_math::sigmoid(v));
// max(NaN, 0) is NaN and max(-0, +0) is +0: torch's relu on both.
lanes1!(ReluL, |v, lo, hi| x::max_nan(v, F32x4::splat(0.0)));
lanes1!(SquareL, |v, lo, hi| v.mul(v));
lanes1!(ReciprocalL, |v, lo, hi| F32x4::splat(1.0).div(v));
lanes1!(FloorL, |v, lo, hi| x::floor(v));
lanes1!(CeilL, |v, lo, hi| x::ceil(v));
lanes1!(RoundL, |v, lo, hi| x::round_even(v));
lanes1!(ClampL, |v, lo, hi| x::min_nan(x::max_nan(v, lo), hi));
lanes1!(ErfL, |v, lo, hi| activation_math::erf(v));
lanes1!(GeluL, |v, lo, hi| activation_math::gelu(v));
lanes1!(GeluTanhL, |v, lo, hi| activation_math::gelu_tanh(v));
lanes1!(SiluL, |v, lo, hi| activation_math::silu(v));
// NaN and ±0 give +0, as torch.sign.
lanes1!(SignL, |v, lo, hi| x::gt(v, F32x4::splat(0.0)).select(
    F32x4::splat(1.0),
    x::lt(v, F32x4::splat(0.0)).select(F32x4::splat(-1.0), F32x4::splat(0.0))
));
// `lo` is the negative slope; NaN·slope keeps NaN and -0·slope keeps -0, as torch.
lanes1!(LeakyReluL, |v, lo, hi| x::gt(v, F32x4::splat(0.0))
    .select(v, v.mul(lo)));
lanes1!(Expm1L, |v, lo, hi| expm1_log1p::expm1(v));
lanes1!(Log1pL, |v, lo, hi| expm1_log1p::log1p(v));

unsafe fn unary_nd<L: Lanes1>(
    shape: &[isize],
    strides: [&[isize]; 2],
    a: *const f32,
    out: *mut f32,
    lo: f32,
    hi: f32,
) {
    let [sa, so] = inner_strides(strides);
    let (lo, hi) = (F32x4::splat(lo), F32x4::splat(hi));
    for_each_row(shape, strides, |[oa, oo], n| {
        let (a, out) = (a.offset(oa), out.offset(oo));
        let mut i = 0usize;
        if sa == 1 && so == 1 {
            while i + 4 <= n {
                L::apply(F32x4::load(a.add(i)), lo, hi).store(out.add(i));
                i += 4;
            }
        }
        while i < n {
            let c = (n - i).min(4);
            let ii = i as isize;
            scatter(
                L::apply(gather(a.offset(ii * sa), sa, c), lo, hi),
                out.offset(ii * so),
                so,
                c,
            );
            i += c;
        }
    });
}

/// `out = op(a)` over a coalesced n-d layout; `clamp` uses `[lo, hi]` (NaN bounds propagate),
/// `leaky_relu` uses `lo` as its negative slope.
///
/// # Safety
/// Every element the layout addresses must be valid; `out` may alias `a` exactly.
pub unsafe fn unary_f32(
    op: UnaryOp,
    shape: &[isize],
    strides: [&[isize]; 2],
    a: *const f32,
    out: *mut f32,
    lo: f32,
    hi: f32,
) {
    use UnaryOp::*;
    let f = match op {
        Neg => unary_nd::<NegL>,
        Abs => unary_nd::<AbsL>,
        Sqrt => unary_nd::<SqrtL>,
        Exp => unary_nd::<ExpL>,
        Log => unary_nd::<LogL>,
        Sin => unary_nd::<SinL>,
        Cos => unary_nd::<CosL>,
        Tanh => unary_nd::<TanhL>,
        Sigmoid => unary_nd::<SigmoidL>,
        Relu => unary_nd::<ReluL>,
        Square => unary_nd::<SquareL>,
        Reciprocal => unary_nd::<ReciprocalL>,
        Floor => unary_nd::<FloorL>,
        Ceil => unary_nd::<CeilL>,
        Round => unary_nd::<RoundL>,
        Clamp => unary_nd::<ClampL>,
        Erf => unary_nd::<ErfL>,
        Gelu => unary_nd::<GeluL>,
        GeluTanh => unary_nd::<GeluTanhL>,
        Silu => unary_nd::<SiluL>,
        Sign => unary_nd::<SignL>,
        LeakyRelu => unary_nd::<LeakyReluL>,
        Expm1 => unary_nd::<Expm1L>,
        Log1p => unary_nd::<Log1pL>,
    };
    f(shape, strides, a, out, lo, hi)
}
