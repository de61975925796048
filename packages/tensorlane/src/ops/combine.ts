/**
 * Combining and splitting tensors, as PyTorch: `cat`, `stack` (one output, each input
 * copied into its slot by the backend's strided copy), `split`, `chunk`, `unbind`,
 * `select` (views, no copy), and `flip`, `roll`, `repeat`, `tile` (one output, filled by
 * strided copies from views of the input: no per-element JS loop).
 */

import { expectInt, expectTensor } from '../argument-checks.js';
import { recordGrad, withGrad } from '../autograd/graph.js';
import type { View } from '../backend/backend.js';
import { ArgumentError, fmtShape, IndexError, ShapeError } from '../errors.js';
import { promoteTypes } from '../promote.js';
import { contiguousStrides } from '../shape/strides.js';
import { normDim } from '../shape/views.js';
import { outputTensor, type Tensor } from '../tensor.js';
import { asTensor, disposeAll } from './operands.js';

/** A dim list as PyTorch takes it: `f(0)`, `f(0, 1)` or `f([0, 1])`. */
export type DimArgs = readonly (number | readonly number[])[];

function dimList(op: string, args: DimArgs): number[] {
  const dims = args.length === 1 && Array.isArray(args[0]) ? args[0] : args;
  return (dims as unknown[]).map((d) => expectInt(op, 'dims', d));
}

/** `v` narrowed to `[start, start + length)` along `dim`, as a backend view. */
function narrowView(v: View, dim: number, start: number, length: number): View {
  const shape = v.shape.slice();
  shape[dim] = length;
  return { ...v, offset: v.offset + start * v.strides[dim]!, shape };
}

/** The tensors of a `cat`/`stack` call, checked, live and on the first one's backend. */
function tensorList(op: string, tensors: unknown, temps: Tensor[]): Tensor[] {
  if (!Array.isArray(tensors) || tensors.length === 0)
    throw new ArgumentError(
      `${op}: tensors must be a non-empty array of tensors, got ${Array.isArray(tensors) ? 'an empty array' : typeof tensors}`,
    );
  const list = tensors.map((t, i) => expectTensor(op, `tensors[${i}]`, t).live(op));
  const backend = list[0]!.backend;
  return list.map((t) => (t.backend === backend ? t : asTensor(t, t.dtype, backend, temps)));
}

/**
 * Concatenates tensors along an existing dim, as `torch.cat`: the sizes must match off
 * `dim`, and the result has the promoted dtype of all inputs (int32 and float32 give
 * float32). As torch's legacy rule, a 1-D empty tensor (shape `[0]`) is skipped whatever
 * the others' shapes (it still takes part in the dtype promotion).
 * @example cat([tensor([[1, 2]]), tensor([[3, 4]])]).toArray() // → [[1, 2], [3, 4]]
 * @example cat([tensor([1, 2]), tensor([0.5])]) // → tensor([1.0000, 2.0000, 0.5000])
 * @example cat([tensor([[1], [2]]), tensor([[3], [4]])], 1).shape // → [2, 2]
 */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  const inputs = Array.isArray(tensors) ? tensors : [];
  return withGrad('cat', inputs, () => catCopies(tensors, dim), { dim });
}

function catCopies(tensors: readonly Tensor[], dim: number): Tensor {
  const temps: Tensor[] = [];
  try {
    const list = tensorList('cat', tensors, temps);
    const dtype = list.map((t) => t.dtype).reduce(promoteTypes);
    list.forEach((t, i) => {
      if (t.ndim === 0)
        throw new ShapeError(
          `cat: tensors[${i}] is zero-dimensional and cannot be concatenated (unsqueeze it, or use stack)`,
        );
    });
    const kept = list
      .map((t, i) => ({ t, i }))
      .filter(({ t }) => !(t.ndim === 1 && t.shape[0] === 0));
    const backend = list[0]!.backend;
    if (kept.length === 0) {
      normDim('cat', expectInt('cat', 'dim', dim), 1);
      return outputTensor([0], dtype, backend);
    }
    const first = kept[0]!;
    const d = normDim('cat', expectInt('cat', 'dim', dim), first.t.ndim);
    let total = 0;
    for (const { t, i } of kept) {
      const ref = first.t;
      const why =
        t.ndim !== ref.ndim
          ? `they have ${ref.ndim} and ${t.ndim} dims`
          : t.shape
              .map((s, k) =>
                k !== d && s !== ref.shape[k] ? `dim ${k}: ${ref.shape[k]} vs ${s}` : '',
              )
              .find((x) => x !== '');
      if (why)
        throw new ShapeError(
          `cat: tensors[${first.i}] has shape ${fmtShape(ref.shape)} and tensors[${i}] has shape ` +
            `${fmtShape(t.shape)}: sizes must match except in dim ${d} (${why})`,
        );
      total += t.shape[d]!;
    }
    const shape = first.t.shape.slice();
    shape[d] = total;
    const out = outputTensor(shape, dtype, backend);
    const outView = out.backendView;
    let start = 0;
    for (const { t } of kept) {
      const size = t.shape[d]!;
      if (size > 0 && t.numel() > 0)
        backend.copy(t.backendView, narrowView(outView, d, start, size));
      start += size;
    }
    return out;
  } finally {
    disposeAll(temps);
  }
}

/** `torch.concat`: the same as `cat`. */
export const concat = cat;
/** `torch.concatenate`: the same as `cat`. */
export const concatenate = cat;

/**
 * Joins tensors of one shape along a new dim, as `torch.stack` (dtype promoted as `cat`).
 * @example stack([tensor([1, 2]), tensor([3, 4])], 1).toArray() // → [[1, 3], [2, 4]]
 */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  const inputs = Array.isArray(tensors) ? tensors : [];
  return withGrad('stack', inputs, () => stackCopies(tensors, dim), { dim });
}

function stackCopies(tensors: readonly Tensor[], dim: number): Tensor {
  const temps: Tensor[] = [];
  try {
    const list = tensorList('stack', tensors, temps);
    const first = list[0]!;
    list.forEach((t, i) => {
      if (t.ndim !== first.ndim || t.shape.some((s, k) => s !== first.shape[k]))
        throw new ShapeError(
          `stack: every tensor must have the same shape: tensors[0] has shape ${fmtShape(first.shape)} ` +
            `and tensors[${i}] has shape ${fmtShape(t.shape)}`,
        );
    });
    const d = normDim('stack', expectInt('stack', 'dim', dim), first.ndim + 1);
    const dtype = list.map((t) => t.dtype).reduce(promoteTypes);
    const shape = first.shape.slice();
    shape.splice(d, 0, list.length);
    const backend = first.backend;
    const out = outputTensor(shape, dtype, backend);
    if (out.numel() === 0) return out;
    const strides = contiguousStrides(shape);
    const slotStrides = strides.filter((_, k) => k !== d);
    list.forEach((t, i) => {
      const slot: View = {
        storage: out.backendView.storage,
        offset: i * strides[d]!,
        shape: first.shape,
        strides: slotStrides,
      };
      backend.copy(t.backendView, slot);
    });
    return out;
  } finally {
    disposeAll(temps);
  }
}

/**
 * Views of `t` split along `dim`, as `torch.split`: a number gives pieces of that size (the
 * last one smaller), an array gives the size of each piece (they must sum to the dim).
 * @example arange(5).split(2).map((p) => p.toArray()) // → [[0, 1], [2, 3], [4]]
 * @example arange(5).split([1, 4]).map((p) => p.shape) // → [[1], [4]]
 */
export function split(t: Tensor, sizeOrSections: number | readonly number[], dim = 0): Tensor[] {
  expectTensor('split', 'tensor', t).live('split');
  if (t.ndim === 0)
    throw new ShapeError('split: expects a tensor with at least 1 dim, got a 0-d tensor');
  const d = normDim('split', expectInt('split', 'dim', dim), t.ndim);
  const size = t.shape[d]!;
  let sizes: number[];
  if (Array.isArray(sizeOrSections)) {
    sizes = (sizeOrSections as unknown[]).map((s, i) => expectInt('split', `sizes[${i}]`, s, 0));
    const sum = sizes.reduce((a, b) => a + b, 0);
    if (sum !== size)
      throw new ShapeError(
        `split: sizes ${fmtShape(sizes)} sum to ${sum}, but dim ${d} of the tensor of shape ${fmtShape(t.shape)} has size ${size}`,
      );
  } else {
    const each = expectInt('split', 'splitSize', sizeOrSections, 0);
    if (each === 0 && size !== 0)
      throw new ArgumentError(
        `split: splitSize can only be 0 if the dim is empty, but dim ${d} has size ${size}`,
      );
    const count = each === 0 ? 1 : Math.max(Math.ceil(size / each), 1);
    sizes = Array.from({ length: count }, (_, i) =>
      i < count - 1 ? each : size - each * (count - 1),
    );
  }
  const pieces: Tensor[] = [];
  let start = 0;
  for (const s of sizes) {
    pieces.push(narrowTensor(t, d, start, s));
    start += s;
  }
  return pieces;
}

function narrowTensor(t: Tensor, d: number, start: number, length: number): Tensor {
  const shape = t.shape.slice();
  shape[d] = length;
  // An empty piece keeps the tensor's offset, as narrow() of length 0 does.
  const offset = length === 0 ? t.offset : t.offset + start * t.stride(d);
  return recordGrad('narrow', [t], t.withLayout(shape, t.stride(), offset), { dim: d, start });
}

/**
 * `chunks` views along `dim` (fewer if the dim is too short), as `torch.chunk`: each
 * `ceil(size / chunks)` long, the last one shorter.
 * @example arange(6).chunk(4).map((p) => p.toArray()) // → [[0, 1], [2, 3], [4, 5]]
 */
export function chunk(t: Tensor, chunks: number, dim = 0): Tensor[] {
  expectTensor('chunk', 'tensor', t).live('chunk');
  const n = expectInt('chunk', 'chunks', chunks, 1);
  if (t.ndim === 0)
    throw new ShapeError('chunk: expects a tensor with at least 1 dim, got a 0-d tensor');
  const d = normDim('chunk', expectInt('chunk', 'dim', dim), t.ndim);
  const size = t.shape[d]!;
  // torch: an empty dim still gives `chunks` (empty) pieces.
  if (size === 0) return split(t, new Array<number>(n).fill(0), d);
  return split(t, Math.ceil(size / n), d);
}

/**
 * The slice at `index` of `dim`, without that dim (a view), as `torch.select`.
 * @example m.select(1, -1) // → tensor([3., 6., 9.])
 */
export function select(t: Tensor, dim: number, index: number): Tensor {
  expectTensor('select', 'tensor', t).live('select');
  if (t.ndim === 0) throw new IndexError('select: cannot be applied to a 0-d tensor');
  const d = normDim('select', expectInt('select', 'dim', dim), t.ndim);
  const size = t.shape[d]!;
  const i = expectInt('select', 'index', index);
  if (i < -size || i >= size)
    throw new IndexError(
      `select: index ${i} is out of range for dim ${d} of size ${size} (shape ${fmtShape(t.shape)}; expected ${-size}..${size - 1})`,
    );
  const k = i < 0 ? i + size : i;
  const strides = t.stride();
  const view = t.withLayout(
    t.shape.filter((_, j) => j !== d),
    strides.filter((_, j) => j !== d),
    t.offset + k * strides[d]!,
  );
  return recordGrad('select', [t], view, { dim: d, index: k });
}

/**
 * Views of each slice along `dim`, that dim removed, as `torch.unbind`.
 * @example m.unbind(1).map((c) => c.toArray()) // → [[1, 4, 7], [2, 5, 8], [3, 6, 9]]
 */
export function unbind(t: Tensor, dim = 0): Tensor[] {
  expectTensor('unbind', 'tensor', t).live('unbind');
  if (t.ndim === 0) throw new IndexError('unbind: cannot be applied to a 0-d tensor');
  const d = normDim('unbind', expectInt('unbind', 'dim', dim), t.ndim);
  return Array.from({ length: t.shape[d]! }, (_, i) => select(t, d, i));
}

/** Distinct, normalized dims; a repeat is an IndexError, as in torch. */
function distinctDims(op: string, dims: readonly number[], ndim: number): number[] {
  const out = dims.map((d) => normDim(op, d, ndim));
  out.forEach((d, i) => {
    if (out.indexOf(d) !== i)
      throw new IndexError(`${op}: dim ${d} appears more than once in dims ${fmtShape(dims)}`);
  });
  return out;
}

/**
 * A copy with the order of elements reversed along each of `dims`, as `torch.flip`.
 * @example t.flip(1).toArray() // → [[3, 2, 1], [6, 5, 4]]
 * @example t.flip(0, 1).toArray() // → [[6, 5, 4], [3, 2, 1]]
 */
export function flip(t: Tensor, ...dims: DimArgs): Tensor {
  expectTensor('flip', 'tensor', t).live('flip');
  const flipped = distinctDims('flip', dimList('flip', dims), t.ndim);
  return withGrad('flip', [t], () => flipCopy(t, flipped), { dims: flipped });
}

function flipCopy(t: Tensor, flipped: readonly number[]): Tensor {
  const out = outputTensor(t.shape, t.dtype, t.backend);
  if (out.numel() === 0) return out;
  const v = t.backendView;
  const strides = v.strides.slice();
  let offset = v.offset;
  // Read backwards: start at the last element of each flipped dim, negative stride.
  for (const d of flipped) {
    if (t.ndim === 0) break;
    offset += (t.shape[d]! - 1) * strides[d]!;
    strides[d] = -strides[d]!;
  }
  t.backend.copy({ ...v, offset, strides }, out.backendView);
  return out;
}

/**
 * Rotates elements along `dims` by `shifts` (elements pushed off the end come back at the
 * start), as `torch.roll`; with no `dims`, the tensor is rolled as if flattened.
 * @example arange(5).roll(2) // → tensor([3, 4, 0, 1, 2], dtype=torch.int32)
 * @example t.roll([1, -1], [0, 1]).toArray() // → [[5, 6, 4], [2, 3, 1]]
 */
export function roll(
  t: Tensor,
  shifts: number | readonly number[],
  dims?: number | readonly number[] | null,
): Tensor {
  expectTensor('roll', 'tensor', t).live('roll');
  const list = (x: unknown) => (Array.isArray(x) ? [...x] : [x]);
  const dimArgs = dims === undefined || dims === null ? [] : list(dims);
  return withGrad('roll', [t], () => rollCopies(t, shifts, dims), {
    shifts: list(shifts),
    dims: dimArgs.length > 0 ? dimArgs : null,
  });
}

function rollCopies(
  t: Tensor,
  shifts: number | readonly number[],
  dims?: number | readonly number[] | null,
): Tensor {
  const shiftList = (Array.isArray(shifts) ? shifts : [shifts]).map((s: unknown, i: number) =>
    expectInt('roll', Array.isArray(shifts) ? `shifts[${i}]` : 'shifts', s),
  );
  const dimArg = dims ?? [];
  const dimsList = (Array.isArray(dimArg) ? dimArg : [dimArg]).map((d: unknown) =>
    expectInt('roll', 'dims', d),
  );
  if (dimsList.length === 0) {
    if (shiftList.length !== 1)
      throw new ArgumentError(
        `roll: without dims, shifts must be one number, got ${shiftList.length} shifts`,
      );
    const flat = t.reshape(-1);
    try {
      const rolled = rollCopies(flat, shiftList, 0);
      try {
        return rolled.view(t.shape as number[]);
      } finally {
        rolled.dispose();
      }
    } finally {
      flat.dispose();
    }
  }
  if (shiftList.length !== dimsList.length)
    throw new ArgumentError(
      `roll: shifts and dims must have the same length, got ${shiftList.length} shifts and ${dimsList.length} dims`,
    );
  // A dim named twice rolls by the sum of its shifts (torch rolls once per entry).
  const byDim = new Map<number, number>();
  dimsList.forEach((dim, i) => {
    const d = normDim('roll', dim, t.ndim);
    byDim.set(d, (byDim.get(d) ?? 0) + shiftList[i]!);
  });
  const out = outputTensor(t.shape, t.dtype, t.backend);
  if (out.numel() === 0) return out;
  // Per rolled dim, the (source start, destination start, length) runs; every combination
  // of runs is one strided copy of a block.
  let blocks: { src: View; dst: View }[] = [{ src: t.backendView, dst: out.backendView }];
  for (const [d, shift] of byDim) {
    if (t.ndim === 0) break;
    const n = t.shape[d]!;
    const s = ((shift % n) + n) % n;
    if (s === 0) continue;
    const runs: [number, number, number][] = [
      [0, s, n - s],
      [n - s, 0, s],
    ];
    blocks = blocks.flatMap(({ src, dst }) =>
      runs.map(([from, to, len]) => ({
        src: narrowView(src, d, from, len),
        dst: narrowView(dst, d, to, len),
      })),
    );
  }
  for (const { src, dst } of blocks) t.backend.copy(src, dst);
  return out;
}

/**
 * `t` repeated `sizes[i]` times along each dim, as `torch.Tensor.repeat` (extra leading
 * sizes add dims). One strided copy from a stride-0 view of `t`.
 * @example tensor([1, 2]).repeat(2, 2).toArray() // → [[1, 2, 1, 2], [1, 2, 1, 2]]
 */
export function repeat(t: Tensor, ...sizes: DimArgs): Tensor {
  expectTensor('repeat', 'tensor', t).live('repeat');
  const reps = (sizes.length === 1 && Array.isArray(sizes[0]) ? sizes[0] : sizes).map(
    (s: unknown, i: number) => expectInt('repeat', `sizes[${i}]`, s, 0),
  );
  if (reps.length < t.ndim)
    throw new ShapeError(
      `repeat: ${reps.length} repeat sizes ${fmtShape(reps)} for a tensor of ${t.ndim} dims (shape ${fmtShape(t.shape)}): give at least one per dim`,
    );
  return withGrad('repeat', [t], () => repeatCopy(t, reps), { reps });
}

function repeatCopy(t: Tensor, reps: readonly number[]): Tensor {
  const lead = reps.length - t.ndim;
  const inShape = [...new Array<number>(lead).fill(1), ...t.shape];
  const inStrides = [...new Array<number>(lead).fill(0), ...t.stride()];
  const shape = inShape.map((s, i) => s * reps[i]!);
  const out = outputTensor(shape, t.dtype, t.backend);
  if (out.numel() === 0) return out;
  // out viewed as [r0, s0, r1, s1, …]; the input read as the same shape with the r dims at
  // stride 0.
  const outStrides = contiguousStrides(shape);
  const pairShape = inShape.flatMap((s, i) => [reps[i]!, s]);
  const dst: View = {
    ...out.backendView,
    shape: pairShape,
    strides: outStrides.flatMap((st, i) => [st * inShape[i]!, st]),
  };
  const v = t.backendView;
  const src: View = { ...v, shape: pairShape, strides: inStrides.flatMap((st) => [0, st]) };
  t.backend.copy(src, dst);
  return out;
}

/**
 * `t` repeated along each dim, as `torch.tile`: like `repeat`, but fewer sizes than dims
 * are padded with leading 1s.
 * @example tensor([[1, 2]]).tile(2).toArray() // → [[1, 2, 1, 2]]
 */
export function tile(t: Tensor, ...dims: DimArgs): Tensor {
  expectTensor('tile', 'tensor', t).live('tile');
  const reps = dimList('tile', dims);
  const padded = [...new Array<number>(Math.max(0, t.ndim - reps.length)).fill(1), ...reps];
  return repeat(t, padded);
}
