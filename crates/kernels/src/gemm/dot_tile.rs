//! Products whose operands both run contiguously along the depth: `C[i, j] = Σ_p A[i, p] ·
//! Bt[j, p]` with A's rows and Bt's rows (B's columns) unit-stride. The k axis is the vector
//! axis, so nothing is broadcast and no lane is padding: an R × C tile of dot products keeps
//! R·C accumulators, loads R + C vectors per k step, and folds each accumulator's lanes once
//! at the end. This serves M ≤ 16 with B read as `linear` passes its weight: each B column
//! is streamed once, without packing, four at a time or more (as many hardware prefetch
//! streams), where the blocked path packs all of B for a few rows.
//!
//! Every element's sum runs the same operations whatever tile it falls in (its own four
//! lanes, folded in one order, then the scalar k tail), so results do not depend on the
//! tiling or on how a caller splits rows or columns between threads.

use crate::simd::F32x4;

/// Where the tile results go: `C = alpha·dot + beta·C`.
#[derive(Clone, Copy)]
pub struct DotOut {
    pub c: *mut f32,
    pub rsc: isize,
    pub csc: isize,
    pub alpha: f32,
    pub beta: f32,
}

/// The operands of `dot_products`, or of one tile of it: A rows at `a + i·rsa` and Bt rows
/// at `bt + j·rsbt`, both unit-stride over `k`.
#[derive(Clone, Copy)]
pub struct DotOperands {
    pub k: usize,
    pub a: *const f32,
    pub rsa: isize,
    pub bt: *const f32,
    pub rsbt: isize,
    pub out: DotOut,
}

/// `C[i, j] = alpha·Σ_p A[i, p]·Bt[j, p] + beta·C[i, j]` for `i < m`, `j < n`. Meant for a
/// few rows (see `skinny`): A is read once per group of columns.
///
/// # Safety
/// A rows `i < m` and Bt rows `j < n` must be readable for `k` floats; the `m × n` elements
/// of C distinct, writable (and readable when `beta != 0`), and not overlapping A or Bt.
pub unsafe fn dot_products(m: usize, n: usize, d: DotOperands) {
    debug_assert!(m <= 1 || d.out.rsc != 0, "C rows share a stride of 0");
    debug_assert!(n <= 1 || d.out.csc != 0, "C columns share a stride of 0");
    let tile = |i: usize, j: usize, rows: usize, cols: usize| {
        let (i, j) = (i as isize, j as isize);
        let t = DotOperands {
            a: d.a.offset(i * d.rsa),
            bt: d.bt.offset(j * d.rsbt),
            out: DotOut {
                c: d.out.c.offset(i * d.out.rsc + j * d.out.csc),
                ..d.out
            },
            ..d
        };
        t.run(rows, cols)
    };
    // Up to 4 rows share each Bt load; the columns per tile keep R·C + R + 1 ≤ 13 vector
    // registers, within what V8 allocates on x64 without spilling. Columns outside: each Bt
    // row is read from memory once while the few rows of A stay in cache.
    let rows = m.min(4);
    let cols = cols_for(rows);
    for j in (0..n).step_by(cols) {
        for i in (0..m).step_by(rows) {
            tile(i, j, rows.min(m - i), cols.min(n - j));
        }
    }
}

/// The widest tile for `rows` rows of A (see `dot_products`).
const fn cols_for(rows: usize) -> usize {
    match rows {
        1 => 8,
        2 => 5,
        3 => 3,
        _ => 2,
    }
}

impl DotOperands {
    /// Dispatches `rows × cols` to the const-sized kernel.
    #[inline(always)]
    unsafe fn run(&self, rows: usize, cols: usize) {
        macro_rules! sizes {
            ($(($r:literal, $c:literal)),*) => {
                match (rows, cols) {
                    $(($r, $c) => self.tile::<$r, $c>(),)*
                    _ => unreachable!("dot tile {rows}x{cols}"),
                }
            };
        }
        sizes!(
            (1, 1),
            (1, 2),
            (1, 3),
            (1, 4),
            (1, 5),
            (1, 6),
            (1, 7),
            (1, 8),
            (2, 1),
            (2, 2),
            (2, 3),
            (2, 4),
            (2, 5),
            (3, 1),
            (3, 2),
            (3, 3),
            (4, 1),
            (4, 2)
        )
    }

    /// The R × C kernel: R·C vector accumulators over k in steps of 8 (two vectors, so the
    /// loads use constant offsets from one index), then 4, then the scalar tail.
    #[inline(never)]
    unsafe fn tile<const R: usize, const C: usize>(&self) {
        let k = self.k;
        let a: [*const f32; R] = core::array::from_fn(|r| self.a.offset(r as isize * self.rsa));
        let b: [*const f32; C] = core::array::from_fn(|j| self.bt.offset(j as isize * self.rsbt));
        let mut acc = [[F32x4::splat(0.0); C]; R];
        let mut step = |p: usize| {
            let av: [F32x4; R] = core::array::from_fn(|r| F32x4::load(a[r].add(p)));
            for (j, bj) in b.iter().enumerate() {
                let bv = F32x4::load(bj.add(p));
                for r in 0..R {
                    acc[r][j] = av[r].mul_add(bv, acc[r][j]);
                }
            }
        };
        let mut p = 0;
        while p + 8 <= k {
            step(p);
            step(p + 4);
            p += 8;
        }
        if p + 4 <= k {
            step(p);
            p += 4;
        }
        for r in 0..R {
            for j in 0..C {
                let v = acc[r][j].to_array();
                let mut s = (v[0] + v[2]) + (v[1] + v[3]);
                for q in p..k {
                    s += *a[r].add(q) * *b[j].add(q);
                }
                let c = self
                    .out
                    .c
                    .offset(r as isize * self.out.rsc + j as isize * self.out.csc);
                *c = if self.out.beta == 0.0 {
                    self.out.alpha * s
                } else {
                    self.out.alpha * s + self.out.beta * *c
                };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::gemm::test_values as values;

    /// Every tile size against a naive f64 loop, with padded rows, a strided C, alpha and
    /// beta, and k across the unrolled and scalar steps.
    #[test]
    fn dot_products_match_a_naive_loop() {
        for &(m, n) in &[
            (1, 1),
            (1, 9),
            (1, 37),
            (3, 17),
            (4, 6),
            (16, 33),
            (17, 1),
            (40, 10),
            (33, 16),
            (21, 7),
        ] {
            for k in [0, 1, 3, 4, 7, 8, 9, 16, 61] {
                let (lda, ldb) = (k + 3, k + 1);
                let a = values(m * lda, 1 + k as u32);
                let bt = values(n * ldb, 2 + m as u32);
                let c0 = values(m * n * 2, 3);
                let mut c = c0.clone();
                let out = DotOut {
                    c: c.as_mut_ptr(),
                    rsc: 1,
                    csc: 2 * m as isize,
                    alpha: 1.5,
                    beta: 0.5,
                };
                let d = DotOperands {
                    k,
                    a: a.as_ptr(),
                    rsa: lda as isize,
                    bt: bt.as_ptr(),
                    rsbt: ldb as isize,
                    out,
                };
                unsafe { dot_products(m, n, d) };
                for i in 0..m {
                    for j in 0..n {
                        let (mut dot, mut mag) = (0f64, 0f64);
                        for p in 0..k {
                            let x = a[i * lda + p] as f64 * bt[j * ldb + p] as f64;
                            dot += x;
                            mag += x.abs();
                        }
                        let at = i + j * 2 * m;
                        let want = 1.5 * dot + 0.5 * c0[at] as f64;
                        let tol = 4.0
                            * f32::EPSILON as f64
                            * (k as f64 + 2.0)
                            * (1.5 * mag + 0.5 * (c0[at] as f64).abs());
                        assert!(
                            ((c[at] as f64) - want).abs() <= tol,
                            "{m}x{n}x{k} C[{i},{j}] = {}, want {want}",
                            c[at]
                        );
                    }
                }
                // The elements between C's columns are untouched.
                for i in 0..m {
                    for j in 0..n {
                        let gap = m + i + j * 2 * m;
                        assert_eq!(c[gap].to_bits(), c0[gap].to_bits());
                    }
                }
            }
        }
    }
}
