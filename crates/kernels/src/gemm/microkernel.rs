//! Register-tiled microkernels: an MR × (4·NV) tile of C accumulated in F32x4 registers
//! over packed panels, XNNPACK "loadsplat" style (one A element broadcast per row and k).
//!
//! `F32x4::mul_add` is one `f32x4.relaxed_madd` in the relaxed build, mul+add in the
//! simd128 build and four scalar lanes in the baseline build, so one source serves all.
//! Edge tiles run the same vector code with a smaller register tile; scalar code is left
//! only where a vector cannot be used: the store of a partial or strided tile of C, and
//! `add_last_k_step`, the last k step of a tile whose B is read in place and ends mid-vector.

use crate::simd::F32x4;

/// The accumulator tile of one microkernel call.
pub type Tile<const MR: usize, const NV: usize> = [[F32x4; NV]; MR];

/// How the microkernel reads A: element `(i, p)` of the panel is at `ptr + i·rs + p·cs`.
/// A packed panel has `rs = 1`, `cs = MR`; a row-major A read in place has `rs = rsa`,
/// `cs = 1` (XNNPACK and MLAS never pack such an A).
#[derive(Clone, Copy)]
pub struct APanel {
    pub ptr: *const f32,
    pub rs: isize,
    pub cs: isize,
}

/// Accumulates `A_panel (MR × kc) · B_panel (kc × 4·NV)` into a fresh tile. Edge tiles
/// use a smaller MR/NV on the same panels; B's k step is `b_step`.
///
/// # Safety
/// `a` must be valid at every `(i, p)` with `i < MR`, `p < kc`; `b` for `kc·b_step` floats
/// laid out `[p][j]` (the layout `pack_b` produces), `4·NV ≤ b_step`.
#[inline(always)]
pub unsafe fn f32_gemm_tile<const MR: usize, const NV: usize>(
    kc: usize,
    a: APanel,
    b: *const f32,
    b_step: usize,
) -> Tile<MR, NV> {
    if a.cs == 1 && b_step == 4 * NV {
        return f32_gemm_tile_rows::<MR, NV>(kc, a.ptr, a.rs, b);
    }
    if a.rs == 1 && a.cs == MR as isize && b_step == 4 * NV {
        return f32_gemm_tile_packed::<MR, NV>(kc, a.ptr, b);
    }
    let mut acc = [[F32x4::splat(0.0); NV]; MR];
    let mut ap = a.ptr;
    let mut b = b;
    for _ in 0..kc {
        let mut bv = [F32x4::splat(0.0); NV];
        for (v, bv) in bv.iter_mut().enumerate() {
            *bv = F32x4::load(b.add(4 * v));
        }
        for (i, row) in acc.iter_mut().enumerate() {
            let ai = F32x4::splat(*ap.offset(i as isize * a.rs));
            for (v, acc) in row.iter_mut().enumerate() {
                *acc = ai.mul_add(bv[v], *acc);
            }
        }
        ap = ap.offset(a.cs);
        b = b.add(b_step);
    }
    acc
}

/// `f32_gemm_tile` for the common case of a row-major A read in place (`cs == 1`) and a
/// packed B (`b_step == 4·NV`): each row of A gets its own pointer and every pointer steps
/// by a constant, so a k step spends no instructions on multiplying strides. (Unrolling k
/// further made LLVM hoist the B loads of all steps, which spilled V8's registers.)
/// Accumulates in the same order as the plain loop.
///
/// # Safety
/// As for `f32_gemm_tile`: A rows at `a + i·rsa`, `kc` floats each; B `kc · 4·NV` floats.
#[inline(always)]
unsafe fn f32_gemm_tile_rows<const MR: usize, const NV: usize>(
    kc: usize,
    a: *const f32,
    rsa: isize,
    b: *const f32,
) -> Tile<MR, NV> {
    let mut acc = [[F32x4::splat(0.0); NV]; MR];
    let mut rows: [*const f32; MR] = core::array::from_fn(|i| a.offset(i as isize * rsa));
    let mut b = b;
    for _ in 0..kc {
        let bv: [F32x4; NV] = core::array::from_fn(|v| F32x4::load(b.add(4 * v)));
        for (row, ap) in acc.iter_mut().zip(rows.iter_mut()) {
            let ai = F32x4::splat(**ap);
            for (acc, bv) in row.iter_mut().zip(&bv) {
                *acc = ai.mul_add(*bv, *acc);
            }
            *ap = ap.add(1);
        }
        b = b.add(4 * NV);
    }
    acc
}

/// `f32_gemm_tile` for a packed A panel (`rs == 1`, `cs == MR`) and a packed B: one pointer
/// per operand, and every load of a k step at a constant offset from it, so a k step is
/// its loads and multiply-adds plus two pointer steps (a row-major A read in place needs a
/// pointer step per row, which costs the relaxed build's fused loop about a fifth of its
/// issue slots). Accumulates in the same order as the plain loop.
///
/// # Safety
/// As for `f32_gemm_tile`: A `kc · MR` floats, B `kc · 4·NV` floats.
#[inline(always)]
unsafe fn f32_gemm_tile_packed<const MR: usize, const NV: usize>(
    kc: usize,
    a: *const f32,
    b: *const f32,
) -> Tile<MR, NV> {
    let mut acc = [[F32x4::splat(0.0); NV]; MR];
    let (mut a, mut b) = (a, b);
    for _ in 0..kc {
        let bv: [F32x4; NV] = core::array::from_fn(|v| F32x4::load(b.add(4 * v)));
        for (i, row) in acc.iter_mut().enumerate() {
            let ai = F32x4::splat(*a.add(i));
            for (acc, bv) in row.iter_mut().zip(&bv) {
                *acc = ai.mul_add(*bv, *acc);
            }
        }
        a = a.add(MR);
        b = b.add(4 * NV);
    }
    acc
}

/// Where and how a tile is written: `C = alpha·tile + beta·C` on the top-left `rows × cols`.
#[derive(Clone, Copy)]
pub struct TileStore {
    pub c: *mut f32,
    pub rsc: isize,
    pub csc: isize,
    pub rows: usize,
    pub cols: usize,
    pub alpha: f32,
    pub beta: f32,
}

/// Writes a tile into C. `beta == 0` never reads C, so NaN or garbage there is overwritten.
///
/// # Safety
/// `rows × cols` elements at `c + i·rsc + j·csc` must be valid for writing (and reading
/// when `beta != 0`).
#[inline(always)]
pub unsafe fn store_tile<const MR: usize, const NV: usize>(acc: &Tile<MR, NV>, s: TileStore) {
    debug_assert!(
        s.rows <= MR && s.cols <= 4 * NV,
        "store of {}x{} from a {MR}x{} tile",
        s.rows,
        s.cols,
        4 * NV
    );
    let alpha = F32x4::splat(s.alpha);
    if s.rows == MR && s.cols == 4 * NV && s.csc == 1 {
        for (i, row) in acc.iter().enumerate() {
            let c = s.c.offset(i as isize * s.rsc);
            for (v, acc) in row.iter().enumerate() {
                let p = c.add(4 * v);
                let r = if s.beta == 0.0 {
                    acc.mul(alpha)
                } else if s.beta == 1.0 {
                    acc.mul_add(alpha, F32x4::load(p))
                } else {
                    acc.mul_add(alpha, F32x4::load(p).mul(F32x4::splat(s.beta)))
                };
                r.store(p);
            }
        }
        return;
    }
    for (i, row) in acc.iter().enumerate().take(s.rows) {
        let c = s.c.offset(i as isize * s.rsc);
        for j in 0..s.cols {
            let p = c.offset(j as isize * s.csc);
            let x = s.alpha * row[j / 4].lane(j % 4);
            *p = if s.beta == 0.0 { x } else { x + s.beta * *p };
        }
    }
}

/// Computes and stores one tile of `rows × cols` (at most MR × 4·NV) with the smallest
/// register tile that covers it, so edge tiles waste little work and stay vectorised.
///
/// # Safety
/// As for `f32_gemm_tile` and `store_tile`. When `cols` is not a multiple of 4 the last
/// vector of each B row reads up to 3 floats past column `cols`: into zero padding (packed
/// B) or into the next row, so B's rows must then be at least 3 floats apart.
#[inline(always)]
pub unsafe fn f32_gemm_tile_at<const MR: usize, const NV: usize>(
    kc: usize,
    a: APanel,
    b: *const f32,
    b_step: usize,
    store: TileStore,
) {
    debug_assert!(
        (1..=MR).contains(&store.rows) && (1..=4 * NV).contains(&store.cols),
        "tile {}x{} beyond {MR}x{}",
        store.rows,
        store.cols,
        4 * NV
    );
    debug_assert!(
        store.cols.is_multiple_of(4) || b_step >= 3,
        "B rows {b_step} floats apart: the last partial vector would read past the next row"
    );
    let vecs = store.cols.div_ceil(4);
    if store.rows == MR && vecs == NV {
        let tile = f32_gemm_tile::<MR, NV>(kc, a, b, b_step);
        return store_tile::<MR, NV>(&tile, store);
    }
    macro_rules! edge {
        ($(($r:literal, $v:literal)),*) => {
            match (store.rows, vecs) {
                $(($r, $v) if $r <= MR && $v <= NV => {
                    let tile = f32_gemm_tile::<$r, $v>(kc, a, b, b_step);
                    store_tile::<$r, $v>(&tile, store)
                })*
                _ => unreachable!("edge tile {}x{} beyond {}x{}", store.rows, store.cols, MR, 4 * NV),
            }
        };
    }
    edge!(
        (1, 1),
        (1, 2),
        (1, 3),
        (1, 4),
        (2, 1),
        (2, 2),
        (2, 3),
        (2, 4),
        (3, 1),
        (3, 2),
        (3, 3),
        (3, 4),
        (4, 1),
        (4, 2),
        (4, 3),
        (4, 4),
        (5, 1),
        (5, 2),
        (5, 3),
        (5, 4),
        (6, 1),
        (6, 2),
        (6, 3),
        (6, 4)
    );
}

/// `C += alpha · A[:, p] · B[p, :]` on a stored tile's rows and columns, in scalar code:
/// the last k step of a tile whose B row may end before its last vector does (see the
/// in-place B path of `gemm_blocked`), so no load reaches past B's last column.
///
/// # Safety
/// `a` must be valid at `i · rs` for `i < store.rows`, `b` at `0..store.cols`, and the
/// tile's elements of C valid for reading and writing.
pub unsafe fn add_last_k_step(store: TileStore, a: *const f32, rs: isize, b: *const f32) {
    for i in 0..store.rows {
        let ai = store.alpha * *a.offset(i as isize * rs);
        let c = store.c.offset(i as isize * store.rsc);
        for j in 0..store.cols {
            let p = c.offset(j as isize * store.csc);
            *p += ai * *b.add(j);
        }
    }
}
