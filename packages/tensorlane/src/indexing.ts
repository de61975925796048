/**
 * Basic indexing, as Python's `t[...]`: numbers (negative from the end) drop a dim, `null`
 * (Python's `None`) inserts one, `':'`, `'a:b:c'` strings and `slice()` keep a strided
 * range, `'...'` stands for all the dims not otherwise named. Results are views.
 */
import { describeValue } from './argument-checks.js';
import { ArgumentError, fmtShape, IndexError } from './errors.js';
import { copyInto } from './ops/inplace.js';
import type { Operand } from './ops/operands.js';
import type { Tensor } from './tensor.js';

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

/** One item of an index: a number, `null`, `'...'`, `':'`, `'a:b:c'`, or a `Slice`. */
export type IndexItem = number | null | string | Slice;

type Parsed =
  | { kind: 'int'; i: number }
  | { kind: 'none' }
  | { kind: 'ellipsis' }
  | { kind: 'slice'; s: Slice };

function parseInt32(text: string, item: string): number | null {
  if (text.trim() === '') return null;
  const n = Number(text);
  if (!Number.isInteger(n))
    throw new IndexError(`get: invalid slice '${item}': '${text}' is not an integer`);
  return n;
}

function parseItem(item: IndexItem): Parsed {
  if (item === null) return { kind: 'none' };
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
 * The view `t[items]`.
 * @example t.get(null, ':') // t[None, :]; t.get('...', null) // t[..., None]
 */
export function getIndexed(t: Tensor, items: readonly IndexItem[], op = 'get'): Tensor {
  t.live(op);
  const parsed = items.map(parseItem);
  const ellipses = parsed.filter((p) => p.kind === 'ellipsis').length;
  if (ellipses > 1) throw new IndexError(`${op}: an index can only have a single ellipsis ('...')`);
  const consuming = parsed.filter((p) => p.kind === 'int' || p.kind === 'slice').length;
  if (consuming > t.ndim)
    throw new IndexError(
      `${op}: too many indices for a tensor of shape ${fmtShape(t.shape)}: ${consuming} given, rank ${t.ndim}`,
    );
  const strides = t.stride();
  const shape: number[] = [];
  const outStrides: number[] = [];
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
  return t.withLayout(shape, outStrides, length0(shape) ? t.offset : offset);
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
 * Writes `value` (a number or a tensor broadcastable to the indexed view) through `t[index]`.
 * @example t.set([0, ':'], 5) // t[0, :] = 5
 */
export function setIndexed(
  t: Tensor,
  index: IndexItem | readonly IndexItem[],
  value: Operand,
): Tensor {
  const items = Array.isArray(index) ? (index as IndexItem[]) : [index as IndexItem];
  const target = getIndexed(t, items, 'set');
  try {
    copyInto(target, value, 'set');
  } finally {
    target.dispose();
  }
  return t;
}
