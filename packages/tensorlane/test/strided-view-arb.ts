/**
 * fast-check arbitraries for backend-level property tests: an iteration shape, and for each
 * operand a layout (contiguous, permuted, sliced with steps and offsets, stride-0 broadcast)
 * that can be materialised identically on any backend.
 */
import fc from 'fast-check';
import type { Backend, View } from '../src/backend/backend.js';
import type { DType } from '../src/dtype.js';

/** Dim sizes the issue asks for, plus 2 so small ranks still vary. */
export const DIM_SIZES: readonly number[] = [0, 1, 2, 3, 5, 17, 127];
const MAX_ELEMENTS = 4096;

/**
 * Shapes of rank 0..5 with at most `MAX_ELEMENTS` elements, counting a size-0 dim as 1: an
 * empty input can still have a large result (reducing `[127, 0, 127]` over dim 1 gives
 * 127² elements), and a test's own arrays must stay small.
 */
export const shapeArb = (maxRank = 5): fc.Arbitrary<number[]> =>
  fc
    .array(fc.constantFrom(...DIM_SIZES), { minLength: 0, maxLength: maxRank })
    .filter((s) => s.reduce((a, b) => a * Math.max(b, 1), 1) <= MAX_ELEMENTS);

/** How one operand's view is laid out over its storage. */
export interface Layout {
  /** Order in which the logical dims sit in the base storage (outermost first). */
  readonly perm: number[];
  /** Per logical dim: take every `step`-th base element... */
  readonly steps: number[];
  /** ...starting this many elements in. */
  readonly starts: number[];
  /** Per logical dim: broadcast it (stride 0). */
  readonly expanded: boolean[];
}

/** A layout for a view of `rank` dims; `broadcast` allows stride-0 dims. */
export const layoutArb = (rank: number, broadcast: boolean): fc.Arbitrary<Layout> =>
  fc.record({
    perm: fc.shuffledSubarray([...Array(rank).keys()], { minLength: rank, maxLength: rank }),
    steps: fc.array(fc.constantFrom(1, 1, 1, 2, 3), { minLength: rank, maxLength: rank }),
    starts: fc.array(fc.constantFrom(0, 0, 1, 2), { minLength: rank, maxLength: rank }),
    expanded: fc.array(broadcast ? fc.boolean() : fc.constant(false), {
      minLength: rank,
      maxLength: rank,
    }),
  });

/** The contiguous layout. */
export const contiguous = (rank: number): Layout => ({
  perm: [...Array(rank).keys()],
  steps: Array(rank).fill(1),
  starts: Array(rank).fill(0),
  expanded: Array(rank).fill(false),
});

/**
 * Allocates a base storage on `backend`, fills it with `fill(i)` for base element i, and
 * returns the view of logical `shape` that `layout` describes.
 */
export function makeView(
  backend: Backend,
  dtype: DType,
  shape: readonly number[],
  layout: Layout,
  fill: (i: number) => number,
): View {
  const rank = shape.length;
  // Base dim sizes in storage order; an expanded dim occupies one element.
  const baseSize = (d: number) =>
    layout.expanded[d]
      ? 1
      : shape[d] === 0
        ? 0
        : layout.starts[d]! + (shape[d]! - 1) * layout.steps[d]! + 1;
  const baseShape = layout.perm.map(baseSize);
  const baseStrides = Array<number>(rank);
  let acc = 1;
  for (let i = rank - 1; i >= 0; i--) {
    baseStrides[i] = acc;
    acc *= baseShape[i]!;
  }
  // An empty view reads nothing, so its storage is empty too: with a size-0 dim expanded
  // the other dims' base would otherwise multiply to gigabytes.
  const length = shape.includes(0) ? 0 : baseShape.reduce((a, b) => a * b, 1);
  const storage = backend.alloc(dtype, length);
  const data = backend.array(storage);
  for (let i = 0; i < length; i++) data[i] = fill(i);
  const strides = Array<number>(rank);
  let offset = 0;
  layout.perm.forEach((d, i) => {
    if (layout.expanded[d]) {
      strides[d] = 0;
    } else {
      strides[d] = baseStrides[i]! * layout.steps[d]!;
      if (shape[d]! > 0) offset += layout.starts[d]! * baseStrides[i]!;
    }
  });
  return { storage, offset, shape: [...shape], strides };
}

/** Reads a view's elements in row-major order. */
export function readView(backend: Backend, v: View): number[] {
  const data = backend.array(v.storage);
  const out: number[] = [];
  const n = v.shape.reduce((a, b) => a * b, 1);
  const idx = Array(v.shape.length).fill(0);
  for (let k = 0; k < n; k++) {
    let p = v.offset;
    for (let d = 0; d < idx.length; d++) p += idx[d] * v.strides[d]!;
    out.push(data[p]!);
    for (let d = idx.length - 1; d >= 0; d--) {
      if (++idx[d] < v.shape[d]!) break;
      idx[d] = 0;
    }
  }
  return out;
}

/** Reads a whole storage (to check that nothing outside the view was written). */
export function readAll(backend: Backend, v: View): number[] {
  return Array.from(backend.array(v.storage));
}
