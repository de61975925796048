//! Inclusive scans (cumulative sum and product) of float32 along one dim. The caller splits
//! the layout as `[outer…, n, inner]`: each outer index is an independent scan over `n`
//! steps, and each step folds a whole inner vector into a running vector, so the inner loop
//! walks memory contiguously even when the scanned dim is not the last one. The running
//! values are f64, as PyTorch's CPU `cumsum`/`cumprod` accumulate floats, and each output is
//! the running value rounded once.

use crate::strided::for_each_row;

/// Scan ops, numbered as the ABI passes them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScanOp {
    Sum = 0,
    Prod = 1,
}

impl ScanOp {
    pub fn from_code(code: u32) -> Option<Self> {
        [ScanOp::Sum, ScanOp::Prod].get(code as usize).copied()
    }
}

/// One `[n, inner]` block: `n` steps `sn` apart, `inner` elements `si` apart, per operand.
#[derive(Clone, Copy, Debug)]
pub struct ScanBlock {
    pub n: usize,
    pub inner: usize,
    /// Step strides of the input and the output, in elements.
    pub sn: [isize; 2],
    /// Inner strides of the input and the output, in elements.
    pub si: [isize; 2],
}

#[inline(always)]
unsafe fn scan_block<const PROD: bool>(
    b: &ScanBlock,
    a: *const f32,
    out: *mut f32,
    acc: &mut [f64],
) {
    let init = if PROD { 1.0 } else { 0.0 };
    if b.inner == 1 {
        // Scanning the last dim: one running value, no vector to carry.
        let mut r: f64 = init;
        for k in 0..b.n as isize {
            let x = *a.offset(k * b.sn[0]) as f64;
            r = if PROD { r * x } else { r + x };
            *out.offset(k * b.sn[1]) = r as f32;
        }
        return;
    }
    acc.fill(init);
    let [sa, so] = b.si;
    for k in 0..b.n as isize {
        let (ak, ok) = (a.offset(k * b.sn[0]), out.offset(k * b.sn[1]));
        if sa == 1 && so == 1 {
            let (src, dst) = (
                core::slice::from_raw_parts(ak, b.inner),
                core::slice::from_raw_parts_mut(ok, b.inner),
            );
            for ((r, &x), y) in acc.iter_mut().zip(src).zip(dst) {
                *r = if PROD { *r * x as f64 } else { *r + x as f64 };
                *y = *r as f32;
            }
        } else {
            for (j, r) in acc.iter_mut().enumerate() {
                let x = *ak.offset(j as isize * sa) as f64;
                *r = if PROD { *r * x } else { *r + x };
                *ok.offset(j as isize * so) = *r as f32;
            }
        }
    }
}

/// Scans every `[n, inner]` block of the outer layout (`outer_strides`: input, output).
///
/// # Safety
/// Every element the layout addresses must be valid; `out` may alias `a` exactly.
pub unsafe fn scan_f32(
    op: ScanOp,
    outer_shape: &[isize],
    outer_strides: [&[isize]; 2],
    block: &ScanBlock,
    a: *const f32,
    out: *mut f32,
) {
    debug_assert!(outer_shape.len() == outer_strides[0].len());
    let mut acc = vec![0f64; block.inner];
    let [ia, io] = crate::strided::inner_strides(outer_strides);
    for_each_row(outer_shape, outer_strides, |[oa, oo], m| {
        for i in 0..m as isize {
            let (a, out) = (a.offset(oa + i * ia), out.offset(oo + i * io));
            match op {
                ScanOp::Sum => scan_block::<false>(block, a, out, &mut acc),
                ScanOp::Prod => scan_block::<true>(block, a, out, &mut acc),
            }
        }
    });
}
