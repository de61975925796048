//! A small f32x4 abstraction: wasm32 simd128 (with relaxed-simd FMA when enabled) or a
//! portable four-lane fallback for the baseline build and for host tests.

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod imp {
    use core::arch::wasm32::*;

    #[derive(Clone, Copy)]
    #[repr(transparent)]
    pub struct F32x4(pub v128);

    impl F32x4 {
        pub const LANES: usize = 4;
        /// True when this build runs real SIMD instructions.
        pub const IS_SIMD: bool = true;

        #[inline(always)]
        pub fn splat(x: f32) -> Self {
            F32x4(f32x4_splat(x))
        }
        /// # Safety
        /// `p` must be valid for reading 4 floats (any alignment).
        #[inline(always)]
        pub unsafe fn load(p: *const f32) -> Self {
            F32x4(v128_load(p as *const v128))
        }
        /// # Safety
        /// `p` must be valid for writing 4 floats (any alignment).
        #[inline(always)]
        pub unsafe fn store(self, p: *mut f32) {
            v128_store(p as *mut v128, self.0)
        }
        #[inline(always)]
        pub fn add(self, o: Self) -> Self {
            F32x4(f32x4_add(self.0, o.0))
        }
        #[inline(always)]
        pub fn sub(self, o: Self) -> Self {
            F32x4(f32x4_sub(self.0, o.0))
        }
        #[inline(always)]
        pub fn mul(self, o: Self) -> Self {
            F32x4(f32x4_mul(self.0, o.0))
        }
        #[inline(always)]
        pub fn div(self, o: Self) -> Self {
            F32x4(f32x4_div(self.0, o.0))
        }
        #[inline(always)]
        pub fn max(self, o: Self) -> Self {
            F32x4(f32x4_max(self.0, o.0))
        }
        #[inline(always)]
        pub fn min(self, o: Self) -> Self {
            F32x4(f32x4_min(self.0, o.0))
        }
        /// `self * b + c`: one fused instruction in the relaxed build, mul+add otherwise.
        #[inline(always)]
        pub fn mul_add(self, b: Self, c: Self) -> Self {
            #[cfg(target_feature = "relaxed-simd")]
            {
                F32x4(f32x4_relaxed_madd(self.0, b.0, c.0))
            }
            #[cfg(not(target_feature = "relaxed-simd"))]
            {
                F32x4(f32x4_add(f32x4_mul(self.0, b.0), c.0))
            }
        }
        #[inline(always)]
        pub fn lane(self, i: usize) -> f32 {
            self.to_array()[i]
        }
        #[inline(always)]
        pub fn to_array(self) -> [f32; 4] {
            [
                f32x4_extract_lane::<0>(self.0),
                f32x4_extract_lane::<1>(self.0),
                f32x4_extract_lane::<2>(self.0),
                f32x4_extract_lane::<3>(self.0),
            ]
        }
    }
}

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
mod imp {
    #[derive(Clone, Copy)]
    pub struct F32x4(pub [f32; 4]);

    macro_rules! lanewise {
        ($name:ident, $op:tt) => {
            #[inline(always)]
            pub fn $name(self, o: Self) -> Self {
                let (a, b) = (self.0, o.0);
                F32x4([a[0] $op b[0], a[1] $op b[1], a[2] $op b[2], a[3] $op b[3]])
            }
        };
    }

    // Same method names as the simd128 implementation, so kernels compile against either.
    #[allow(clippy::should_implement_trait)]
    impl F32x4 {
        pub const LANES: usize = 4;
        pub const IS_SIMD: bool = false;

        #[inline(always)]
        pub fn splat(x: f32) -> Self {
            F32x4([x; 4])
        }
        /// # Safety
        /// `p` must be valid for reading 4 floats.
        #[inline(always)]
        pub unsafe fn load(p: *const f32) -> Self {
            F32x4(core::ptr::read_unaligned(p as *const [f32; 4]))
        }
        /// # Safety
        /// `p` must be valid for writing 4 floats.
        #[inline(always)]
        pub unsafe fn store(self, p: *mut f32) {
            core::ptr::write_unaligned(p as *mut [f32; 4], self.0)
        }
        lanewise!(add, +);
        lanewise!(sub, -);
        lanewise!(mul, *);
        lanewise!(div, /);
        #[inline(always)]
        pub fn max(self, o: Self) -> Self {
            F32x4(core::array::from_fn(|i| self.0[i].max(o.0[i])))
        }
        #[inline(always)]
        pub fn min(self, o: Self) -> Self {
            F32x4(core::array::from_fn(|i| self.0[i].min(o.0[i])))
        }
        /// `self * b + c`: rounded twice, as the simd128 build; fused with the `host-fma`
        /// feature, as the relaxed build on FMA hardware (for native accuracy sweeps).
        #[inline(always)]
        pub fn mul_add(self, b: Self, c: Self) -> Self {
            #[cfg(feature = "host-fma")]
            {
                F32x4(core::array::from_fn(|i| self.0[i].mul_add(b.0[i], c.0[i])))
            }
            #[cfg(not(feature = "host-fma"))]
            {
                self.mul(b).add(c)
            }
        }
        #[inline(always)]
        pub fn lane(self, i: usize) -> f32 {
            self.0[i]
        }
        #[inline(always)]
        pub fn to_array(self) -> [f32; 4] {
            self.0
        }
    }
}

pub use imp::F32x4;
