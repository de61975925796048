//! Same-type copies whose operands walk memory in different orders: `out` has unit stride
//! along its last dim while `a` has unit stride along another dim (a transposed or permuted
//! view made contiguous). An element-by-element walk would read one element per cache line
//! of `a`; square tiles use every line of both sides while it is in L1, and 4-byte elements
//! are turned in 4×4 register blocks.
//!
//! With a power-of-two row pitch (a 1024-float row is 4 KiB) every row of a tile falls in the
//! same L1 set, so a tile walked in place in 4×4 blocks evicts its own source lines before
//! it has used them whole. 4-byte tiles are therefore staged: each source row of the tile is
//! copied whole (contiguous reads, every line used once) into a buffer whose padded pitch
//! spreads its rows over the sets, and the 4×4 blocks are turned from there, each output
//! row written whole before the next.
//!
//! Once there are at least 64 rows and columns, 4-byte elements go through strips instead: 32 output
//! rows × up to 256 output columns are turned from the source (each group of four source
//! rows gives 32 contiguous elements, two whole lines, turned at once with constant
//! offsets) into a staging buffer that holds the strip's output rows, and each of those is
//! then written out as one 1 KiB run. The source lines are used whole as they arrive and
//! the output is written in long runs rather than 256-byte pieces of 64 rows; the 64×64
//! tiles remain for the rows left over.

use crate::row_blocks::copy_bytes;

/// Tile edge in elements for 8-byte and 1-byte elements: a tile of `a` and one of `out`
/// (2 × 32 × 32 × 8 bytes) sit in L1 together.
const TILE: usize = 32;

/// Tile edge for 4-byte elements, which go through the staging buffer.
const TILE_4BYTE: usize = 64;

/// Edge of the outer (L2) blocks in elements: the tiles of a 256×256 block touch 256 rows
/// of each side (256 KiB of each for 4-byte elements), which stay in L2 and in the TLB
/// while the block's tiles use every line of them, instead of a row of tiles sweeping the
/// whole source.
const BLOCK: usize = 256;

/// Pitch of the staging buffer in elements: a tile row plus one 16-byte vector, so rows
/// 272 bytes apart land in different L1 sets while each stays 16-byte aligned.
const STAGE_PITCH: usize = TILE_4BYTE + 4;

/// Output rows per strip (4-byte elements): the turns of four source rows cover two whole
/// 64-byte lines of each.
const STRIP_ROWS: usize = 32;

/// Output columns per strip, at most: each output row of a strip is written as one run of
/// this many elements, and the strip's staging buffer (32 rows) stays within L1.
const STRIP_COLS: usize = 256;

/// Fewest rows and columns a 4-byte copy needs to go through strips: a narrower one (40
/// rows or 40 columns of a thousand) ran faster in the 64×64 tiles.
const STRIP_MIN_EXTENT: usize = 64;

/// Pitch of the strip staging buffer in elements: one 16-byte vector of padding, so its
/// rows do not all start in the same L1 set.
const STRIP_PITCH: usize = STRIP_COLS + 4;

/// A plan for `copy_transposed`: which dim of `a` has unit stride, and the layout of the
/// remaining (outer) dims, iterated one element at a time.
pub(crate) struct TransposedCopy {
    /// Extent of the dim along which `a` has unit stride (`i`), and `out`'s stride there.
    rows: usize,
    out_row_stride: isize,
    /// Extent of the last dim (`j`, unit stride in `out`), and `a`'s stride there.
    cols: usize,
    a_col_stride: isize,
}

/// The tiled plan for copying `a` into `out` (strides in elements), when it applies: `out`'s
/// last dim has unit stride, `a`'s does not, and `a` has unit stride along another dim
/// whose extent is at least 4. Returns the plan and the dim it tiles with the last.
pub(crate) fn plan_transposed(
    shape: &[isize],
    strides: [&[isize]; 2],
) -> Option<(TransposedCopy, usize)> {
    let nd = shape.len();
    if nd < 2 || strides[1][nd - 1] != 1 || strides[0][nd - 1] == 1 || shape[nd - 1] < 4 {
        return None;
    }
    let d = (0..nd - 1).find(|&d| strides[0][d] == 1 && shape[d] >= 4)?;
    Some((
        TransposedCopy {
            rows: shape[d] as usize,
            out_row_stride: strides[1][d],
            cols: shape[nd - 1] as usize,
            a_col_stride: strides[0][nd - 1],
        },
        d,
    ))
}

/// Copies one `rows × cols` block: `out[i·out_row_stride + j] = a[i + j·a_col_stride]`.
///
/// # Safety
/// Every element the plan addresses from `a` and `out` must be valid, and the two must not
/// overlap.
pub(crate) unsafe fn copy_transposed<T: Copy>(p: &TransposedCopy, a: *const T, out: *mut T) {
    debug_assert!(p.rows >= 1 && p.cols >= 1);
    debug_assert!(p.out_row_stride != 0 && p.a_col_stride != 0);
    let four_bytes = core::mem::size_of::<T>() == 4;
    let tile = if four_bytes { TILE_4BYTE } else { TILE };
    // Whole strips first; the rows left over (fewer than a strip) take the tiles.
    let mut ib = 0;
    if four_bytes && p.rows >= STRIP_MIN_EXTENT && p.cols >= STRIP_MIN_EXTENT {
        ib = p.rows - p.rows % STRIP_ROWS;
        copy_strips(p, ib, a as *const u32, out as *mut u32);
    }
    // Only the part `stage_rows` writes is read back, so the buffer needs no clearing.
    let mut stage = core::mem::MaybeUninit::<[u32; TILE_4BYTE * STAGE_PITCH]>::uninit();
    let stage = stage.as_mut_ptr() as *mut u32;
    while ib < p.rows {
        let ie = (ib + BLOCK).min(p.rows);
        let mut jb = 0;
        while jb < p.cols {
            let je = (jb + BLOCK).min(p.cols);
            copy_block(p, a, out, tile, [ib, ie], [jb, je], stage);
            jb = je;
        }
        ib = ie;
    }
}

/// Rows `0..rows` (a multiple of `STRIP_ROWS`) of a 4-byte `copy_transposed`, in strips of
/// `STRIP_ROWS` output rows × at most `STRIP_COLS` output columns.
unsafe fn copy_strips(p: &TransposedCopy, rows: usize, a: *const u32, out: *mut u32) {
    debug_assert!(rows.is_multiple_of(STRIP_ROWS) && rows <= p.rows);
    // Only the columns `turn_strip` writes are read back, so the buffer needs no clearing.
    let mut stage = core::mem::MaybeUninit::<[u32; STRIP_ROWS * STRIP_PITCH]>::uninit();
    let stage = stage.as_mut_ptr() as *mut u32;
    let mut i0 = 0;
    while i0 < rows {
        let mut j0 = 0;
        while j0 < p.cols {
            let tj = STRIP_COLS.min(p.cols - j0);
            turn_strip(
                tj,
                a.offset(i0 as isize + j0 as isize * p.a_col_stride),
                p.a_col_stride,
                stage,
            );
            let out_strip = out.offset(i0 as isize * p.out_row_stride + j0 as isize);
            for r in 0..STRIP_ROWS {
                copy_run(
                    stage.add(r * STRIP_PITCH),
                    out_strip.offset(r as isize * p.out_row_stride),
                    tj,
                );
            }
            j0 += tj;
        }
        i0 += STRIP_ROWS;
    }
}

/// `stage[i·STRIP_PITCH + j] = a[i + j·a_col_stride]` for `i < STRIP_ROWS`, `j < tj`.
#[inline(always)]
unsafe fn turn_strip(tj: usize, a: *const u32, a_col_stride: isize, stage: *mut u32) {
    debug_assert!(tj <= STRIP_COLS);
    let bj = tj & !3;
    let mut j = 0;
    while j < bj {
        let r0 = a.offset(j as isize * a_col_stride);
        let rows = [
            r0,
            r0.offset(a_col_stride),
            r0.offset(2 * a_col_stride),
            r0.offset(3 * a_col_stride),
        ];
        let (dst, pitch) = (stage.add(j), STRIP_PITCH as isize);
        // Spelled out so that every load and store has a constant offset from `rows` / `dst`.
        block4x4::turn_rows(rows, 0, dst, pitch);
        block4x4::turn_rows(rows, 4, dst, pitch);
        block4x4::turn_rows(rows, 8, dst, pitch);
        block4x4::turn_rows(rows, 12, dst, pitch);
        block4x4::turn_rows(rows, 16, dst, pitch);
        block4x4::turn_rows(rows, 20, dst, pitch);
        block4x4::turn_rows(rows, 24, dst, pitch);
        block4x4::turn_rows(rows, 28, dst, pitch);
        j += 4;
    }
    if bj < tj {
        tile_scalar(
            STRIP_ROWS,
            tj - bj,
            a.offset(bj as isize * a_col_stride),
            a_col_stride,
            stage.add(bj),
            STRIP_PITCH as isize,
        );
    }
}

/// The tiles of rows `i[0]..i[1]` and columns `j[0]..j[1]` of a `copy_transposed`.
#[inline(always)]
unsafe fn copy_block<T: Copy>(
    p: &TransposedCopy,
    a: *const T,
    out: *mut T,
    tile: usize,
    i: [usize; 2],
    j: [usize; 2],
    stage: *mut u32,
) {
    let mut i0 = i[0];
    while i0 < i[1] {
        let ti = tile.min(i[1] - i0);
        let mut j0 = j[0];
        while j0 < j[1] {
            let tj = tile.min(j[1] - j0);
            let a_tile = a.offset(i0 as isize + j0 as isize * p.a_col_stride);
            let out_tile = out.offset(i0 as isize * p.out_row_stride + j0 as isize);
            if core::mem::size_of::<T>() == 4 {
                stage_rows(ti, tj, a_tile as *const u32, p.a_col_stride, stage);
                tile_4byte(
                    ti,
                    tj,
                    stage,
                    STAGE_PITCH as isize,
                    out_tile as *mut u32,
                    p.out_row_stride,
                );
            } else {
                tile_scalar(ti, tj, a_tile, p.a_col_stride, out_tile, p.out_row_stride);
            }
            j0 += tj;
        }
        i0 += ti;
    }
}

/// Copies the `tj` source rows of a tile (`ti` contiguous elements each, `a_col_stride`
/// apart) into `stage` (room for `TILE_4BYTE` rows), `STAGE_PITCH` apart.
#[inline(always)]
unsafe fn stage_rows(ti: usize, tj: usize, a: *const u32, a_col_stride: isize, stage: *mut u32) {
    debug_assert!(ti <= TILE_4BYTE && tj <= TILE_4BYTE);
    for j in 0..tj {
        let src = a.offset(j as isize * a_col_stride);
        let dst = stage.add(j * STAGE_PITCH);
        copy_run(src, dst, ti);
    }
}

/// `dst[0..n] = src[0..n]` for 4-byte elements.
#[inline(always)]
unsafe fn copy_run(src: *const u32, dst: *mut u32, n: usize) {
    copy_bytes(src as *const u8, dst as *mut u8, n * 4);
}

/// One tile of any element type, element by element (still within L1).
#[inline(always)]
unsafe fn tile_scalar<T: Copy>(
    ti: usize,
    tj: usize,
    a: *const T,
    a_col_stride: isize,
    out: *mut T,
    out_row_stride: isize,
) {
    for j in 0..tj as isize {
        let a_col = a.offset(j * a_col_stride);
        for i in 0..ti as isize {
            *out.offset(i * out_row_stride + j) = *a_col.offset(i);
        }
    }
}

/// One tile of 4-byte elements: 4×4 blocks turned in registers, the edges element by element.
#[inline(always)]
unsafe fn tile_4byte(
    ti: usize,
    tj: usize,
    a: *const u32,
    a_col_stride: isize,
    out: *mut u32,
    out_row_stride: isize,
) {
    let (bi, bj) = (ti & !3, tj & !3);
    let mut i = 0;
    while i < bi {
        let mut j = 0;
        while j < bj {
            let src = a.offset(i as isize + j as isize * a_col_stride);
            let dst = out.offset(i as isize * out_row_stride + j as isize);
            block4x4::turn(src, a_col_stride, dst, out_row_stride);
            j += 4;
        }
        i += 4;
    }
    if bj < tj {
        tile_scalar(
            bi,
            tj - bj,
            a.offset(bj as isize * a_col_stride),
            a_col_stride,
            out.add(bj),
            out_row_stride,
        );
    }
    if bi < ti {
        tile_scalar(
            ti - bi,
            tj,
            a.add(bi),
            a_col_stride,
            out.offset(bi as isize * out_row_stride),
            out_row_stride,
        );
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod block4x4 {
    use core::arch::wasm32::*;

    /// `dst[r·ds + c] = src[r + c·ss]` for a 4×4 block of 4-byte elements.
    #[inline(always)]
    pub unsafe fn turn(src: *const u32, ss: isize, dst: *mut u32, ds: isize) {
        let rows = [src, src.offset(ss), src.offset(2 * ss), src.offset(3 * ss)];
        turn_rows(rows, 0, dst, ds);
    }

    /// `dst[(k + r)·ds + c] = rows[c][k + r]` for r, c < 4: four column loads, two rounds of
    /// interleaving shuffles, four row stores.
    #[inline(always)]
    pub unsafe fn turn_rows(rows: [*const u32; 4], k: usize, dst: *mut u32, ds: isize) {
        let c0 = v128_load(rows[0].add(k) as *const v128);
        let c1 = v128_load(rows[1].add(k) as *const v128);
        let c2 = v128_load(rows[2].add(k) as *const v128);
        let c3 = v128_load(rows[3].add(k) as *const v128);
        let dst = dst.offset(k as isize * ds);
        let t0 = i32x4_shuffle::<0, 4, 1, 5>(c0, c1);
        let t1 = i32x4_shuffle::<2, 6, 3, 7>(c0, c1);
        let t2 = i32x4_shuffle::<0, 4, 1, 5>(c2, c3);
        let t3 = i32x4_shuffle::<2, 6, 3, 7>(c2, c3);
        v128_store(dst as *mut v128, i32x4_shuffle::<0, 1, 4, 5>(t0, t2));
        v128_store(
            dst.offset(ds) as *mut v128,
            i32x4_shuffle::<2, 3, 6, 7>(t0, t2),
        );
        v128_store(
            dst.offset(2 * ds) as *mut v128,
            i32x4_shuffle::<0, 1, 4, 5>(t1, t3),
        );
        v128_store(
            dst.offset(3 * ds) as *mut v128,
            i32x4_shuffle::<2, 3, 6, 7>(t1, t3),
        );
    }
}

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
mod block4x4 {
    /// `dst[r·ds + c] = src[r + c·ss]` for a 4×4 block of 4-byte elements.
    #[inline(always)]
    pub unsafe fn turn(src: *const u32, ss: isize, dst: *mut u32, ds: isize) {
        for c in 0..4isize {
            for r in 0..4isize {
                *dst.offset(r * ds + c) = *src.offset(r + c * ss);
            }
        }
    }

    /// `dst[(k + r)·ds + c] = rows[c][k + r]` for r, c < 4.
    #[inline(always)]
    pub unsafe fn turn_rows(rows: [*const u32; 4], k: usize, dst: *mut u32, ds: isize) {
        for (c, row) in rows.iter().enumerate() {
            for r in k..k + 4 {
                *dst.offset(r as isize * ds + c as isize) = *row.add(r);
            }
        }
    }
}
