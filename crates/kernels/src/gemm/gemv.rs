//! Matrix-vector products for GEMMs with M = 1 or N = 1, where packing cannot pay off:
//! `y = alpha·A·x + beta·y` with A `m × k`. Vectorised when A has a unit stride along
//! either axis; other layouts go back to the blocked path.

use crate::simd::F32x4;

/// A strided matrix-vector problem (element strides).
pub struct Gemv {
    pub m: usize,
    pub k: usize,
    pub alpha: f32,
    pub beta: f32,
    pub a: *const f32,
    pub rsa: isize,
    pub csa: isize,
    pub x: *const f32,
    pub incx: isize,
    pub y: *mut f32,
    pub incy: isize,
}

/// Runs the product if A's layout has a vector path; returns false (touching nothing)
/// otherwise. `scratch` must hold at least `max(m, k)` floats.
///
/// # Safety
/// All operands must be valid at every index the shapes and strides reach; `y` must not
/// overlap `a` or `x`.
pub unsafe fn gemv(g: &Gemv, scratch: &mut [f32]) -> bool {
    debug_assert!(scratch.len() >= g.m.max(g.k), "gemv scratch too small");
    // y's elements must be distinct: each is written once from its own dot product.
    debug_assert!(g.m <= 1 || g.incy != 0, "y elements share a stride of 0");
    if g.csa == 1 {
        gemv_rows(g, scratch);
        true
    } else if g.rsa == 1 {
        gemv_columns(g, scratch);
        true
    } else {
        false
    }
}

#[inline(always)]
unsafe fn write_y(g: &Gemv, i: usize, dot: f32) {
    let p = g.y.offset(i as isize * g.incy);
    *p = if g.beta == 0.0 {
        g.alpha * dot
    } else {
        g.alpha * dot + g.beta * *p
    };
}

/// Row-major A: one vectorised dot product per row against a contiguous copy of x.
unsafe fn gemv_rows(g: &Gemv, scratch: &mut [f32]) {
    debug_assert_eq!(g.csa, 1, "rows are read as contiguous vectors");
    let x: *const f32 = if g.incx == 1 {
        g.x
    } else {
        for (p, s) in scratch[..g.k].iter_mut().enumerate() {
            *s = *g.x.offset(p as isize * g.incx);
        }
        scratch.as_ptr()
    };
    for i in 0..g.m {
        let row = g.a.offset(i as isize * g.rsa);
        write_y(g, i, dot(row, x, g.k));
    }
}

/// `Σ a[p]·x[p]` with four independent vector accumulators.
#[inline(always)]
unsafe fn dot(a: *const f32, x: *const f32, k: usize) -> f32 {
    let mut acc = [F32x4::splat(0.0); 4];
    let mut p = 0;
    while p + 16 <= k {
        for (v, acc) in acc.iter_mut().enumerate() {
            let o = p + 4 * v;
            *acc = F32x4::load(a.add(o)).mul_add(F32x4::load(x.add(o)), *acc);
        }
        p += 16;
    }
    while p + 4 <= k {
        acc[0] = F32x4::load(a.add(p)).mul_add(F32x4::load(x.add(p)), acc[0]);
        p += 4;
    }
    let v = acc[0].add(acc[1]).add(acc[2].add(acc[3])).to_array();
    let mut s = (v[0] + v[1]) + (v[2] + v[3]);
    while p < k {
        s += *a.add(p) * *x.add(p);
        p += 1;
    }
    s
}

/// Column-major A: accumulate `x[p]·A[:, p]`, 16 rows of y at a time in registers, or (for
/// columns under 3 floats apart with `m` not a multiple of 4) into a buffer, then write y.
unsafe fn gemv_columns(g: &Gemv, scratch: &mut [f32]) {
    debug_assert_eq!(g.rsa, 1, "columns are read as contiguous vectors");
    // y is built 16 rows at a time in registers, so no k step waits on a store to y.
    // Columns must be 3+ floats apart for the last vector's reads past a column's end.
    if g.k > 0 && (g.m.is_multiple_of(4) || g.csa >= 3) {
        for i0 in (0..g.m).step_by(16) {
            let rows = Gemv {
                m: 16.min(g.m - i0),
                a: g.a.offset(i0 as isize * g.rsa),
                y: g.y.offset(i0 as isize * g.incy),
                ..*g
            };
            match rows.m.div_ceil(4) {
                1 => gemv_columns_in_registers::<1>(&rows),
                2 => gemv_columns_in_registers::<2>(&rows),
                3 => gemv_columns_in_registers::<3>(&rows),
                _ => gemv_columns_in_registers::<4>(&rows),
            }
        }
        return;
    }
    let acc = &mut scratch[..g.m];
    acc.fill(0.0);
    let t = acc.as_mut_ptr();
    for p in 0..g.k {
        let col = g.a.offset(p as isize * g.csa);
        let xp = *g.x.offset(p as isize * g.incx);
        let xv = F32x4::splat(xp);
        let mut i = 0;
        while i + 4 <= g.m {
            xv.mul_add(F32x4::load(col.add(i)), F32x4::load(t.add(i)))
                .store(t.add(i));
            i += 4;
        }
        while i < g.m {
            *t.add(i) += xp * *col.add(i);
            i += 1;
        }
    }
    for i in 0..g.m {
        write_y(g, i, *t.add(i));
    }
}

/// `gemv_columns` for `m ≤ 4·NV` (at most 16 rows), y in registers: two sets of
/// accumulators over even and odd columns hide the FMA latency. The last vector of a column
/// reads up to 3 floats past its end, into the next column (`csa ≥ 3`), feeding only lanes
/// never written; the last column, which may have no next one, is added in scalar code.
///
/// # Safety
/// As for `gemv`, with `1 ≤ m ≤ 4·NV`, `k ≥ 1`, and `csa ≥ 3` unless `m` is a multiple of 4.
#[inline(never)]
unsafe fn gemv_columns_in_registers<const NV: usize>(g: &Gemv) {
    debug_assert!(
        NV <= 4 && (1..=4 * NV).contains(&g.m),
        "{} rows for {NV} vectors",
        g.m
    );
    debug_assert!(g.k >= 1 && g.rsa == 1);
    debug_assert!(
        g.m.is_multiple_of(4) || g.csa >= 3,
        "columns {} floats apart: the last vector would read past the next column",
        g.csa
    );
    let column = |p: usize| g.a.offset(p as isize * g.csa);
    let x_at = |p: usize| *g.x.offset(p as isize * g.incx);
    let step = |acc: &mut [F32x4; NV], p: usize| {
        let (col, xv) = (column(p), F32x4::splat(x_at(p)));
        for (v, acc) in acc.iter_mut().enumerate() {
            *acc = xv.mul_add(F32x4::load(col.add(4 * v)), *acc);
        }
    };
    let full_vectors_to = if g.m.is_multiple_of(4) { g.k } else { g.k - 1 };
    let (mut even, mut odd) = ([F32x4::splat(0.0); NV], [F32x4::splat(0.0); NV]);
    let mut p = 0;
    while p + 2 <= full_vectors_to {
        step(&mut even, p);
        step(&mut odd, p + 1);
        p += 2;
    }
    if p < full_vectors_to {
        step(&mut even, p);
        p += 1;
    }
    let mut y = [0f32; 16];
    for v in 0..NV {
        let sum = even[v].add(odd[v]).to_array();
        y[4 * v..4 * v + 4].copy_from_slice(&sum);
    }
    if p < g.k {
        let (col, xp) = (column(p), x_at(p));
        for (i, y) in y.iter_mut().enumerate().take(g.m) {
            *y += xp * *col.add(i);
        }
    }
    for (i, y) in y.iter().enumerate().take(g.m) {
        write_y(g, i, *y);
    }
}
