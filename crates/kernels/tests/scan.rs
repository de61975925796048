//! The scan kernel against a naive f64 loop, along every dim of random strided layouts.

use tensorlane_kernels::testing::scan::{scan_f32, ScanBlock, ScanOp};

mod common;
use common::Rng;

/// Row-major strides of `shape`.
fn contiguous(shape: &[usize]) -> Vec<isize> {
    let mut s = vec![1isize; shape.len()];
    for d in (0..shape.len().saturating_sub(1)).rev() {
        s[d] = s[d + 1] * shape[d + 1] as isize;
    }
    s
}

#[test]
fn scan_matches_a_naive_loop_along_every_dim() {
    let mut rng = Rng::new(7);
    for case in 0..300 {
        let ndim = 1 + rng.below(4);
        let shape: Vec<usize> = (0..ndim).map(|_| rng.pick(&[1, 2, 3, 5, 9])).collect();
        let dim = rng.below(ndim);
        let op = if case % 2 == 0 {
            ScanOp::Sum
        } else {
            ScanOp::Prod
        };
        // The input is a transposed view (reversed dim order) half of the time.
        let n: usize = shape.iter().product();
        let src: Vec<f32> = (0..n).map(|_| rng.signed() * 2.0).collect();
        let a_strides: Vec<isize> = if case % 4 < 2 {
            contiguous(&shape)
        } else {
            let rev: Vec<usize> = shape.iter().rev().copied().collect();
            contiguous(&rev).into_iter().rev().collect()
        };
        let o_strides = contiguous(&shape);
        let mut out = vec![f32::NAN; n];
        let outer: Vec<isize> = shape[..dim].iter().map(|&s| s as isize).collect();
        let inner_n: usize = shape[dim + 1..].iter().product();
        // The inner dims are treated as one: only valid when both layouts merge them.
        if ndim > dim + 2 && case % 4 >= 2 {
            continue;
        }
        let block = ScanBlock {
            n: shape[dim],
            inner: inner_n,
            sn: [a_strides[dim], o_strides[dim]],
            si: [
                a_strides
                    .last()
                    .copied()
                    .filter(|_| dim + 1 < ndim)
                    .unwrap_or(1),
                o_strides
                    .last()
                    .copied()
                    .filter(|_| dim + 1 < ndim)
                    .unwrap_or(1),
            ],
        };
        unsafe {
            scan_f32(
                op,
                &outer,
                [&a_strides[..dim], &o_strides[..dim]],
                &block,
                src.as_ptr(),
                out.as_mut_ptr(),
            )
        };
        // Naive: walk every index, fold along `dim` in f64.
        for (flat, &got) in out.iter().enumerate() {
            let mut idx = vec![0usize; ndim];
            let mut r = flat;
            for d in (0..ndim).rev() {
                idx[d] = r % shape[d];
                r /= shape[d];
            }
            let mut acc = if op == ScanOp::Sum { 0.0f64 } else { 1.0 };
            for k in 0..=idx[dim] {
                let mut j = idx.clone();
                j[dim] = k;
                let off: isize = j
                    .iter()
                    .zip(&a_strides)
                    .map(|(&i, &s)| i as isize * s)
                    .sum();
                let x = src[off as usize] as f64;
                acc = if op == ScanOp::Sum { acc + x } else { acc * x };
            }
            assert_eq!(
                got, acc as f32,
                "case {case} shape {shape:?} dim {dim} at {idx:?}"
            );
        }
    }
}
