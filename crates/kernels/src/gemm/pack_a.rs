//! Packs a block of A into MR-row micro-panels: panel `r` holds rows `r·MR ..` as
//! `[p][i]` (kc × MR, i fastest), zero-padded past the last row so edge tiles stay
//! vectorised. Reads any strides, so transposed or expanded views are never copied first;
//! a row-major A (`csa == 1`) is never packed (`gemm_blocked` reads it in place).

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
