//! Reductions of float64, int32 and bool inputs, and all/any of every kind (float32's other
//! reductions are `reduce`'s SIMD kernels). Every element is read as an f64, exact for all
//! four kinds, so one walk serves them all: sums and products accumulate in f64 in the
//! order of the reduced elements (the js reference's order, so int32 and bool sums are
//! exact while they stay below 2⁵³), max/min propagate NaN, argmax/argmin give the first NaN
//! else the first extreme, all/any test `x != 0` (NaN is nonzero, -0 is zero).
//!
//! When the kept row is contiguous and the reduced dims are not (`x.sum(0)`), the reduced
//! rows stream past a row of per-column accumulators, so memory is read in order; otherwise
//! each output walks its own reduced rows, stopping early once the answer is settled (all
//! met a zero, any a nonzero, max/min a NaN).

use crate::copy::Kind;
use crate::reduce::{ReduceDims, ReduceOp};
use crate::scalar::to_int32;
use crate::strided::{element_count, for_each_row, split_outer_sized};

/// An element kind read as an f64 and written from one.
pub trait Element: Copy {
    fn get(self) -> f64;
    fn put(v: f64) -> Self;
}

/// `Element` for a type whose `as` casts from and to f64 are the reads and stores wanted.
macro_rules! element_by_cast {
    ($($t:ty),*) => {$(
        impl Element for $t {
            #[inline(always)]
            fn get(self) -> f64 {
                self as f64
            }
            #[inline(always)]
            fn put(v: f64) -> Self {
                v as $t
            }
        }
    )*};
}

element_by_cast!(f32, f64, i32);

/// Bools are 0/1 bytes.
impl Element for u8 {
    #[inline(always)]
    fn get(self) -> f64 {
        self as f64
    }
    #[inline(always)]
    fn put(v: f64) -> Self {
        (v != 0.0) as u8
    }
}

/// A running result: the value, and for the extremes the flat index that holds it (-1
/// before the first element).
#[derive(Clone, Copy)]
struct Acc {
    value: f64,
    at: i64,
}

/// One reduction's fold; the types below are its ops.
trait Fold {
    const START: f64;
    fn step(acc: &mut Acc, v: f64, k: i64);
    /// No later element can change the result.
    fn settled(_acc: &Acc) -> bool {
        false
    }
}

struct Sum;
struct Prod;
struct All;
struct Any;
struct Extreme<const MAX: bool>;

impl Fold for Sum {
    const START: f64 = 0.0;
    #[inline(always)]
    fn step(acc: &mut Acc, v: f64, _: i64) {
        acc.value += v;
    }
}

impl Fold for Prod {
    const START: f64 = 1.0;
    #[inline(always)]
    fn step(acc: &mut Acc, v: f64, _: i64) {
        acc.value *= v;
    }
}

impl Fold for All {
    const START: f64 = 1.0;
    #[inline(always)]
    fn step(acc: &mut Acc, v: f64, _: i64) {
        if v == 0.0 {
            acc.value = 0.0;
        }
    }
    fn settled(acc: &Acc) -> bool {
        acc.value == 0.0
    }
}

impl Fold for Any {
    const START: f64 = 0.0;
    #[inline(always)]
    fn step(acc: &mut Acc, v: f64, _: i64) {
        if v != 0.0 {
            acc.value = 1.0;
        }
    }
    fn settled(acc: &Acc) -> bool {
        acc.value != 0.0
    }
}

impl<const MAX: bool> Fold for Extreme<MAX> {
    const START: f64 = 0.0;
    /// The js reference's "`v` replaces the best so far": the first element, one strictly
    /// more extreme, or the first NaN.
    #[inline(always)]
    fn step(acc: &mut Acc, v: f64, k: i64) {
        let more = if MAX { v > acc.value } else { v < acc.value };
        if acc.at < 0 || more || (v.is_nan() && !acc.value.is_nan()) {
            *acc = Acc { value: v, at: k };
        }
    }
    fn settled(acc: &Acc) -> bool {
        acc.at >= 0 && acc.value.is_nan()
    }
}

/// Where the results go: `out` (of `out_kind`, or i32 indices for argmax/argmin) and, for
/// argmax/argmin, the extreme values to `values` (the input's kind) unless it is null.
#[derive(Clone, Copy)]
struct Sink<T> {
    out: *mut u8,
    out_kind: Kind,
    arg: bool,
    values: *mut T,
}

impl<T: Element> Sink<T> {
    /// Stores output `i`.
    #[inline(always)]
    unsafe fn put(&self, i: usize, acc: Acc) {
        if self.arg {
            *(self.out as *mut i32).add(i) = acc.at as i32;
            if !self.values.is_null() {
                *self.values.add(i) = T::put(acc.value);
            }
            return;
        }
        let v = acc.value;
        match self.out_kind {
            Kind::F32 => *(self.out as *mut f32).add(i) = v as f32,
            Kind::F64 => *(self.out as *mut f64).add(i) = v,
            // As the js backend's typed-array stores (its sums may run into any `out`).
            Kind::I32 => *(self.out as *mut i32).add(i) = to_int32(v),
            Kind::Bool => *self.out.add(i) = to_int32(v) as u8,
        }
    }

    /// The sink for outputs from `o` on.
    fn at(&self, o: usize) -> Self {
        let bytes = if self.arg {
            4
        } else {
            self.out_kind.bytes() as usize
        };
        Sink {
            out: self.out.wrapping_add(o * bytes),
            values: if self.values.is_null() {
                self.values
            } else {
                self.values.wrapping_add(o)
            },
            ..*self
        }
    }
}

/// One output over its reduced rows at `a`, in row-major order of the reduced dims.
#[inline(always)]
unsafe fn reduce_one<T: Element, F: Fold>(dims: &ReduceDims, a: *const T) -> Acc {
    let rs = dims.red_strides.last().copied().unwrap_or(0);
    let mut acc = Acc {
        value: F::START,
        at: -1,
    };
    let mut base = 0i64;
    for_each_row(dims.red_shape, [dims.red_strides], |[o], m| {
        if F::settled(&acc) {
            return;
        }
        let p = a.offset(o);
        for j in 0..m {
            F::step(
                &mut acc,
                (*p.offset(j as isize * rs)).get(),
                base + j as i64,
            );
        }
        base += m as i64;
    });
    acc
}

/// The `n` contiguous columns at `a`, each over the reduced rows, into outputs `0..n`.
unsafe fn reduce_columns<T: Element, F: Fold>(
    dims: &ReduceDims,
    a: *const T,
    n: usize,
    sink: &Sink<T>,
) {
    let rs = dims.red_strides.last().copied().unwrap_or(0);
    let start = Acc {
        value: F::START,
        at: -1,
    };
    let mut accs = vec![start; n];
    let mut k = 0i64;
    for_each_row(dims.red_shape, [dims.red_strides], |[o], m| {
        for j in 0..m as isize {
            let row = a.offset(o + j * rs);
            for (c, acc) in accs.iter_mut().enumerate() {
                F::step(acc, (*row.add(c)).get(), k);
            }
            k += 1;
        }
    });
    for (c, &acc) in accs.iter().enumerate() {
        sink.put(c, acc);
    }
}

/// Every output of `dims` (row-major over the kept dims) into `sink`.
unsafe fn reduce_all<T: Element, F: Fold>(dims: &ReduceDims, a: *const T, sink: &Sink<T>) {
    let ks = dims.kept_strides.last().copied().unwrap_or(0);
    let rs = dims.red_strides.last().copied().unwrap_or(0);
    let columns = ks == 1 && rs != 1 && !dims.red_shape.is_empty();
    let mut o = 0usize;
    for_each_row(dims.kept_shape, [dims.kept_strides], |[off], n| {
        if columns {
            reduce_columns::<T, F>(dims, a.offset(off), n, &sink.at(o));
            o += n;
            return;
        }
        for i in 0..n as isize {
            sink.put(o, reduce_one::<T, F>(dims, a.offset(off + i * ks)));
            o += 1;
        }
    });
}

/// `reduce_all` for `op`, split over the pool by blocks of the outermost kept dim when the
/// input is large: each output is reduced in the same order whichever piece holds it.
unsafe fn reduce_split<T: Element, F: Fold>(dims: &ReduceDims, a: *const T, sink: Sink<T>) {
    let kept_shape = dims.kept_shape;
    if kept_shape.is_empty() {
        return reduce_all::<T, F>(dims, a, &sink);
    }
    let mut out_strides = vec![1isize; kept_shape.len()];
    for d in (0..kept_shape.len() - 1).rev() {
        out_strides[d] = out_strides[d + 1] * kept_shape[d + 1];
    }
    let work = element_count(kept_shape).saturating_mul(element_count(dims.red_shape));
    let (a, dims) = (a as usize, *dims);
    let (out, values) = (sink.out as usize, sink.values as usize);
    split_outer_sized(
        kept_shape,
        [dims.kept_strides, &out_strides],
        work,
        |kept, [oa, oo]| {
            let piece = ReduceDims {
                kept_shape: kept,
                ..dims
            };
            let sink = Sink {
                out: out as *mut u8,
                values: values as *mut T,
                ..sink
            };
            reduce_all::<T, F>(&piece, (a as *const T).offset(oa), &sink.at(oo as usize));
        },
    );
}

/// Reduces `a` (elements of type `T`) with `op` into contiguous `out`: f64/f32/i32/bool
/// values as `out_kind` says for sum/prod/max/min/all/any, i32 indices for argmax/argmin,
/// whose extreme values also go to contiguous `values` (type `T`) unless it is null.
///
/// # Safety
/// Every element the layout addresses must be valid; `out` (and `values`) hold one element
/// per kept index; max/min/argmax/argmin reduce at least one element per output.
pub unsafe fn reduce_typed<T: Element>(
    op: ReduceOp,
    dims: &ReduceDims,
    a: *const T,
    out: *mut u8,
    out_kind: Kind,
    values: *mut T,
) {
    let arg = matches!(op, ReduceOp::Argmax | ReduceOp::Argmin);
    debug_assert!(
        matches!(
            op,
            ReduceOp::Sum | ReduceOp::Prod | ReduceOp::All | ReduceOp::Any
        ) || element_count(dims.kept_shape) == 0
            || element_count(dims.red_shape) > 0,
        "{op:?} over no reduced elements"
    );
    debug_assert!(!arg || element_count(dims.red_shape) <= i32::MAX as usize);
    let sink = Sink {
        out,
        out_kind,
        arg,
        values,
    };
    match op {
        ReduceOp::Sum => reduce_split::<T, Sum>(dims, a, sink),
        ReduceOp::Prod => reduce_split::<T, Prod>(dims, a, sink),
        ReduceOp::All => reduce_split::<T, All>(dims, a, sink),
        ReduceOp::Any => reduce_split::<T, Any>(dims, a, sink),
        ReduceOp::Max | ReduceOp::Argmax => reduce_split::<T, Extreme<true>>(dims, a, sink),
        ReduceOp::Min | ReduceOp::Argmin => reduce_split::<T, Extreme<false>>(dims, a, sink),
    }
}

/// `reduce_typed` with the input's kind given at run time (`a` and `values` untyped).
///
/// # Safety
/// As `reduce_typed`, with `a` and `values` of kind `kind`.
pub unsafe fn reduce_kind(
    op: ReduceOp,
    kind: Kind,
    dims: &ReduceDims,
    a: *const u8,
    out: *mut u8,
    out_kind: Kind,
    values: *mut u8,
) {
    match kind {
        Kind::F32 => reduce_typed(op, dims, a as *const f32, out, out_kind, values as *mut f32),
        Kind::F64 => reduce_typed(op, dims, a as *const f64, out, out_kind, values as *mut f64),
        Kind::I32 => reduce_typed(op, dims, a as *const i32, out, out_kind, values as *mut i32),
        Kind::Bool => reduce_typed(op, dims, a, out, out_kind, values),
    }
}
