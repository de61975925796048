//! Reductions down columns: the reduced dims are outer to a contiguous kept row of `n`
//! floats, so each output is a column.
//!
//! Sums cut the work into blocks of `ROW_BLOCK` reduced rows; within a block, the columns go
//! by in groups of `V` vectors whose accumulators stay in registers while the block's rows
//! stream past, then go back to memory (`out`, or a scratch row) for the next block. A
//! block's rows (ROW_BLOCK · 4n bytes) stay in L2 while the column groups walk across them,
//! so every cache line is read once.
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
//! max/min/argmax/argmin keep their running values (and indices) in memory, a tile of
//! `TILE` columns at a time, and read `ROWS` whole rows of the tile per pass: a few long
//! sequential streams, as a row reduction reads, where the register groups of the sums read
//! 32 streams of 128 bytes; the running row stays in L1. max/min propagate NaN,
//! argmax/argmin give the first NaN, else the first extreme (the js reference's rules). The
//! common no-NaN case runs `pmax`/`pmin` (one instruction each on x86) and a compare for the
//! index; a tile that met a NaN is redone with the exact rules. argmax/argmin of rows
//! narrower than `LAZY_BELOW_COLUMNS` keep the register groups instead (`arg_columns_lazy`).

use crate::simd::F32x4;
use crate::simd_ext::{self as x, I32x4};
use crate::strided::element_count;

/// Reduced rows per block: partial sums of this many terms bound the f32 error (see the
/// module comment), and a block of 1024-float rows (128 KiB) stays in L2.
pub const ROW_BLOCK: usize = 32;

/// Vectors per column group of sum (32 columns: 8 accumulators, 8 loads).
const GROUP: usize = 8;

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

/// The reduced rows' offsets in `Rows` order, at most `ROW_BLOCK` at a time: calls
/// `block(offs, k0)`, `k0` the flat index of the block's first row.
#[inline(always)]
fn for_each_block(
    red_shape: &[isize],
    red_strides: &[isize],
    mut block: impl FnMut(&[isize], i32),
) {
    let mut offs = [0isize; ROW_BLOCK];
    let mut rows = Rows::new(red_shape, red_strides);
    let mut k0 = 0i32;
    loop {
        let r = rows.next_block(&mut offs);
        if r == 0 {
            return;
        }
        block(&offs[..r], k0);
        k0 += r as i32;
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
    for_each_block(red_shape, red_strides, |offs, _| {
        let adjacent = offs
            .iter()
            .enumerate()
            .all(|(j, &o)| o == offs[0] + (j * n) as isize);
        if n < 4 * GROUP && adjacent {
            sum_narrow(a.offset(offs[0]), offs.len(), n, t);
            return;
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
    });
}

/// Columns per tile of max/min/argmax/argmin: a tile's running values and indices, in two
/// copies (see `Running`), 16 KiB, stay in L1 while all the reduced rows stream past.
const TILE: usize = 1024;

/// Reduced rows max/min/argmax/argmin read together: a step over the tile takes 8 row
/// streams, so the running values go through L1 once per 8 rows.
const ROWS: usize = 8;

/// The running max (min): `acc < v ? v : acc` (`v < acc ? v : acc`). A NaN in `v` is
/// ignored; a NaN in `acc` is kept by the simd128 instructions but was seen dropped by the
/// relaxed builds. So the fast steps add up the rows they read, and a step whose sum is NaN
/// in some lane (a NaN, or inf + -inf) is redone with the exact rules; once a running value
/// may be NaN, the steps after it keep the lanes whose running value is NaN (`GUARD`).
#[inline(always)]
fn pick<const MAX: bool>(acc: F32x4, v: F32x4) -> F32x4 {
    if MAX {
        x::pmax(acc, v)
    } else {
        x::pmin(acc, v)
    }
}

/// `v` is strictly more extreme than `best` (false when either is NaN).
#[inline(always)]
fn beats<const MAX: bool>(v: F32x4, best: F32x4) -> I32x4 {
    if MAX {
        x::gt(v, best)
    } else {
        x::lt(v, best)
    }
}

/// The js reference's "`v` replaces the best so far": strictly more extreme, or the first NaN.
#[inline(always)]
fn replaces<const MAX: bool>(v: f32, best: f32) -> bool {
    (if MAX { v > best } else { v < best }) || (v.is_nan() && !best.is_nan())
}

/// max/min's rule: the first NaN, else a strictly more extreme value replaces the best.
#[inline(always)]
fn replaces_value<const MAX: bool>(v: f32, best: f32) -> bool {
    v.is_nan() || (if MAX { best < v } else { v < best })
}

/// The sum of the vectors, NaN in a lane where one of them is NaN.
#[inline(always)]
fn lane_sum<const R: usize>(v: &[F32x4; R]) -> F32x4 {
    v[1..].iter().fold(v[0], |t, &x| t.add(x))
}

/// The running values (and indices) of a tile of `w` columns, in two copies: a step reads
/// one and writes the other, so a fast step that met a NaN is redone from the copy it read.
/// Copy 0 is the caller's output.
struct Running {
    best: [*mut f32; 2],
    idx: [*mut u32; 2],
    cur: usize,
}

impl Running {
    /// Runs `step(from_best, from_idx, to_best, to_idx)` and makes its output current.
    #[inline(always)]
    fn step(&mut self, step: impl FnOnce(*const f32, *const u32, *mut f32, *mut u32)) {
        let (from, to) = (self.cur, 1 - self.cur);
        step(self.best[from], self.idx[from], self.best[to], self.idx[to]);
        self.cur = to;
    }

    /// Copies the current values (and indices, unless `values_only`) to copy 0.
    unsafe fn finish(&self, w: usize, values_only: bool) {
        if self.cur == 1 {
            core::ptr::copy_nonoverlapping(self.best[1], self.best[0], w);
            if !values_only {
                core::ptr::copy_nonoverlapping(self.idx[1], self.idx[0], w);
            }
        }
    }
}

/// The reduced rows at `a` in the order of `Rows`: calls `step(rows, k)` with each `ROWS`
/// row pointers, then with each row left over at the end alone (`k`: the flat index of the
/// first row).
#[inline(always)]
unsafe fn for_each_step(
    red_shape: &[isize],
    red_strides: &[isize],
    a: *const f32,
    mut step: impl FnMut(&[*const f32], i32),
) {
    for_each_block(red_shape, red_strides, |offs, k0| {
        let mut k = k0;
        let mut chunks = offs.chunks_exact(ROWS);
        for chunk in &mut chunks {
            let p: [*const f32; ROWS] = core::array::from_fn(|j| a.offset(chunk[j]));
            step(&p, k);
            k += ROWS as i32;
        }
        for &o in chunks.remainder() {
            step(&[a.offset(o)], k);
            k += 1;
        }
    });
}

/// max (min) of `from[c]` (or of row `p[0]` when `first`) and the `R` rows at `p`, into
/// `to`, for the `w` columns; returns whether the rows' sum is NaN in some lane. `GUARD`
/// keeps a NaN running value.
#[inline(always)]
unsafe fn extreme_rows<const MAX: bool, const R: usize, const GUARD: bool>(
    p: &[*const f32; R],
    w: usize,
    from: *const f32,
    to: *mut f32,
    first: bool,
) -> bool {
    let from = if first { p[0] } else { from };
    let mut sum = F32x4::splat(0.0);
    let mut c = 0;
    while c + 4 <= w {
        let v: [F32x4; R] = core::array::from_fn(|r| F32x4::load(p[r].add(c)));
        let b0 = F32x4::load(from.add(c));
        let mut b = v.iter().fold(b0, |b, &v| pick::<MAX>(b, v));
        if GUARD {
            b = x::ne(b0, b0).select(b0, b);
        }
        sum = sum.add(lane_sum(&v));
        b.store(to.add(c));
        c += 4;
    }
    while c < w {
        let mut b = *from.add(c);
        for pr in p {
            let v = *pr.add(c);
            if replaces_value::<MAX>(v, b) {
                b = v;
            }
        }
        *to.add(c) = b;
        c += 1;
    }
    x::ne(sum, sum).any()
}

/// `extreme_rows` with the exact rules (NaN propagates), a row at a time.
unsafe fn extreme_rows_exact<const MAX: bool>(
    p: &[*const f32],
    w: usize,
    from: *const f32,
    to: *mut f32,
    first: bool,
) {
    for (r, &row) in p.iter().enumerate() {
        let from = match (r, first) {
            (0, true) => row,
            (0, false) => from,
            _ => to as *const f32,
        };
        let mut c = 0;
        while c + 4 <= w {
            let (b, v) = (F32x4::load(from.add(c)), F32x4::load(row.add(c)));
            let b = if MAX {
                x::max_nan(b, v)
            } else {
                x::min_nan(b, v)
            };
            b.store(to.add(c));
            c += 4;
        }
        while c < w {
            let (b, v) = (*from.add(c), *row.add(c));
            *to.add(c) = if replaces_value::<MAX>(v, b) { v } else { b };
            c += 1;
        }
    }
}

/// max (`MAX`) or min over the reduced rows of each of the `n` contiguous columns at `a`,
/// into `out` (f32); NaN if the column has one. Which zero wins a tie of -0 and +0 is
/// unspecified.
///
/// # Safety
/// As `sum_columns`, and there is at least one reduced row.
#[inline(never)]
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
    let mut copy = vec![0f32; n.min(TILE)];
    for c0 in (0..n).step_by(TILE) {
        let (a, w) = (a.add(c0), (n - c0).min(TILE));
        let idx = core::ptr::null_mut();
        let mut run = Running {
            best: [out.add(c0), copy.as_mut_ptr()],
            idx: [idx, idx],
            cur: 0,
        };
        // Whether a running value may be NaN: a step was redone.
        let mut guard = false;
        for_each_step(red_shape, red_strides, a, |p, k| {
            run.step(|from, _, to, _| {
                let first = k == 0;
                let nan = match (<&[*const f32; ROWS]>::try_from(p), guard) {
                    (Ok(p), false) => extreme_rows::<MAX, ROWS, false>(p, w, from, to, first),
                    (Ok(p), true) => extreme_rows::<MAX, ROWS, true>(p, w, from, to, first),
                    (Err(_), _) => extreme_rows::<MAX, 1, true>(&[p[0]], w, from, to, first),
                };
                if nan {
                    extreme_rows_exact::<MAX>(p, w, from, to, first);
                    guard = true;
                }
            })
        });
        run.finish(w, true);
    }
}

/// argmax (argmin) of the running `from_best`/`from_idx` (or of row `p[0]` at index `k` when
/// `first`) and the `R` rows at `p` (flat indices `k`, `k + 1`, …), into `to_best`/`to_idx`,
/// for the `w` columns; returns whether the rows' sum is NaN in some lane (`GUARD`: keeps
/// the lanes whose running value is NaN as they are). Rows go in pairs: the pair's extreme and which of the two (`here - second`, as `second` is -1 where
/// the later row wins), then one compare with the running best: 3.5 vector ops a row
/// instead of 4.
#[inline(always)]
unsafe fn arg_rows<const MAX: bool, const R: usize, const GUARD: bool>(
    p: &[*const f32; R],
    k: i32,
    w: usize,
    (from_best, from_idx): (*const f32, *const u32),
    (to_best, to_idx): (*mut f32, *mut u32),
    first: bool,
) -> bool {
    let here: [I32x4; R] = core::array::from_fn(|r| I32x4::splat(k + r as i32));
    let mut sum = F32x4::splat(0.0);
    let mut c = 0;
    while c + 4 <= w {
        let (b0, i0) = if first {
            (F32x4::load(p[0].add(c)), I32x4::splat(k))
        } else {
            let i = F32x4::load(from_idx.add(c) as *const f32);
            (F32x4::load(from_best.add(c)), x::to_bits(i))
        };
        let (mut b, mut i) = (b0, i0);
        let v: [F32x4; R] = core::array::from_fn(|r| F32x4::load(p[r].add(c)));
        let mut r = 0;
        while r + 2 <= R {
            // First index on a tie: the later row wins the pair only when strictly more extreme.
            let second = beats::<MAX>(v[r + 1], v[r]);
            let m = pick::<MAX>(v[r], v[r + 1]);
            // `here` exceeds every index taken so far: max() is the select, in two ops.
            i = i.max(beats::<MAX>(m, b).and(here[r].sub(second)));
            b = pick::<MAX>(b, m);
            r += 2;
        }
        if r < R {
            i = i.max(beats::<MAX>(v[r], b).and(here[r]));
            b = pick::<MAX>(b, v[r]);
        }
        if GUARD {
            let nan = x::ne(b0, b0);
            b = nan.select(b0, b);
            i = x::to_bits(nan.select(x::from_bits(i0), x::from_bits(i)));
        }
        sum = sum.add(lane_sum(&v));
        b.store(to_best.add(c));
        x::from_bits(i).store(to_idx.add(c) as *mut f32);
        c += 4;
    }
    while c < w {
        let (mut b, mut at) = if first {
            (*p[0].add(c), k)
        } else {
            (*from_best.add(c), *from_idx.add(c) as i32)
        };
        for (r, pr) in p.iter().enumerate() {
            let v = *pr.add(c);
            if replaces::<MAX>(v, b) {
                (b, at) = (v, k + r as i32);
            }
        }
        *to_best.add(c) = b;
        *to_idx.add(c) = at as u32;
        c += 1;
    }
    x::ne(sum, sum).any()
}

/// `arg_rows` with the exact rules, a row at a time: the first NaN wins and stays.
unsafe fn arg_rows_exact<const MAX: bool>(
    p: &[*const f32],
    k: i32,
    w: usize,
    (from_best, from_idx): (*const f32, *const u32),
    (to_best, to_idx): (*mut f32, *mut u32),
    first: bool,
) {
    for (r, &row) in p.iter().enumerate() {
        let (k, first) = (k + r as i32, first && r == 0);
        let (from_best, from_idx) = if r == 0 {
            (from_best, from_idx)
        } else {
            (to_best as *const f32, to_idx as *const u32)
        };
        let here = I32x4::splat(k);
        let mut c = 0;
        while c + 4 <= w {
            let v = F32x4::load(row.add(c));
            let (b, i) = if first {
                (v, I32x4::splat(k))
            } else {
                let i = F32x4::load(from_idx.add(c) as *const f32);
                (F32x4::load(from_best.add(c)), x::to_bits(i))
            };
            let take = beats::<MAX>(v, b).or(x::ne(v, v).and(x::eq(b, b)));
            take.select(v, b).store(to_best.add(c));
            x::from_bits(i.max(take.and(here))).store(to_idx.add(c) as *mut f32);
            c += 4;
        }
        while c < w {
            let v = *row.add(c);
            let (b, at) = if first {
                (v, k)
            } else {
                (*from_best.add(c), *from_idx.add(c) as i32)
            };
            let (b, at) = if replaces::<MAX>(v, b) {
                (v, k)
            } else {
                (b, at)
            };
            (*to_best.add(c), *to_idx.add(c)) = (b, at as u32);
            c += 1;
        }
    }
}

/// Rows narrower than this take `arg_columns_lazy`: its column groups keep their maxima in
/// registers, where a row stream's per-step cost is spread over too few columns.
const LAZY_BELOW_COLUMNS: usize = 640;

/// argmax (`MAX`) or argmin over the reduced rows of each of the `n` contiguous columns at
/// `a`: the flat reduced index (row-major over `red_shape`) of the first NaN, else of the
/// first extreme, as i32 into `out`; the values at those indices to `values` unless it is
/// null.
///
/// # Safety
/// As `extreme_columns`; the reduced rows number less than 2³¹; `out` (and `values` if not
/// null) hold `n`.
#[inline(never)]
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
    let lazy = n < LAZY_BELOW_COLUMNS;
    arg_columns_by::<MAX>(red_shape, red_strides, a, n, out, values, lazy);
}

/// `arg_columns` by `arg_columns_lazy` or `arg_columns_streamed`.
#[inline(always)]
unsafe fn arg_columns_by<const MAX: bool>(
    red_shape: &[isize],
    red_strides: &[isize],
    a: *const f32,
    n: usize,
    out: *mut u32,
    values: *mut f32,
    lazy: bool,
) {
    let mut scratch = Vec::new();
    let best = if values.is_null() {
        scratch.resize(n, 0f32);
        scratch.as_mut_ptr()
    } else {
        values
    };
    if lazy {
        arg_columns_lazy::<MAX>(red_shape, red_strides, a, n, out, best);
    } else {
        arg_columns_streamed::<MAX>(red_shape, red_strides, a, n, out, best);
    }
    if !values.is_null() {
        // A running value may hold the other zero of a -0/+0 tie (`pick` keeps either): zeros
        // are read back at their indices, so the values are the elements the indices name.
        for c in 0..n {
            if *values.add(c) == 0.0 {
                let o = row_offset(red_shape, red_strides, *out.add(c) as usize);
                *values.add(c) = *a.offset(o + c as isize);
            }
        }
    }
}

/// `arg_columns` for wide rows, into `out` and `best` (both hold `n`): a tile's running
/// values and indices stay in L1 while `ROWS` rows at a time stream past.
unsafe fn arg_columns_streamed<const MAX: bool>(
    red_shape: &[isize],
    red_strides: &[isize],
    a: *const f32,
    n: usize,
    out: *mut u32,
    best: *mut f32,
) {
    let t = n.min(TILE);
    // The second copy of the running values and indices.
    let mut scratch = vec![0f32; 2 * t];
    let (best1, idx1) = scratch.split_at_mut(t);
    for c0 in (0..n).step_by(TILE) {
        let (a, w) = (a.add(c0), (n - c0).min(TILE));
        let mut run = Running {
            best: [best.add(c0), best1.as_mut_ptr()],
            idx: [out.add(c0), idx1.as_mut_ptr() as *mut u32],
            cur: 0,
        };
        // Whether a running value may be NaN: a step was redone.
        let mut guard = false;
        for_each_step(red_shape, red_strides, a, |p, k| {
            run.step(|from_best, from_idx, to_best, to_idx| {
                let (from, to, first) = ((from_best, from_idx), (to_best, to_idx), k == 0);
                let nan = match (<&[*const f32; ROWS]>::try_from(p), guard) {
                    (Ok(p), false) => arg_rows::<MAX, ROWS, false>(p, k, w, from, to, first),
                    (Ok(p), true) => arg_rows::<MAX, ROWS, true>(p, k, w, from, to, first),
                    (Err(_), _) => arg_rows::<MAX, 1, true>(&[p[0]], k, w, from, to, first),
                };
                if nan {
                    arg_rows_exact::<MAX>(p, k, w, from, to, first);
                    guard = true;
                }
            })
        });
        run.finish(w, false);
    }
}

/// Vectors per column group of `arg_columns_lazy`'s first block (best and index: 8
/// accumulators) and of its later blocks (maxima only).
const ARG_GROUP: usize = 4;
const LAZY_GROUP: usize = 8;

/// Rows of a block that `arg_group_lazy` takes the maximum of before it looks for an index.
const SUB_BLOCK: usize = 16;

/// All ones in the lanes where some `V`-vector row may hold a NaN: the lanes are added up (a
/// NaN stays NaN), so `inf + -inf` in one lane may also flag it, which only sends the block
/// down the exact path.
#[inline(always)]
fn nan_lanes<const V: usize>(rows: [F32x4; V]) -> I32x4 {
    let t = lane_sum(&rows);
    x::ne(t, t)
}

/// All ones in the lanes of `v` that hold a NaN, OR-ed over the vectors.
#[inline(always)]
fn any_nan<const V: usize>(v: &[F32x4; V]) -> I32x4 {
    v.iter().fold(I32x4::splat(0), |m, &x| m.or(x::ne(x, x)))
}

/// `arg_columns` for narrow rows, into `out` and `best` (both hold `n`): blocks of
/// `ROW_BLOCK` rows, the columns in register groups across each block. The first block
/// tracks the index row by row (`arg_group`); later ones take each `SUB_BLOCK` rows' maxima
/// first and look for an index only where the maximum moved (`arg_group_lazy`).
unsafe fn arg_columns_lazy<const MAX: bool>(
    red_shape: &[isize],
    red_strides: &[isize],
    a: *const f32,
    n: usize,
    out: *mut u32,
    best: *mut f32,
) {
    let idx = out;
    for_each_block(red_shape, red_strides, |offs, k0| {
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
            for_each_group::<LAZY_GROUP>(
                n,
                |c| arg_group_lazy::<MAX, LAZY_GROUP>(a.add(c), offs, k0, best.add(c), idx.add(c)),
                |c| arg_group_lazy::<MAX, 1>(a.add(c), offs, k0, best.add(c), idx.add(c)),
                lane,
            );
        }
    });
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
    // A NaN best must stay, which the fast loop's `pick` does not promise: such a block
    // takes the exact path.
    let mut nan = any_nan(&best0);
    for &o in offs {
        let p = a.offset(o);
        let v: [F32x4; V] = core::array::from_fn(|k| F32x4::load(p.add(4 * k)));
        for k in 0..V {
            let take = beats::<MAX>(v[k], best[k]);
            // One instruction where a select takes three; on a -0/+0 tie either zero may
            // stay, with the same index (`arg_columns` reads zeros back at the indices).
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
            let take = beats::<MAX>(v, best[k]).or(x::ne(v, v).and(x::eq(best[k], best[k])));
            idx[k] = idx[k].max(take.and(here));
            best[k] = take.select(v, best[k]);
        }
        here = here.add(one);
    }
    (best, idx)
}

/// `arg_group` for a block after the first: each `SUB_BLOCK` rows' column maxima first
/// (`pmax`/`pmin` alone, so a group can be as wide as max/min's), and only the vectors whose
/// maximum beats the running one are walked again, from L1, to find the index. Once the
/// running maxima have seen a few blocks a new maximum is rare, so most rows cost a load and
/// one instruction per vector instead of four.
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
            if !beats::<MAX>(m, best).any() {
                continue;
            }
            let mut idx = load_idx(k);
            let mut here = I32x4::splat(k0 + (s * SUB_BLOCK) as i32);
            for &o in sub {
                let v = F32x4::load(a.offset(o).add(4 * k));
                let take = beats::<MAX>(v, best);
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The first NaN, else the first extreme (the js reference's rule), and its value.
    fn naive<const MAX: bool>(col: &[f32]) -> (usize, f32) {
        let (mut at, mut b) = (0, col[0]);
        for (j, &v) in col.iter().enumerate() {
            if replaces::<MAX>(v, b) {
                (at, b) = (j, v);
            }
        }
        (at, b)
    }

    /// Columns that put ties, rising and falling runs, NaNs, infinities and zeros of both
    /// signs at the edges of the 8-row steps, the pairs and the tiles.
    fn column_data(rows: usize, cols: usize, kind: usize, seed: u32) -> Vec<f32> {
        let mut s = seed;
        (0..rows * cols)
            .map(|e| {
                let (r, c) = (e / cols, e % cols);
                s = s.wrapping_mul(1664525).wrapping_add(1013904223);
                let u = s >> 8;
                match kind {
                    0 => (u % 7) as f32 - 3.0,
                    1 => r as f32 * if c % 2 == 0 { 1.0 } else { -1.0 },
                    2 if u.is_multiple_of(97) => f32::NAN,
                    2 => (u % 5) as f32,
                    3 if u.is_multiple_of(3) => -0.0,
                    3 => 0.0,
                    4 if (r % 8 == 7 || r % 8 == 0) && u.is_multiple_of(5) => f32::NAN,
                    4 => (u % 1000) as f32 * 0.5,
                    5 if r == rows - 1 && c % 3 == 0 => f32::NAN,
                    5 if u.is_multiple_of(11) => f32::INFINITY,
                    5 if u.is_multiple_of(13) => f32::NEG_INFINITY,
                    _ => (u % 9) as f32 - 4.0,
                }
            })
            .collect()
    }

    #[test]
    fn column_extremes_match_a_naive_loop() {
        let sizes = [
            (1, 37),
            (7, 40),
            (8, 45),
            (9, 64),
            (33, 53),
            (100, 2051),
            (257, 70),
            // Both sides of the lazy argmax's threshold, with later blocks and sub-blocks.
            (70, LAZY_BELOW_COLUMNS - 1),
            (70, LAZY_BELOW_COLUMNS),
        ];
        for (rows, cols) in sizes {
            for kind in 0..7 {
                let data = column_data(rows, cols, kind, 1 + kind as u32);
                let (shape, strides) = ([rows as isize], [cols as isize]);
                for max in [true, false] {
                    let (mut idx, mut val, mut ext) =
                        (vec![0u32; cols], vec![0f32; cols], vec![0f32; cols]);
                    // The threshold's choice, then each argmax kernel on every shape.
                    for path in [None, Some(true), Some(false)] {
                        unsafe {
                            let (o, v, a) = (idx.as_mut_ptr(), val.as_mut_ptr(), data.as_ptr());
                            let (s, t, e) = (&shape[..], &strides[..], ext.as_mut_ptr());
                            match (path, max) {
                                (None, true) => arg_columns::<true>(s, t, a, cols, o, v),
                                (None, false) => arg_columns::<false>(s, t, a, cols, o, v),
                                (Some(l), true) => arg_columns_by::<true>(s, t, a, cols, o, v, l),
                                (Some(l), false) => arg_columns_by::<false>(s, t, a, cols, o, v, l),
                            }
                            if max {
                                extreme_columns::<true>(s, t, a, cols, e);
                            } else {
                                extreme_columns::<false>(s, t, a, cols, e);
                            }
                        }
                        for c in 0..cols {
                            let col: Vec<f32> = (0..rows).map(|r| data[r * cols + c]).collect();
                            let (at, b) = if max {
                                naive::<true>(&col)
                            } else {
                                naive::<false>(&col)
                            };
                            let ctx = format!(
                                "max={max} lazy={path:?} kind {kind} {rows}x{cols} column {c}"
                            );
                            assert_eq!(idx[c] as usize, at, "{ctx}");
                            assert_eq!(val[c].to_bits(), b.to_bits(), "{ctx}");
                            // Either zero may win a -0/+0 tie of the values-only max.
                            assert!(ext[c] == b || ext[c].is_nan() && b.is_nan(), "{ctx}");
                        }
                    }
                }
            }
        }
    }
}
