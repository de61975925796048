//! Shape-picked paths for tall-skinny and matrix-vector-like products, ahead of the blocked
//! path: N ≤ 16 with many rows (a classifier head, `x @ W` with 10 outputs) and M ≤ 16 (one
//! decoded token through `linear`). Which path runs depends only on the shape and the
//! layout, never on the thread count; the work is then cut into pool tasks by whole rows
//! or whole columns, each computed exactly as in the serial run.
//!
//! - M ≤ 16, B's columns unit-stride along k (a `linear` weight read transposed):
//!   `dot_tile`, B streamed once in place.
//! - M ≤ 16, B row-major, N > 16: `row_stream`, B streamed once in place.
//! - M > 16, 2 ≤ N ≤ 16, A row-major: `row_streams`, the register tile as wide as N with its
//!   rows from MR contiguous slices of A, B packed once per task.
//! - M > 16, 2 ≤ N ≤ 16, A's columns strided: the blocked path with a register tile as wide
//!   as N (`gemm_narrow`), B packed once per task (n·k floats).

use super::dot_tile::{self, DotOperands, DotOut};
use super::row_stream;
use super::row_streams;
use super::{gemm_narrow, tile_split, with_scratch, GemmArgs};
use crate::pool::chunk;

/// At most this many rows: the matrix-vector-like paths (`dot_tile`, `row_stream`).
pub const FEW_M: usize = 16;
/// At most this many columns: the tall-skinny path.
pub const NARROW_N: usize = 16;
/// Below this many multiply-adds an M ≤ 16 product runs on one thread. These paths stream B
/// from memory at a few floats per cycle, so they gain from a second thread at smaller
/// sizes than the compute-bound blocked path (whose threshold the tall path keeps).
pub const PARALLEL_MIN_MACS: usize = 1 << 20;
/// Tasks per thread (as `tile_split`).
const TASKS_PER_THREAD: usize = 2;
/// Row and column blocks start on multiples of this: a whole number of dot tiles and of
/// `row_stream`'s vectors, so each element's arithmetic is that of the serial run.
const ALIGN: usize = 16;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Path {
    /// `dot_tile` on A and B in place (B's columns unit-stride).
    Dot,
    /// The blocked path with a register tile as wide as the columns (`gemm_narrow`).
    Narrow,
    /// `row_streams` (A row-major, 2–16 columns).
    RowStreams,
    /// `row_stream` (B row-major).
    RowStream,
}

/// How one GEMM call runs on a skinny path: the path and the pool split.
#[derive(Clone, Copy, Debug)]
pub struct SkinnyPlan {
    path: Path,
    /// Row (tall) or column (M ≤ 16) blocks per matrix.
    parts: usize,
    /// Whether the tasks go to the pool (the product is large enough to share).
    pooled: bool,
}

impl SkinnyPlan {
    /// The plan for `g` on `threads` threads, or `None` when the shape or layout is for the
    /// blocked path (or the empty-product cases `gemm_one` handles).
    pub fn new(g: &GemmArgs, threads: usize) -> Option<SkinnyPlan> {
        if g.k == 0 || g.alpha == 0.0 || g.m == 0 || g.n == 0 {
            return None;
        }
        let path = if g.m <= FEW_M && g.rsb == 1 {
            Path::Dot
        } else if g.m > FEW_M && (2..=NARROW_N).contains(&g.n) && g.csa == 1 {
            Path::RowStreams
        } else if g.m > FEW_M && (2..=NARROW_N).contains(&g.n) {
            Path::Narrow
        } else if g.m <= FEW_M && g.csb == 1 && g.n > NARROW_N {
            Path::RowStream
        } else {
            return None;
        };
        let macs = tile_split::macs(g);
        let lines = if g.m > FEW_M { g.m } else { g.n };
        let min_macs = if g.m > FEW_M {
            tile_split::PARALLEL_MIN_MACS
        } else {
            PARALLEL_MIN_MACS
        };
        let parts = if threads <= 1 || macs < min_macs || g.batch >= 2 * threads {
            1
        } else {
            (TASKS_PER_THREAD * threads)
                .div_ceil(g.batch)
                .min(lines.div_ceil(ALIGN))
                .max(1)
        };
        Some(SkinnyPlan {
            path,
            parts,
            pooled: macs >= min_macs,
        })
    }

    /// Whether the tasks go to the pool.
    pub fn pooled(&self) -> bool {
        self.pooled
    }

    /// Number of pool tasks.
    pub fn tasks(&self, g: &GemmArgs) -> usize {
        g.batch * self.parts
    }

    /// Runs task `task`: one row or column block of one batch item.
    ///
    /// # Safety
    /// As for `gemm`.
    pub unsafe fn run(&self, g: &GemmArgs, task: usize) {
        let (t, part) = ((task / self.parts) as isize, task % self.parts);
        if self.path == Path::RowStreams {
            // Split by tiles, not by blocks of rows: each block would take its own slices.
            return row_streams::row_streams(&g.item(t as usize), part, self.parts);
        }
        let tall = g.m > FEW_M;
        let lines = chunk(if tall { g.m } else { g.n }, self.parts, ALIGN, part);
        if lines.is_empty() {
            return;
        }
        let (i0, j0) = if tall {
            (lines.start as isize, 0)
        } else {
            (0, lines.start as isize)
        };
        let sub = GemmArgs {
            batch: 1,
            m: if tall { lines.len() } else { g.m },
            n: if tall { g.n } else { lines.len() },
            a: g.a.offset(t * g.bsa + i0 * g.rsa),
            b: g.b.offset(t * g.bsb + j0 * g.csb),
            c: g.c.offset(t * g.bsc + i0 * g.rsc + j0 * g.csc),
            ..*g
        };
        match self.path {
            Path::Dot => dot(&sub),
            Path::Narrow => gemm_narrow(&sub),
            Path::RowStreams => unreachable!("split by tiles above"),
            Path::RowStream => {
                with_scratch(row_stream::scratch_len(sub.m), |scratch| {
                    row_stream::row_stream(&sub, scratch)
                });
            }
        }
    }
}

/// One matrix on `dot_tile`, copying A into rows when its columns are not unit-stride.
unsafe fn dot(g: &GemmArgs) {
    debug_assert!(g.m <= FEW_M, "{} rows of A are copied", g.m);
    let d = DotOperands {
        k: g.k,
        a: g.a,
        rsa: g.rsa,
        bt: g.b,
        rsbt: g.csb,
        out: DotOut {
            c: g.c,
            rsc: g.rsc,
            csc: g.csc,
            alpha: g.alpha,
            beta: g.beta,
        },
    };
    if g.csa == 1 {
        return dot_tile::dot_products(g.m, g.n, d);
    }
    with_scratch(g.m * g.k, |rows| {
        let (a, rsa) = gather_rows(g.m, g.k, g.a, g.rsa, g.csa, rows);
        dot_tile::dot_products(g.m, g.n, DotOperands { a, rsa, ..d });
    })
}

/// Copies the `rows × k` matrix with element `(r, p)` at `src + r·rs + p·ps` into `out` as
/// contiguous rows; returns the rows' address and stride.
unsafe fn gather_rows(
    rows: usize,
    k: usize,
    src: *const f32,
    rs: isize,
    ps: isize,
    out: &mut [f32],
) -> (*const f32, isize) {
    debug_assert!(out.len() >= rows * k, "gather buffer too small");
    for r in 0..rows {
        let row = src.offset(r as isize * rs);
        for (p, o) in out[r * k..(r + 1) * k].iter_mut().enumerate() {
            *o = *row.offset(p as isize * ps);
        }
    }
    (out.as_ptr(), k as isize)
}
