//! The n-d loop skeleton shared by the strided kernels. The TypeScript side has already
//! coalesced dims (TensorIterator-style), so the innermost dim is as long as possible and
//! each kernel only specialises the innermost row.

/// Calls `row(offsets, n)` once per innermost row of `shape`, where `offsets[k]` is operand
/// k's element offset of the row's first element and `n` the row length. Rank 0 is one row
/// of one element; a zero-size dim means no rows.
#[inline(always)]
pub fn for_each_row<const K: usize>(
    shape: &[isize],
    strides: [&[isize]; K],
    mut row: impl FnMut([isize; K], usize),
) {
    let ndim = shape.len();
    // The odometer steps every operand by its stride in each outer dim.
    debug_assert!(
        strides.iter().all(|s| s.len() == ndim),
        "every operand needs one stride per dim"
    );
    if ndim == 0 {
        row([0; K], 1);
        return;
    }
    if shape.iter().any(|&s| s <= 0) {
        return;
    }
    let n = shape[ndim - 1] as usize;
    if ndim <= 2 {
        // One or two dims (most coalesced layouts, e.g. a broadcast of a column over short
        // rows): a plain loop, no odometer.
        let rows = if ndim == 2 { shape[0] } else { 1 };
        let step: [isize; K] = core::array::from_fn(|k| strides[k][0]);
        let mut offs = [0isize; K];
        for _ in 0..rows {
            row(offs, n);
            for k in 0..K {
                offs[k] += step[k];
            }
        }
        return;
    }
    let outer = ndim - 1;
    let mut idx = vec![0isize; outer];
    let mut offs = [0isize; K];
    loop {
        row(offs, n);
        // Odometer increment over the outer dims, moving every operand's offset.
        let mut d = outer;
        loop {
            if d == 0 {
                return;
            }
            d -= 1;
            idx[d] += 1;
            for k in 0..K {
                offs[k] += strides[k][d];
            }
            if idx[d] < shape[d] {
                break;
            }
            for k in 0..K {
                offs[k] -= strides[k][d] * shape[d];
            }
            idx[d] = 0;
        }
    }
}

/// The innermost stride of each operand (0 for rank 0).
#[inline(always)]
pub fn inner_strides<const K: usize>(strides: [&[isize]; K]) -> [isize; K] {
    strides.map(|s| s.last().copied().unwrap_or(0))
}

/// Splits the flat `dims` array the TypeScript side writes (`shape` then each operand's
/// strides, `ndim` entries each) into its parts.
///
/// # Safety
/// `dims` must be valid for `(K + 1) * ndim` values.
#[inline(always)]
pub unsafe fn split_dims<'a, const K: usize>(
    dims: *const isize,
    ndim: usize,
) -> (&'a [isize], [&'a [isize]; K]) {
    let all: &[isize] = if ndim == 0 {
        &[]
    } else {
        core::slice::from_raw_parts(dims, (K + 1) * ndim)
    };
    let shape = &all[..ndim];
    let strides = core::array::from_fn(|k| &all[(k + 1) * ndim..(k + 2) * ndim]);
    (shape, strides)
}

/// Elements of `shape` (0 if any dim is 0 or negative; 1 for rank 0).
pub fn element_count(shape: &[isize]) -> usize {
    shape.iter().map(|&s| s.max(0) as usize).product()
}

/// Below this many elements an elementwise op stays on one thread: the fork-join would
/// cost more than the work it shares.
pub const PARALLEL_MIN_ELEMENTS: usize = 1 << 17;

/// Runs `f(shape, offsets)` on pieces of an n-d problem cut along its outermost dim, split
/// over the pool when the problem is large. `offsets[k]` is operand k's element offset of
/// the piece. A 1-d problem is cut on multiples of 16 elements, so every piece keeps the
/// serial run's vector alignment; elementwise kernels compute each element independently,
/// so the result is the same for any thread count.
pub fn split_outer<const K: usize>(
    shape: &[isize],
    strides: [&[isize]; K],
    f: impl Fn(&[isize], [isize; K]) + Sync,
) {
    split_outer_sized(shape, strides, element_count(shape), f)
}

/// `split_outer` where the work is `total` elements rather than the shape's own count (a
/// reduction reads many inputs per output).
pub fn split_outer_sized<const K: usize>(
    shape: &[isize],
    strides: [&[isize]; K],
    total: usize,
    f: impl Fn(&[isize], [isize; K]) + Sync,
) {
    let threads = crate::pool::threads();
    if shape.is_empty() || threads <= 1 || total < PARALLEL_MIN_ELEMENTS {
        return f(shape, [0; K]);
    }
    let outer = shape[0] as usize;
    let align = if shape.len() == 1 { 16 } else { 1 };
    let parts = (2 * threads).min(outer.div_ceil(align));
    // Strides travel as plain numbers: the closure must be shareable across threads.
    let strides0: [isize; K] = core::array::from_fn(|k| strides[k][0]);
    crate::pool::parallel_for(parts, |p| {
        let rows = crate::pool::chunk(outer, parts, align, p);
        if rows.is_empty() {
            return;
        }
        let mut piece = shape.to_vec();
        piece[0] = rows.len() as isize;
        f(&piece, strides0.map(|s| s * rows.start as isize));
    });
}
