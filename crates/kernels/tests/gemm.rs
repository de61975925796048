//! GEMM against a naive f64 loop: every (m, n, k) in 0..=17, the block edges 63/64/65,
//! 127 and 257 (which cross MC and KC), n past NC, row-/column-major and strided
//! operands, expanded (stride 0) rows, batch strides including 0, and C prefilled with
//! NaN to prove `beta = 0` overwrites.

use tensorlane_kernels::testing::gemm::{gemm_with, GemmArgs, Kernel};

const KERNELS: [Kernel; 3] = [Kernel::F32Gemm4x8, Kernel::F32Gemm6x8, Kernel::F32Gemm4x16];

/// xorshift32: deterministic operands without a dependency.
struct Rng(u32);
impl Rng {
    fn next(&mut self) -> f32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 17;
        self.0 ^= self.0 << 5;
        (self.0 as f32 / u32::MAX as f32) * 2.0 - 1.0
    }
}

#[derive(Clone, Copy, Debug)]
enum Layout {
    Row,
    Col,
    /// Both strides > 1, rows padded: a `narrow`/step slice of a larger tensor.
    Strided,
    /// Row stride 0: every row is the same (an `expand`ed view). Inputs only.
    Expanded,
}

const INPUT_LAYOUTS: [Layout; 4] = [Layout::Row, Layout::Col, Layout::Strided, Layout::Expanded];
const OUTPUT_LAYOUTS: [Layout; 3] = [Layout::Row, Layout::Col, Layout::Strided];

/// A strided matrix inside its own buffer.
struct Mat {
    data: Vec<f32>,
    rs: isize,
    cs: isize,
}

impl Mat {
    fn new(rows: usize, cols: usize, layout: Layout, rng: &mut Rng, fill: Option<f32>) -> Mat {
        let (rs, cs) = match layout {
            Layout::Row => (cols as isize, 1),
            Layout::Col => (1, rows as isize),
            Layout::Strided => (2 * cols as isize + 1, 2),
            Layout::Expanded => (0, 1),
        };
        let len = 1 + (rows.max(1) - 1) * rs as usize + (cols.max(1) - 1) * cs as usize;
        let data = (0..len)
            .map(|_| fill.unwrap_or_else(|| rng.next()))
            .collect();
        Mat { data, rs, cs }
    }
    fn at(&self, i: usize, j: usize) -> f32 {
        self.data[i * self.rs as usize + j * self.cs as usize]
    }
}

struct Case {
    m: usize,
    n: usize,
    k: usize,
    alpha: f32,
    beta: f32,
    layouts: [Layout; 3],
}

/// Runs one case with every kernel and checks each element against the f64 reference
/// within the standard dot-product error bound `c·k·ε·Σ|a·b|`.
fn check(case: &Case, seed: u32) {
    let Case {
        m,
        n,
        k,
        alpha,
        beta,
        layouts: [la, lb, lc],
    } = *case;
    let mut rng = Rng(seed | 1);
    let a = Mat::new(m, k, la, &mut rng, None);
    let b = Mat::new(k, n, lb, &mut rng, None);
    // beta = 0 must overwrite whatever C holds, NaN included.
    let fill = if beta == 0.0 { Some(f32::NAN) } else { None };
    let c_init = Mat::new(m, n, lc, &mut rng, fill);
    // The reference and its error bound, once for all kernels.
    let mut want = vec![0f64; m * n];
    let mut tol = vec![0f64; m * n];
    for i in 0..m {
        for j in 0..n {
            let (mut dot, mut mag) = (0f64, 0f64);
            for p in 0..k {
                let x = a.at(i, p) as f64 * b.at(p, j) as f64;
                dot += x;
                mag += x.abs();
            }
            let prior = if beta == 0.0 {
                0.0
            } else {
                beta as f64 * c_init.at(i, j) as f64
            };
            want[i * n + j] = alpha as f64 * dot + prior;
            tol[i * n + j] = 4.0
                * f32::EPSILON as f64
                * (k as f64 + 2.0)
                * (alpha.abs() as f64 * mag + prior.abs());
        }
    }
    for kernel in KERNELS {
        let mut c = Mat {
            data: c_init.data.clone(),
            ..c_init
        };
        let args = GemmArgs {
            batch: 1,
            m,
            n,
            k,
            alpha,
            beta,
            a: a.data.as_ptr(),
            rsa: a.rs,
            csa: a.cs,
            bsa: 0,
            b: b.data.as_ptr(),
            rsb: b.rs,
            csb: b.cs,
            bsb: 0,
            c: c.data.as_mut_ptr(),
            rsc: c.rs,
            csc: c.cs,
            bsc: 0,
        };
        unsafe { gemm_with(kernel, &args) };
        for i in 0..m {
            for j in 0..n {
                let (got, want, tol) = (c.at(i, j) as f64, want[i * n + j], tol[i * n + j]);
                assert!(
                    (got - want).abs() <= tol,
                    "{kernel:?} m={m} n={n} k={k} alpha={alpha} beta={beta} layouts={:?}: C[{i},{j}] = {got}, want {want} (tol {tol})",
                    case.layouts
                );
            }
        }
    }
}

#[test]
fn every_small_shape_row_major_overwrites_nan() {
    for m in 0..=17 {
        for n in 0..=17 {
            for k in 0..=17 {
                let layouts = [Layout::Row; 3];
                check(
                    &Case {
                        m,
                        n,
                        k,
                        alpha: 1.0,
                        beta: 0.0,
                        layouts,
                    },
                    (m * 400 + n * 20 + k) as u32,
                );
            }
        }
    }
}

#[test]
fn every_small_shape_cycles_through_layouts_alpha_beta() {
    let mut combo = 0usize;
    for m in 0..=17 {
        for n in 0..=17 {
            for k in 0..=17 {
                let la = INPUT_LAYOUTS[combo % 4];
                let lb = INPUT_LAYOUTS[(combo / 4) % 4];
                let lc = OUTPUT_LAYOUTS[(combo / 16) % 3];
                let (alpha, beta) = [(1.0, 1.0), (2.5, 0.5), (-0.75, 0.0)][combo % 3];
                combo += 1;
                check(
                    &Case {
                        m,
                        n,
                        k,
                        alpha,
                        beta,
                        layouts: [la, lb, lc],
                    },
                    combo as u32,
                );
            }
        }
    }
}

#[test]
fn block_edges_and_large_sizes() {
    // Crossing MR/NR tiles, MC = 72 rows, KC = 256 depth; k is sampled to keep debug fast.
    let big = [63, 64, 65, 127, 257];
    let mut seed = 7;
    for &m in &big {
        for &n in &big {
            for k in [1, 65, 257] {
                if m * n * k > 65 * 65 * 257 {
                    continue;
                }
                seed += 1;
                let layouts = [
                    INPUT_LAYOUTS[seed % 3],
                    INPUT_LAYOUTS[(seed / 3) % 3],
                    OUTPUT_LAYOUTS[seed % 3],
                ];
                check(
                    &Case {
                        m,
                        n,
                        k,
                        alpha: 1.0,
                        beta: 0.0,
                        layouts,
                    },
                    seed as u32,
                );
            }
        }
    }
    let l = [Layout::Row; 3];
    check(
        &Case {
            m: 257,
            n: 65, // with m and k: crosses MC = 72 three times and KC = 256
            k: 257,
            alpha: 1.0,
            beta: 0.0,
            layouts: l,
        },
        3,
    );
    // n past NC = 1024 and k past KC = 256: several column and depth blocks, beta = 1.
    check(
        &Case {
            m: 5,
            n: 1100,
            k: 300,
            alpha: 1.0,
            beta: 1.0,
            layouts: l,
        },
        5,
    );
    check(
        &Case {
            m: 9,
            n: 1030,
            k: 513,
            alpha: 0.5,
            beta: 0.0,
            layouts: [Layout::Col, Layout::Col, Layout::Row],
        },
        6,
    );
    // A column-major B under more than 16 rows (nn.Linear's weight read transposed): packed
    // in blocks 3·KC deep and NC/4 wide; n and k cross them, beta = 1.
    check(
        &Case {
            m: 21,
            n: 300,
            k: 800,
            alpha: 0.5,
            beta: 1.0,
            layouts: [Layout::Row, Layout::Col, Layout::Row],
        },
        8,
    );
}

#[test]
fn gemv_shapes_in_every_layout() {
    for (m, n) in [
        (1, 1),
        (1, 3),
        (1, 10),
        (1, 16),
        (1, 33),
        (1, 300),
        (10, 1),
        (33, 1),
        (300, 1),
    ] {
        for k in [0, 1, 7, 300] {
            for la in INPUT_LAYOUTS {
                for lb in INPUT_LAYOUTS {
                    for lc in OUTPUT_LAYOUTS {
                        check(
                            &Case {
                                m,
                                n,
                                k,
                                alpha: 1.5,
                                beta: 0.0,
                                layouts: [la, lb, lc],
                            },
                            (m + n + k) as u32,
                        );
                    }
                }
            }
        }
    }
}

/// The shape-picked paths and the shapes on either side of their switches: M ≤ 16 (dot
/// tiles with B's columns unit-stride, row streaming with B row-major) against M = 17, and
/// tall products with N from 2 to 16 against N = 17, k across the vector and unroll steps.
#[test]
fn skinny_shapes_in_every_layout() {
    let shapes = [
        (1, 17),
        (2, 300),
        (3, 33),
        (4, 257),
        (5, 17),
        (15, 40),
        (16, 270),
        (17, 300),
        (40, 2),
        (41, 5),
        (100, 9),
        (33, 10),
        (60, 12),
        (37, 13),
        (50, 16),
        (50, 17),
        (16, 16),
        (17, 16),
    ];
    for (m, n) in shapes {
        for k in [1, 5, 9, 300] {
            let alpha_beta = if (m + k) % 2 == 0 {
                (1.0, 0.0)
            } else {
                (-0.5, 1.5)
            };
            check_layouts(m, n, k, alpha_beta, &INPUT_LAYOUTS, (m * 31 + n + k) as u32);
        }
    }
}

/// `check` with A in each of `a_layouts` and B and C in every layout.
fn check_layouts(
    m: usize,
    n: usize,
    k: usize,
    (alpha, beta): (f32, f32),
    a_layouts: &[Layout],
    seed: u32,
) {
    for &la in a_layouts {
        for lb in INPUT_LAYOUTS {
            for lc in OUTPUT_LAYOUTS {
                let layouts = [la, lb, lc];
                check(
                    &Case {
                        m,
                        n,
                        k,
                        alpha,
                        beta,
                        layouts,
                    },
                    seed,
                );
            }
        }
    }
}

/// Tall products with 2–16 columns and a row-major A (`row_streams`): every tile height
/// (6, 4 and 3 rows) with and without rows past the last whole tile, k across the packed
/// depth blocks (1024 deep), B and C in every layout.
#[test]
fn tall_row_streams_in_every_layout() {
    let shapes = [
        (23, 3),
        (24, 4),
        (47, 7),
        (48, 8),
        (101, 11),
        (99, 12),
        (53, 13),
        (70, 16),
    ];
    for (m, n) in shapes {
        for k in [4, 7, 1030] {
            let alpha_beta = if (m + n + k) % 2 == 0 {
                (1.0, 0.0)
            } else {
                (-0.5, 1.5)
            };
            check_layouts(
                m,
                n,
                k,
                alpha_beta,
                &[Layout::Row],
                (m * 7 + n * 3 + k) as u32,
            );
        }
    }
}

#[test]
fn batch_strides_including_broadcast() {
    let (batch, m, n, k) = (3usize, 5usize, 9usize, 11usize);
    let mut rng = Rng(99);
    // A broadcast over the batch (bsa = 0), B transposed per batch item, C row-major.
    let a: Vec<f32> = (0..m * k).map(|_| rng.next()).collect();
    let b: Vec<f32> = (0..batch * n * k).map(|_| rng.next()).collect();
    for kernel in KERNELS {
        let mut c = vec![f32::NAN; batch * m * n];
        let args = GemmArgs {
            batch,
            m,
            n,
            k,
            alpha: 1.0,
            beta: 0.0,
            a: a.as_ptr(),
            rsa: k as isize,
            csa: 1,
            bsa: 0,
            b: b.as_ptr(),
            rsb: 1,
            csb: k as isize,
            bsb: (n * k) as isize,
            c: c.as_mut_ptr(),
            rsc: n as isize,
            csc: 1,
            bsc: (m * n) as isize,
        };
        unsafe { gemm_with(kernel, &args) };
        for t in 0..batch {
            for i in 0..m {
                for j in 0..n {
                    let want: f64 = (0..k)
                        .map(|p| a[i * k + p] as f64 * b[t * n * k + j * k + p] as f64)
                        .sum();
                    let got = c[t * m * n + i * n + j] as f64;
                    assert!(
                        (got - want).abs() < 1e-5,
                        "{kernel:?} batch {t} C[{i},{j}] = {got}, want {want}"
                    );
                }
            }
        }
    }
}

#[test]
fn identity_product_is_exact() {
    let n = 19;
    let mut rng = Rng(5);
    let a: Vec<f32> = (0..n * n).map(|_| rng.next()).collect();
    let eye: Vec<f32> = (0..n * n)
        .map(|x| if x / n == x % n { 1.0 } else { 0.0 })
        .collect();
    for kernel in KERNELS {
        let mut c = vec![f32::NAN; n * n];
        let s = n as isize;
        let args = GemmArgs {
            batch: 1,
            m: n,
            n,
            k: n,
            alpha: 1.0,
            beta: 0.0,
            a: a.as_ptr(),
            rsa: s,
            csa: 1,
            bsa: 0,
            b: eye.as_ptr(),
            rsb: s,
            csb: 1,
            bsb: 0,
            c: c.as_mut_ptr(),
            rsc: s,
            csc: 1,
            bsc: 0,
        };
        unsafe { gemm_with(kernel, &args) };
        assert_eq!(c, a, "{kernel:?}");
    }
}
