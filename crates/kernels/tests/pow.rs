//! The SIMD pow against C's pow (f64, rounded to f32) in ulps: random pairs over every
//! binade of x and exponents that keep the result anywhere from subnormal to overflow,
//! negative bases with integer exponents, and the IEEE special-case grid exactly.

mod common;
use common::{same, ulps, Rng};
use tensorlane_kernels::testing::pow::{pow, pow_scalar};
use tensorlane_kernels::testing::simd::F32x4;

fn lanes(v: [f32; 4]) -> F32x4 {
    unsafe { F32x4::load(v.as_ptr()) }
}

/// The worst ulp distance over `n` vectors of pairs drawn by `pair`, and where.
fn worst(n: usize, rng: &mut Rng, pair: impl Fn(&mut Rng) -> (f32, f32)) -> (u64, f32, f32) {
    let mut worst = (0, 0.0, 0.0);
    for _ in 0..n {
        let p: [(f32, f32); 4] = std::array::from_fn(|_| pair(rng));
        let got = pow(lanes(p.map(|q| q.0)), lanes(p.map(|q| q.1))).to_array();
        for (i, &(a, b)) in p.iter().enumerate() {
            let d = ulps(got[i], pow_scalar(a, b));
            if d > worst.0 {
                worst = (d, a, b);
            }
        }
    }
    worst
}

/// Any finite f32 by its bits (every binade alike, subnormals included).
fn any_finite(rng: &mut Rng) -> f32 {
    loop {
        let v = f32::from_bits(rng.next() as u32);
        if v.is_finite() {
            return v;
        }
    }
}

/// Draws an (x, y) pair.
type Pair = fn(&mut Rng) -> (f32, f32);

#[test]
fn random_pairs_are_within_2_ulps() {
    let mut rng = Rng::new(15);
    let cases: [(&str, Pair); 4] = [
        // x of any binade, y chosen so that y·log2|x| falls in [-160, 140]: results from
        // subnormal through overflow, the hardest for the product's precision.
        ("any x, any result", |rng| {
            let x = any_finite(rng).abs();
            let l = (x as f64).log2();
            let target = rng.unit() * 300.0 - 160.0;
            let y = if l == 0.0 { target } else { target / l };
            (x, y as f32)
        }),
        // x near 1 with large exponents (log2 x tiny, y large).
        ("x near 1", |rng| {
            let x = 1.0 + (rng.unit() - 0.5) * 2f64.powi(-(rng.below(24) as i32));
            (x as f32, ((rng.unit() - 0.5) * 2e7) as f32)
        }),
        // negative x with integer y (odd and even), and non-integer y (NaN).
        ("negative x", |rng| {
            let x = -(rng.unit() * 20.0) as f32;
            let y = (rng.unit() * 60.0 - 30.0) as f32;
            (x, if rng.below(4) == 0 { y } else { y.round() })
        }),
        // both operands any finite float.
        ("any pair", |rng| (any_finite(rng), any_finite(rng))),
    ];
    for (name, pair) in cases {
        let (d, a, b) = worst(1 << 18, &mut rng, pair);
        println!("pow {name}: worst {d} ulps at ({a:e}, {b:e})");
        assert!(d <= 2, "pow {name}: {d} ulps at x = {a:e}, y = {b:e}");
    }
}

/// The special values of C's pow: every pair of them, in every lane position beside usual
/// lanes, exactly (bits, NaN as NaN).
#[test]
fn special_cases_match_c_pow_exactly() {
    let values = [
        0.0f32,
        -0.0,
        1.0,
        -1.0,
        0.5,
        -0.5,
        2.0,
        -2.0,
        3.0,
        -3.0,
        2.5,
        -2.5,
        1e-40,
        -1e-40,
        f32::MIN_POSITIVE,
        f32::MAX,
        -f32::MAX,
        16_777_217.0,
        16_777_216.0,
        -16_777_215.0,
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::NAN,
    ];
    for &a in &values {
        for &b in &values {
            for lane in 0..4 {
                let mut xs = [1.5f32, -2.0, 0.75, 3.0];
                let mut ys = [2.0f32, 3.0, -0.5, 1.25];
                xs[lane] = a;
                ys[lane] = b;
                let got = pow(lanes(xs), lanes(ys)).to_array();
                for i in 0..4 {
                    let want = pow_scalar(xs[i], ys[i]);
                    let ok = if i == lane {
                        same(got[i], want)
                    } else {
                        ulps(got[i], want) <= 2
                    };
                    assert!(ok, "pow({}, {}) = {}, want {want}", xs[i], ys[i], got[i]);
                }
            }
        }
    }
}

#[test]
fn a_lane_gives_the_same_bits_beside_special_lanes() {
    // The cold path recomputes the usual lanes with the same arithmetic as the fast path.
    let xs = [1.7f32, -3.1, 0.2, 9.5];
    let ys = [2.3f32, 3.0, -7.7, 0.5];
    let fast = pow(lanes(xs), lanes(ys)).to_array();
    for lane in 0..4 {
        let (mut a, mut b) = (xs, ys);
        a[lane] = f32::NAN;
        b[lane] = 0.0;
        let mixed = pow(lanes(a), lanes(b)).to_array();
        for i in (0..4).filter(|&i| i != lane) {
            assert_eq!(
                mixed[i].to_bits(),
                fast[i].to_bits(),
                "lane {i} beside {lane}"
            );
        }
        assert_eq!(mixed[lane], 1.0);
    }
}
