//! Batched, strided single-precision GEMM in the BLIS style:
//! `C[b] = alpha·A[b]·B[b] + beta·C[b]` for every batch index `b`.
//!
//! Loops (outer to inner): batch → NC columns of B → KC depth (pack B) → MC rows of A
//! (pack A) → NR micro-panels of B → MR micro-panels of A → microkernel. Every operand
//! is addressed by element strides (any sign, 0 for broadcast), so transposed and
//! expanded views never need a copy; batch strides of 0 broadcast a whole matrix.

mod blocking;
mod dot_tile;
mod gemv;
mod microkernel;
mod pack_a;
mod pack_b;
pub(crate) mod peak;
mod row_stream;
mod row_streams;
mod skinny;
mod tile_split;

use crate::pool;
use crate::scratch::{self, Scratch};
use blocking::{A_PACKED_WHOLE_MAX, KC, MC, NC, PACK_A_WHOLE, SMALL_M};
use core::sync::atomic::{AtomicU8, Ordering};
use microkernel::{add_last_k_step, f32_gemm_tile_at, APanel, TileStore};
use tile_split::TileSplit;

/// One batched GEMM problem. Strides are in elements; `bs*` step between batch items.
#[derive(Clone, Copy, Debug)]
pub struct GemmArgs {
    pub batch: usize,
    pub m: usize,
    pub n: usize,
    pub k: usize,
    pub alpha: f32,
    pub beta: f32,
    pub a: *const f32,
    pub rsa: isize,
    pub csa: isize,
    pub bsa: isize,
    pub b: *const f32,
    pub rsb: isize,
    pub csb: isize,
    pub bsb: isize,
    pub c: *mut f32,
    pub rsc: isize,
    pub csc: isize,
    pub bsc: isize,
}

// The pointers are plain addresses into memory shared by the pool's threads; which thread
// writes which element of C is decided by `TileSplit`, never two at once.
unsafe impl Send for GemmArgs {}
unsafe impl Sync for GemmArgs {}

/// The register tile shapes we ship (XNNPACK's naming: MR × NR).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Kernel {
    F32Gemm4x8 = 0,
    F32Gemm6x8 = 1,
    F32Gemm4x16 = 2,
}

impl Kernel {
    /// Maps the id used by `bench_gemm_set_kernel` to a kernel.
    pub fn from_id(id: u32) -> Option<Kernel> {
        match id {
            0 => Some(Kernel::F32Gemm4x8),
            1 => Some(Kernel::F32Gemm6x8),
            2 => Some(Kernel::F32Gemm4x16),
            _ => None,
        }
    }
}

// 4×8 fits V8's 15 usable xmm registers on x64 (8 accumulators + 2 B + 1 A).
static KERNEL: AtomicU8 = AtomicU8::new(Kernel::F32Gemm4x8 as u8);

/// Selects the microkernel used from now on (a tuning hook for the benchmark).
pub fn set_kernel(kernel: Kernel) {
    KERNEL.store(kernel as u8, Ordering::Relaxed);
}

/// The microkernel currently selected.
pub fn kernel() -> Kernel {
    Kernel::from_id(KERNEL.load(Ordering::Relaxed) as u32).unwrap_or(Kernel::F32Gemm4x8)
}

thread_local! {
    // Packing buffers are reused across calls: allocating 1 MiB per small GEMM would
    // dominate the cost of a 5×784×10 product.
    static SCRATCH: Scratch = const { Scratch::new() };
}

/// Marks this thread's packing buffer free after a trap inside a GEMM (see `tl_recover`).
pub fn release_scratch_after_trap() {
    scratch::release_after_trap(&SCRATCH)
}

/// Runs `f` with this thread's packing buffer of at least `len` floats.
fn with_scratch<R>(len: usize, f: impl FnOnce(&mut [f32]) -> R) -> R {
    scratch::with_scratch(&SCRATCH, len, f)
}

/// `C = alpha·A·B + beta·C` over the batch. `beta == 0` overwrites C without reading it.
///
/// # Safety
/// For every batch index and in-range `(i, p, j)`, the addressed elements of A and B must
/// be readable and those of C writable (and readable when `beta != 0`). C's elements must
/// be distinct and must not overlap A or B.
pub unsafe fn gemm(args: &GemmArgs) {
    gemm_with(kernel(), args)
}

/// `gemm` with an explicit microkernel instead of the selected one.
///
/// # Safety
/// As for `gemm`.
pub unsafe fn gemm_with(kernel: Kernel, args: &GemmArgs) {
    let g = args;
    if g.m == 0 || g.n == 0 || g.batch == 0 {
        return;
    }
    // C's elements must be distinct: tiles and tasks write them independently.
    debug_assert!(g.m == 1 || g.rsc != 0, "C rows share a stride of 0");
    debug_assert!(g.n == 1 || g.csc != 0, "C columns share a stride of 0");
    debug_assert!(
        g.batch == 1 || g.bsc != 0,
        "C batch items share a stride of 0"
    );
    if let Some(plan) = skinny::SkinnyPlan::new(g, pool::threads()) {
        pool::parallel_for_if(plan.pooled(), plan.tasks(g), |task| plan.run(g, task));
        return;
    }
    let split = TileSplit::plan(g, pool::threads());
    pool::parallel_for_if(tile_split::pooled(g), split.tasks(g), |task| {
        split.run(kernel, g, task)
    });
}

impl GemmArgs {
    /// Batch item `t` as a problem of its own.
    ///
    /// # Safety
    /// `t < batch`.
    unsafe fn item(&self, t: usize) -> GemmArgs {
        let t = t as isize;
        GemmArgs {
            batch: 1,
            a: self.a.offset(t * self.bsa),
            b: self.b.offset(t * self.bsb),
            c: self.c.offset(t * self.bsc),
            ..*self
        }
    }
}

unsafe fn gemm_batch_item(kernel: Kernel, g: &GemmArgs, t: usize) {
    gemm_one(kernel, &g.item(t));
}

unsafe fn gemm_one(kernel: Kernel, g: &GemmArgs) {
    if g.k == 0 || g.alpha == 0.0 {
        scale_c(g);
        return;
    }
    if g.m == 1 || g.n == 1 {
        let done = with_scratch(g.m.max(g.n).max(g.k), |s| gemv::gemv(&as_gemv(g), s));
        if done {
            return;
        }
    }
    gemm_tiles(kernel, g, g.m <= SMALL_M)
}

/// The blocked (microkernel) path for one matrix, whatever its shape; `few_rows`: the
/// whole matrix (not just this block of it) has at most `SMALL_M` rows.
unsafe fn gemm_tiles(kernel: Kernel, g: &GemmArgs, few_rows: bool) {
    let panels = BPanels::ByRows { few_rows };
    match kernel {
        Kernel::F32Gemm4x8 => gemm_blocked::<4, 2>(g, panels),
        Kernel::F32Gemm6x8 => gemm_blocked::<6, 2>(g, panels),
        Kernel::F32Gemm4x16 => gemm_blocked::<4, 4>(g, panels),
    }
}

/// A tall matrix with at most 16 columns: the blocked path with a register tile picked by
/// the column count, as many vectors as the columns need (10 columns pad to 12 lanes, not
/// 16) and as many rows as the registers then hold (13 to 16 columns: two 8-wide panels,
/// since four vectors and a row need more registers than V8 has on x64).
unsafe fn gemm_narrow(g: &GemmArgs) {
    debug_assert!(g.n <= 16, "{} columns", g.n);
    match g.n.div_ceil(4) {
        1 => gemm_blocked::<6, 1>(g, BPanels::Narrow),
        3 => gemm_blocked::<3, 3>(g, BPanels::Narrow),
        _ => gemm_blocked::<4, 2>(g, BPanels::Narrow),
    }
}

/// The matrix-vector form of an M = 1 or N = 1 problem (M = 1 is computed as Cᵀ = Bᵀ·Aᵀ).
fn as_gemv(g: &GemmArgs) -> gemv::Gemv {
    if g.n == 1 {
        gemv::Gemv {
            m: g.m,
            k: g.k,
            alpha: g.alpha,
            beta: g.beta,
            a: g.a,
            rsa: g.rsa,
            csa: g.csa,
            x: g.b,
            incx: g.rsb,
            y: g.c,
            incy: g.rsc,
        }
    } else {
        gemv::Gemv {
            m: g.n,
            k: g.k,
            alpha: g.alpha,
            beta: g.beta,
            a: g.b,
            rsa: g.csb,
            csa: g.rsb,
            x: g.a,
            incx: g.csa,
            y: g.c,
            incy: g.csc,
        }
    }
}

/// Debug check that a pack buffer holds `lines` rows (or columns) in panels of `width`,
/// the last one zero-padded, `kc` deep.
#[inline(always)]
fn debug_assert_pack_len(out: &[f32], lines: usize, width: usize, kc: usize) {
    let need = lines.div_ceil(width) * width * kc;
    debug_assert!(
        out.len() >= need,
        "pack buffer of {} floats, panels need {need}",
        out.len()
    );
}

/// Deterministic values in [-1, 1) (xorshift32) for the kernels' unit tests.
#[cfg(test)]
pub(crate) fn test_values(n: usize, seed: u32) -> Vec<f32> {
    let mut s = seed | 1;
    (0..n)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 17;
            s ^= s << 5;
            (s as f32 / u32::MAX as f32) * 2.0 - 1.0
        })
        .collect()
}

/// `C = beta·C` (zeros when `beta == 0`, whatever C held): the product is empty.
unsafe fn scale_c(g: &GemmArgs) {
    for i in 0..g.m {
        for j in 0..g.n {
            let p = g.c.offset(i as isize * g.rsc + j as isize * g.csc);
            *p = if g.beta == 0.0 { 0.0 } else { g.beta * *p };
        }
    }
}

/// How `gemm_blocked` treats B. A task of a split matrix gets the whole matrix's choice,
/// so every block runs the serial run's depth blocking.
#[derive(Clone, Copy, PartialEq, Eq)]
enum BPanels {
    /// Read a row-major B in place when the whole matrix has at most `SMALL_M` rows.
    ByRows { few_rows: bool },
    /// At most 16 columns (`gemm_narrow`): always packed, in long depth blocks, since the
    /// packed panel is small and A, read in place, then streams in long runs along its rows.
    Narrow,
}

/// The five BLIS loops for one matrix with an MR × 4·NV microkernel.
unsafe fn gemm_blocked<const MR: usize, const NV: usize>(g: &GemmArgs, panels: BPanels) {
    let nr = 4 * NV;
    // A row-major A is read where it lies (XNNPACK and MLAS never pack it): each row is a
    // contiguous stream, and packing would cost as much as the product when n is small;
    // unless it is packed whole, below.
    let row_major_a = g.csa == 1;
    // With a few rows, each packed B element would be read only a few times: a row-major
    // B is then read where it lies, its last columns too (which needs rows at least 3
    // floats apart; see the tile loop).
    let read_b_in_place = g.csb == 1 && g.rsb >= 3 && panels == BPanels::ByRows { few_rows: true };
    let narrow = panels == BPanels::Narrow;
    // With B packed and more than a few rows, a row-major A small enough for L2 is packed
    // whole, once: the microkernel then steps one pointer instead of one per row of A
    // (the same multiply-adds in the same order, so the same results).
    let a_rows_padded = g.m.div_ceil(MR) * MR;
    let pack_a_whole = PACK_A_WHOLE
        && row_major_a
        && !read_b_in_place
        && !narrow
        && panels == BPanels::ByRows { few_rows: false }
        && a_rows_padded * g.k <= A_PACKED_WHOLE_MAX;
    let read_a_in_place = row_major_a && !pack_a_whole;
    debug_assert!(
        MC.is_multiple_of(MR),
        "row blocks must start on panel edges"
    );
    // Nothing packed means nothing to keep in cache per depth block: longer blocks then save
    // the C round trips and per-block calls of small products (5×784×10: one block). A
    // narrow packed B panel is small enough for long blocks too, and A then streams in
    // long runs along its rows.
    // A column-major B (an nn.Linear weight read as its transpose) is packed from whole
    // runs of its columns: a block three times as deep and a quarter as wide holds as many
    // floats, and is one contiguous stretch of the weight instead of a thousand 1 KiB
    // pieces, which the hardware prefetcher streams from memory far faster.
    let b_by_columns = !read_b_in_place && g.rsb == 1 && g.csb != 1 && !narrow;
    let (kc_block, nc_block) = if (read_a_in_place && read_b_in_place) || narrow {
        (4 * KC, NC)
    } else if b_by_columns {
        (3 * KC, NC / 4)
    } else {
        (KC, NC)
    };
    let kc_max = kc_block.min(g.k);
    let nc_max = if read_b_in_place {
        0
    } else {
        nc_block.min(g.n).div_ceil(nr) * nr
    };
    let mc_max = if read_a_in_place || pack_a_whole {
        0
    } else {
        MC.min(g.m).div_ceil(MR) * MR
    };
    let a_whole_len = if pack_a_whole { a_rows_padded * g.k } else { 0 };
    with_scratch(kc_max * (nc_max + mc_max) + a_whole_len, |scratch| {
        let (packed_b, rest) = scratch.split_at_mut(kc_max * nc_max);
        let (packed_a, packed_a_whole) = rest.split_at_mut(kc_max * mc_max);
        if pack_a_whole {
            pack_a::pack_a_rows_whole::<MR>(g.m, g.k, g.a, g.rsa, packed_a_whole);
        }
        for jc in (0..g.n).step_by(nc_block) {
            let nc = nc_block.min(g.n - jc);
            for pc in (0..g.k).step_by(kc_block) {
                let kc = kc_block.min(g.k - pc);
                // Later depth blocks add onto what the first one wrote.
                let beta = if pc == 0 { g.beta } else { 1.0 };
                let b = g.b.offset(pc as isize * g.rsb + jc as isize * g.csb);
                if !read_b_in_place {
                    pack_b::pack_b_panels(nr, kc, nc, b, g.rsb, g.csb, packed_b);
                }
                for ic in (0..g.m).step_by(MC) {
                    let mc = MC.min(g.m - ic);
                    let a = g.a.offset(ic as isize * g.rsa + pc as isize * g.csa);
                    if !read_a_in_place && !pack_a_whole {
                        pack_a::pack_a_panels::<MR>(mc, kc, a, g.rsa, g.csa, packed_a);
                    }
                    let c = g.c.offset(ic as isize * g.rsc + jc as isize * g.csc);
                    for jr in (0..nc).step_by(nr) {
                        let (bp, b_step) = if read_b_in_place {
                            (b.add(jr), g.rsb as usize)
                        } else {
                            (packed_b.as_ptr().add(jr * kc), nr)
                        };
                        for ir in (0..mc).step_by(MR) {
                            let ap = if read_a_in_place {
                                APanel {
                                    ptr: a.offset(ir as isize * g.rsa),
                                    rs: g.rsa,
                                    cs: 1,
                                }
                            } else if pack_a_whole {
                                // Panel (ic + ir) / MR, depth block pc.. of it.
                                let panel = (ic + ir) * g.k;
                                APanel {
                                    ptr: packed_a_whole.as_ptr().add(panel + pc * MR),
                                    rs: 1,
                                    cs: MR as isize,
                                }
                            } else {
                                APanel {
                                    ptr: packed_a.as_ptr().add(ir * kc),
                                    rs: 1,
                                    cs: MR as isize,
                                }
                            };
                            let store = TileStore {
                                c: c.offset(ir as isize * g.rsc + jr as isize * g.csc),
                                rsc: g.rsc,
                                csc: g.csc,
                                rows: MR.min(mc - ir),
                                cols: nr.min(nc - jr),
                                alpha: g.alpha,
                                beta,
                            };
                            // B in place, a last vector past B's last column: its extra
                            // lanes read at most 3 floats past each row, which lie in the
                            // next row (rsb ≥ 3) and feed only lanes that are never stored.
                            // The block's last row may have no next row: it is added apart.
                            let peel = read_b_in_place && !store.cols.is_multiple_of(4);
                            let k_vector = if peel { kc - 1 } else { kc };
                            f32_gemm_tile_at::<MR, NV>(k_vector, ap, bp, b_step, store);
                            if peel {
                                let a_last = ap.ptr.offset(k_vector as isize * ap.cs);
                                let b_last = bp.add(k_vector * b_step);
                                add_last_k_step(store, a_last, ap.rs, b_last);
                            }
                        }
                    }
                }
            }
        }
    });
}
