/**
 * `toString()` of a tensor in PyTorch's format (`torch/_tensor_str.py`), e.g.
 * `tensor([[1., 2.],\n        [3., 4.]])`: rows joined by `,\n` and indented under the
 * opening bracket, blank lines between slices of rank ≥ 3, rows wrapped at the line
 * width, `...` past the element threshold, and `dtype=`/`size=` suffixes.
 */
import { ArgumentError } from '../errors.js';
import { type ElementFormatter, type ElementKind, elementFormatter } from './element-formatter.js';
import { currentPrintOptions, type PrintOptions } from './print-options.js';

/** What the formatter needs from a tensor; `data()` is its elements in row-major order. */
export interface FormattableTensor {
  readonly shape: readonly number[];
  readonly dtype: string;
  data(): ArrayLike<number>;
  /** Printed as torch does: `requires_grad=True` on a leaf, `grad_fn=<…>` on a result. */
  readonly requiresGrad?: boolean;
  readonly gradFn?: { readonly name: string } | null;
}

const PREFIX = 'tensor(';
/** The dtypes torch leaves unsaid on non-empty tensors (its defaults for floats, ints, bools). */
const UNSAID_DTYPES = new Set(['float32', 'int64', 'bool']);

function kindOf(dtype: string): ElementKind {
  if (dtype === 'bool') return 'bool';
  return dtype.startsWith('float') ? 'float' : 'int';
}

/** Python's `str(tuple(shape))`: `(2, 0)`, `(0,)`. */
function pyTuple(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** The indices of one dimension that are printed. */
function shownIndices(size: number, summarize: boolean, edge: number): number[] {
  if (summarize && size > 2 * edge) {
    const head = Array.from({ length: edge }, (_, i) => i);
    return head.concat(Array.from({ length: edge }, (_, i) => size - edge + i));
  }
  return Array.from({ length: size }, (_, i) => i);
}

interface Layout {
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly values: ArrayLike<number>;
  readonly summarize: boolean;
  readonly options: PrintOptions;
}

/** The printed elements only, so that hidden values cannot change widths or notation. */
function shownValues(layout: Layout): number[] {
  const out: number[] = [];
  const walk = (dim: number, offset: number): void => {
    if (dim === layout.shape.length) {
      out.push(layout.values[offset]!);
      return;
    }
    for (const i of shownIndices(layout.shape[dim]!, layout.summarize, layout.options.edgeitems)) {
      walk(dim + 1, offset + i * layout.strides[dim]!);
    }
  };
  walk(0, 0);
  return out;
}

function vectorStr(
  layout: Layout,
  fmt: ElementFormatter,
  dim: number,
  offset: number,
  indent: number,
): string {
  const { options } = layout;
  const size = layout.shape[dim]!;
  const stride = layout.strides[dim]!;
  const perLine = Math.max(1, Math.floor((options.linewidth - indent) / (fmt.width + 2)));
  const items: string[] = [];
  const edge = options.edgeitems;
  const cut = layout.summarize && size > 2 * edge;
  for (const i of shownIndices(size, layout.summarize, edge)) {
    if (cut && i === size - edge) items.push(' ...');
    items.push(fmt.format(layout.values[offset + i * stride]!));
  }
  const lines: string[] = [];
  for (let i = 0; i < items.length; i += perLine) {
    lines.push(items.slice(i, i + perLine).join(', '));
  }
  return `[${lines.join(`,\n${' '.repeat(indent + 1)}`)}]`;
}

function tensorStr(
  layout: Layout,
  fmt: ElementFormatter,
  dim: number,
  offset: number,
  indent: number,
): string {
  const rank = layout.shape.length - dim;
  if (rank === 0) return fmt.format(layout.values[offset]!);
  if (rank === 1) return vectorStr(layout, fmt, dim, offset, indent);
  const size = layout.shape[dim]!;
  const edge = layout.options.edgeitems;
  const cut = layout.summarize && size > 2 * edge;
  const slices: string[] = [];
  for (const i of shownIndices(size, layout.summarize, edge)) {
    if (cut && i === size - edge) slices.push('...');
    slices.push(tensorStr(layout, fmt, dim + 1, offset + i * layout.strides[dim]!, indent + 1));
  }
  // One blank line per extra dimension separates the slices of a rank ≥ 3 tensor.
  return `[${slices.join(`,${'\n'.repeat(rank - 1)}${' '.repeat(indent + 1)}`)}]`;
}

/** Appends `, suffix` items, moving one to its own line when it would pass the line width. */
function withSuffixes(body: string, suffixes: readonly string[], linewidth: number): string {
  const indent = PREFIX.length;
  let text = body;
  // torch counts the last line plus 2 here; kept so line breaks land where torch's do.
  let lastLineLength = body.length - body.lastIndexOf('\n') + 1;
  for (const suffix of suffixes) {
    if (lastLineLength + suffix.length + 2 > linewidth) {
      text += `,\n${' '.repeat(indent)}${suffix}`;
      lastLineLength = indent + suffix.length;
    } else {
      text += `, ${suffix}`;
      lastLineLength += suffix.length + 2;
    }
  }
  return `${text})`;
}

/**
 * A tensor printed as PyTorch prints it, with the options `setPrintOptions` set (precision
 * 4, threshold 1000, edgeitems 3, linewidth 80 by default) unless overridden here.
 * @example
 * console.log(formatTensor(tensor([[1, 2], [3, 4]], { dtype: 'float32' })));
 * // → tensor([[1., 2.],
 * //           [3., 4.]])
 * @example formatTensor(tensor([1, 2], { dtype: 'int32' })) // → 'tensor([1, 2], dtype=torch.int32)'
 * @example formatTensor(ones(2, { requiresGrad: true }).mul(2)) // → 'tensor([2., 2.], grad_fn=<MulBackward>)'
 */
export function formatTensor(t: FormattableTensor, options: Partial<PrintOptions> = {}): string {
  // Duck-typed (any FormattableTensor prints), so checked here rather than as a Tensor.
  if (
    t === null ||
    typeof t !== 'object' ||
    !Array.isArray(t.shape) ||
    typeof t.data !== 'function'
  )
    throw new ArgumentError('formatTensor: t must be a tensor (shape, dtype and data())');
  if (options === null || typeof options !== 'object')
    throw new ArgumentError('formatTensor: options must be an object');
  const opts: PrintOptions = { ...currentPrintOptions(), ...options };
  const shape = t.shape;
  const numel = shape.reduce((a, b) => a * b, 1);
  const suffixes: string[] = [];
  let body: string;
  if (numel === 0) {
    if (shape.length !== 1) suffixes.push(`size=${pyTuple(shape)}`);
    // With no elements to show the type, torch names every dtype but the float default.
    if (t.dtype !== 'float32') suffixes.push(`dtype=torch.${t.dtype}`);
    body = '[]';
  } else {
    if (!UNSAID_DTYPES.has(t.dtype)) suffixes.push(`dtype=torch.${t.dtype}`);
    const strides = new Array<number>(shape.length);
    let step = 1;
    for (let d = shape.length - 1; d >= 0; d--) {
      strides[d] = step;
      step *= shape[d]!;
    }
    const layout: Layout = {
      shape,
      strides,
      values: t.data(),
      summarize: numel > opts.threshold,
      options: opts,
    };
    const fmt = elementFormatter(kindOf(t.dtype), shownValues(layout), opts);
    body = tensorStr(layout, fmt, 0, 0, PREFIX.length);
  }
  if (t.gradFn) suffixes.push(`grad_fn=<${t.gradFn.name}>`);
  else if (t.requiresGrad) suffixes.push('requires_grad=True');
  return withSuffixes(PREFIX + body, suffixes, opts.linewidth);
}
