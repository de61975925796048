//! Reductions down columns: the reduced dims are outer to a contiguous kept row of `n`
//! floats, so each output is a column. The work is cut into blocks of `ROW_BLOCK` reduced
//! rows; within a block, the columns go by in groups of `V` vectors whose accumulators stay
//! in registers while the block's rows stream past, then go back to memory (`out`, or a
//! scratch row) for the next block. A block's rows (ROW_BLOCK · 4n bytes) stay in L2 while
//! the column groups walk across them, so every cache line is read once.
//!
//! Summation order, and its float32 error bound: each column sums the rows of one block
//! in one f32 accumulator, in row order, and adds that partial sum into an f64 total. With
//! u = 2⁻²⁴ and B = `ROW_BLOCK`, a block's partial has error at most (B − 1)·u·Σ|x| over its
//! terms; the f64 total of the partials adds at most (n_blocks)·2⁻⁵³·Σ|x|, and the final
//! rounding to f32 u·|Σx|. So |computed − Σx| ≤ u·|Σx| + (B − 1 + 2⁻²⁹·n_blocks)·u·Σ|x|,
//! i.e. below u·|Σx| + B·u·Σ|x| for any length that fits the kernel's 32-bit sizes. Every
//! column uses the same order whichever vector group or thread computes it, so results do
//! not depend on the column's position or the thread count.
//!
//! max/min propagate NaN, argmax/argmin give the first NaN, else the first extreme (the js
//! reference's rules). The common no-NaN case runs `pmax`/`pmin` (one instruction each on
//! x86) and a compare for the index; a group that met a NaN in a block is redone with the
//! exact rules.

use crate::simd::F32x4;
use crate::simd_ext::{self as x, I32x4};
use crate::strided::element_count;

/// Reduced rows per block: partial sums of this many terms bound the f32 error (see the
/// module comment), and a block of 1024-float rows (128 KiB) stays in L2.
pub const ROW_BLOCK: usize = 32;

/// Vectors per column group of sum and max/min (32 columns: 8 accumulators, 8 loads).
const GROUP: usize = 8;
/// Vectors per column group of argmax/argmin (best and index: 8 accumulators).
const ARG_GROUP: usize = 4;

/// The element offsets of the reduced rows in row-major order of `shape`, a block at a time.
struct Rows<'a> {
    shape: &'a [isize],
    strides: &'a [isize],
    idx: Vec<isize>,
    off: isize,
    left: usize,
}

impl<'a> Rows<'a> {
    fn new(shape: &'a [isize], strides: &'a [isize]) -> Self {
        debug_assert_eq!(shape.len(), strides.len());
        Rows {
            shape,
            strides,
            idx: vec![0; shape.len()],
            off: 0,
            left: element_count(shape),
        }
    }

    /// Fills `buf` with the next rows' offsets; returns how many (0 when done).
    fn next_block(&mut self, buf: &mut [isize; ROW_BLOCK]) -> usize {
        let r = self.left.min(ROW_BLOCK);
        for slot in buf.iter_mut().take(r) {
            *slot = self.off;
            self.step();
        }
        self.left -= r;
        r
    }

    fn step(&mut self) {
        for d in (0..self.shape.len()).rev() {
            self.idx[d] += 1;
            self.off += self.strides[d];
            if self.idx[d] < self.shape[d] {
                return;
            }
            self.off -= self.strides[d] * self.shape[d];
            self.idx[d] = 0;
        }
    }
}

/// Calls `group(col, vectors)` for each column group of a row of `n` (groups of `G` vectors,
/// then single vectors), then `lane(col)` for each of the last `n % 4` columns.
#[inline(always)]
fn for_each_group<const G: usize>(
    n: usize,
    mut wide: impl FnMut(usize),
    mut single: impl FnMut(usize),
    mut lane: impl FnMut(usize),
) {
    let mut c = 0usize;
    while c + 4 * G <= n {
        wide(c);
        c += 4 * G;
    }
    while c + 4 <= n {
        single(c);
        c += 4;
    }
    while c < n {
        lane(c);
        c += 1;
    }
}

/// Adds the block's rows of `V` vectors of columns at `a` into the f64 totals at `total`.
#[inline(always)]
unsafe fn sum_group<const V: usize>(a: *const f32, offs: &[isize], total: *mut f64) {
    let mut acc = [F32x4::splat(0.0); V];
    for &o in offs {
        let p = a.offset(o);
        for (k, s) in acc.iter_mut().enumerate() {
            *s = s.add(F32x4::load(p.add(4 * k)));
        }
    }
    for (k, s) in acc.iter().enumerate() {
        for (l, v) in s.to_array().into_iter().enumerate() {
            *total.add(4 * k + l) += v as f64;
        }
    }
}

/// Adds `r` adjacent rows of `n < 4·GROUP` floats at `a` (one block) into the totals: the
/// block is read as one contiguous run, `lcm(n, 4)` floats (`q` rows) a step, so each column
/// sums in `q` f32 lanes of at most `ROW_BLOCK / q` terms; the `r % q` rows left over are
/// added to the totals one by one.
unsafe fn sum_narrow(a: *const f32, r: usize, n: usize, total: *mut f64) {
    debug_assert!((1..4 * GROUP).contains(&n));
    let q = [1, 4, 2, 4][n % 4];
    let (len, steps) = (q * n, r / q);
    let mut lanes = [0f32; 4];
    for v in 0..len / 4 {
        let mut s = F32x4::splat(0.0);
        for t in 0..steps {
            s = s.add(F32x4::load(a.add(t * len + 4 * v)));
        }
        s.store(lanes.as_mut_ptr());
        // Lane l of vector v is column (4v + l) mod n.
        let mut c = (4 * v) % n;
        for &x in &lanes {
            *total.add(c) += x as f64;
            c = if c + 1 == n { 0 } else { c + 1 };
        }
    }
    let mut c = 0;
    for i in steps * len..r * n {
        *total.add(c) += *a.add(i) as f64;
        c = if c + 1 == n { 0 } else { c + 1 };
    }
}

/// Whether a kept row of `n` columns may be cut into pieces (threads) without changing any
/// column's summation order: narrow rows may take `sum_narrow`, whose order a piece would
/// not repeat.
pub fn columns_split_alike(n: usize) -> bool {
    n >= 4 * GROUP
}

/// Σ over the reduced rows of each of the `n` contiguous columns at `a`, into `out` (f32).
///
/// # Safety
/// `a + row offset + i` must be readable for every reduced row and `i < n`; `out` holds `n`.
pub unsafe fn sum_columns(
    red_shape: &[isize],
    red_strides: &[isize],
    a: *const f32,
    n: usize,
    out: *mut f32,
) {
    let mut total = vec![0f64; n];
    let t = total.as_mut_ptr();
    if n < 4 * GROUP && red_shape.len() == 1 && red_strides[0] == n as isize {
        // Narrow rows, all adjacent (a contiguous rows×n input): one run, block by block,
        // with no row offsets to walk.
        let rows = red_shape[0].max(0) as usize;
        for first in (0..rows).step_by(ROW_BLOCK) {
            let r = (rows - first).min(ROW_BLOCK);
            sum_narrow(a.add(first * n), r, n, t);
        }
    } else {
        sum_blocks(red_shape, red_strides, a, n, t);
    }
    for (i, &s) in total.iter().enumerate() {
        *out.add(i) = s as f32;
    }
}

/// `sum_columns`'s general walk: the reduced rows a block at a time, adding into `t`.
unsafe fn sum_blocks(
    red_shape: &[isize],
    red_strides: &[isize],
    a: *const f32,
    n: usize,
    t: *mut f64,
) {
    let mut offs = [0isize; ROW_BLOCK];
    let mut rows = Rows::new(red_shape, red_strides);
    loop {
        let r = rows.next_block(&mut offs);
        if r == 0 {
            break;
        }
        let offs = &offs[..r];
        let adjacent = offs
            .iter()
            .enumerate()
            .all(|(j, &o)| o == offs[0] + (j * n) as isize);
        if n < 4 * GROUP && adjacent {
            sum_narrow(a.offset(offs[0]), r, n, t);
            continue;
        }
        for_each_group::<GROUP>(
            n,
            |c| sum_group::<GROUP>(a.add(c), offs, t.add(c)),
            |c| sum_group::<1>(a.add(c), offs, t.add(c)),
            |c| {
                // The same order as one lane of the vector groups: 0 + x₀ + x₁ + …
                let mut s = 0f32;
                for &o in offs {
                    s += *a.offset(o + c as isize);
                }
                *t.add(c) += s as f64;
            },
        );
    }
}

/// The running max (min): `acc < v ? v : acc` (`v < acc ? v : acc`). A NaN in `v` is
/// ignored; a NaN in `acc` is kept by the simd128 instructions, but the blocks do not rely
/// on it (see `extreme_group`).
#[inline(always)]
fn pick<const MAX: bool>(acc: F32x4, v: F32x4) -> F32x4 {
    if MAX {
        x::pmax(acc, v)
    } else {
        x::pmin(acc, v)
    }
}

/// All ones in the lanes where some `V`-vector row of the block at `a` may hold a NaN: the
/// rows' lanes are added up (a NaN stays NaN), so `inf + -inf` in one lane may also flag
/// it, which only sends the block down the exact path.
#[inline(always)]
unsafe fn nan_lanes<const V: usize>(rows: [F32x4; V]) -> I32x4 {
    let mut t = rows[0];
    for r in rows.iter().skip(1) {
        t = t.add(*r);
    }
    x::ne(t, t)
}

/// All ones in the lanes of `v` that hold a NaN, OR-ed over the vectors.
#[inline(always)]
fn any_nan<const V: usize>(v: &[F32x4; V]) -> I32x4 {
    v.iter().fold(I32x4::splat(0), |m, &x| m.or(x::ne(x, x)))
}

/// One block of max (min) over `V` vectors of columns: the running values live at `acc_mem`
/// (read unless `first`, when the block's first row starts them), written back at the end.
/// The fast loop never relies on `pmax`/`pmin` keeping a NaN (a relaxed-SIMD build may
/// lower them to an instruction that drops it): a block that starts with or meets a NaN is
/// redone with the NaN-propagating max/min.
#[inline(always)]
unsafe fn extreme_group<const MAX: bool, const V: usize>(
    a: *const f32,
    offs: &[isize],
    acc_mem: *mut f32,
    first: bool,
) {
    let start = if first { a.offset(offs[0]) } else { acc_mem };
    let acc0: [F32x4; V] = core::array::from_fn(|k| F32x4::load(start.add(4 * k)));
    let mut acc = acc0;
    let mut nan = any_nan(&acc0);
    for &o in offs {
        let p = a.offset(o);
        let v: [F32x4; V] = core::array::from_fn(|k| F32x4::load(p.add(4 * k)));
        for (s, &v) in acc.iter_mut().zip(v.iter()) {
            *s = pick::<MAX>(*s, v);
        }
        nan = nan.or(nan_lanes(v));
    }
    if nan.any() {
        acc = acc0;
        for &o in offs {
            let p = a.offset(o);
            for (k, s) in acc.iter_mut().enumerate() {
                let v = F32x4::load(p.add(4 * k));
                *s = if MAX {
                    x::max_nan(*s, v)
                } else {
                    x::min_nan(*s, v)
                };
            }
        }
    }
    for (k, s) in acc.iter().enumerate() {
        s.store(acc_mem.add(4 * k));
    }
}

/// max (`MAX`) or min over the reduced rows of each of the `n` contiguous columns at `a`,
/// into `out` (f32); NaN if the column has one. Which zero wins a tie of -0 and +0 is
/// unspecified.
///
/// # Safety
/// As `sum_columns`, and there is at least one reduced row.
pub unsafe fn extreme_columns<const MAX: bool>(
    red_shape: &[isize],
    red_strides: &[isize],
    a: *const f32,
    n: usize,
    out: *mut f32,
) {
    let op = if MAX { "Max" } else { "Min" };
    debug_assert!(
        element_count(red_shape) > 0,
        "{op} over no reduced elements"
    );
    let mut offs = [0isize; ROW_BLOCK];
    let mut rows = Rows::new(red_shape, red_strides);
    let mut first = true;
    loop {
        let r = rows.next_block(&mut offs);
        if r == 0 {
            break;
        }
        let offs = &offs[..r];
        for_each_group::<GROUP>(
            n,
            |c| extreme_group::<MAX, GROUP>(a.add(c), offs, out.add(c), first),
            |c| extreme_group::<MAX, 1>(a.add(c), offs, out.add(c), first),
            |c| {
                let col = a.add(c);
                let mut acc = if first {
                    *col.offset(offs[0])
                } else {
                    *out.add(c)
                };
                for &o in offs {
                    let v = *col.offset(o);
                    if v.is_nan() || (if MAX { acc < v } else { v < acc }) {
                        acc = v;
                    }
                }
                *out.add(c) = acc;
            },
        );
        first = false;
    }
}

/// The js reference's "`v` replaces the best so far": strictly more extreme, or the first NaN.
#[inline(always)]
fn replaces<const MAX: bool>(v: f32, best: f32) -> bool {
    (if MAX { v > best } else { v < best }) || (v.is_nan() && !best.is_nan())
}

/// One block of argmax (argmin) over `V` vectors of columns: the best values live at
/// `best_mem` and their indices (i32) at `idx_mem`, read unless `first`; `k0` is the flat
/// reduced index of the block's first row.
#[inline(always)]
unsafe fn arg_group<const MAX: bool, const V: usize>(
    a: *const f32,
    offs: &[isize],
    k0: i32,
    best_mem: *mut f32,
    idx_mem: *mut u32,
    first: bool,
) {
    let start = if first { a.offset(offs[0]) } else { best_mem };
    let best0: [F32x4; V] = core::array::from_fn(|k| F32x4::load(start.add(4 * k)));
    let idx0: [I32x4; V] = if first {
        [I32x4::splat(0); V]
    } else {
        core::array::from_fn(|k| x::to_bits(F32x4::load(idx_mem.add(4 * k) as *const f32)))
    };
    let (mut best, mut idx) = (best0, idx0);
    let one = I32x4::splat(1);
    let mut here = I32x4::splat(k0);
    // A NaN best must stay, which the fast loop's `pick` does not promise (see
    // `extreme_group`): such a block takes the exact path.
    let mut nan = any_nan(&best0);
    for &o in offs {
        let p = a.offset(o);
        let v: [F32x4; V] = core::array::from_fn(|k| F32x4::load(p.add(4 * k)));
        for k in 0..V {
            let take = if MAX {
                x::gt(v[k], best[k])
            } else {
                x::lt(v[k], best[k])
            };
            // One instruction where a select takes three. On a tie of -0 and +0 the relaxed
            // build's max may keep either zero: the index is the same either way (the
            // zeros compare equal), and `arg_columns` reads `values` back at the indices.
            best[k] = pick::<MAX>(best[k], v[k]);
            // `here` exceeds every index taken so far: max() is the select, in two ops.
            idx[k] = idx[k].max(take.and(here));
        }
        nan = nan.or(nan_lanes(v));
        here = here.add(one);
    }
    if nan.any() {
        (best, idx) = arg_exact::<MAX, V>(a, offs, k0, best0, idx0);
    }
    store_arg(best, idx, best_mem, idx_mem);
}

/// Writes a group's running values and indices back.
#[inline(always)]
unsafe fn store_arg<const V: usize>(
    best: [F32x4; V],
    idx: [I32x4; V],
    best_mem: *mut f32,
    idx_mem: *mut u32,
) {
    for k in 0..V {
        best[k].store(best_mem.add(4 * k));
        x::from_bits(idx[k]).store(idx_mem.add(4 * k) as *mut f32);
    }
}

/// A block of `arg_group` with the exact rules, from the running `best`/`idx` before it:
/// the first NaN wins and stays.
#[inline(never)]
unsafe fn arg_exact<const MAX: bool, const V: usize>(
    a: *const f32,
    offs: &[isize],
    k0: i32,
    mut best: [F32x4; V],
    mut idx: [I32x4; V],
) -> ([F32x4; V], [I32x4; V]) {
    let (one, mut here) = (I32x4::splat(1), I32x4::splat(k0));
    for &o in offs {
        let p = a.offset(o);
        for k in 0..V {
            let v = F32x4::load(p.add(4 * k));
            let more = if MAX {
                x::gt(v, best[k])
            } else {
                x::lt(v, best[k])
            };
            let take = more.or(x::ne(v, v).and(x::eq(best[k], best[k])));
            idx[k] = idx[k].max(take.and(here));
            best[k] = take.select(v, best[k]);
        }
        here = here.add(one);
    }
    (best, idx)
}

/// Rows of a block that `arg_group_lazy` takes the maximum of before it looks for an index.
const SUB_BLOCK: usize = 16;

/// `arg_group` for a block after the first: each `SUB_BLOCK` rows' column maxima first
/// (`pmax`/`pmin` alone, as `extreme_group`, so a group can be as wide), and only the
/// vectors whose maximum beats the running one are walked again, from L1, to find the index. Once the running maxima have seen a few blocks a new maximum is rare, so
/// most rows cost a load and one instruction per vector instead of four. The running values
/// and indices stay in memory; only the sub-block's maxima are held in registers.
#[inline(always)]
unsafe fn arg_group_lazy<const MAX: bool, const V: usize>(
    a: *const f32,
    offs: &[isize],
    k0: i32,
    best_mem: *mut f32,
    idx_mem: *mut u32,
) {
    let load_best = |k: usize| F32x4::load(best_mem.add(4 * k));
    let load_idx = |k: usize| x::to_bits(F32x4::load(idx_mem.add(4 * k) as *const f32));
    let best0: [F32x4; V] = core::array::from_fn(load_best);
    let idx0: [I32x4; V] = core::array::from_fn(load_idx);
    let mut nan = any_nan(&best0);
    let one = I32x4::splat(1);
    for (s, sub) in offs.chunks(SUB_BLOCK).enumerate() {
        let mut m: [F32x4; V] = core::array::from_fn(load_best);
        for &o in sub {
            let p = a.offset(o);
            let v: [F32x4; V] = core::array::from_fn(|k| F32x4::load(p.add(4 * k)));
            for k in 0..V {
                m[k] = pick::<MAX>(m[k], v[k]);
            }
            nan = nan.or(nan_lanes(v));
        }
        for (k, &m) in m.iter().enumerate() {
            let mut best = load_best(k);
            let beats = if MAX { x::gt(m, best) } else { x::lt(m, best) };
            if !beats.any() {
                continue;
            }
            let mut idx = load_idx(k);
            let mut here = I32x4::splat(k0 + (s * SUB_BLOCK) as i32);
            for &o in sub {
                let v = F32x4::load(a.offset(o).add(4 * k));
                let take = if MAX { x::gt(v, best) } else { x::lt(v, best) };
                best = pick::<MAX>(best, v);
                idx = idx.max(take.and(here));
                here = here.add(one);
            }
            store_arg([best], [idx], best_mem.add(4 * k), idx_mem.add(4 * k));
        }
    }
    if nan.any() {
        let (best, idx) = arg_exact::<MAX, V>(a, offs, k0, best0, idx0);
        store_arg(best, idx, best_mem, idx_mem);
    }
}

/// argmax (`MAX`) or argmin over the reduced rows of each of the `n` contiguous columns at
/// `a`: the flat reduced index (row-major over `red_shape`) of the first NaN, else of the
/// first extreme, as i32 into `out`; the values at those indices to `values` unless it is
/// null.
///
/// # Safety
/// As `extreme_columns`; the reduced rows number less than 2³¹; `out` (and `values` if not
/// null) hold `n`.
pub unsafe fn arg_columns<const MAX: bool>(
    red_shape: &[isize],
    red_strides: &[isize],
    a: *const f32,
    n: usize,
    out: *mut u32,
    values: *mut f32,
) {
    let op = if MAX { "Argmax" } else { "Argmin" };
    debug_assert!(
        element_count(red_shape) > 0,
        "{op} over no reduced elements"
    );
    debug_assert!(element_count(red_shape) <= i32::MAX as usize);
    let mut scratch = Vec::new();
    let best = if values.is_null() {
        scratch.resize(n, 0f32);
        scratch.as_mut_ptr()
    } else {
        values
    };
    let idx = out;
    let mut offs = [0isize; ROW_BLOCK];
    let mut rows = Rows::new(red_shape, red_strides);
    let mut k0 = 0i32;
    loop {
        let r = rows.next_block(&mut offs);
        if r == 0 {
            break;
        }
        let offs = &offs[..r];
        let first = k0 == 0;
        let lane = |c: usize| {
            let col = a.add(c);
            let (mut b, mut at) = if first {
                (*col.offset(offs[0]), 0i32)
            } else {
                (*best.add(c), *out.add(c) as i32)
            };
            for (j, &o) in offs.iter().enumerate() {
                let v = *col.offset(o);
                if replaces::<MAX>(v, b) {
                    (b, at) = (v, k0 + j as i32);
                }
            }
            *best.add(c) = b;
            *out.add(c) = at as u32;
        };
        if first {
            for_each_group::<ARG_GROUP>(
                n,
                |c| arg_group::<MAX, ARG_GROUP>(a.add(c), offs, k0, best.add(c), idx.add(c), true),
                |c| arg_group::<MAX, 1>(a.add(c), offs, k0, best.add(c), idx.add(c), true),
                lane,
            );
        } else {
            for_each_group::<GROUP>(
                n,
                |c| arg_group_lazy::<MAX, GROUP>(a.add(c), offs, k0, best.add(c), idx.add(c)),
                |c| arg_group_lazy::<MAX, 1>(a.add(c), offs, k0, best.add(c), idx.add(c)),
                lane,
            );
        }
        k0 += r as i32;
    }
    if !values.is_null() {
        // A running value may hold the other zero of a -0/+0 tie (see `arg_group`): zeros
        // are read back at their indices, so the values are the elements the indices name.
        for c in 0..n {
            if *values.add(c) == 0.0 {
                let o = row_offset(red_shape, red_strides, *out.add(c) as usize);
                *values.add(c) = *a.offset(o + c as isize);
            }
        }
    }
}

/// The element offset of reduced row `k` (row-major over `shape`).
fn row_offset(shape: &[isize], strides: &[isize], mut k: usize) -> isize {
    let mut o = 0;
    for (&n, &s) in shape.iter().zip(strides).rev() {
        let n = n as usize;
        o += (k % n) as isize * s;
        k /= n;
    }
    o
}
