//! Strided n-d binary and unary kernels against naive per-element loops, on odd sizes and
//! contiguous, permuted, stepped and broadcast (stride-0) layouts, with NaN/inf/±0 inputs.

mod common;
use common::{layout, offsets, same, shape, ulps, Rng};
use tensorlane_kernels::testing::binary::{
    arith_f32, arith_i32, compare_f32, compare_i32, ArithOp, CmpOp,
};
use tensorlane_kernels::testing::pow::pow_scalar;
use tensorlane_kernels::testing::unary::{unary_f32, UnaryOp};

/// `Math.max`: NaN wins, then the larger, and +0 over -0.
fn js_max(a: f32, b: f32) -> f32 {
    if a.is_nan() || b.is_nan() {
        f32::NAN
    } else if a > b || (a == b && b.is_sign_negative()) {
        a
    } else {
        b
    }
}
fn js_min(a: f32, b: f32) -> f32 {
    if a.is_nan() || b.is_nan() {
        f32::NAN
    } else if a < b || (a == b && b.is_sign_positive()) {
        a
    } else {
        b
    }
}

/// IEEE comparison, as the kernels' bool bytes should give it.
fn reference_compare(op: CmpOp, x: f32, y: f32) -> bool {
    match op {
        CmpOp::Eq => x == y,
        CmpOp::Ne => x != y,
        CmpOp::Lt => x < y,
        CmpOp::Le => x <= y,
        CmpOp::Gt => x > y,
        CmpOp::Ge => x >= y,
    }
}

/// Exact for the IEEE ops; pow is an approximation held to 2 ulps (tests/pow.rs).
fn matches(op: ArithOp, got: f32, want: f32) -> bool {
    if op == ArithOp::Pow {
        ulps(got, want) <= 2
    } else {
        same(got, want)
    }
}

fn reference_arith(op: ArithOp, a: f32, b: f32) -> f32 {
    match op {
        ArithOp::Add => a + b,
        ArithOp::Sub => a - b,
        ArithOp::Mul => a * b,
        ArithOp::Div => a / b,
        ArithOp::Pow => pow_scalar(a, b),
        ArithOp::Maximum => js_max(a, b),
        ArithOp::Minimum => js_min(a, b),
    }
}

struct Operand {
    strides: Vec<isize>,
    offset: isize,
    data: Vec<f32>,
}

fn operand(rng: &mut Rng, shape: &[isize], broadcast: bool) -> Operand {
    let (strides, offset, len) = layout(rng, shape, broadcast);
    Operand {
        strides,
        offset,
        data: (0..len).map(|_| rng.value()).collect(),
    }
}

const ARITH: [ArithOp; 7] = [
    ArithOp::Add,
    ArithOp::Sub,
    ArithOp::Mul,
    ArithOp::Div,
    ArithOp::Pow,
    ArithOp::Maximum,
    ArithOp::Minimum,
];

#[test]
fn binary_f32_matches_naive_loop_on_strided_and_broadcast_layouts() {
    let mut rng = Rng::new(1);
    for case in 0..600 {
        let s = shape(&mut rng, 4);
        let op = ARITH[case % ARITH.len()];
        let (a, b) = (operand(&mut rng, &s, true), operand(&mut rng, &s, true));
        let mut out = operand(&mut rng, &s, false);
        let before = out.data.clone();
        unsafe {
            arith_f32(
                op,
                &s,
                [&a.strides, &b.strides, &out.strides],
                a.data.as_ptr().offset(a.offset),
                b.data.as_ptr().offset(b.offset),
                out.data.as_mut_ptr().offset(out.offset),
            )
        };
        let (oa, ob, oo) = (
            offsets(&s, &a.strides, a.offset),
            offsets(&s, &b.strides, b.offset),
            offsets(&s, &out.strides, out.offset),
        );
        let mut expected = before;
        for i in 0..oo.len() {
            expected[oo[i] as usize] =
                reference_arith(op, a.data[oa[i] as usize], b.data[ob[i] as usize]);
        }
        for (k, (&g, &w)) in out.data.iter().zip(&expected).enumerate() {
            assert!(
                matches(op, g, w),
                "{op:?} shape {s:?} case {case}: storage[{k}] = {g}, want {w}"
            );
        }
    }
}

#[test]
fn contiguous_scalar_and_row_broadcast_fast_paths_match() {
    // The three fast rows (all contiguous, b scalar along the row, a scalar along the row)
    // and row broadcast (b stride 0 in the outer dim) over every tail length 0..=40 (zero,
    // one and two unrolled 16-float steps), with ops whose operand order matters (a splat on
    // the left must stay the left operand).
    let mut rng = Rng::new(2);
    for n in 0..=40isize {
        for rows in [1isize, 3] {
            let a: Vec<f32> = (0..rows * n).map(|_| rng.value()).collect();
            let b: Vec<f32> = (0..n.max(1)).map(|_| rng.value()).collect();
            let layouts = [(0, 1, 1), (0, 0, 1), (n, 1, 1), (0, 1, 0)];
            for ((sb_outer, sb_inner, sa_inner), op) in layouts.into_iter().flat_map(|l| {
                [ArithOp::Add, ArithOp::Sub, ArithOp::Div, ArithOp::Maximum].map(|op| (l, op))
            }) {
                if sb_outer == n && sb_inner == 1 && b.len() < (rows * n) as usize {
                    continue;
                }
                let shape = [rows, n];
                let sa = [n * sa_inner, sa_inner];
                let sb = [sb_outer, sb_inner];
                let so = [n, 1];
                let mut out = vec![0f32; (rows * n) as usize];
                unsafe {
                    arith_f32(
                        op,
                        &shape,
                        [&sa, &sb, &so],
                        a.as_ptr(),
                        b.as_ptr(),
                        out.as_mut_ptr(),
                    )
                };
                for r in 0..rows {
                    for i in 0..n {
                        let x = a[(r * sa[0] + i * sa[1]) as usize];
                        let y = b[(r * sb[0] + i * sb[1]) as usize];
                        let want = reference_arith(op, x, y);
                        assert!(
                            same(out[(r * n + i) as usize], want),
                            "{op:?} n {n} rows {rows}"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn short_broadcast_rows_in_place_and_compared_match() {
    // Rows of 1..=20 floats, a column splat along each row on either side (the lesson's
    // `(784,1) * (784,10)`): the result written over the contiguous operand (exact alias,
    // as in-place ops do; a row's last vector overlaps stores made before it), and every
    // comparison of the same layouts.
    let mut rng = Rng::new(21);
    let cmp_ops = [
        CmpOp::Eq,
        CmpOp::Ne,
        CmpOp::Lt,
        CmpOp::Le,
        CmpOp::Gt,
        CmpOp::Ge,
    ];
    for n in 1..=20isize {
        let rows = 7isize;
        let col: Vec<f32> = (0..rows).map(|_| rng.value()).collect();
        let full: Vec<f32> = (0..rows * n).map(|_| rng.value()).collect();
        for splat_left in [false, true] {
            let (sc, sf) = ([1isize, 0], [n, 1]);
            let (sa, sb) = if splat_left { (sc, sf) } else { (sf, sc) };
            let at = |r: isize, i: usize| {
                let (c, f) = (col[r as usize], full[(r * n) as usize + i]);
                if splat_left {
                    (c, f)
                } else {
                    (f, c)
                }
            };
            for op in [ArithOp::Sub, ArithOp::Div, ArithOp::Maximum] {
                let mut data = full.clone();
                let p = data.as_mut_ptr();
                let (a, b) = if splat_left {
                    (col.as_ptr(), p as *const f32)
                } else {
                    (p as *const f32, col.as_ptr())
                };
                unsafe { arith_f32(op, &[rows, n], [&sa, &sb, &sf], a, b, p) };
                for r in 0..rows {
                    for i in 0..n as usize {
                        let (x, y) = at(r, i);
                        let want = reference_arith(op, x, y);
                        let got = data[(r * n) as usize + i];
                        assert!(
                            same(got, want),
                            "{op:?} n {n} left {splat_left}: {got} vs {want}"
                        );
                    }
                }
            }
            for op in cmp_ops {
                let mut out = vec![7u8; (rows * n) as usize];
                let (a, b) = if splat_left {
                    (col.as_ptr(), full.as_ptr())
                } else {
                    (full.as_ptr(), col.as_ptr())
                };
                unsafe { compare_f32(op, &[rows, n], [&sa, &sb, &sf], a, b, out.as_mut_ptr()) };
                for r in 0..rows {
                    for i in 0..n as usize {
                        let (x, y) = at(r, i);
                        let want = reference_compare(op, x, y);
                        assert_eq!(out[(r * n) as usize + i], want as u8, "{op:?} n {n}");
                    }
                }
            }
        }
    }
}

#[test]
fn compare_f32_writes_bool_bytes_like_ieee_comparisons() {
    let mut rng = Rng::new(3);
    let ops = [
        CmpOp::Eq,
        CmpOp::Ne,
        CmpOp::Lt,
        CmpOp::Le,
        CmpOp::Gt,
        CmpOp::Ge,
    ];
    for case in 0..300 {
        let s = shape(&mut rng, 4);
        let op = ops[case % ops.len()];
        let (a, b) = (operand(&mut rng, &s, true), operand(&mut rng, &s, true));
        let (so, oo_off, len) = layout(&mut rng, &s, false);
        let mut out = vec![7u8; len];
        unsafe {
            compare_f32(
                op,
                &s,
                [&a.strides, &b.strides, &so],
                a.data.as_ptr().offset(a.offset),
                b.data.as_ptr().offset(b.offset),
                out.as_mut_ptr().offset(oo_off),
            )
        };
        let (oa, ob, oo) = (
            offsets(&s, &a.strides, a.offset),
            offsets(&s, &b.strides, b.offset),
            offsets(&s, &so, oo_off),
        );
        let mut expected = vec![7u8; len];
        for i in 0..oo.len() {
            let (x, y) = (a.data[oa[i] as usize], b.data[ob[i] as usize]);
            let r = reference_compare(op, x, y);
            expected[oo[i] as usize] = r as u8;
        }
        assert_eq!(out, expected, "{op:?} shape {s:?}");
    }
}

#[test]
fn int32_ops_wrap_and_compare_like_naive_loops() {
    let mut rng = Rng::new(4);
    let ints = |rng: &mut Rng, n: usize| -> Vec<i32> {
        (0..n)
            .map(|_| match rng.below(10) {
                0 => i32::MAX,
                1 => i32::MIN,
                _ => rng.below(2001) as i32 - 1000,
            })
            .collect()
    };
    for case in 0..300 {
        let s = shape(&mut rng, 4);
        let (sa, oa_off, la) = layout(&mut rng, &s, true);
        let (sb, ob_off, lb) = layout(&mut rng, &s, true);
        let (so, oo_off, lo) = layout(&mut rng, &s, false);
        let (a, b) = (ints(&mut rng, la), ints(&mut rng, lb));
        let (oa, ob, oo) = (
            offsets(&s, &sa, oa_off),
            offsets(&s, &sb, ob_off),
            offsets(&s, &so, oo_off),
        );
        let op = [
            ArithOp::Add,
            ArithOp::Sub,
            ArithOp::Mul,
            ArithOp::Maximum,
            ArithOp::Minimum,
        ][case % 5];
        let mut out = vec![0i32; lo];
        let done = unsafe {
            arith_i32(
                op,
                &s,
                [&sa, &sb, &so],
                a.as_ptr().offset(oa_off),
                b.as_ptr().offset(ob_off),
                out.as_mut_ptr().offset(oo_off),
            )
        };
        assert!(done);
        let mut expected = vec![0i32; lo];
        for i in 0..oo.len() {
            let (x, y) = (a[oa[i] as usize], b[ob[i] as usize]);
            expected[oo[i] as usize] = match op {
                ArithOp::Add => x.wrapping_add(y),
                ArithOp::Sub => x.wrapping_sub(y),
                ArithOp::Mul => x.wrapping_mul(y),
                ArithOp::Maximum => x.max(y),
                _ => x.min(y),
            };
        }
        assert_eq!(out, expected, "{op:?} shape {s:?}");
        let mut bools = vec![9u8; lo];
        unsafe {
            compare_i32(
                CmpOp::Lt,
                &s,
                [&sa, &sb, &so],
                a.as_ptr().offset(oa_off),
                b.as_ptr().offset(ob_off),
                bools.as_mut_ptr().offset(oo_off),
            )
        };
        for i in 0..oo.len() {
            assert_eq!(
                bools[oo[i] as usize],
                (a[oa[i] as usize] < b[ob[i] as usize]) as u8
            );
        }
    }
    // Integer division and pow have no kernel: the caller falls back to js.
    let s = [1isize];
    let z = [0isize];
    let done = unsafe {
        arith_i32(
            ArithOp::Div,
            &s,
            [&z, &z, &z],
            [1].as_ptr(),
            [1].as_ptr(),
            [0].as_mut_ptr(),
        )
    };
    assert!(!done);
}

/// A scalar reference for a unary op: `(x, lo, hi) -> result`.
type Reference = fn(f32, f32, f32) -> f32;

#[test]
fn exact_unary_ops_match_naive_loop() {
    let mut rng = Rng::new(5);
    let cases: [(UnaryOp, Reference); 10] = [
        (UnaryOp::Neg, |x, _, _| -x),
        (UnaryOp::Abs, |x, _, _| x.abs()),
        (UnaryOp::Sqrt, |x, _, _| x.sqrt()),
        // NaN stays NaN, -0 becomes +0.
        (
            UnaryOp::Relu,
            |x, _, _| if x > 0.0 || x.is_nan() { x } else { 0.0 },
        ),
        (UnaryOp::Square, |x, _, _| x * x),
        (UnaryOp::Reciprocal, |x, _, _| 1.0 / x),
        (UnaryOp::Floor, |x, _, _| x.floor()),
        (UnaryOp::Ceil, |x, _, _| x.ceil()),
        (UnaryOp::Round, |x, _, _| x.round_ties_even()),
        (UnaryOp::Clamp, |x, lo, hi| js_min(js_max(x, lo), hi)),
    ];
    for case in 0..400 {
        let s = shape(&mut rng, 4);
        let (op, f) = cases[case % cases.len()];
        let (lo, hi) = (
            rng.pick(&[f32::NEG_INFINITY, -1.0, 0.0, 0.5]),
            rng.pick(&[f32::INFINITY, 1.0, 2.5]),
        );
        let a = operand(&mut rng, &s, true);
        let mut out = operand(&mut rng, &s, false);
        let before = out.data.clone();
        unsafe {
            unary_f32(
                op,
                &s,
                [&a.strides, &out.strides],
                a.data.as_ptr().offset(a.offset),
                out.data.as_mut_ptr().offset(out.offset),
                lo,
                hi,
            )
        };
        let (oa, oo) = (
            offsets(&s, &a.strides, a.offset),
            offsets(&s, &out.strides, out.offset),
        );
        let mut expected = before;
        for i in 0..oo.len() {
            expected[oo[i] as usize] = f(a.data[oa[i] as usize], lo, hi);
        }
        for (k, (&g, &w)) in out.data.iter().zip(&expected).enumerate() {
            assert!(
                same(g, w),
                "{op:?} shape {s:?}: storage[{k}] = {g}, want {w}"
            );
        }
    }
}

#[test]
fn transcendental_rows_give_the_same_bits_contiguous_strided_and_in_tails() {
    // Strided rows and tails go through gather/scatter into the same lane function, so each
    // element's result must not depend on where it sits.
    let mut rng = Rng::new(6);
    let ops = [
        UnaryOp::Exp,
        UnaryOp::Log,
        UnaryOp::Sin,
        UnaryOp::Cos,
        UnaryOp::Tanh,
        UnaryOp::Sigmoid,
        UnaryOp::Expm1,
        UnaryOp::Log1p,
    ];
    for &op in &ops {
        for n in [0isize, 1, 3, 5, 17, 127] {
            let x: Vec<f32> = (0..2 * n)
                .map(|_| ((rng.unit() - 0.5) * 200.0) as f32)
                .collect();
            let mut dense = vec![0f32; n as usize];
            let mut strided = vec![0f32; 2 * n as usize];
            unsafe {
                // Contiguous over the even elements' copy, strided (stride 2) over the original.
                let evens: Vec<f32> = x.iter().step_by(2).copied().collect();
                unary_f32(
                    op,
                    &[n],
                    [&[1], &[1]],
                    evens.as_ptr(),
                    dense.as_mut_ptr(),
                    0.0,
                    0.0,
                );
                unary_f32(
                    op,
                    &[n],
                    [&[2], &[2]],
                    x.as_ptr(),
                    strided.as_mut_ptr(),
                    0.0,
                    0.0,
                );
            }
            for i in 0..n as usize {
                assert!(same(dense[i], strided[2 * i]), "{op:?} n {n} i {i}");
            }
        }
    }
}
