//! The selection kernels (`where_select`, `gather`, `scatter_kind`) against naive loops over
//! strided, permuted and broadcast layouts with odd sizes, index values anywhere in
//! `[-size, size)`.

mod common;
use common::{layout, offsets, same, shape, Rng};
use tensorlane_kernels::testing::copy::Kind;
use tensorlane_kernels::testing::select::{gather, scatter_kind, where_select, ScatterMode};

/// An index value in `[-size, size)`, and the position it stands for.
fn index_value(rng: &mut Rng, size: isize) -> i32 {
    rng.below(2 * size as usize) as i32 - size as i32
}

fn wrapped(k: i32, size: isize) -> isize {
    if k < 0 {
        k as isize + size
    } else {
        k as isize
    }
}

#[test]
fn where_matches_a_naive_loop() {
    let mut rng = Rng::new(21);
    for case in 0..400 {
        let s = shape(&mut rng, 4);
        let (sc, oc, lc) = layout(&mut rng, &s, true);
        let (sa, oa, la) = layout(&mut rng, &s, true);
        let (sb, ob, lb) = layout(&mut rng, &s, true);
        let (so, oo, lo) = layout(&mut rng, &s, false);
        let cond: Vec<u8> = (0..lc).map(|_| rng.below(2) as u8).collect();
        let a: Vec<f32> = (0..la).map(|_| rng.value()).collect();
        let b: Vec<f32> = (0..lb).map(|_| rng.value()).collect();
        let mut out = vec![7.0f32; lo];
        let mut want = out.clone();
        let offs = [
            offsets(&s, &sc, oc),
            offsets(&s, &sa, oa),
            offsets(&s, &sb, ob),
            offsets(&s, &so, oo),
        ];
        for k in 0..offs[0].len() {
            let pick = cond[offs[0][k] as usize] != 0;
            want[offs[3][k] as usize] = if pick {
                a[offs[1][k] as usize]
            } else {
                b[offs[2][k] as usize]
            };
        }
        unsafe {
            where_select::<f32>(
                &s,
                [&sc, &sa, &sb, &so],
                cond.as_ptr().offset(oc),
                a.as_ptr().offset(oa),
                b.as_ptr().offset(ob),
                out.as_mut_ptr().offset(oo),
            );
        }
        for (k, (&g, &w)) in out.iter().zip(&want).enumerate() {
            assert!(same(g, w), "case {case} shape {s:?}: [{k}] {g} vs {w}");
        }
    }
}

#[test]
fn gather_matches_a_naive_loop() {
    let mut rng = Rng::new(22);
    for case in 0..400 {
        let s = shape(&mut rng, 4);
        if s.is_empty() {
            continue;
        }
        let dim = rng.below(s.len());
        let size = rng.pick(&[1isize, 2, 3, 17]);
        // The source is `size` long along dim and as large as the output elsewhere.
        let mut a_shape = s.clone();
        a_shape[dim] = size;
        let (sa_full, oa, la) = layout(&mut rng, &a_shape, false);
        let (si, oi, li) = layout(&mut rng, &s, true);
        let (so, oo, lo) = layout(&mut rng, &s, false);
        let a: Vec<u32> = (0..la).map(|_| rng.next() as u32).collect();
        let index: Vec<i32> = (0..li).map(|_| index_value(&mut rng, size)).collect();
        let mut out = vec![7u32; lo];
        let mut want = out.clone();
        let mut sa = sa_full.clone();
        sa[dim] = 0;
        let (pa, pi, po) = (
            offsets(&s, &sa, oa),
            offsets(&s, &si, oi),
            offsets(&s, &so, oo),
        );
        for k in 0..pa.len() {
            let at = pa[k] + wrapped(index[pi[k] as usize], size) * sa_full[dim];
            want[po[k] as usize] = a[at as usize];
        }
        unsafe {
            gather::<u32>(
                &s,
                [&sa, &si, &so],
                a.as_ptr().offset(oa),
                sa_full[dim],
                size,
                index.as_ptr().offset(oi),
                out.as_mut_ptr().offset(oo),
            );
        }
        assert_eq!(out, want, "case {case} shape {s:?} dim {dim} size {size}");
    }
}

#[test]
fn scatter_assigns_and_adds_in_row_major_order() {
    let mut rng = Rng::new(23);
    for case in 0..400 {
        let s = shape(&mut rng, 4);
        if s.is_empty() {
            continue;
        }
        let dim = rng.below(s.len());
        let size = rng.pick(&[1isize, 2, 3, 17]);
        let mut out_shape = s.clone();
        out_shape[dim] = size;
        let (so_full, oo, lo) = layout(&mut rng, &out_shape, false);
        let (si, oi, li) = layout(&mut rng, &s, true);
        let (ss, os, ls) = layout(&mut rng, &s, true);
        let index: Vec<i32> = (0..li).map(|_| index_value(&mut rng, size)).collect();
        let src: Vec<f32> = (0..ls).map(|_| rng.value()).collect();
        let init: Vec<f32> = (0..lo).map(|_| rng.value()).collect();
        let mut so = so_full.clone();
        so[dim] = 0;
        let (po, pi, ps) = (
            offsets(&s, &so, oo),
            offsets(&s, &si, oi),
            offsets(&s, &ss, os),
        );
        for mode in [ScatterMode::Assign, ScatterMode::Add] {
            let mut want = init.clone();
            for k in 0..po.len() {
                let at = (po[k] + wrapped(index[pi[k] as usize], size) * so_full[dim]) as usize;
                let x = src[ps[k] as usize];
                want[at] = if mode == ScatterMode::Add {
                    want[at] + x
                } else {
                    x
                };
            }
            let mut out = init.clone();
            unsafe {
                scatter_kind(
                    mode,
                    Kind::F32,
                    &s,
                    [&so, &si, &ss],
                    out.as_mut_ptr().offset(oo) as *mut u8,
                    so_full[dim],
                    size,
                    index.as_ptr().offset(oi),
                    src.as_ptr().offset(os) as *const u8,
                );
            }
            for (k, (&g, &w)) in out.iter().zip(&want).enumerate() {
                assert!(
                    same(g, w),
                    "case {case} {mode:?} shape {s:?}: [{k}] {g} vs {w}"
                );
            }
        }
    }
}

#[test]
fn scatter_add_wraps_int32_and_ors_bools() {
    let shape = [4isize];
    let strides: [&[isize]; 3] = [&[0], &[1], &[1]];
    let index = [0i32, 0, -1, 1];
    let mut ints = [i32::MAX, 5, 0];
    let src = [1i32, 2, 3, -7];
    unsafe {
        scatter_kind(
            ScatterMode::Add,
            Kind::I32,
            &shape,
            strides,
            ints.as_mut_ptr() as *mut u8,
            1,
            3,
            index.as_ptr(),
            src.as_ptr() as *const u8,
        );
    }
    assert_eq!(ints, [i32::MIN + 2, -2, 3]);
    let mut bools = [0u8, 1, 0];
    let bsrc = [0u8, 1, 0, 0];
    unsafe {
        scatter_kind(
            ScatterMode::Add,
            Kind::Bool,
            &shape,
            strides,
            bools.as_mut_ptr(),
            1,
            3,
            index.as_ptr(),
            bsrc.as_ptr(),
        );
    }
    assert_eq!(bools, [1, 1, 0]);
}
