//! In-process peak measurement for the benchmarks (the `bench_peak_*` exports): loops of
//! independent f32x4 FMAs or mul+adds with nothing else in them, so GEMM results can be
//! reported as a fraction of what this engine and machine actually reach in the same process.

use crate::simd::F32x4;

/// Independent chains: enough to cover FMA latency (4 cycles) × 2 ports, within V8's
/// 15 usable xmm registers together with the two constants.
const CHAINS: usize = 12;

/// Flops per loop iteration (`CHAINS` vectors × 4 lanes × 2 flops).
pub const FLOPS_PER_ITER: usize = CHAINS * 8;

/// Runs `iters` iterations of `acc = acc·m + c` with `F32x4::mul_add` (one relaxed FMA in
/// the relaxed build, mul+add otherwise); returns a checksum so the loop is not removed.
pub fn peak_fma(iters: u32, m: f32, c: f32) -> f32 {
    let (mv, cv) = (F32x4::splat(m), F32x4::splat(c));
    let mut acc = distinct_chains(c);
    for _ in 0..iters {
        for a in acc.iter_mut() {
            *a = a.mul_add(mv, cv);
        }
    }
    checksum(&acc)
}

/// Like `peak_fma` with a separate multiply and add (never fused).
pub fn peak_muladd(iters: u32, m: f32, c: f32) -> f32 {
    let (mv, cv) = (F32x4::splat(m), F32x4::splat(c));
    let mut acc = distinct_chains(c);
    for _ in 0..iters {
        for a in acc.iter_mut() {
            *a = a.mul(mv).add(cv);
        }
    }
    checksum(&acc)
}

/// Chains that start from different values: identical chains would be merged by the
/// compiler into one, measuring latency instead of throughput.
fn distinct_chains(c: f32) -> [F32x4; CHAINS] {
    core::array::from_fn(|i| F32x4::splat(1.0 + c * i as f32))
}

fn checksum(acc: &[F32x4; CHAINS]) -> f32 {
    acc.iter()
        .fold(0.0, |s, a| s + a.to_array().iter().sum::<f32>())
}
