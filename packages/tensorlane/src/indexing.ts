/**
 * Indexing, as Python's `t[...]`: numbers (negative from the end) drop a dim, `null`
 * (Python's `None`) inserts one, `':'`, `'a:b:c'` strings and `slice()` keep a strided
 * range, `'...'` stands for all the dims not otherwise named; those give views. One item
 * may be an array of integers or an int32 tensor (PyTorch's integer-array indexing on one
 * dim, `x[:, [0, -1]]`): it picks positions of its dim, negative from the end, and the
 * result is a copy whose dim is replaced by the index's shape.
 */
import { describeValue } from './argument-checks.js';
import { noGrad } from './autograd/grad-mode.js';
import { checkInplaceGrad, needsRecording, recordGrad } from './autograd/graph.js';
import { ArgumentError, DtypeError, fmtShape, IndexError, ShapeError } from './errors.js';
import { copyInto } from './ops/inplace.js';
import { asTensor, disposeAll, type Operand, shapeOf } from './ops/operands.js';
import { checkIndexRange, selectAlong } from './ops/selection.js';
import { broadcastAll } from './shape/broadcast.js';
import { hasInternalOverlap } from './shape/strides.js';
import { emptyTensor, Tensor } from './tensor.js';

/** A Python slice `start:stop:step`; missing parts are null. */
export class Slice {
  constructor(
    readonly start: number | null = null,
    readonly stop: number | null = null,
    readonly step: number | null = null,
  ) {}
  toString(): string {
    const s = `${this.start ?? ''}:${this.stop ?? ''}`;
    return this.step === null ? s : `${s}:${this.step}`;
  }
}

/**
 * A slice item for `get`/`set`, as Python's `start:stop:step`.
 * @example t.get(slice(1, null, 2)) // t[1::2]
 */
export function slice(
  start: number | null = null,
  stop: number | null = null,
  step: number | null = null,
): Slice {
  return new Slice(start, stop, step);
}

/**
 * One item of an index: a number, `null`, `'...'`, `':'`, `'a:b:c'`, a `Slice`, or (one per
 * index) an array of integers or an int32 tensor.
 */
export type IndexItem = number | null | string | Slice | readonly number[] | Tensor;

type Parsed =
  | { kind: 'int'; i: number }
  | { kind: 'none' }
  | { kind: 'ellipsis' }
  | { kind: 'slice'; s: Slice }
  | { kind: 'array'; item: readonly number[] | Tensor };

function parseInt32(text: string, item: string): number | null {
  if (text.trim() === '') return null;
  const n = Number(text);
  if (!Number.isInteger(n))
    throw new IndexError(`get: invalid slice '${item}': '${text}' is not an integer`);
  return n;
}

function parseItem(item: IndexItem): Parsed {
  if (item === null) return { kind: 'none' };
  if (Array.isArray(item) || item instanceof Tensor)
    return { kind: 'array', item: item as readonly number[] | Tensor };
  if (item instanceof Slice) return { kind: 'slice', s: item };
  if (typeof item === 'number') {
    if (!Number.isInteger(item)) throw new IndexError(`get: index ${item} is not an integer`);
    return { kind: 'int', i: item };
  }
  if (typeof item === 'string') {
    const text = item.trim();
    if (text === '...') return { kind: 'ellipsis' };
    const parts = text.split(':');
    if (parts.length === 1) return { kind: 'int', i: parseInt32(text, item) ?? Number.NaN };
    if (parts.length > 3) throw new IndexError(`get: invalid slice '${item}'`);
    const [a, b, c] = parts.map((p) => parseInt32(p, item));
    return { kind: 'slice', s: new Slice(a ?? null, b ?? null, c ?? null) };
  }
  throw new IndexError(`get: unsupported index item ${describeValue(item)}`);
}

/**
 * `t[items]`: a view, or a copy when one item is an integer array or an int32 tensor.
 * @example t.get(null, ':') // t[None, :]; t.get('...', null) // t[..., None]
 * @example m.get(':', [-1, 0]).toArray() // → [[3, 1], [6, 4], [9, 7]]
 */
export function getIndexed(t: Tensor, items: readonly IndexItem[], op = 'get'): Tensor {
  t.live(op);
  if (!needsRecording([t])) return indexed(t, items, op);
  const { view, advanced } = basicIndex(t, items, op);
  view.dispose();
  const out = noGrad(() => indexed(t, items, op));
  // The advanced item and its dim in the basic view, for the scatter-add of the gradient.
  const at = items.findIndex((x) => x instanceof Tensor || Array.isArray(x));
  const temps: Tensor[] = [];
  try {
    return recordGrad('get', [t], out, {
      items: items.map((x, k) => (k === at ? ':' : x)),
      index: advanced ? indexTensor(op, advanced.item, t, temps) : null,
      advancedDim: advanced?.dim ?? -1,
    });
  } finally {
    disposeAll(temps);
  }
}

function indexed(t: Tensor, items: readonly IndexItem[], op: string): Tensor {
  const { view, advanced } = basicIndex(t, items, op);
  if (!advanced) return view;
  const temps: Tensor[] = [view];
  try {
    const index = indexTensor(op, advanced.item, view, temps);
    const size = view.shape[advanced.dim]!;
    checkIndexRange(op, index, size, true, `dim ${advanced.dim} of size ${size}`);
    return selectAlong(view, advanced.dim, index, index.shape);
  } finally {
    disposeAll(temps);
  }
}

/**
 * The basic-indexing view of `items`, with an integer-array item taken as `':'`; `advanced`
 * says which dim of the view that item indexes.
 */
function basicIndex(
  t: Tensor,
  items: readonly IndexItem[],
  op: string,
): { view: Tensor; advanced?: { dim: number; item: readonly number[] | Tensor } } {
  const parsed = items.map(parseItem);
  const ellipses = parsed.filter((p) => p.kind === 'ellipsis').length;
  if (ellipses > 1) throw new IndexError(`${op}: an index can only have a single ellipsis ('...')`);
  const arrays = parsed.filter((p) => p.kind === 'array').length;
  if (arrays > 1)
    throw new IndexError(
      `${op}: only one item may be an integer array or index tensor, got ${arrays} (index one dim at a time)`,
    );
  const consuming = parsed.filter(
    (p) => p.kind === 'int' || p.kind === 'slice' || p.kind === 'array',
  ).length;
  if (consuming > t.ndim)
    throw new IndexError(
      `${op}: too many indices for a tensor of shape ${fmtShape(t.shape)}: ${consuming} given, rank ${t.ndim}`,
    );
  const strides = t.stride();
  const shape: number[] = [];
  const outStrides: number[] = [];
  let advanced: { dim: number; item: readonly number[] | Tensor } | undefined;
  let offset = t.offset;
  let dim = 0;
  for (const p of parsed) {
    if (p.kind === 'none') {
      shape.push(1);
      outStrides.push(0);
    } else if (p.kind === 'ellipsis') {
      for (let k = 0; k < t.ndim - consuming; k++, dim++) {
        shape.push(t.shape[dim]!);
        outStrides.push(strides[dim]!);
      }
    } else if (p.kind === 'int') {
      const size = t.shape[dim]!;
      const i = p.i < 0 ? p.i + size : p.i;
      if (!(i >= 0 && i < size))
        throw new IndexError(
          `${op}: index ${p.i} is out of bounds for dim ${dim} with size ${size} (shape ${fmtShape(t.shape)})`,
        );
      offset += i * strides[dim]!;
      dim++;
    } else if (p.kind === 'array') {
      advanced = { dim: shape.length, item: p.item };
      shape.push(t.shape[dim]!);
      outStrides.push(strides[dim]!);
      dim++;
    } else {
      const size = t.shape[dim]!;
      const { start, length, step } = resolveSlice(op, p.s, size);
      offset += start * strides[dim]!;
      shape.push(length);
      outStrides.push(strides[dim]! * step);
      dim++;
    }
  }
  for (; dim < t.ndim; dim++) {
    shape.push(t.shape[dim]!);
    outStrides.push(strides[dim]!);
  }
  const view = t.withLayout(shape, outStrides, length0(shape) ? t.offset : offset);
  return advanced ? { view, advanced } : { view };
}

/**
 * An integer-array item as an int32 tensor on `like`'s backend (new ones are pushed onto
 * `temps`). Its values are not range-checked here.
 */
function indexTensor(
  op: string,
  item: readonly number[] | Tensor,
  like: Tensor,
  temps: Tensor[],
): Tensor {
  if (item instanceof Tensor) {
    item.live(op);
    if (item.dtype === 'bool')
      throw new IndexError(
        `${op}: boolean mask indexing is not supported (got a bool tensor of shape ${fmtShape(item.shape)}); use maskedFill or where`,
      );
    if (item.dtype !== 'int32')
      throw new DtypeError(
        `${op}: an index tensor must be int32, got a ${item.dtype} tensor of shape ${fmtShape(item.shape)} (convert with .int())`,
      );
    return asTensor(item, 'int32', like.backend, temps);
  }
  item.forEach((x, i) => {
    if (typeof x === 'boolean')
      throw new IndexError(
        `${op}: boolean mask indexing is not supported; use maskedFill or where`,
      );
    if (typeof x !== 'number' || !Number.isInteger(x))
      throw new IndexError(
        `${op}: an index array holds integers, got ${Array.isArray(x) ? 'a nested array (use an int32 tensor)' : String(x)} at position ${i}`,
      );
  });
  const index = emptyTensor([item.length], 'int32', like.backend);
  temps.push(index);
  like.backend.array(index.backendView.storage).set(item);
  return index;
}

function length0(shape: readonly number[]): boolean {
  return shape.includes(0);
}

/** Python's slice semantics on a dim of `size` (positive steps only, as torch). */
function resolveSlice(
  op: string,
  s: Slice,
  size: number,
): { start: number; length: number; step: number } {
  const step = s.step ?? 1;
  if (!Number.isInteger(step) || step <= 0)
    throw new IndexError(`${op}: slice step must be a positive integer, got ${step} in '${s}'`);
  const clamp = (x: number | null, dflt: number) => {
    if (x === null) return dflt;
    const v = x < 0 ? x + size : x;
    return Math.min(Math.max(v, 0), size);
  };
  const start = clamp(s.start, 0);
  const stop = clamp(s.stop, size);
  const length = stop > start ? Math.ceil((stop - start) / step) : 0;
  return { start: length === 0 ? 0 : start, length, step };
}

/**
 * `set`'s arguments: `(index, value)` with an index item or a list of them, or
 * `(i, j, …, value)` as PyTorch's `t[i, j] = value` (the last argument is the value). A
 * single argument is ambiguous (an index with no value, or a value with no index): an error.
 * @example setArguments([0, 1, 5]) // → {index: [0, 1], value: 5}
 */
export function setArguments(args: readonly unknown[]): {
  index: IndexItem | readonly IndexItem[];
  value: Operand;
} {
  if (args.length < 2)
    throw new ArgumentError(
      `set: needs an index and a value, got ${args.length} argument${args.length === 1 ? '' : 's'}: ` +
        'write set([i, j], value) or set(i, j, value)',
    );
  const value = args[args.length - 1] as Operand;
  if (args.length === 2) return { index: args[0] as IndexItem | readonly IndexItem[], value };
  return { index: args.slice(0, -1) as IndexItem[], value };
}

/**
 * Writes `value` (a number or a tensor broadcastable to the indexed shape, cast to `t`'s
 * dtype) through `t[index]`. With an integer-array item, a repeated position keeps the last
 * value written (torch leaves it unspecified).
 * @example t.set([0, ':'], 5) // t[0, :] = 5
 * @example const x = zeros(2, 3); x.set([':', [0, -1]], 1); x.toArray() // → [[1, 0, 1], [1, 0, 1]]
 */
export function setIndexed(
  t: Tensor,
  index: IndexItem | readonly IndexItem[],
  value: Operand,
): Tensor {
  const items = Array.isArray(index) ? (index as IndexItem[]) : [index as IndexItem];
  t.live('set');
  // The view below does not require grad even when t does: ask about t itself.
  checkInplaceGrad('set', t, value);
  const { view, advanced } = basicIndex(t, items, 'set');
  const temps: Tensor[] = [view];
  try {
    if (!advanced) {
      copyInto(view, value, 'set');
      return t;
    }
    scatterIndexed(view, advanced, value, temps);
    t.bumpVersion();
    return t;
  } finally {
    disposeAll(temps);
  }
}

/** `view[..., index, ...] = value` along `advanced.dim`, by the backend's scatter. */
function scatterIndexed(
  view: Tensor,
  advanced: { dim: number; item: readonly number[] | Tensor },
  value: Operand,
  temps: Tensor[],
): void {
  const op = 'set';
  if (hasInternalOverlap(view.shape, view.stride()))
    throw new ShapeError(
      `${op}: cannot write to a tensor of shape ${fmtShape(view.shape)} with strides ${fmtShape(view.stride())}: ` +
        'several elements share one memory location (an expanded view); clone() it first',
    );
  if (value instanceof Tensor) value.live(op);
  const d = advanced.dim;
  let index = indexTensor(op, advanced.item, view, temps);
  const size = view.shape[d]!;
  checkIndexRange(op, index, size, true, `dim ${d} of size ${size}`);
  const resultShape = [...view.shape.slice(0, d), ...index.shape, ...view.shape.slice(d + 1)];
  const mismatch = () =>
    `${op}: a value of shape ${fmtShape(shapeOf(value))} does not broadcast to the indexed shape ${fmtShape(resultShape)}`;
  const broadcast = broadcastAll([resultShape, shapeOf(value)], mismatch);
  if (broadcast.length !== resultShape.length || broadcast.some((s, i) => s !== resultShape[i]))
    throw new ShapeError(mismatch());
  const n = index.numel();
  const scattered = [...view.shape.slice(0, d), n, ...view.shape.slice(d + 1)];
  if (scattered.includes(0)) return;
  const backend = view.backend;
  // The value as the indexed shape with the index dims merged (a copy only if needed).
  let src = asTensor(value, view.dtype, backend, temps);
  if (src.storageHandle === view.storageHandle) {
    src = src.clone();
    temps.push(src);
  }
  const expanded = src.expand(resultShape);
  temps.push(expanded);
  const flatSrc = expanded.reshape(scattered);
  temps.push(flatSrc);
  if (index.storageHandle === view.storageHandle) {
    index = index.clone();
    temps.push(index);
  }
  const flatIndex = index.reshape(-1);
  temps.push(flatIndex);
  const iv = flatIndex.backendView;
  backend.scatter(
    'assign',
    view.backendView,
    d,
    { ...iv, shape: scattered, strides: scattered.map((_, k) => (k === d ? iv.strides[0]! : 0)) },
    flatSrc.backendView,
  );
}
