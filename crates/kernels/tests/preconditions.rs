//! Violated kernel preconditions panic in debug builds (`debug_assert!`), instead of
//! writing the same element from two tiles or reading past a buffer. Release builds (the
//! wasm ones) compile the checks out, so these tests exist only with debug assertions.
#![cfg(debug_assertions)]

use tensorlane_kernels::testing::gemm::{gemm_with, GemmArgs, Kernel};
use tensorlane_kernels::testing::reduce::{reduce_f32, ReduceOp};
use tensorlane_kernels::testing::softmax::{softmax_rows, SoftmaxRows};

/// A 2×8×3 product into a C whose two rows are the same memory (`rsc == 0`).
#[test]
#[should_panic(expected = "C rows share a stride of 0")]
fn gemm_rejects_c_rows_with_stride_0() {
    let (a, b, mut c) = (vec![1f32; 2 * 3], vec![1f32; 3 * 8], vec![0f32; 8]);
    let args = GemmArgs {
        batch: 1,
        m: 2,
        n: 8,
        k: 3,
        alpha: 1.0,
        beta: 0.0,
        a: a.as_ptr(),
        rsa: 3,
        csa: 1,
        bsa: 0,
        b: b.as_ptr(),
        rsb: 8,
        csb: 1,
        bsb: 0,
        c: c.as_mut_ptr(),
        rsc: 0,
        csc: 1,
        bsc: 0,
    };
    unsafe { gemm_with(Kernel::F32Gemm4x8, &args) };
}

/// Three softmax rows of 8 written 4 floats apart: each overlaps the next.
#[test]
#[should_panic(expected = "output rows 4 floats apart overlap")]
fn softmax_rejects_overlapping_output_rows() {
    let (x, mut out) = (vec![0.5f32; 3 * 8], vec![0f32; 2 * 4 + 8]);
    let rows = SoftmaxRows {
        rows: 3,
        n: 8,
        x: x.as_ptr(),
        rsx: 8,
        out: out.as_mut_ptr(),
        rso: 4,
        log: false,
    };
    unsafe { softmax_rows(&rows) };
}

/// A max over an empty reduced dim has no first row to start from.
#[test]
#[should_panic(expected = "Max over no reduced elements")]
fn reduce_max_rejects_an_empty_reduced_dim() {
    let a = [0f32; 4];
    let mut out = [0u32; 4];
    // Kept: 4 contiguous outputs; reduced: one dim of size 0, stride 4.
    unsafe {
        reduce_f32(
            ReduceOp::Max,
            &[4],
            &[1],
            &[0],
            &[4],
            a.as_ptr(),
            out.as_mut_ptr(),
        )
    };
}
