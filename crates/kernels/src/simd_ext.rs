//! Lane operations beyond `simd.rs`'s arithmetic core, needed by the elementwise, unary and
//! reduction kernels: IEEE comparisons and selects, rounding, NaN-propagating max/min, and
//! an `I32x4` for the bit tricks of the transcendental approximations. Each has a wasm
//! simd128 body and a portable four-lane body with identical results (the portable one is
//! what host tests and the baseline build run).

pub use imp::*;

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod imp {
    use crate::simd::F32x4;
    use core::arch::wasm32::*;

    /// Four i32 lanes; also used as a lane mask (all ones = true).
    #[derive(Clone, Copy)]
    pub struct I32x4(pub v128);

    // Named like simd.rs's F32x4 methods (add, sub, …) rather than operator traits.
    #[allow(clippy::should_implement_trait)]
    impl I32x4 {
        #[inline(always)]
        pub fn splat(x: i32) -> Self {
            I32x4(i32x4_splat(x))
        }
        #[inline(always)]
        pub fn add(self, o: Self) -> Self {
            I32x4(i32x4_add(self.0, o.0))
        }
        #[inline(always)]
        pub fn sub(self, o: Self) -> Self {
            I32x4(i32x4_sub(self.0, o.0))
        }
        #[inline(always)]
        pub fn and(self, o: Self) -> Self {
            I32x4(v128_and(self.0, o.0))
        }
        #[inline(always)]
        pub fn or(self, o: Self) -> Self {
            I32x4(v128_or(self.0, o.0))
        }
        #[inline(always)]
        pub fn xor(self, o: Self) -> Self {
            I32x4(v128_xor(self.0, o.0))
        }
        /// `self & !o`, one instruction (masks a vector to 0 where `o` is set).
        #[inline(always)]
        pub fn and_not(self, o: Self) -> Self {
            I32x4(v128_andnot(self.0, o.0))
        }
        #[inline(always)]
        pub fn shl<const N: u32>(self) -> Self {
            I32x4(i32x4_shl(self.0, N))
        }
        /// Arithmetic (sign-extending) shift right.
        #[inline(always)]
        pub fn shr<const N: u32>(self) -> Self {
            I32x4(i32x4_shr(self.0, N))
        }
        #[inline(always)]
        pub fn eq(self, o: Self) -> Self {
            I32x4(i32x4_eq(self.0, o.0))
        }
        /// Signed lane-wise maximum.
        #[inline(always)]
        pub fn max(self, o: Self) -> Self {
            I32x4(i32x4_max(self.0, o.0))
        }
        /// Signed `self > o` per lane, as a mask.
        #[inline(always)]
        pub fn gt(self, o: Self) -> Self {
            I32x4(i32x4_gt(self.0, o.0))
        }
        /// One bit per lane (bit i = sign of lane i), for masks.
        #[inline(always)]
        pub fn bitmask(self) -> u32 {
            i32x4_bitmask(self.0) as u32
        }
        #[inline(always)]
        pub fn any(self) -> bool {
            v128_any_true(self.0)
        }
        /// `mask ? a : b` per lane.
        #[inline(always)]
        pub fn select(self, a: F32x4, b: F32x4) -> F32x4 {
            F32x4(v128_bitselect(a.0, b.0, self.0))
        }
        /// `mask ? a : b` per lane for a mask whose lanes are all ones or all zeros (a
        /// comparison's result): one blend instruction in the relaxed build (where
        /// `bitselect` takes three), `select` otherwise.
        #[inline(always)]
        pub fn blend(self, a: F32x4, b: F32x4) -> F32x4 {
            #[cfg(target_feature = "relaxed-simd")]
            {
                F32x4(i32x4_relaxed_laneselect(a.0, b.0, self.0))
            }
            #[cfg(not(target_feature = "relaxed-simd"))]
            {
                self.select(a, b)
            }
        }
    }

    #[inline(always)]
    pub fn to_bits(x: F32x4) -> I32x4 {
        I32x4(x.0)
    }
    #[inline(always)]
    pub fn from_bits(x: I32x4) -> F32x4 {
        F32x4(x.0)
    }
    /// Converts exact small integers held in f32 lanes (|x| < 2^31) to i32.
    #[inline(always)]
    pub fn to_i32(x: F32x4) -> I32x4 {
        I32x4(i32x4_trunc_sat_f32x4(x.0))
    }
    #[inline(always)]
    pub fn to_f32(x: I32x4) -> F32x4 {
        F32x4(f32x4_convert_i32x4(x.0))
    }

    #[inline(always)]
    pub fn neg(x: F32x4) -> F32x4 {
        F32x4(f32x4_neg(x.0))
    }
    #[inline(always)]
    pub fn abs(x: F32x4) -> F32x4 {
        F32x4(f32x4_abs(x.0))
    }
    #[inline(always)]
    pub fn sqrt(x: F32x4) -> F32x4 {
        F32x4(f32x4_sqrt(x.0))
    }
    #[inline(always)]
    pub fn floor(x: F32x4) -> F32x4 {
        F32x4(f32x4_floor(x.0))
    }
    #[inline(always)]
    pub fn ceil(x: F32x4) -> F32x4 {
        F32x4(f32x4_ceil(x.0))
    }
    /// Round half to even, as `torch.round`.
    #[inline(always)]
    pub fn round_even(x: F32x4) -> F32x4 {
        F32x4(f32x4_nearest(x.0))
    }
    /// NaN if either lane is NaN, else the larger (`+0 > -0`), like `Math.max`.
    #[inline(always)]
    pub fn max_nan(a: F32x4, b: F32x4) -> F32x4 {
        F32x4(f32x4_max(a.0, b.0))
    }
    /// NaN if either lane is NaN, else the smaller (`-0 < +0`), like `Math.min`.
    #[inline(always)]
    pub fn min_nan(a: F32x4, b: F32x4) -> F32x4 {
        F32x4(f32x4_min(a.0, b.0))
    }
    /// `a < b ? b : a` per lane (one instruction on x86; NaN in `b` is ignored).
    #[inline(always)]
    pub fn pmax(a: F32x4, b: F32x4) -> F32x4 {
        F32x4(f32x4_pmax(a.0, b.0))
    }
    /// `b < a ? b : a` per lane (one instruction on x86; NaN in `b` is ignored).
    #[inline(always)]
    pub fn pmin(a: F32x4, b: F32x4) -> F32x4 {
        F32x4(f32x4_pmin(a.0, b.0))
    }
    #[inline(always)]
    pub fn eq(a: F32x4, b: F32x4) -> I32x4 {
        I32x4(f32x4_eq(a.0, b.0))
    }
    #[inline(always)]
    pub fn ne(a: F32x4, b: F32x4) -> I32x4 {
        I32x4(f32x4_ne(a.0, b.0))
    }
    #[inline(always)]
    pub fn lt(a: F32x4, b: F32x4) -> I32x4 {
        I32x4(f32x4_lt(a.0, b.0))
    }
    #[inline(always)]
    pub fn le(a: F32x4, b: F32x4) -> I32x4 {
        I32x4(f32x4_le(a.0, b.0))
    }
    #[inline(always)]
    pub fn gt(a: F32x4, b: F32x4) -> I32x4 {
        I32x4(f32x4_gt(a.0, b.0))
    }
    #[inline(always)]
    pub fn ge(a: F32x4, b: F32x4) -> I32x4 {
        I32x4(f32x4_ge(a.0, b.0))
    }
}

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
mod imp {
    use crate::simd::F32x4;

    /// Four i32 lanes; also used as a lane mask (all ones = true).
    #[derive(Clone, Copy)]
    pub struct I32x4(pub [i32; 4]);

    #[inline(always)]
    fn map(x: F32x4, f: impl Fn(f32) -> f32) -> F32x4 {
        F32x4(core::array::from_fn(|i| f(x.0[i])))
    }
    #[inline(always)]
    fn mask(a: F32x4, b: F32x4, f: impl Fn(f32, f32) -> bool) -> I32x4 {
        I32x4(core::array::from_fn(|i| -(f(a.0[i], b.0[i]) as i32)))
    }

    // Named like simd.rs's F32x4 methods (add, sub, …) rather than operator traits.
    #[allow(clippy::should_implement_trait)]
    impl I32x4 {
        #[inline(always)]
        pub fn splat(x: i32) -> Self {
            I32x4([x; 4])
        }
        #[inline(always)]
        fn zip(self, o: Self, f: impl Fn(i32, i32) -> i32) -> Self {
            I32x4(core::array::from_fn(|i| f(self.0[i], o.0[i])))
        }
        #[inline(always)]
        pub fn add(self, o: Self) -> Self {
            self.zip(o, i32::wrapping_add)
        }
        #[inline(always)]
        pub fn sub(self, o: Self) -> Self {
            self.zip(o, i32::wrapping_sub)
        }
        #[inline(always)]
        pub fn and(self, o: Self) -> Self {
            self.zip(o, |a, b| a & b)
        }
        #[inline(always)]
        pub fn or(self, o: Self) -> Self {
            self.zip(o, |a, b| a | b)
        }
        #[inline(always)]
        pub fn xor(self, o: Self) -> Self {
            self.zip(o, |a, b| a ^ b)
        }
        /// `self & !o` (masks a vector to 0 where `o` is set).
        #[inline(always)]
        pub fn and_not(self, o: Self) -> Self {
            self.zip(o, |a, b| a & !b)
        }
        #[inline(always)]
        pub fn shl<const N: u32>(self) -> Self {
            I32x4(self.0.map(|a| a << N))
        }
        /// Arithmetic (sign-extending) shift right.
        #[inline(always)]
        pub fn shr<const N: u32>(self) -> Self {
            I32x4(self.0.map(|a| a >> N))
        }
        #[inline(always)]
        pub fn eq(self, o: Self) -> Self {
            self.zip(o, |a, b| -((a == b) as i32))
        }
        /// Signed lane-wise maximum.
        #[inline(always)]
        pub fn max(self, o: Self) -> Self {
            self.zip(o, i32::max)
        }
        /// Signed `self > o` per lane, as a mask.
        #[inline(always)]
        pub fn gt(self, o: Self) -> Self {
            self.zip(o, |a, b| -((a > b) as i32))
        }
        /// One bit per lane (bit i = sign of lane i), for masks.
        #[inline(always)]
        pub fn bitmask(self) -> u32 {
            (0..4).fold(0, |m, i| m | (((self.0[i] < 0) as u32) << i))
        }
        #[inline(always)]
        pub fn any(self) -> bool {
            self.0.iter().any(|&x| x != 0)
        }
        /// `mask ? a : b` per lane (bitwise, as wasm's `v128.bitselect`).
        #[inline(always)]
        pub fn select(self, a: F32x4, b: F32x4) -> F32x4 {
            F32x4(core::array::from_fn(|i| {
                let m = self.0[i] as u32;
                f32::from_bits((a.0[i].to_bits() & m) | (b.0[i].to_bits() & !m))
            }))
        }
        /// `mask ? a : b` for a comparison's mask (all ones or all zeros per lane).
        #[inline(always)]
        pub fn blend(self, a: F32x4, b: F32x4) -> F32x4 {
            debug_assert!(self.0.iter().all(|&m| m == 0 || m == -1));
            self.select(a, b)
        }
    }

    #[inline(always)]
    pub fn to_bits(x: F32x4) -> I32x4 {
        I32x4(x.0.map(|v| v.to_bits() as i32))
    }
    #[inline(always)]
    pub fn from_bits(x: I32x4) -> F32x4 {
        F32x4(x.0.map(|v| f32::from_bits(v as u32)))
    }
    /// Converts exact small integers held in f32 lanes (|x| < 2^31) to i32.
    #[inline(always)]
    pub fn to_i32(x: F32x4) -> I32x4 {
        I32x4(x.0.map(|v| v as i32))
    }
    #[inline(always)]
    pub fn to_f32(x: I32x4) -> F32x4 {
        F32x4(x.0.map(|v| v as f32))
    }

    #[inline(always)]
    pub fn neg(x: F32x4) -> F32x4 {
        map(x, |v| -v)
    }
    #[inline(always)]
    pub fn abs(x: F32x4) -> F32x4 {
        map(x, f32::abs)
    }
    #[inline(always)]
    pub fn sqrt(x: F32x4) -> F32x4 {
        map(x, f32::sqrt)
    }
    #[inline(always)]
    pub fn floor(x: F32x4) -> F32x4 {
        map(x, f32::floor)
    }
    #[inline(always)]
    pub fn ceil(x: F32x4) -> F32x4 {
        map(x, f32::ceil)
    }
    /// Round half to even, as `torch.round`.
    #[inline(always)]
    pub fn round_even(x: F32x4) -> F32x4 {
        map(x, f32::round_ties_even)
    }
    /// NaN if either lane is NaN, else the larger (`+0 > -0`), like `Math.max`.
    #[inline(always)]
    pub fn max_nan(a: F32x4, b: F32x4) -> F32x4 {
        F32x4(core::array::from_fn(|i| {
            crate::scalar::max_nan(a.0[i], b.0[i])
        }))
    }
    /// NaN if either lane is NaN, else the smaller (`-0 < +0`), like `Math.min`.
    #[inline(always)]
    pub fn min_nan(a: F32x4, b: F32x4) -> F32x4 {
        F32x4(core::array::from_fn(|i| {
            crate::scalar::min_nan(a.0[i], b.0[i])
        }))
    }
    /// `a < b ? b : a` per lane (wasm's `f32x4.pmax`; NaN in `b` is ignored).
    #[inline(always)]
    pub fn pmax(a: F32x4, b: F32x4) -> F32x4 {
        F32x4(core::array::from_fn(|i| {
            if a.0[i] < b.0[i] {
                b.0[i]
            } else {
                a.0[i]
            }
        }))
    }
    /// `b < a ? b : a` per lane (wasm's `f32x4.pmin`; NaN in `b` is ignored).
    #[inline(always)]
    pub fn pmin(a: F32x4, b: F32x4) -> F32x4 {
        F32x4(core::array::from_fn(|i| {
            if b.0[i] < a.0[i] {
                b.0[i]
            } else {
                a.0[i]
            }
        }))
    }
    #[inline(always)]
    pub fn eq(a: F32x4, b: F32x4) -> I32x4 {
        mask(a, b, |x, y| x == y)
    }
    #[inline(always)]
    pub fn ne(a: F32x4, b: F32x4) -> I32x4 {
        mask(a, b, |x, y| x != y)
    }
    #[inline(always)]
    pub fn lt(a: F32x4, b: F32x4) -> I32x4 {
        mask(a, b, |x, y| x < y)
    }
    #[inline(always)]
    pub fn le(a: F32x4, b: F32x4) -> I32x4 {
        mask(a, b, |x, y| x <= y)
    }
    #[inline(always)]
    pub fn gt(a: F32x4, b: F32x4) -> I32x4 {
        mask(a, b, |x, y| x > y)
    }
    #[inline(always)]
    pub fn ge(a: F32x4, b: F32x4) -> I32x4 {
        mask(a, b, |x, y| x >= y)
    }
}
