//! Fused scaled dot-product attention, `out = softmax(scale·Q·Kᵀ + mask)·V`, computed in
//! tiles of queries and keys with an online softmax (FlashAttention's recurrence), so the
//! L × S score matrix is never materialised: scratch is O(BR·(BC + Ev)) floats.
//!
//! Per query tile, for each key tile: scores `S = scale·Q·Kᵀ` (GEMM), plus the mask, with
//! causal positions set to −∞; new row maxima `m'`; `P = exp(S − m')`; the running sum
//! `l = l·exp(m − m') + ΣP`; the output accumulator `O = O·exp(m − m') + P·V` (GEMM with
//! beta = 1). At the end `out = O / l`.

use crate::exp_shifted::exp_nonpositive as exp;
use crate::gemm::{gemm, GemmArgs};
use crate::pool;
use crate::scratch::{release_after_trap, with_scratch, Scratch};
use crate::simd::F32x4;
use crate::simd_ext::pmax;

/// Query rows per tile.
const BR: usize = 256;
/// Key rows per tile.
const BC: usize = 128;

/// A strided `[batch, rows, cols]` operand (element strides).
#[derive(Clone, Copy, Debug)]
pub struct Strided3 {
    pub ptr: *const f32,
    pub bs: isize,
    pub rs: isize,
    pub cs: isize,
}

impl Strided3 {
    #[inline(always)]
    unsafe fn at(&self, t: usize, r: usize, c: usize) -> *const f32 {
        self.ptr
            .offset(t as isize * self.bs + r as isize * self.rs + c as isize * self.cs)
    }
}

/// One attention problem: q `[batch, l, e]`, k `[batch, s, e]`, v `[batch, s, ev]`,
/// out `[batch, l, ev]`, optional additive mask `[batch, l, s]`.
#[derive(Clone, Copy, Debug)]
pub struct AttentionArgs {
    pub batch: usize,
    pub l: usize,
    pub s: usize,
    pub e: usize,
    pub ev: usize,
    pub scale: f32,
    /// Keep key `j` for query `i` only when `j ≤ i`.
    pub causal: bool,
    pub q: Strided3,
    pub k: Strided3,
    pub v: Strided3,
    pub mask: Option<Strided3>,
    pub out: *mut f32,
    pub bso: isize,
    pub rso: isize,
    pub cso: isize,
}

// Plain addresses into memory the pool's threads share; each task writes its own rows.
unsafe impl Send for AttentionArgs {}
unsafe impl Sync for AttentionArgs {}

/// Runs the fused attention. A query whose keys are all masked out gets NaN (as torch).
///
/// # Safety
/// Every element the shapes and strides address must be in bounds; `out` must not overlap
/// the inputs and its elements must be distinct.
pub unsafe fn attention(g: &AttentionArgs) {
    if g.l == 0 || g.ev == 0 {
        return;
    }
    // Each task writes its own rows of `out`: its elements must be distinct.
    debug_assert!(g.ev == 1 || g.cso != 0, "out columns share a stride of 0");
    debug_assert!(g.l == 1 || g.rso != 0, "out rows share a stride of 0");
    debug_assert!(
        g.batch <= 1 || g.bso != 0,
        "out batch items share a stride of 0"
    );
    // One task per (batch item, query tile): each owns its rows of `out`, and its result
    // does not depend on which thread runs it.
    let rows = query_tile_rows(g);
    let tiles = g.l.div_ceil(rows);
    pool::parallel_for_if(pooled(g), g.batch * tiles, |task| {
        let (t, i0) = (task / tiles, task % tiles * rows);
        let tile = QueryTile {
            t,
            i0,
            br: rows.min(g.l - i0),
        };
        query_tile(g, &tile);
    });
}

/// Query rows per task: `BR`, or half of it when full tiles would make fewer than
/// `MIN_TASKS` tasks (one head of a short sequence), so two threads both get work. (Not
/// smaller: each tile re-packs every key tile, so smaller tiles cost more.)
/// It depends on the shape alone, never on the thread count, so neither do the results.
fn query_tile_rows(g: &AttentionArgs) -> usize {
    if g.batch * g.l.div_ceil(BR) >= MIN_TASKS {
        BR
    } else {
        BR / 2
    }
}

/// Tasks below which `query_tile_rows` cuts smaller tiles.
const MIN_TASKS: usize = 4;

/// Below this many multiply-adds (scores and weighted values) attention stays on the
/// calling thread, as a GEMM of that size does (`gemm::tile_split::PARALLEL_MIN_MACS`).
pub const PARALLEL_MIN_MACS: usize = 1 << 22;

/// Whether the query tiles go to the pool: only when the whole problem is large enough to
/// pay for waking the workers. The tiles and their results are the same either way.
pub fn pooled(g: &AttentionArgs) -> bool {
    let per_query_key = g.e.saturating_add(g.ev);
    g.batch
        .saturating_mul(g.l)
        .saturating_mul(g.s)
        .saturating_mul(per_query_key)
        >= PARALLEL_MIN_MACS
}

/// The whole online-softmax pass for one tile of queries.
unsafe fn query_tile(g: &AttentionArgs, tile: &QueryTile) {
    with_scratch(&SCRATCH, BR * BC + tile.br * g.ev, |buf| {
        let (scores, acc) = buf.split_at_mut(BR * BC);
        // Scores are written before they are read; the output accumulator starts at zero.
        acc.fill(0.0);
        query_tile_in(g, tile, scores, acc);
    })
}

/// Marks this thread's score buffer free after a trap inside attention (see `tl_recover`).
pub fn release_scratch_after_trap() {
    release_after_trap(&SCRATCH)
}

thread_local! {
    // Score tile and output accumulator, per thread (each pool task runs on one thread).
    static SCRATCH: Scratch = const { Scratch::new() };
}

unsafe fn query_tile_in(g: &AttentionArgs, tile: &QueryTile, scores: &mut [f32], acc: &mut [f32]) {
    let QueryTile { t, i0, br } = *tile;
    // Per-row state lives in BR-long arrays; `scores` holds BR rows of BC, `acc` br of ev.
    debug_assert!((1..=BR).contains(&br), "query tile of {br} rows");
    debug_assert!(scores.len() >= br * BC && acc.len() == br * g.ev);
    let mut row_max = [f32::NEG_INFINITY; BR];
    let mut row_sum = [0f32; BR];
    // Causal: keys past the tile's last query are masked for every row in it.
    let s_end = if g.causal { g.s.min(i0 + br) } else { g.s };
    for j0 in (0..s_end).step_by(BC) {
        let bc = BC.min(s_end - j0);
        score_tile(g, tile, j0, bc, scores);
        online_softmax_step(g, tile, bc, scores, &mut row_max, &mut row_sum, acc);
        // acc += P · V[j0 .. j0 + bc]
        let v = g.v.at(t, j0, 0);
        gemm(&GemmArgs {
            batch: 1,
            m: br,
            n: g.ev,
            k: bc,
            alpha: 1.0,
            beta: 1.0,
            a: scores.as_ptr(),
            rsa: BC as isize,
            csa: 1,
            bsa: 0,
            b: v,
            rsb: g.v.rs,
            csb: g.v.cs,
            bsb: 0,
            c: acc.as_mut_ptr(),
            rsc: g.ev as isize,
            csc: 1,
            bsc: 0,
        });
    }
    write_rows(g, tile, &row_sum, acc);
}

/// Which query rows a tile covers.
struct QueryTile {
    t: usize,
    i0: usize,
    br: usize,
}

/// `scores[r][c] = scale·q[i0 + r]·k[j0 + c] + mask`, −∞ where causality forbids.
unsafe fn score_tile(
    g: &AttentionArgs,
    tile: &QueryTile,
    j0: usize,
    bc: usize,
    scores: &mut [f32],
) {
    let QueryTile { t, i0, br } = *tile;
    gemm(&GemmArgs {
        batch: 1,
        m: br,
        n: bc,
        k: g.e,
        alpha: g.scale,
        beta: 0.0,
        a: g.q.at(t, i0, 0),
        rsa: g.q.rs,
        csa: g.q.cs,
        bsa: 0,
        // Kᵀ through strides: element (p, j) of Kᵀ is k[j0 + j][p].
        b: g.k.at(t, j0, 0),
        rsb: g.k.cs,
        csb: g.k.rs,
        bsb: 0,
        c: scores.as_mut_ptr(),
        rsc: BC as isize,
        csc: 1,
        bsc: 0,
    });
    for r in 0..br {
        let row = &mut scores[r * BC..r * BC + bc];
        if let Some(mask) = g.mask {
            for (c, s) in row.iter_mut().enumerate() {
                *s += *mask.at(t, i0 + r, j0 + c);
            }
        }
        if g.causal {
            let keep = (i0 + r + 1).saturating_sub(j0).min(bc);
            row[keep..].fill(f32::NEG_INFINITY);
        }
    }
}

/// Folds one tile of scores into the running maxima, sums and output rows; leaves
/// `P = exp(S − m')` in `scores` for the `P·V` product.
unsafe fn online_softmax_step(
    g: &AttentionArgs,
    tile: &QueryTile,
    bc: usize,
    scores: &mut [f32],
    row_max: &mut [f32; BR],
    row_sum: &mut [f32; BR],
    acc: &mut [f32],
) {
    debug_assert!((1..=BC).contains(&bc), "key tile of {bc} columns");
    for r in 0..tile.br {
        let row = &mut scores[r * BC..r * BC + bc];
        // A NaN score need not survive the max: exp(NaN − m) makes the sum, and so the
        // output row, NaN anyway.
        let m_new = row_max[r].max(vector_max(row));
        if m_new == f32::NEG_INFINITY {
            // Everything so far is masked: contributes nothing (l stays 0 → NaN at the end).
            row.fill(0.0);
            continue;
        }
        let correction = (row_max[r] - m_new).exp();
        row_max[r] = m_new;
        let sum = exp_in_place(row, m_new);
        row_sum[r] = row_sum[r] * correction + sum;
        if correction != 1.0 {
            scale_row(&mut acc[r * g.ev..(r + 1) * g.ev], correction);
        }
    }
}

/// The maximum of `x` (−∞ when empty), four lanes at a time.
#[inline(always)]
fn vector_max(x: &[f32]) -> f32 {
    let mut chunks = x.chunks_exact(4);
    let mut acc = F32x4::splat(f32::NEG_INFINITY);
    for c in &mut chunks {
        // SAFETY: each chunk holds exactly four floats.
        acc = pmax(acc, unsafe { F32x4::load(c.as_ptr()) });
    }
    let lanes = acc.to_array();
    let m = lanes[0].max(lanes[1]).max(lanes[2].max(lanes[3]));
    chunks.remainder().iter().fold(m, |m, &v| m.max(v))
}

/// `x = exp(x − m)` in place; returns the sum.
#[inline(always)]
fn exp_in_place(x: &mut [f32], m: f32) -> f32 {
    let mv = F32x4::splat(m);
    let mut chunks = x.chunks_exact_mut(4);
    let mut acc = F32x4::splat(0.0);
    for c in &mut chunks {
        // SAFETY: each chunk holds exactly four floats.
        unsafe {
            let e = exp(F32x4::load(c.as_ptr()).sub(mv));
            e.store(c.as_mut_ptr());
            acc = acc.add(e);
        }
    }
    let a = acc.to_array();
    let mut sum = (a[0] + a[1]) + (a[2] + a[3]);
    for v in chunks.into_remainder() {
        *v = exp(F32x4::splat(*v - m)).lane(0);
        sum += *v;
    }
    sum
}

fn scale_row(x: &mut [f32], factor: f32) {
    for v in x {
        *v *= factor;
    }
}

/// `out[i0 + r] = acc[r] / l[r]`.
unsafe fn write_rows(g: &AttentionArgs, tile: &QueryTile, row_sum: &[f32; BR], acc: &[f32]) {
    for r in 0..tile.br {
        let inv = 1.0 / row_sum[r];
        let o = g
            .out
            .offset(tile.t as isize * g.bso + (tile.i0 + r) as isize * g.rso);
        for (c, &x) in acc[r * g.ev..(r + 1) * g.ev].iter().enumerate() {
            *o.offset(c as isize * g.cso) = x * inv;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(batch: usize, l: usize, s: usize, e: usize) -> AttentionArgs {
        let none = Strided3 {
            ptr: core::ptr::null(),
            bs: 0,
            rs: 0,
            cs: 0,
        };
        AttentionArgs {
            batch,
            l,
            s,
            e,
            ev: e,
            scale: 1.0,
            causal: false,
            q: none,
            k: none,
            v: none,
            mask: None,
            out: core::ptr::null_mut(),
            bso: 0,
            rso: 0,
            cso: 0,
        }
    }

    #[test]
    fn only_large_problems_go_to_the_pool() {
        // Test-sized problems (2 heads of 5 queries) stay on the caller.
        assert!(!pooled(&args(2, 5, 7, 4)));
        assert!(!pooled(&args(4, 64, 64, 16)));
        // 2²² multiply-adds exactly, and a GPT-2 layer's 12 heads × 256 × 256 × 64.
        assert!(pooled(&args(1, 128, 128, 128)));
        assert!(pooled(&args(12, 256, 256, 64)));
        // No overflow on absurd sizes.
        assert!(pooled(&args(usize::MAX, 2, 2, 2)));
    }
}
