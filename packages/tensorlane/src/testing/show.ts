/**
 * How values appear in failure messages: tensors as their `toString()` (PyTorch's
 * format), everything else compactly but unambiguously (strings quoted, -0 signed).
 */
import { fmtShape } from '../errors.js';
import { formatTensor } from '../format/format-tensor.js';
import { isTensorLike, isTypedArray, type TensorLike } from './tensor-like.js';

/** Elements of a typed array printed before eliding the rest. */
const MAX_TYPED_ITEMS = 100;

function showNumber(x: number): string {
  return Object.is(x, -0) ? '-0' : String(x);
}

function showTensor(t: TensorLike): string {
  try {
    // Real tensors print themselves; duck-typed ones get the same format from here.
    const own = (t as { toString?: unknown }).toString;
    return own !== Object.prototype.toString && typeof own === 'function'
      ? String(t)
      : formatTensor(t);
  } catch (e) {
    return `<tensor ${fmtShape(t.shape)} ${t.dtype}: cannot print (${(e as Error).message})>`;
  }
}

/**
 * A value as failure messages print it.
 * @example console.log(show([1, 'a', new Float32Array([0.5])])); // → [1, 'a', Float32Array [0.5]]
 */
export function show(x: unknown): string {
  if (typeof x === 'number') return showNumber(x);
  if (typeof x === 'string') return `'${x}'`;
  if (typeof x === 'bigint') return `${x}n`;
  if (typeof x !== 'object' || x === null) return String(x);
  if (isTensorLike(x)) return showTensor(x);
  if (isTypedArray(x)) {
    const items = Array.from({ length: Math.min(x.length, MAX_TYPED_ITEMS) }, (_, i) =>
      showNumber(Number(x[i])),
    );
    if (x.length > MAX_TYPED_ITEMS) items.push(`… ${x.length - MAX_TYPED_ITEMS} more`);
    return `${x.constructor.name} [${items.join(', ')}]`;
  }
  if (Array.isArray(x)) return `[${x.map(show).join(', ')}]`;
  const proto = Object.getPrototypeOf(x);
  if (proto === Object.prototype || proto === null) {
    const entries = Object.entries(x).map(([k, v]) => `${k}: ${show(v)}`);
    return `{${entries.join(', ')}}`;
  }
  return String(x);
}
