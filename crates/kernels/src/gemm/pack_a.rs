//! Packs a block of A into MR-row micro-panels: panel `r` holds rows `r·MR ..` as
//! `[p][i]` (kc × MR, i fastest), zero-padded past the last row so edge tiles stay
//! vectorised. Reads any strides, so transposed or expanded views are never copied first.
//! A row-major A (`csa == 1`) is read in place per block, or packed whole, once per matrix,
//! when it is small enough to stay in L2 (`pack_a_rows_whole`).

use super::pack_b::transpose4;
use crate::simd::F32x4;

/// Packs `A[0..mc, 0..kc]` (element `(i, p)` at `a + i·rsa + p·csa`) into `out`.
///
/// # Safety
/// `a` must be valid at every `(i, p)` in range.
pub unsafe fn pack_a_panels<const MR: usize>(
    mc: usize,
    kc: usize,
    a: *const f32,
    rsa: isize,
    csa: isize,
    out: &mut [f32],
) {
    debug_assert_ne!(csa, 1, "a row-major A is read in place, not packed");
    super::debug_assert_pack_len(out, mc, MR, kc);
    let mut out = out.as_mut_ptr();
    let mut i0 = 0;
    while i0 < mc {
        let rows = MR.min(mc - i0);
        let base = a.offset(i0 as isize * rsa);
        for p in 0..kc {
            let src = base.offset(p as isize * csa);
            for i in 0..rows {
                *out.add(p * MR + i) = *src.offset(i as isize * rsa);
            }
        }
        if rows < MR {
            for p in 0..kc {
                for i in rows..MR {
                    *out.add(p * MR + i) = 0.0;
                }
            }
        }
        out = out.add(kc * MR);
        i0 += MR;
    }
}

/// Packs all of a row-major `A[0..m, 0..k]` (row `i` at `a + i·rsa`, unit column stride)
/// into `out` as MR-row panels the whole depth long: panel `r` starts at `r·MR·k` and holds
/// element `(r·MR + i, p)` at `p·MR + i`, zero-padded past the last row. A depth block
/// `pc..` of panel `r` is then the same `[p][i]` layout as `pack_a_panels` writes, at
/// `r·MR·k + pc·MR`. Four-row panels go through 4×4 register transposes.
///
/// # Safety
/// `a` must be valid at every `(i, p)` in range; `out` holds `m.div_ceil(MR)·MR·k` floats.
pub unsafe fn pack_a_rows_whole<const MR: usize>(
    m: usize,
    k: usize,
    a: *const f32,
    rsa: isize,
    out: &mut [f32],
) {
    super::debug_assert_pack_len(out, m, MR, k);
    let k4 = k - k % 4;
    for (r, panel) in out
        .chunks_exact_mut(MR * k)
        .take(m.div_ceil(MR))
        .enumerate()
    {
        let rows = MR.min(m - r * MR);
        let base = a.offset((r * MR) as isize * rsa);
        let dst = panel.as_mut_ptr();
        if MR == 4 && rows == 4 {
            let row = |i: isize| base.offset(i * rsa);
            for p in (0..k4).step_by(4) {
                let cols = transpose4(
                    F32x4::load(row(0).add(p)),
                    F32x4::load(row(1).add(p)),
                    F32x4::load(row(2).add(p)),
                    F32x4::load(row(3).add(p)),
                );
                for (t, col) in cols.into_iter().enumerate() {
                    col.store(dst.add((p + t) * 4));
                }
            }
            for p in k4..k {
                for i in 0..4 {
                    *dst.add(p * 4 + i) = *row(i as isize).add(p);
                }
            }
            continue;
        }
        for p in 0..k {
            for i in 0..MR {
                *dst.add(p * MR + i) = if i < rows {
                    *base.offset(i as isize * rsa).add(p)
                } else {
                    0.0
                };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Row counts with and without a partial panel, depths with and without a remainder of
    /// 4, rows padded apart: the packed floats equal a plain loop's.
    #[test]
    fn packs_whole_rows_like_a_plain_loop() {
        fn check<const MR: usize>() {
            for m in [1, 3, 4, 5, 8, 13] {
                for k in [1, 3, 4, 7, 16, 33] {
                    let rsa = k + 3;
                    let a = super::super::test_values(m * rsa, 11);
                    let panels = m.div_ceil(MR);
                    let mut out = vec![f32::NAN; panels * MR * k];
                    unsafe { pack_a_rows_whole::<MR>(m, k, a.as_ptr(), rsa as isize, &mut out) };
                    for r in 0..panels {
                        for p in 0..k {
                            for i in 0..MR {
                                let row = r * MR + i;
                                let want = if row < m { a[row * rsa + p] } else { 0.0 };
                                let got = out[r * MR * k + p * MR + i];
                                assert_eq!(
                                    got.to_bits(),
                                    want.to_bits(),
                                    "MR {MR} m {m} k {k} r {r} p {p} i {i}"
                                );
                            }
                        }
                    }
                }
            }
        }
        check::<4>();
        check::<6>();
    }
}
