//! `reduce_kind` (float64, int32 and bool reductions, all/any of every kind) against naive
//! loops over strided, permuted and broadcast layouts with odd and empty sizes: bit-exact,
//! since both sum and multiply in f64 in row-major order of the reduced elements.

mod common;
use common::{layout, offsets, shape, split, Rng};
use tensorlane_kernels::testing::copy::Kind;
use tensorlane_kernels::testing::reduce::{reduce_kind, ReduceDims, ReduceOp};

const OPS: [ReduceOp; 8] = [
    ReduceOp::Sum,
    ReduceOp::Prod,
    ReduceOp::Max,
    ReduceOp::Min,
    ReduceOp::Argmax,
    ReduceOp::Argmin,
    ReduceOp::All,
    ReduceOp::Any,
];

/// The naive result of `op` over `values` (torch's rules: NaN wins max/min, the first
/// extreme's index, NaN is nonzero) as (value, index).
fn naive(op: ReduceOp, values: &[f64]) -> (f64, i32) {
    match op {
        ReduceOp::Sum => (values.iter().fold(0.0, |s, &x| s + x), 0),
        ReduceOp::Prod => (values.iter().fold(1.0, |s, &x| s * x), 0),
        ReduceOp::All => (values.iter().all(|&x| x != 0.0) as u8 as f64, 0),
        ReduceOp::Any => (values.iter().any(|&x| x != 0.0) as u8 as f64, 0),
        _ => {
            let max = matches!(op, ReduceOp::Max | ReduceOp::Argmax);
            let (mut best, mut at) = (values[0], 0);
            for (i, &x) in values.iter().enumerate() {
                let more = if max { x > best } else { x < best };
                if more || (x.is_nan() && !best.is_nan()) {
                    (best, at) = (x, i as i32);
                }
            }
            (best, at)
        }
    }
}

/// Element `i` of a buffer of `kind` as f64.
fn read(kind: Kind, bytes: &[u8], i: usize) -> f64 {
    let w = kind.bytes() as usize;
    let b = &bytes[i * w..(i + 1) * w];
    match kind {
        Kind::F32 => f32::from_le_bytes(b.try_into().unwrap()) as f64,
        Kind::F64 => f64::from_le_bytes(b.try_into().unwrap()),
        Kind::I32 => i32::from_le_bytes(b.try_into().unwrap()) as f64,
        Kind::Bool => b[0] as f64,
    }
}

/// Random data of `kind`: floats with NaN, infinities, signed zeros and repeats; ints with
/// repeats (ties) and both signs; bools.
fn data(rng: &mut Rng, kind: Kind, len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len * kind.bytes() as usize);
    for _ in 0..len {
        let r = rng.below(16);
        match kind {
            Kind::F32 | Kind::F64 => {
                let v = match r {
                    0 => f64::NAN,
                    1 => f64::INFINITY,
                    2 => f64::NEG_INFINITY,
                    3 => -0.0,
                    4 | 5 => 0.0,
                    6 | 7 => 1.5,
                    _ => rng.signed() as f64 * 3.0 + rng.unit() * 1e-9,
                };
                if kind == Kind::F32 {
                    out.extend((v as f32).to_le_bytes());
                } else {
                    out.extend(v.to_le_bytes());
                }
            }
            Kind::I32 => {
                let v = if r < 2 {
                    [i32::MAX, i32::MIN][r]
                } else {
                    rng.below(7) as i32 - 3
                };
                out.extend(v.to_le_bytes());
            }
            Kind::Bool => out.push((r < 10) as u8),
        }
    }
    out
}

#[test]
fn every_kind_reduces_as_naive_loops() {
    let mut rng = Rng::new(23);
    for case in 0..1200 {
        let kind = [Kind::F64, Kind::I32, Kind::Bool, Kind::F32][case % 4];
        let w = kind.bytes() as usize;
        let s = shape(&mut rng, 4);
        let (strides, off, len) = layout(&mut rng, &s, true);
        let bytes = data(&mut rng, kind, len);
        let reduced: Vec<bool> = s.iter().map(|_| rng.below(2) == 0).collect();
        let [ks, kst, rs, rst] = split(&s, &strides, &reduced);
        let kept_offsets = offsets(&ks, &kst, off);
        let per_output: Vec<Vec<f64>> = kept_offsets
            .iter()
            .map(|&k| {
                offsets(&rs, &rst, k)
                    .iter()
                    .map(|&o| read(kind, &bytes, o as usize))
                    .collect()
            })
            .collect();
        let red_n: isize = rs.iter().product();
        let dims = ReduceDims {
            kept_shape: &ks,
            kept_strides: &kst,
            red_shape: &rs,
            red_strides: &rst,
        };
        for op in OPS {
            let extreme = !matches!(
                op,
                ReduceOp::Sum | ReduceOp::Prod | ReduceOp::All | ReduceOp::Any
            );
            if red_n == 0 && extreme {
                continue;
            }
            // float32 keeps its SIMD kernels for everything but all/any.
            if kind == Kind::F32 && !matches!(op, ReduceOp::All | ReduceOp::Any) {
                continue;
            }
            let arg = matches!(op, ReduceOp::Argmax | ReduceOp::Argmin);
            let out_kind = match op {
                ReduceOp::Sum | ReduceOp::Prod => Kind::F64,
                ReduceOp::All | ReduceOp::Any => Kind::Bool,
                ReduceOp::Argmax | ReduceOp::Argmin => Kind::I32,
                _ => kind,
            };
            let n = kept_offsets.len();
            let mut out = vec![0u8; n * out_kind.bytes() as usize];
            let mut values = vec![0u8; n * w];
            unsafe {
                reduce_kind(
                    op,
                    kind,
                    &dims,
                    bytes.as_ptr().add(off as usize * w),
                    out.as_mut_ptr(),
                    out_kind,
                    if arg {
                        values.as_mut_ptr()
                    } else {
                        core::ptr::null_mut()
                    },
                )
            };
            for (o, vals) in per_output.iter().enumerate() {
                let (want, at) = naive(op, vals);
                let ctx = format!("{op:?} {kind:?} shape {s:?} reduced {reduced:?} output {o}");
                let same = |got: f64, want: f64| {
                    (got.is_nan() && want.is_nan()) || got.to_bits() == want.to_bits()
                };
                if arg {
                    assert_eq!(read(Kind::I32, &out, o) as i32, at, "{ctx}");
                    assert!(same(read(kind, &values, o), want), "{ctx}: values");
                } else {
                    let want = match kind {
                        Kind::F32 if out_kind == kind => want as f32 as f64,
                        _ => want,
                    };
                    let got = read(out_kind, &out, o);
                    assert!(same(got, want), "{ctx}: {got} vs {want}");
                }
            }
        }
    }
}
