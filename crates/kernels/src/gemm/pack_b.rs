//! Packs a block of B into NR-wide micro-panels: panel `q` holds columns `q·NR ..` as
//! `[p][j]` (kc × NR, j fastest), zero-padded past the last column. Reads any strides
//! (row-major, transposed, or stride 0 for an expanded view).

use crate::simd::F32x4;

/// Packs `B[0..kc, 0..nc]` (element `(p, j)` at `b + p·rsb + j·csb`) into `out` as
/// `nr`-wide panels, `nr` a multiple of 4 up to 16 (the partial-panel dispatch below).
///
/// # Safety
/// `b` must be valid at every `(p, j)` in range.
pub unsafe fn pack_b_panels(
    nr: usize,
    kc: usize,
    nc: usize,
    b: *const f32,
    rsb: isize,
    csb: isize,
    out: &mut [f32],
) {
    debug_assert!(
        nr.is_multiple_of(4) && (4..=16).contains(&nr),
        "panel width {nr}"
    );
    super::debug_assert_pack_len(out, nc, nr, kc);
    let mut out = out.as_mut_ptr();
    let mut j0 = 0;
    while j0 < nc {
        let cols = nr.min(nc - j0);
        let base = b.offset(j0 as isize * csb);
        if cols == nr && csb == 1 {
            // Row-major B: nr contiguous floats per k, copied as vectors.
            for p in 0..kc {
                let src = base.offset(p as isize * rsb);
                let dst = out.add(p * nr);
                let mut j = 0;
                while j < nr {
                    F32x4::load(src.add(j)).store(dst.add(j));
                    j += 4;
                }
            }
        } else if csb == 1 {
            // The last, partial panel of a row-major B: the row width is dispatched to a
            // constant so each row is a few straight-line moves plus vector zero stores.
            macro_rules! partial {
                ($($c:literal)*) => {
                    match cols {
                        $($c => pack_partial_rows::<$c>(kc, nr, base, rsb, out),)*
                        _ => unreachable!("a partial panel has 1..=15 columns"),
                    }
                };
            }
            partial!(1 2 3 4 5 6 7 8 9 10 11 12 13 14 15);
        } else {
            for j in 0..cols {
                let src = base.offset(j as isize * csb);
                for p in 0..kc {
                    *out.add(p * nr + j) = *src.offset(p as isize * rsb);
                }
            }
            for p in 0..kc {
                for j in cols..nr {
                    *out.add(p * nr + j) = 0.0;
                }
            }
        }
        out = out.add(kc * nr);
        j0 += nr;
    }
}

/// Packs `kc` rows of the first `C` floats of a row-major B into `nr`-wide rows, zero-padded.
///
/// # Safety
/// As for `pack_b_panels`, with `C < nr` and `nr` a multiple of 4.
#[inline(always)]
unsafe fn pack_partial_rows<const C: usize>(
    kc: usize,
    nr: usize,
    b: *const f32,
    rsb: isize,
    out: *mut f32,
) {
    for p in 0..kc {
        let src = b.offset(p as isize * rsb);
        let dst = out.add(p * nr);
        let mut j = 0;
        while j < nr {
            F32x4::splat(0.0).store(dst.add(j));
            j += 4;
        }
        let row: [f32; C] = core::ptr::read_unaligned(src as *const [f32; C]);
        core::ptr::write_unaligned(dst as *mut [f32; C], row);
    }
}
