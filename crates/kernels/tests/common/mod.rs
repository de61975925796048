//! Shared by the strided-kernel tests: a tiny deterministic PRNG, random strided layouts
//! (contiguous, reversed dim order, stepped, stride-0 broadcast) over odd sizes, and a naive
//! n-d index walk to compute references with.
#![allow(dead_code)]

/// xorshift64*: deterministic, no dependencies.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    /// Uniform in [-1, 1), as f32.
    pub fn signed(&mut self) -> f32 {
        (self.unit() * 2.0 - 1.0) as f32
    }
    /// `n` values from `signed`.
    pub fn signed_vec(&mut self, n: usize) -> Vec<f32> {
        (0..n).map(|_| self.signed()).collect()
    }
    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())]
    }
    /// Mostly small values and whole numbers, sometimes an IEEE special.
    pub fn value(&mut self) -> f32 {
        const SPECIAL: [f32; 8] = [
            0.0,
            -0.0,
            f32::NAN,
            f32::INFINITY,
            f32::NEG_INFINITY,
            1e-40,
            -1.0,
            3e38,
        ];
        let u = self.unit();
        if u < 0.08 {
            return self.pick(&SPECIAL);
        }
        let v = ((self.unit() - 0.5) * 20.0) as f32;
        if u < 0.5 {
            v.round()
        } else {
            v
        }
    }
}

/// The sizes the issue names; every test shape draws its dims from these.
pub const SIZES: [isize; 7] = [0, 1, 3, 5, 17, 127, 2];

/// A shape of rank 0..=max_rank with at most 5000 elements.
pub fn shape(rng: &mut Rng, max_rank: usize) -> Vec<isize> {
    loop {
        let rank = rng.below(max_rank + 1);
        let s: Vec<isize> = (0..rank).map(|_| rng.pick(&SIZES)).collect();
        if s.iter().product::<isize>() <= 5000 {
            return s;
        }
    }
}

/// A strided layout of `shape` over a fresh buffer: returns (strides, offset, buffer length).
/// Dims are stored in a random order, every stride may be stepped by 2, and (if `broadcast`)
/// any dim may have stride 0.
pub fn layout(rng: &mut Rng, shape: &[isize], broadcast: bool) -> (Vec<isize>, isize, usize) {
    let rank = shape.len();
    let mut order: Vec<usize> = (0..rank).collect();
    for i in (1..rank).rev() {
        order.swap(i, rng.below(i + 1));
    }
    let mut strides = vec![0isize; rank];
    let mut acc = 1isize;
    let mut offset = 0isize;
    for &d in order.iter().rev() {
        if broadcast && rng.below(4) == 0 {
            continue; // stride 0
        }
        let step = rng.pick(&[1isize, 1, 2]);
        let start = rng.pick(&[0isize, 0, 1]);
        strides[d] = acc * step;
        offset += start * acc;
        acc *= (shape[d] * step + start).max(1);
    }
    (strides, offset, acc as usize + 1)
}

/// Element offsets of every index of `shape` in row-major order, for each stride list.
pub fn offsets(shape: &[isize], strides: &[isize], offset: isize) -> Vec<isize> {
    let n: isize = shape.iter().product();
    let mut out = Vec::with_capacity(n.max(0) as usize);
    let mut idx = vec![0isize; shape.len()];
    for _ in 0..n {
        out.push(offset + idx.iter().zip(strides).map(|(i, s)| i * s).sum::<isize>());
        for d in (0..shape.len()).rev() {
            idx[d] += 1;
            if idx[d] < shape[d] {
                break;
            }
            idx[d] = 0;
        }
    }
    out
}

/// Same value, NaN equal to NaN, and the same sign of zero.
pub fn same(a: f32, b: f32) -> bool {
    (a.is_nan() && b.is_nan()) || a.to_bits() == b.to_bits()
}

/// Distance in representable f32 values; NaN matches only NaN, and ±0 are one value.
pub fn ulps(a: f32, b: f32) -> u64 {
    if a.is_nan() || b.is_nan() {
        return if a.is_nan() && b.is_nan() {
            0
        } else {
            u64::MAX
        };
    }
    let key = |v: f32| {
        let bits = v.to_bits() as i64;
        if v.is_sign_negative() {
            -(bits & 0x7fff_ffff)
        } else {
            bits
        }
    };
    (key(a) - key(b)).unsigned_abs()
}

/// The worst ulp distance of a four-lane kernel from `reference` (f64, rounded to f32) over
/// every f32 bit pattern, and an input where it occurs; split over the host's threads.
/// Meant for release builds (`cargo test --release -- --ignored`): 2^32 evaluations.
pub fn worst_over_every_f32(
    f: fn(tensorlane_kernels::testing::simd::F32x4) -> tensorlane_kernels::testing::simd::F32x4,
    reference: fn(f64) -> f64,
) -> (u64, f32) {
    use tensorlane_kernels::testing::simd::F32x4;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()) as u64;
    let span = (1u64 << 32).div_ceil(4 * threads) * 4;
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            std::thread::spawn(move || {
                let mut worst = (0u64, 0f32);
                let end = ((t + 1) * span).min(1 << 32);
                let mut b = t * span;
                while b < end {
                    let lanes: [f32; 4] =
                        std::array::from_fn(|i| f32::from_bits((b + i as u64) as u32));
                    let got = unsafe { f(F32x4::load(lanes.as_ptr())) }.to_array();
                    for i in 0..4 {
                        let d = ulps(got[i], reference(lanes[i] as f64) as f32);
                        if d > worst.0 {
                            worst = (d, lanes[i]);
                        }
                    }
                    b += 4;
                }
                worst
            })
        })
        .collect();
    handles
        .into_iter()
        .map(|h| h.join().unwrap())
        .fold((0, 0.0), |a, b| if b.0 > a.0 { b } else { a })
}

/// Splits `shape`/`strides` into kept and reduced parts (reduced dims in their order).
pub fn split(shape: &[isize], strides: &[isize], reduced: &[bool]) -> [Vec<isize>; 4] {
    let pick = |want: bool, v: &[isize]| -> Vec<isize> {
        v.iter()
            .zip(reduced)
            .filter(|(_, &r)| r == want)
            .map(|(&x, _)| x)
            .collect()
    };
    [
        pick(false, shape),
        pick(false, strides),
        pick(true, shape),
        pick(true, strides),
    ]
}
