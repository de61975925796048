//! Fused attention against a naive f64 reference (full score matrix, softmax, product):
//! sizes that cross the query and key tiles (64, 128), causal masks with L ≠ S, additive
//! masks with −∞ and broadcast strides, transposed operands, and fully masked rows (NaN).

mod common;
use common::Rng;
use tensorlane_kernels::testing::attention::{attention, AttentionArgs, Strided3};

/// A row-major `[batch, rows, cols]` operand, or its last two dims transposed in memory.
fn strided(ptr: *const f32, rows: usize, cols: usize, transposed: bool) -> Strided3 {
    let bs = (rows * cols) as isize;
    if transposed {
        Strided3 {
            ptr,
            bs,
            rs: 1,
            cs: rows as isize,
        }
    } else {
        Strided3 {
            ptr,
            bs,
            rs: cols as isize,
            cs: 1,
        }
    }
}

unsafe fn get(m: &Strided3, t: usize, r: usize, c: usize) -> f64 {
    *m.ptr
        .offset(t as isize * m.bs + r as isize * m.rs + c as isize * m.cs) as f64
}

struct Problem {
    batch: usize,
    l: usize,
    s: usize,
    e: usize,
    ev: usize,
    causal: bool,
    masked: bool,
    transposed: bool,
}

fn check(p: &Problem, seed: u32) {
    let Problem {
        batch,
        l,
        s,
        e,
        ev,
        causal,
        masked,
        transposed,
    } = *p;
    let mut rng = Rng::new(seed as u64);
    let (qd, kd, vd) = (
        rng.signed_vec(batch * l * e),
        rng.signed_vec(batch * s * e),
        rng.signed_vec(batch * s * ev),
    );
    // The mask is one [l, s] matrix broadcast over the batch (batch stride 0).
    let md: Vec<f32> = (0..l * s)
        .map(|x| {
            if x % 7 == 3 {
                f32::NEG_INFINITY
            } else {
                rng.signed()
            }
        })
        .collect();
    let mut out = vec![f32::NAN; batch * l * ev];
    let args = AttentionArgs {
        batch,
        l,
        s,
        e,
        ev,
        scale: 1.0 / (e as f32).sqrt(),
        causal,
        q: strided(qd.as_ptr(), l, e, false),
        k: strided(kd.as_ptr(), s, e, transposed),
        v: strided(vd.as_ptr(), s, ev, transposed),
        mask: masked.then_some(Strided3 {
            ptr: md.as_ptr(),
            bs: 0,
            rs: s as isize,
            cs: 1,
        }),
        out: out.as_mut_ptr(),
        bso: (l * ev) as isize,
        rso: ev as isize,
        cso: 1,
    };
    unsafe { attention(&args) };
    for t in 0..batch {
        for i in 0..l {
            let scores: Vec<f64> = (0..s)
                .map(|j| unsafe {
                    if causal && j > i {
                        return f64::NEG_INFINITY;
                    }
                    let dot: f64 = (0..e)
                        .map(|c| get(&args.q, t, i, c) * get(&args.k, t, j, c))
                        .sum();
                    let m = if masked {
                        get(args.mask.as_ref().unwrap(), t, i, j)
                    } else {
                        0.0
                    };
                    dot * args.scale as f64 + m
                })
                .collect();
            let max = scores.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
            let w: Vec<f64> = scores.iter().map(|x| (x - max).exp()).collect();
            let sum: f64 = w.iter().sum();
            for c in 0..ev {
                let want = (0..s)
                    .map(|j| w[j] * unsafe { get(&args.v, t, j, c) })
                    .sum::<f64>()
                    / sum;
                let got = out[t * l * ev + i * ev + c] as f64;
                if want.is_nan() {
                    assert!(got.is_nan(), "row {i} is fully masked: want NaN, got {got}");
                } else {
                    assert!((got - want).abs() <= 2e-5, "l={l} s={s} causal={causal} masked={masked}: out[{t},{i},{c}] = {got}, want {want}");
                }
            }
        }
    }
}

#[test]
fn matches_naive_attention_across_tiles() {
    let mut seed = 1;
    for (l, s) in [(1, 1), (3, 5), (64, 64), (65, 130), (130, 65), (200, 257)] {
        for (causal, masked, transposed) in [
            (false, false, false),
            (true, false, true),
            (false, true, false),
            (true, true, true),
        ] {
            seed += 1;
            check(
                &Problem {
                    batch: 2,
                    l,
                    s,
                    e: 8,
                    ev: 5,
                    causal,
                    masked,
                    transposed,
                },
                seed,
            );
        }
    }
}

#[test]
fn wide_heads() {
    check(
        &Problem {
            batch: 1,
            l: 70,
            s: 140,
            e: 64,
            ev: 64,
            causal: false,
            masked: false,
            transposed: false,
        },
        9,
    );
}
