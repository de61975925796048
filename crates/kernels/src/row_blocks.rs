//! Same-type copies whose last dim is contiguous on both sides but whose next dims are
//! ordered differently (`permute(1,0,2)` made contiguous: whole rows move, the rows are
//! gathered from far apart). Walking the output in order reads each row from another part
//! of the source, so every read stream is one row long; the two dims above the rows are
//! walked in small blocks instead, so both sides move several consecutive rows (a run of
//! `BLOCK_I` rows of the output, `BLOCK_J` of the source) between jumps. Rows are moved
//! with vector loads and stores rather than one `memory.copy` call each.

use crate::strided::for_each_row;

/// Output rows walked in order within a block (consecutive in the output).
const BLOCK_I: usize = 16;

/// Blocks of `BLOCK_I` rows walked in order (consecutive rows of the source).
const BLOCK_J: usize = 4;

/// Longest row in bytes this walk takes: longer rows are long read streams already.
pub(crate) const MAX_ROW_BYTES: usize = 1024;

/// Copies a same-type layout whose last dim is contiguous in `a` and `out` (`strides[k]`
/// ends in 1), at least three dims long, rows at most `MAX_ROW_BYTES`, in blocks of rows.
/// `size` is the element size in bytes.
///
/// # Safety
/// Every element the layout addresses must be valid, and `a` and `out` must not overlap.
pub(crate) unsafe fn copy_row_blocks(
    shape: &[isize],
    strides: [&[isize]; 2],
    size: usize,
    a: *const u8,
    out: *mut u8,
) {
    let nd = shape.len();
    debug_assert!(nd >= 3 && strides[0][nd - 1] == 1 && strides[1][nd - 1] == 1);
    let row_bytes = shape[nd - 1] as usize * size;
    debug_assert!(row_bytes <= MAX_ROW_BYTES);
    let (ni, nj) = (shape[nd - 2] as usize, shape[nd - 3] as usize);
    let step = |s: &[isize], d: usize| s[d] * size as isize;
    let (ai, oi) = (step(strides[0], nd - 2), step(strides[1], nd - 2));
    let (aj, oj) = (step(strides[0], nd - 3), step(strides[1], nd - 3));
    // The dims above the blocked pair, one element at a time (a trailing dim of one element
    // stands for the block).
    let mut outer: Vec<isize> = shape[..nd - 3].to_vec();
    outer.push(1);
    let keep = |s: &[isize]| -> Vec<isize> {
        let mut k: Vec<isize> = s[..nd - 3].iter().map(|&x| x * size as isize).collect();
        k.push(0);
        k
    };
    let (sa, so) = (keep(strides[0]), keep(strides[1]));
    for_each_row(&outer, [&sa, &so], |[oa, oo], _| {
        let (a, out) = (a.offset(oa), out.offset(oo));
        let mut j0 = 0;
        while j0 < nj {
            let je = (j0 + BLOCK_J).min(nj);
            let mut i0 = 0;
            while i0 < ni {
                let ie = (i0 + BLOCK_I).min(ni);
                for j in j0..je {
                    for i in i0..ie {
                        let (i, j) = (i as isize, j as isize);
                        copy_bytes(
                            a.offset(i * ai + j * aj),
                            out.offset(i * oi + j * oj),
                            row_bytes,
                        );
                    }
                }
                i0 = ie;
            }
            j0 = je;
        }
    });
}

/// `dst[0..n] = src[0..n]` (bytes, not overlapping): vector loads and stores inline, where
/// a `memory.copy` of a short run costs a call out of the module.
pub(crate) use run::copy as copy_bytes;

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod run {
    use core::arch::wasm32::*;

    /// `dst[0..n] = src[0..n]` (bytes), 64 bytes per step, then 16, then single bytes.
    #[inline(always)]
    pub unsafe fn copy(src: *const u8, dst: *mut u8, n: usize) {
        let mut k = 0;
        while k + 64 <= n {
            let v0 = v128_load(src.add(k) as *const v128);
            let v1 = v128_load(src.add(k + 16) as *const v128);
            let v2 = v128_load(src.add(k + 32) as *const v128);
            let v3 = v128_load(src.add(k + 48) as *const v128);
            v128_store(dst.add(k) as *mut v128, v0);
            v128_store(dst.add(k + 16) as *mut v128, v1);
            v128_store(dst.add(k + 32) as *mut v128, v2);
            v128_store(dst.add(k + 48) as *mut v128, v3);
            k += 64;
        }
        while k + 16 <= n {
            v128_store(
                dst.add(k) as *mut v128,
                v128_load(src.add(k) as *const v128),
            );
            k += 16;
        }
        while k < n {
            *dst.add(k) = *src.add(k);
            k += 1;
        }
    }
}

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
mod run {
    /// `dst[0..n] = src[0..n]` (bytes).
    #[inline(always)]
    pub unsafe fn copy(src: *const u8, dst: *mut u8, n: usize) {
        core::ptr::copy_nonoverlapping(src, dst, n);
    }
}
