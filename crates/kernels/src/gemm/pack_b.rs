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
        } else if cols == nr && rsb == 1 {
            // Column-major B (an nn.Linear weight [out, in] read as its transpose): each
            // column is a contiguous run along k, turned into rows four k steps at a time.
            pack_columns_panel(nr, kc, base, csb, out);
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

/// Packs one full `nr`-wide panel of a B whose columns are contiguous (`rsb == 1`, column
/// `j` at `b + j·csb`): per group of four k steps and four columns, four column loads, a
/// 4×4 transpose in registers and four row stores; the last `kc % 4` steps one by one.
///
/// # Safety
/// As for `pack_b_panels`, with `nr` columns of `kc` floats readable and `out` writable
/// for `kc · nr` floats.
#[inline(always)]
unsafe fn pack_columns_panel(nr: usize, kc: usize, b: *const f32, csb: isize, out: *mut f32) {
    let k4 = kc - kc % 4;
    for j in (0..nr).step_by(4) {
        let col = b.offset(j as isize * csb);
        let dst = out.add(j);
        for p in (0..k4).step_by(4) {
            let rows = transpose4(
                F32x4::load(col.add(p)),
                F32x4::load(col.offset(csb).add(p)),
                F32x4::load(col.offset(2 * csb).add(p)),
                F32x4::load(col.offset(3 * csb).add(p)),
            );
            for (i, row) in rows.into_iter().enumerate() {
                row.store(dst.add((p + i) * nr));
            }
        }
        for p in k4..kc {
            for c in 0..4 {
                *dst.add(p * nr + c) = *col.offset(c as isize * csb).add(p);
            }
        }
    }
}

/// The transpose of the 4×4 matrix whose columns are `c0..c3`: its four rows.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
pub(super) fn transpose4(c0: F32x4, c1: F32x4, c2: F32x4, c3: F32x4) -> [F32x4; 4] {
    use core::arch::wasm32::i32x4_shuffle;
    // Interleave pairs of columns, then take the halves of the pairs that make each row.
    let lo01 = i32x4_shuffle::<0, 4, 1, 5>(c0.0, c1.0);
    let hi01 = i32x4_shuffle::<2, 6, 3, 7>(c0.0, c1.0);
    let lo23 = i32x4_shuffle::<0, 4, 1, 5>(c2.0, c3.0);
    let hi23 = i32x4_shuffle::<2, 6, 3, 7>(c2.0, c3.0);
    [
        F32x4(i32x4_shuffle::<0, 1, 4, 5>(lo01, lo23)),
        F32x4(i32x4_shuffle::<2, 3, 6, 7>(lo01, lo23)),
        F32x4(i32x4_shuffle::<0, 1, 4, 5>(hi01, hi23)),
        F32x4(i32x4_shuffle::<2, 3, 6, 7>(hi01, hi23)),
    ]
}

/// The transpose of the 4×4 matrix whose columns are `c0..c3`: its four rows.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[inline(always)]
pub(super) fn transpose4(c0: F32x4, c1: F32x4, c2: F32x4, c3: F32x4) -> [F32x4; 4] {
    let cols = [c0.to_array(), c1.to_array(), c2.to_array(), c3.to_array()];
    core::array::from_fn(|r| F32x4(core::array::from_fn(|c| cols[c][r])))
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every panel width, depths with and without a remainder of 4, full and partial panels,
    /// column-major and row-major B: the packed floats equal a plain loop's.
    #[test]
    fn packs_like_a_plain_loop() {
        for nr in [4, 8, 12, 16] {
            for kc in [1, 3, 4, 7, 16, 33] {
                for nc in [nr - 1, nr, 2 * nr + 3] {
                    for column_major in [true, false] {
                        let (rsb, csb) = if column_major {
                            (1, kc + 2)
                        } else {
                            (nc + 1, 1)
                        };
                        let b = super::super::test_values(kc * rsb.max(1) + nc * csb, 7);
                        let panels = nc.div_ceil(nr);
                        let mut out = vec![f32::NAN; panels * nr * kc];
                        unsafe {
                            pack_b_panels(
                                nr,
                                kc,
                                nc,
                                b.as_ptr(),
                                rsb as isize,
                                csb as isize,
                                &mut out,
                            )
                        };
                        for q in 0..panels {
                            for p in 0..kc {
                                for j in 0..nr {
                                    let col = q * nr + j;
                                    let want = if col < nc {
                                        b[p * rsb + col * csb]
                                    } else {
                                        0.0
                                    };
                                    let got = out[q * nr * kc + p * nr + j];
                                    assert_eq!(got.to_bits(), want.to_bits(), "nr {nr} kc {kc} nc {nc} cm {column_major} q {q} p {p} j {j}");
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
