//! How a batched GEMM is cut into pool tasks. Whole batch items first (each runs exactly
//! the serial code); when there are too few of them, each matrix is also cut into blocks
//! of rows and columns whose edges fall on microkernel tile edges (multiples of every MR
//! and NR we ship). Every element of C then lands in the same tile, with the same depth
//! blocks and the same store, as in the serial run: results are bit-identical for any
//! thread count.

use super::blocking::SMALL_M;
use super::{gemm_batch_item, gemm_tiles, GemmArgs, Kernel};
use crate::pool::chunk;

/// Below this many multiply-adds the fork-join costs more than it saves (2²² sits between
/// 128³, measured slower on two threads than on one, and 256³, measured faster).
pub const PARALLEL_MIN_MACS: usize = 1 << 22;
/// Row blocks start on multiples of this (lcm of the MRs 4 and 6).
const ROW_ALIGN: usize = 12;
/// Column blocks start on multiples of this (every NR: 8 and 16).
const COL_ALIGN: usize = 16;
/// Tasks per thread: a few, so a thread the OS delays does not hold up the rest.
const TASKS_PER_THREAD: usize = 2;

/// Multiply-adds of the whole batched product.
pub fn macs(g: &GemmArgs) -> usize {
    g.batch
        .saturating_mul(g.m)
        .saturating_mul(g.n)
        .saturating_mul(g.k)
}

/// Whether a blocked-path product goes to the pool at all: below `PARALLEL_MIN_MACS` even
/// whole batch items are too small to share (a batch of small products, as autograd and
/// attention-sized bmm make, ran each item as a task of its own and woke the workers).
pub fn pooled(g: &GemmArgs) -> bool {
    macs(g) >= PARALLEL_MIN_MACS
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TileSplit {
    pub row_parts: usize,
    pub col_parts: usize,
}

impl TileSplit {
    /// The split for `threads` threads: none (one task per batch item) unless the batch is
    /// too small to keep every thread busy and the matrices take the blocked path.
    pub fn plan(g: &GemmArgs, threads: usize) -> TileSplit {
        let whole = TileSplit {
            row_parts: 1,
            col_parts: 1,
        };
        let macs = macs(g);
        let blocked = g.m > 1 && g.n > 1 && g.k > 0 && g.alpha != 0.0;
        let batch_balances = g.batch >= 2 * threads || g.batch.is_multiple_of(threads);
        if threads <= 1 || macs < PARALLEL_MIN_MACS || !blocked || batch_balances {
            return whole;
        }
        let per_matrix = (TASKS_PER_THREAD * threads).div_ceil(g.batch);
        // Columns first: each task then packs only its own slice of B.
        let col_parts = per_matrix.min(g.n.div_ceil(4 * COL_ALIGN)).max(1);
        let row_parts = per_matrix
            .div_ceil(col_parts)
            .min(g.m.div_ceil(4 * ROW_ALIGN))
            .max(1);
        TileSplit {
            row_parts,
            col_parts,
        }
    }

    /// Number of pool tasks.
    pub fn tasks(&self, g: &GemmArgs) -> usize {
        g.batch * self.row_parts * self.col_parts
    }

    /// Runs task `task`.
    ///
    /// # Safety
    /// As for `gemm`.
    pub unsafe fn run(&self, kernel: Kernel, g: &GemmArgs, task: usize) {
        if self.row_parts == 1 && self.col_parts == 1 {
            return gemm_batch_item(kernel, g, task);
        }
        let per_matrix = self.row_parts * self.col_parts;
        let (t, block) = ((task / per_matrix) as isize, task % per_matrix);
        let rows = chunk(g.m, self.row_parts, ROW_ALIGN, block / self.col_parts);
        let cols = chunk(g.n, self.col_parts, COL_ALIGN, block % self.col_parts);
        if rows.is_empty() || cols.is_empty() {
            return;
        }
        let (i0, j0) = (rows.start as isize, cols.start as isize);
        let sub = GemmArgs {
            batch: 1,
            m: rows.len(),
            n: cols.len(),
            a: g.a.offset(t * g.bsa + i0 * g.rsa),
            b: g.b.offset(t * g.bsb + j0 * g.csb),
            c: g.c.offset(t * g.bsc + i0 * g.rsc + j0 * g.csc),
            ..*g
        };
        gemm_tiles(kernel, &sub, g.m <= SMALL_M);
    }
}
