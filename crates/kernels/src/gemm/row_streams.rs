//! Tall products with 2–16 columns and a row-major A (`x @ W` with 10 outputs over 10000
//! rows): the narrow register tile of `gemm_narrow`, but the MR rows of each tile are taken
//! from MR contiguous slices of A (rows `t`, `t + q`, `t + 2q`, … with `q = m / MR`), so A
//! is read as MR long forward streams, one per slice. Tiles of consecutive rows restart
//! MR − 1 streams every tile, and the hardware prefetcher then falls behind: A, read once,
//! is most of the memory traffic of such a product.
//!
//! B is packed once per depth block into panels as wide as the tile (`pack_b`). The last
//! `m − MR·q` rows form one shorter tile. Every element of C falls in the same tile, with
//! the same depth blocks and the same store, whatever part of `0..q` a task runs, so a
//! split between threads leaves the results bit-identical.

use super::blocking::KC;
use super::microkernel::{f32_gemm_tile_at, APanel, TileStore};
use super::{pack_b, with_scratch, GemmArgs};

/// Depth of one packed block of B: the whole depth of common products (B is small).
const KC_BLOCK: usize = 4 * KC;

/// `C = alpha·A·B + beta·C` on the tiles `part` of `parts` (as `pool::chunk` cuts `0..q`);
/// the last part also runs the rows past `MR·q`.
///
/// # Safety
/// As for `gemm`, for one matrix (`g.batch` is ignored); `g.csa == 1`, `2 ≤ g.n ≤ 16`.
pub unsafe fn row_streams(g: &GemmArgs, part: usize, parts: usize) {
    debug_assert!(g.csa == 1, "A's columns {} apart", g.csa);
    debug_assert!((2..=16).contains(&g.n), "{} columns", g.n);
    // The tile for that many vectors (as `gemm_narrow`): 10 columns pad to 12 lanes, not 16;
    // 13 to 16 columns take two 8-wide panels, since four vectors and a row need more
    // registers than V8 has on x64.
    match g.n.div_ceil(4) {
        1 => tiles::<6, 1>(g, part, parts),
        3 => tiles::<THREE_VECTOR_ROWS, 3>(g, part, parts),
        _ => tiles::<4, 2>(g, part, parts),
    }
}

/// Rows of the three-vector tile. A multiply and an add need a register for the product
/// that a fused multiply-add does not: with 3 rows (9 accumulators) V8 then keeps one
/// accumulator on the stack, a store and a load in its dependency chain every k step.
#[cfg(target_feature = "relaxed-simd")]
const THREE_VECTOR_ROWS: usize = 3;
#[cfg(not(target_feature = "relaxed-simd"))]
const THREE_VECTOR_ROWS: usize = 2;

unsafe fn tiles<const MR: usize, const NV: usize>(g: &GemmArgs, part: usize, parts: usize) {
    let nr = 4 * NV;
    let q = g.m / MR;
    let ts = crate::pool::chunk(q, parts, 1, part);
    let rest = if part + 1 == parts { g.m - MR * q } else { 0 };
    let kc_max = KC_BLOCK.min(g.k);
    with_scratch(kc_max * g.n.div_ceil(nr) * nr, |packed_b| {
        for pc in (0..g.k).step_by(KC_BLOCK) {
            let kc = KC_BLOCK.min(g.k - pc);
            // Later depth blocks add onto what the first one wrote.
            let beta = if pc == 0 { g.beta } else { 1.0 };
            let b = g.b.offset(pc as isize * g.rsb);
            pack_b::pack_b_panels(nr, kc, g.n, b, g.rsb, g.csb, packed_b);
            let a = g.a.add(pc);
            // `rows` rows from row `i`, `rs` (A) and `rsc` (C) elements apart, every panel.
            let tile = |i: usize, rows: usize, rs: isize, rsc: isize| {
                for jr in (0..g.n).step_by(nr) {
                    let ap = APanel {
                        ptr: a.offset(i as isize * g.rsa),
                        rs,
                        cs: 1,
                    };
                    let store = TileStore {
                        c: g.c.offset(i as isize * g.rsc + jr as isize * g.csc),
                        rsc,
                        csc: g.csc,
                        rows,
                        cols: nr.min(g.n - jr),
                        alpha: g.alpha,
                        beta,
                    };
                    f32_gemm_tile_at::<MR, NV>(kc, ap, packed_b.as_ptr().add(jr * kc), nr, store);
                }
            };
            let (slice_a, slice_c) = (q as isize * g.rsa, q as isize * g.rsc);
            for t in ts.clone() {
                tile(t, MR, slice_a, slice_c);
            }
            if rest > 0 {
                tile(MR * q, rest, g.rsa, g.rsc);
            }
        }
    })
}
