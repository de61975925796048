//! Products with a few rows of A (M ≤ 16) and a row-major B, streamed once without packing:
//! for each block of `COLS` columns, the block's partial rows of C stay in a small buffer in
//! L1 while B's rows go by four at a time, each read as one contiguous run (four streams the
//! hardware prefetcher follows), and each buffered C vector takes four multiply-adds per
//! load and store. Packing B would cost as much as the product at these shapes, and reading
//! B in place a register tile at a time (the blocked path) walks it 32 bytes per row.
//!
//! Column `j` gets the same operations whatever block or task it falls in (four k rows per
//! step in order, then the k tail; vector lanes everywhere but the last `n % 4` columns,
//! which run the same sequence in scalar code), so results do not depend on how a caller
//! splits the columns, as long as splits fall on multiples of 4.

use super::GemmArgs;
use crate::simd::F32x4;

/// Columns of C accumulated per block: with 16 rows the buffer is 16 KiB, and the four B row
/// runs of one step 4 KiB, both within L1.
pub const COLS: usize = 256;

/// At most this many rows of A.
pub const MAX_M: usize = 16;

/// Floats of scratch `row_stream` needs for `m` rows.
pub const fn scratch_len(m: usize) -> usize {
    m * COLS
}

/// `C = alpha·A·B + beta·C` for one matrix (`batch` is ignored): A with any strides, B
/// row-major (`csb == 1`), C with any distinct strides.
///
/// # Safety
/// Every element the shapes and strides address must be valid; C's elements distinct,
/// writable (readable when `beta != 0`) and not overlapping A or B; `1 ≤ m ≤ MAX_M`;
/// `scratch` at least `scratch_len(m)` floats.
pub unsafe fn row_stream(g: &GemmArgs, scratch: &mut [f32]) {
    debug_assert!((1..=MAX_M).contains(&g.m), "{} rows", g.m);
    debug_assert_eq!(g.csb, 1, "B's rows are read as contiguous vectors");
    debug_assert!(
        scratch.len() >= scratch_len(g.m),
        "row_stream scratch too small"
    );
    debug_assert!(g.m <= 1 || g.rsc != 0, "C rows share a stride of 0");
    debug_assert!(g.n <= 1 || g.csc != 0, "C columns share a stride of 0");
    let y = scratch.as_mut_ptr();
    for j0 in (0..g.n).step_by(COLS) {
        let width = COLS.min(g.n - j0);
        core::slice::from_raw_parts_mut(y, g.m * COLS).fill(0.0);
        let b = g.b.add(j0);
        let mut p = 0;
        while p + 4 <= g.k {
            let rows: [*const f32; 4] =
                core::array::from_fn(|q| b.offset((p + q) as isize * g.rsb));
            for i in 0..g.m {
                let a: [f32; 4] = core::array::from_fn(|q| {
                    *g.a.offset(i as isize * g.rsa + (p + q) as isize * g.csa)
                });
                add_rows::<4>(y.add(i * COLS), width, a, rows);
            }
            p += 4;
        }
        while p < g.k {
            let row = [b.offset(p as isize * g.rsb)];
            for i in 0..g.m {
                let a = [*g.a.offset(i as isize * g.rsa + p as isize * g.csa)];
                add_rows::<1>(y.add(i * COLS), width, a, row);
            }
            p += 1;
        }
        for i in 0..g.m {
            let c = g.c.offset(i as isize * g.rsc + j0 as isize * g.csc);
            for j in 0..width {
                let (p, s) = (c.offset(j as isize * g.csc), *y.add(i * COLS + j));
                *p = if g.beta == 0.0 {
                    g.alpha * s
                } else {
                    g.alpha * s + g.beta * *p
                };
            }
        }
    }
}

/// `y[j] += Σ_q a[q]·rows[q][j]` for `j < width`, q in order, four columns per vector.
#[inline(always)]
unsafe fn add_rows<const Q: usize>(y: *mut f32, width: usize, a: [f32; Q], rows: [*const f32; Q]) {
    let av: [F32x4; Q] = core::array::from_fn(|q| F32x4::splat(a[q]));
    let mut j = 0;
    while j + 4 <= width {
        let mut v = F32x4::load(y.add(j));
        for q in 0..Q {
            v = av[q].mul_add(F32x4::load(rows[q].add(j)), v);
        }
        v.store(y.add(j));
        j += 4;
    }
    while j < width {
        let mut v = *y.add(j);
        for q in 0..Q {
            v += a[q] * *rows[q].add(j);
        }
        *y.add(j) = v;
        j += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::gemm::test_values as values;

    /// Row counts 1..=16, widths across the column block and the vector tail, and k across
    /// the four-row step, against a naive f64 loop; A column-major, C strided.
    #[test]
    fn row_stream_matches_a_naive_loop() {
        for m in [1, 2, 3, 4, 5, 8, 16] {
            for n in [1, 3, 4, 17, 255, 256, 261, 600] {
                for k in [0, 1, 3, 4, 5, 9] {
                    let rsb = n + 2;
                    let a = values(m * k, (m + k) as u32);
                    let b = values(k * rsb, n as u32);
                    let c0 = values(m * n * 2, 5);
                    let mut c = c0.clone();
                    let mut scratch = vec![f32::NAN; scratch_len(m)];
                    let g = GemmArgs {
                        batch: 1,
                        m,
                        n,
                        k,
                        alpha: -0.5,
                        beta: 2.0,
                        a: a.as_ptr(),
                        rsa: 1,
                        csa: m as isize,
                        bsa: 0,
                        b: b.as_ptr(),
                        rsb: rsb as isize,
                        csb: 1,
                        bsb: 0,
                        c: c.as_mut_ptr(),
                        rsc: 2 * n as isize,
                        csc: 1,
                        bsc: 0,
                    };
                    unsafe { row_stream(&g, &mut scratch) };
                    for i in 0..m {
                        for j in 0..n {
                            let (mut dot, mut mag) = (0f64, 0f64);
                            for p in 0..k {
                                let x = a[i + p * m] as f64 * b[p * rsb + j] as f64;
                                dot += x;
                                mag += x.abs();
                            }
                            let at = i * 2 * n + j;
                            let prior = 2.0 * c0[at] as f64;
                            let want = -0.5 * dot + prior;
                            let tol = 4.0
                                * f32::EPSILON as f64
                                * (k as f64 + 2.0)
                                * (0.5 * mag + prior.abs());
                            assert!(
                                ((c[at] as f64) - want).abs() <= tol,
                                "{m}x{n}x{k} C[{i},{j}] = {}, want {want}",
                                c[at]
                            );
                            assert_eq!(
                                c[at + n].to_bits(),
                                c0[at + n].to_bits(),
                                "gap after C[{i},{j}]"
                            );
                        }
                    }
                }
            }
        }
    }
}
