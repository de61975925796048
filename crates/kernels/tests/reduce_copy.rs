//! Reductions and copy/cast kernels against naive loops over strided, permuted and broadcast
//! layouts with odd sizes.

mod common;
use common::{layout, offsets, same, shape, split, Rng};
use tensorlane_kernels::testing::copy::{copy_cast, Kind};
use tensorlane_kernels::testing::reduce::{
    reduce_f32, reduce_f32_values, ReduceDims, ReduceOp, ROW_BLOCK, SUM_BLOCK,
};

/// The naive reduction of each kept index: (sum in f64, prod in f64, max, min, argmax, argmin)
/// with torch's NaN rule (NaN wins; first extreme index).
fn naive(values: &[f32]) -> (f64, f64, f32, f32, i32, i32) {
    let (mut sum, mut prod) = (0f64, 1f64);
    let (mut mx, mut mn, mut imx, mut imn) = (0f32, 0f32, -1i32, -1i32);
    for (i, &x) in values.iter().enumerate() {
        sum += x as f64;
        prod *= x as f64;
        if imx < 0 || x > mx || (x.is_nan() && !mx.is_nan()) {
            mx = x;
            imx = i as i32;
        }
        if imn < 0 || x < mn || (x.is_nan() && !mn.is_nan()) {
            mn = x;
            imn = i as i32;
        }
    }
    (sum, prod, mx, mn, imx, imn)
}

#[test]
fn reductions_over_any_axes_match_naive_loops() {
    let mut rng = Rng::new(11);
    for case in 0..400 {
        let s = shape(&mut rng, 4);
        let (strides, off, len) = layout(&mut rng, &s, true);
        // Finite values only in half the cases so the sum check can use an error bound.
        let finite = case % 2 == 0;
        let data: Vec<f32> = (0..len)
            .map(|_| {
                let v = rng.value();
                if finite && (v.is_nan() || v.abs() >= 1e30) {
                    1.5
                } else {
                    v
                }
            })
            .collect();
        let reduced: Vec<bool> = s.iter().map(|_| rng.below(2) == 0).collect();
        let [ks, kst, rs, rst] = split(&s, &strides, &reduced);
        let kept_n: isize = ks.iter().product();
        let kept_offsets = offsets(&ks, &kst, off);
        let per_output: Vec<Vec<f32>> = kept_offsets
            .iter()
            .map(|&k| {
                offsets(&rs, &rst, k)
                    .iter()
                    .map(|&o| data[o as usize])
                    .collect()
            })
            .collect();
        let red_n: isize = rs.iter().product();
        for op in [
            ReduceOp::Sum,
            ReduceOp::Prod,
            ReduceOp::Max,
            ReduceOp::Min,
            ReduceOp::Argmax,
            ReduceOp::Argmin,
        ] {
            if red_n == 0 && !matches!(op, ReduceOp::Sum | ReduceOp::Prod) {
                continue;
            }
            let mut out = vec![0u32; kept_n.max(0) as usize];
            unsafe {
                reduce_f32(
                    op,
                    &ks,
                    &kst,
                    &rs,
                    &rst,
                    data.as_ptr().offset(off),
                    out.as_mut_ptr(),
                )
            };
            for (o, vals) in per_output.iter().enumerate() {
                let (sum, prod, mx, mn, imx, imn) = naive(vals);
                let got_f = f32::from_bits(out[o]);
                let got_i = out[o] as i32;
                let ctx = format!("{op:?} shape {s:?} reduced {reduced:?} output {o}");
                match op {
                    ReduceOp::Sum if finite => {
                        let abs: f64 = vals.iter().map(|&x| (x as f64).abs()).sum();
                        let bound = (vals.len() as f64 + 2.0) * 2f64.powi(-24) * abs;
                        assert!(
                            (got_f as f64 - sum).abs() <= bound,
                            "{ctx}: {got_f} vs {sum}"
                        );
                    }
                    ReduceOp::Sum => {
                        // IEEE specials propagate: NaN, or inf + (-inf), gives NaN; a lone
                        // infinity sign wins.
                        let nan = vals.iter().any(|x| x.is_nan());
                        let pos = vals.contains(&f32::INFINITY);
                        let neg = vals.contains(&f32::NEG_INFINITY);
                        if nan || (pos && neg) {
                            assert!(got_f.is_nan(), "{ctx}: {got_f}, want NaN");
                        } else if pos || neg {
                            assert_eq!(
                                got_f,
                                if pos {
                                    f32::INFINITY
                                } else {
                                    f32::NEG_INFINITY
                                },
                                "{ctx}"
                            );
                        }
                    }
                    ReduceOp::Prod => assert!(same(got_f, prod as f32), "{ctx}: {got_f} vs {prod}"),
                    // ±0 ties may resolve to either zero.
                    ReduceOp::Max => assert!(
                        got_f == mx || (got_f.is_nan() && mx.is_nan()),
                        "{ctx}: {got_f} vs {mx}"
                    ),
                    ReduceOp::Min => assert!(
                        got_f == mn || (got_f.is_nan() && mn.is_nan()),
                        "{ctx}: {got_f} vs {mn}"
                    ),
                    ReduceOp::Argmax => assert_eq!(got_i, imx, "{ctx}"),
                    ReduceOp::Argmin => assert_eq!(got_i, imn, "{ctx}"),
                    ReduceOp::All | ReduceOp::Any => unreachable!("not in the list above"),
                }
            }
        }
    }
}

#[test]
fn long_sums_stay_accurate_across_blocks() {
    // 0.1 is not representable: a plain running f32 sum of 1e6 of them drifts by ~1%.
    // Contiguous, strided, and stride 0 (an expanded view: one element read n times).
    let n = 1_000_000usize;
    let data = vec![0.1f32; 3 * n];
    for stride in [1isize, 3, 0] {
        let mut out = [0u32];
        unsafe {
            reduce_f32(
                ReduceOp::Sum,
                &[],
                &[],
                &[n as isize],
                &[stride],
                data.as_ptr(),
                out.as_mut_ptr(),
            )
        };
        let got = f32::from_bits(out[0]) as f64;
        let exact = n as f64 * 0.1f32 as f64;
        // Each block of SUM_BLOCK terms is summed in 16 f32 lanes of SUM_BLOCK/16 = 32 terms:
        // u·|Σx| + 32·u·Σ|x| (+ the f64 total's own rounding).
        assert_eq!(SUM_BLOCK / 16, 32);
        let bound = (SUM_BLOCK / 16 + 2) as f64 * 2f64.powi(-24) * exact;
        assert!(
            (got - exact).abs() <= bound,
            "stride {stride}: {got} vs {exact} (bound {bound})"
        );
    }
}

fn to_int32(x: f64) -> i32 {
    // JavaScript's ToInt32, written out independently: modular arithmetic on the truncation.
    if !x.is_finite() {
        return 0;
    }
    let t = x.trunc();
    let m = t - 4294967296.0 * (t / 4294967296.0).floor();
    if m >= 2147483648.0 {
        (m - 4294967296.0) as i32
    } else {
        m as i32
    }
}

#[test]
fn copy_casts_like_typed_array_stores() {
    let mut rng = Rng::new(12);
    let kinds = [Kind::F32, Kind::F64, Kind::I32, Kind::Bool];
    let size = |k: Kind| match k {
        Kind::F32 | Kind::I32 => 4,
        Kind::F64 => 8,
        Kind::Bool => 1,
    };
    for case in 0..400 {
        let (from, to) = (kinds[case % 4], kinds[(case / 4) % 4]);
        let s = shape(&mut rng, 4);
        let (sa, oa, la) = layout(&mut rng, &s, true);
        let (so, oo, lo) = layout(&mut rng, &s, false);
        // Source values as f64, representable in the source kind.
        let src: Vec<f64> = (0..la)
            .map(|_| {
                let v = if rng.below(3) == 0 {
                    rng.value() as f64 * 1e9
                } else {
                    rng.value() as f64
                };
                match from {
                    Kind::F32 => v as f32 as f64,
                    Kind::F64 => v * 1.0000001,
                    Kind::I32 => to_int32(v) as f64,
                    Kind::Bool => (v != 0.0) as u8 as f64,
                }
            })
            .collect();
        let mut a = vec![0u8; la * size(from)];
        for (i, &v) in src.iter().enumerate() {
            let b = &mut a[i * size(from)..(i + 1) * size(from)];
            match from {
                Kind::F32 => b.copy_from_slice(&(v as f32).to_le_bytes()),
                Kind::F64 => b.copy_from_slice(&v.to_le_bytes()),
                Kind::I32 => b.copy_from_slice(&(v as i32).to_le_bytes()),
                Kind::Bool => b[0] = v as u8,
            }
        }
        let mut out = vec![0xabu8; lo * size(to)];
        let expected_out = {
            let mut e = out.clone();
            let (ia, io) = (offsets(&s, &sa, oa), offsets(&s, &so, oo));
            for k in 0..io.len() {
                let v = src[ia[k] as usize];
                let j = io[k] as usize * size(to);
                let b = &mut e[j..j + size(to)];
                match to {
                    Kind::F32 => b.copy_from_slice(&(v as f32).to_le_bytes()),
                    Kind::F64 => b.copy_from_slice(&v.to_le_bytes()),
                    Kind::I32 => b.copy_from_slice(&to_int32(v).to_le_bytes()),
                    Kind::Bool => b[0] = (v != 0.0) as u8,
                }
            }
            e
        };
        unsafe {
            copy_cast(
                from,
                to,
                &s,
                [&sa, &so],
                a.as_ptr().offset(oa * size(from) as isize),
                out.as_mut_ptr().offset(oo * size(to) as isize),
            )
        };
        // NaN payloads may differ; compare f32/f64 NaNs as NaN.
        if out != expected_out {
            let chunk = size(to);
            for (k, (g, w)) in out
                .chunks(chunk)
                .zip(expected_out.chunks(chunk))
                .enumerate()
            {
                let nan = match to {
                    Kind::F32 => {
                        f32::from_le_bytes(g.try_into().unwrap()).is_nan()
                            && f32::from_le_bytes(w.try_into().unwrap()).is_nan()
                    }
                    Kind::F64 => {
                        f64::from_le_bytes(g.try_into().unwrap()).is_nan()
                            && f64::from_le_bytes(w.try_into().unwrap()).is_nan()
                    }
                    _ => false,
                };
                assert!(
                    g == w || nan,
                    "{from:?}→{to:?} shape {s:?}: element {k}: {g:?} vs {w:?}"
                );
            }
        }
    }
}

#[test]
fn reducing_outer_axes_of_contiguous_data_matches_naive_loops() {
    // Kept dim contiguous, reduced dims strided: the lane-wise (vertical) path.
    let mut rng = Rng::new(13);
    for (rows, mid, cols) in [
        (127isize, 1isize, 17isize),
        (5, 3, 17),
        (300, 1, 5),
        (3, 5, 4),
        (2, 1, 127),
    ] {
        let data: Vec<f32> = (0..rows * mid * cols).map(|_| rng.value()).collect();
        let (red_shape, red_strides) = ([rows, mid], [mid * cols, cols]);
        for op in [
            ReduceOp::Sum,
            ReduceOp::Max,
            ReduceOp::Min,
            ReduceOp::Argmax,
            ReduceOp::Argmin,
        ] {
            let mut out = vec![0u32; cols as usize];
            unsafe {
                reduce_f32(
                    op,
                    &[cols],
                    &[1],
                    &red_shape,
                    &red_strides,
                    data.as_ptr(),
                    out.as_mut_ptr(),
                )
            };
            for c in 0..cols {
                let vals: Vec<f32> = (0..rows * mid)
                    .map(|r| data[(r * cols + c) as usize])
                    .collect();
                let (sum, _, mx, mn, imx, imn) = naive(&vals);
                let got = f32::from_bits(out[c as usize]);
                let ctx = format!("{op:?} {rows}x{mid}x{cols} column {c}: {got}");
                match op {
                    ReduceOp::Sum => {
                        if vals.iter().all(|v| v.abs() < 1e30) {
                            let abs: f64 = vals.iter().map(|&x| (x as f64).abs()).sum();
                            let bound = (vals.len() as f64 + 2.0) * 2f64.powi(-24) * abs;
                            assert!((got as f64 - sum).abs() <= bound, "{ctx} vs {sum}");
                        } else if vals.iter().any(|v| v.is_nan()) {
                            assert!(got.is_nan(), "{ctx}");
                        }
                    }
                    ReduceOp::Max => {
                        assert!(got == mx || (got.is_nan() && mx.is_nan()), "{ctx} vs {mx}")
                    }
                    // The first extreme (or first NaN) over the flattened reduced dims.
                    ReduceOp::Argmax => assert_eq!(out[c as usize] as i32, imx, "{ctx}"),
                    ReduceOp::Argmin => assert_eq!(out[c as usize] as i32, imn, "{ctx}"),
                    _ => assert!(got == mn || (got.is_nan() && mn.is_nan()), "{ctx} vs {mn}"),
                }
            }
        }
    }
}

#[test]
fn column_sums_stay_within_the_stated_bound() {
    // Long columns with heavy cancellation and terms of many magnitudes, against float64
    // sums: |computed − Σx| ≤ u·|Σx| + ROW_BLOCK·u·Σ|x| (u = 2⁻²⁴, reduce_columns.rs), for a
    // wide row (column groups), a narrow one (the lcm(n, 4) path) and a strided one.
    let mut rng = Rng::new(17);
    let u = 2f64.powi(-24);
    for (rows, cols, row_stride) in [(5000isize, 70isize, 70isize), (4099, 10, 10), (3001, 9, 13)] {
        let data: Vec<f32> = (0..rows * row_stride)
            .map(|_| {
                let m = 10f64.powi(rng.below(7) as i32 - 3);
                ((rng.unit() - 0.5) * m) as f32 + 1000.0 * (rng.below(3) as f32 - 1.0)
            })
            .collect();
        let mut out = vec![0u32; cols as usize];
        unsafe {
            reduce_f32(
                ReduceOp::Sum,
                &[cols],
                &[1],
                &[rows],
                &[row_stride],
                data.as_ptr(),
                out.as_mut_ptr(),
            )
        };
        for c in 0..cols {
            let col = (0..rows).map(|r| data[(r * row_stride + c) as usize] as f64);
            let (exact, abs) = col.fold((0f64, 0f64), |(s, a), x| (s + x, a + x.abs()));
            let got = f32::from_bits(out[c as usize]) as f64;
            let bound = u * exact.abs() + ROW_BLOCK as f64 * u * abs;
            assert!(
                (got - exact).abs() <= bound,
                "{rows}x{cols} column {c}: {got} vs {exact} (bound {bound})"
            );
        }
    }
}

#[test]
fn argmax_values_are_the_elements_the_indices_name() {
    // The fused values of max(dim)/min(dim), down columns (rare NaNs, many ties) and along
    // rows, against the naive first-extreme rule.
    let mut rng = Rng::new(19);
    for (rows, cols, col_major) in [(300isize, 45isize, false), (70, 6, false), (45, 300, true)] {
        let data: Vec<f32> = (0..rows * cols)
            .map(|_| match rng.below(400) {
                0 => f32::NAN,
                1 => f32::INFINITY,
                _ => rng.below(9) as f32 - 4.0,
            })
            .collect();
        // Reduce dim 0 of a rows×cols view: row-major (columns) or column-major (rows).
        let (rs, cs) = if col_major { (1, rows) } else { (cols, 1) };
        for op in [ReduceOp::Argmax, ReduceOp::Argmin] {
            let mut out = vec![0u32; cols as usize];
            let mut values = vec![0f32; cols as usize];
            unsafe {
                let dims = ReduceDims {
                    kept_shape: &[cols],
                    kept_strides: &[cs],
                    red_shape: &[rows],
                    red_strides: &[rs],
                };
                reduce_f32_values(
                    op,
                    &dims,
                    data.as_ptr(),
                    out.as_mut_ptr(),
                    values.as_mut_ptr(),
                )
            };
            for c in 0..cols {
                let col: Vec<f32> = (0..rows)
                    .map(|r| data[(r * rs + c * cs) as usize])
                    .collect();
                let (_, _, mx, mn, imx, imn) = naive(&col);
                let (want_i, want_v) = if op == ReduceOp::Argmax {
                    (imx, mx)
                } else {
                    (imn, mn)
                };
                assert_eq!(
                    out[c as usize] as i32, want_i,
                    "{op:?} {rows}x{cols} column {c}"
                );
                assert!(same(values[c as usize], want_v), "{op:?} column {c}");
            }
        }
    }
}

/// Every permutation of `dims`, as index lists.
fn permutations(n: usize) -> Vec<Vec<usize>> {
    if n == 0 {
        return vec![vec![]];
    }
    let mut all = Vec::new();
    for p in permutations(n - 1) {
        for at in 0..=p.len() {
            let mut q = p.clone();
            q.insert(at, n - 1);
            all.push(q);
        }
    }
    all
}

#[test]
fn permuted_copies_are_bit_exact_for_every_kind() {
    // Sizes around the 4×4 register blocks, the 32×32 tiles (8- and 1-byte kinds), the
    // staged 64×64 tiles (4-byte kinds) and the 256×256 blocks, so every edge path runs; same-kind copies must move
    // bits unchanged (NaN payloads included). 4-byte copies at least 64 wide both ways go
    // through strips (32 rows × up to 256 columns): `[300, 260]`, `[130, 67]` and
    // `[2, 70, 299]` reach them with rows left for the tiles and column counts that are not
    // a multiple of 4 or of 256; `[33, 517]` and `[97, 35]` stay below the width that takes them.
    let shapes: [&[isize]; 13] = [
        &[37, 70],
        &[130, 67],
        &[64, 128],
        &[300, 260],
        &[2, 65, 63],
        &[4, 4],
        &[64, 33],
        &[5, 33, 9],
        &[3, 40, 36],
        &[2, 4, 5, 6],
        &[33, 517],
        &[97, 35],
        &[2, 70, 299],
    ];
    let kinds = [
        (Kind::F32, 4usize),
        (Kind::I32, 4),
        (Kind::F64, 8),
        (Kind::Bool, 1),
    ];
    let mut rng = Rng::new(99);
    let mut tiled_cases = 0;
    for &base in &shapes {
        let n: usize = base.iter().product::<isize>() as usize;
        let mut base_strides = vec![1isize; base.len()];
        for d in (0..base.len() - 1).rev() {
            base_strides[d] = base_strides[d + 1] * base[d + 1];
        }
        for perm in permutations(base.len()) {
            for flip_last in [false, true] {
                let s: Vec<isize> = perm.iter().map(|&p| base[p]).collect();
                let mut sa: Vec<isize> = perm.iter().map(|&p| base_strides[p]).collect();
                // A reversed dim (negative stride) starts at the far end of that dim.
                let mut start = 0isize;
                if flip_last {
                    let last = s.len() - 1;
                    start = (s[last] - 1) * sa[last];
                    sa[last] = -sa[last];
                }
                let mut so = vec![1isize; s.len()];
                for d in (0..s.len() - 1).rev() {
                    so[d] = so[d + 1] * s[d + 1];
                }
                if sa.iter().take(s.len() - 1).any(|&x| x == 1) && sa[s.len() - 1] != 1 {
                    tiled_cases += 1;
                }
                for (kind, size) in kinds {
                    let bytes: Vec<u8> = (0..n * size)
                        .map(|_| match kind {
                            Kind::Bool => rng.below(2) as u8,
                            _ => rng.below(256) as u8,
                        })
                        .collect();
                    let mut out = vec![0u8; n * size];
                    unsafe {
                        copy_cast(
                            kind,
                            kind,
                            &s,
                            [&sa, &so],
                            bytes.as_ptr().offset(start * size as isize),
                            out.as_mut_ptr(),
                        )
                    };
                    let (ia, io) = (offsets(&s, &sa, start), offsets(&s, &so, 0));
                    for k in 0..io.len() {
                        let (i, o) = (ia[k] as usize * size, io[k] as usize * size);
                        assert_eq!(
                            &out[o..o + size],
                            &bytes[i..i + size],
                            "{kind:?} shape {s:?} strides {sa:?}: element {k}"
                        );
                    }
                }
            }
        }
    }
    assert!(
        tiled_cases > 20,
        "the tiled path must be exercised ({tiled_cases} cases)"
    );
}
