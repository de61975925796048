/**
 * Creating tensors: from JS data (`tensor`) and from shapes (`zeros`, `ones`, `full`,
 * `empty`, `arange`, `linspace`, `eye`, `zerosLike`, `onesLike`). Shapes may be given as
 * an array or as separate numbers, with an optional trailing options object.
 */
import {
  describeValue,
  expectBoolean,
  expectInt32Values,
  expectNumber,
  expectOptionalDtype,
  expectOptions,
  expectScalar,
  expectTensor,
} from './argument-checks.js';
import { type DType, isFloat, type TypedArray } from './dtype.js';
import { DtypeError, fmtShape, ShapeError } from './errors.js';
import { scalarDtype } from './promote.js';
import { numelOf } from './shape/strides.js';
import { parseShape } from './shape/views.js';
import { emptyTensor, type NestedArray, Tensor } from './tensor.js';

/** Options of the creation functions. */
export interface CreationOptions {
  dtype?: DType;
  /** Record gradients for this new leaf (float dtypes only), as torch's `requires_grad=True`. */
  requiresGrad?: boolean;
}

/** `f(2, 3)`, `f([2, 3])`, `f(2, 3, { dtype })` or `f([2, 3], { dtype })`. */
export type ShapeAndOptions = (number | readonly number[] | CreationOptions)[];

/** Splits varargs into a shape and the trailing options object (if any). */
export function shapeAndOptions(
  op: string,
  args: ShapeAndOptions,
): { shape: number[]; options: CreationOptions } {
  const last = args[args.length - 1];
  const hasOptions = last !== null && typeof last === 'object' && !Array.isArray(last);
  const dims = (hasOptions ? args.slice(0, -1) : args) as (number | readonly number[])[];
  const options = hasOptions ? creationOptions(op, last) : {};
  return { shape: parseShape(op, dims), options };
}

/** Checks a creation options object: only `dtype` (and `extra` keys), a stored dtype. */
export function creationOptions(
  op: string,
  options: unknown,
  extra: readonly string[] = [],
): CreationOptions {
  const o = expectOptions(op, options as CreationOptions | undefined, [
    'dtype',
    'requiresGrad',
    ...extra,
  ]);
  expectOptionalDtype(op, o.dtype);
  if (o.requiresGrad !== undefined) expectBoolean(op, 'requiresGrad', o.requiresGrad);
  return o;
}

/** `t`, made a leaf that requires grad when the options ask for it. */
export function requiringGrad(t: Tensor, options: CreationOptions | undefined): Tensor {
  if (!options?.requiresGrad) return t;
  try {
    return t.requiresGrad_(true);
  } catch (e) {
    t.dispose();
    throw e;
  }
}

const TYPED_DTYPE = new Map<unknown, DType>([
  [Float32Array, 'float32'],
  [Float64Array, 'float64'],
  [Int32Array, 'int32'],
  [Uint8Array, 'bool'],
]);

/** Fills a new tensor of `shape`/`dtype` from numbers in row-major order. */
function fromValues(
  op: string,
  values: ArrayLike<number>,
  shape: readonly number[],
  dtype: DType,
): Tensor {
  if (dtype === 'int32' && !(values instanceof Int32Array)) expectInt32Values(op, values);
  const t = emptyTensor(shape, dtype);
  const dst = t.backend.array(t.backendView.storage);
  if (dtype === 'bool') for (let i = 0; i < values.length; i++) dst[i] = values[i] !== 0 ? 1 : 0;
  else dst.set(values as ArrayLike<number>);
  return t;
}

/** The shape of nested arrays, checking that they are rectangular. */
function nestedShape(data: NestedArray): number[] {
  const shape: number[] = [];
  let x: NestedArray = data;
  while (Array.isArray(x)) {
    shape.push(x.length);
    if (x.length === 0) break;
    x = x[0]!;
  }
  return shape;
}

function flatten(
  data: NestedArray,
  shape: readonly number[],
  out: (number | boolean)[],
  d = 0,
): void {
  if (d === shape.length) {
    if (Array.isArray(data) || (typeof data !== 'number' && typeof data !== 'boolean'))
      throw new ShapeError(
        `tensor: expected a number or a boolean at depth ${d}, got ${describeValue(data)}`,
      );
    out.push(data);
    return;
  }
  if (!Array.isArray(data) || data.length !== shape[d])
    throw new ShapeError(
      `tensor: ragged nested array: expected a sequence of length ${shape[d]} at dim ${d} ` +
        `(got ${Array.isArray(data) ? data.length : 'a scalar'}); shape so far ${fmtShape(shape.slice(0, d + 1))}`,
    );
  for (const x of data) flatten(x, shape, out, d + 1);
}

/** The dtype torch.tensor infers: all bool → bool, all integral → int32, else float32. */
function inferDtype(values: readonly (number | boolean)[]): DType {
  let dtype: DType = 'bool';
  for (const v of values) {
    const d = scalarDtype(v);
    if (d === 'float32') return 'float32';
    // Integers beyond int32 cannot be int32 (torch would use int64): fall back to float32.
    if (d === 'int32' && ((v as number) > 2147483647 || (v as number) < -2147483648))
      return 'float32';
    if (d === 'int32') dtype = 'int32';
  }
  return values.length === 0 ? 'float32' : dtype;
}

/**
 * A tensor from nested arrays, a scalar, a typed array (with `shape`) or another tensor.
 * Like `torch.tensor`, integer-only data gives int32 and any fraction float32, so
 * `tensor([1, 2])` is int32: pass `{ dtype: 'float32' }` (or write `1.5`) for floats.
 * @example tensor([[1, 2], [3, 4]], { dtype: 'float32' }); tensor(new Float32Array(6), { shape: [2, 3] })
 */
export function tensor(
  data: NestedArray | TypedArray | Tensor,
  options: CreationOptions & { shape?: readonly number[] } = {},
): Tensor {
  creationOptions('tensor', options, ['shape']);
  if (data instanceof Tensor) {
    const dtype = options.dtype ?? data.dtype;
    const src = data.live('tensor').data();
    const shape = options.shape ? parseShape('tensor', [options.shape]) : data.shape;
    if (numelOf(shape) !== src.length)
      throw new ShapeError(
        `tensor: shape ${fmtShape(shape)} needs ${numelOf(shape)} elements, the tensor has ${src.length}`,
      );
    return requiringGrad(fromValues('tensor', src, shape, dtype), options);
  }
  if (ArrayBuffer.isView(data)) {
    const dtype = options.dtype ?? TYPED_DTYPE.get(data.constructor);
    if (!dtype) throw new DtypeError(`tensor: unsupported typed array ${data.constructor.name}`);
    const shape = options.shape ? parseShape('tensor', [options.shape]) : [data.length];
    if (numelOf(shape) !== data.length)
      throw new ShapeError(
        `tensor: shape ${fmtShape(shape)} needs ${numelOf(shape)} elements, the typed array has ${data.length}`,
      );
    return requiringGrad(fromValues('tensor', data, shape, dtype), options);
  }
  const shape = nestedShape(data);
  const values: (number | boolean)[] = [];
  flatten(data, shape, values);
  const dtype = options.dtype ?? inferDtype(values);
  const nums = values.map(Number);
  if (options.shape) {
    const want = parseShape('tensor', [options.shape]);
    if (numelOf(want) !== nums.length)
      throw new ShapeError(
        `tensor: shape ${fmtShape(want)} needs ${numelOf(want)} elements, the data has ${nums.length}`,
      );
    return requiringGrad(fromValues('tensor', nums, want, dtype), options);
  }
  return requiringGrad(fromValues('tensor', nums, shape, dtype), options);
}

/** A tensor of `shape` filled with `value` (dtype inferred from it unless given). */
export function full(
  shape: number | readonly number[],
  value: number | boolean,
  options: CreationOptions = {},
): Tensor {
  const s = parseShape('full', [shape]);
  expectScalar('full', 'value', value);
  const dtype = creationOptions('full', options).dtype ?? scalarDtype(value);
  const v = dtype === 'bool' ? (value ? 1 : 0) : Number(value);
  if (dtype === 'int32') expectInt32Values('full', [v]);
  const t = emptyTensor(s, dtype);
  if (v !== 0) t.backend.array(t.backendView.storage).fill(v);
  return requiringGrad(t, options);
}

/** Zeros. @example zeros(2, 3); zeros([2, 3], { dtype: 'int32' }) */
export function zeros(...args: ShapeAndOptions): Tensor {
  const { shape, options } = shapeAndOptions('zeros', args);
  return requiringGrad(emptyTensor(shape, options.dtype ?? 'float32'), options);
}

/** Ones. @example ones(2, 3) */
export function ones(...args: ShapeAndOptions): Tensor {
  const { shape, options } = shapeAndOptions('ones', args);
  return requiringGrad(full(shape, 1, { dtype: options.dtype ?? 'float32' }), options);
}

/** An uninitialised tensor; tensorlane zero-fills it, so it equals `zeros`. */
export function empty(...args: ShapeAndOptions): Tensor {
  const { shape, options } = shapeAndOptions('empty', args);
  return requiringGrad(emptyTensor(shape, options.dtype ?? 'float32'), options);
}

/** Zeros with `t`'s shape (and dtype unless given). */
export function zerosLike(t: Tensor, options: CreationOptions = {}): Tensor {
  const dtype = creationOptions('zerosLike', options).dtype;
  return requiringGrad(
    emptyTensor(expectTensor('zerosLike', 't', t).live('zerosLike').shape, dtype ?? t.dtype),
    options,
  );
}

/** Ones with `t`'s shape (and dtype unless given). */
export function onesLike(t: Tensor, options: CreationOptions = {}): Tensor {
  const dtype = creationOptions('onesLike', options).dtype;
  return requiringGrad(
    full(expectTensor('onesLike', 't', t).live('onesLike').shape, 1, {
      dtype: dtype ?? t.dtype,
    }),
    options,
  );
}

/**
 * `[start, end)` in steps: `arange(end)`, `arange(start, end, step?)`; int32 when every
 * argument is an integer, else float32.
 * @example
 * arange(5) // → tensor([0, 1, 2, 3, 4], dtype=torch.int32)
 * arange(0, 1, 0.25) // → tensor([0.0000, 0.2500, 0.5000, 0.7500])
 */
export function arange(...args: (number | CreationOptions)[]): Tensor {
  const last = args[args.length - 1];
  const hasOptions = last !== null && typeof last === 'object';
  const options = hasOptions ? creationOptions('arange', last) : {};
  const nums = (hasOptions ? args.slice(0, -1) : args).map((a, i) =>
    expectNumber('arange', ['start', 'end', 'step'][i] ?? 'argument', a),
  );
  if (nums.length < 1 || nums.length > 3)
    throw new ShapeError(
      `arange: takes 1 to 3 numbers (end, or start, end, step), got ${nums.length}`,
    );
  const [start, end, step] =
    nums.length === 1 ? [0, nums[0]!, 1] : [nums[0]!, nums[1]!, nums[2] ?? 1];
  if (step === 0 || !Number.isFinite(start) || !Number.isFinite(end) || !Number.isFinite(step))
    throw new ShapeError(
      `arange: start ${start}, end ${end}, step ${step}: step must be nonzero and all finite`,
    );
  if ((end - start) * step < 0)
    throw new ShapeError(
      `arange: start ${start}, end ${end}, step ${step}: the step points away from end`,
    );
  const dtype = options.dtype ?? (nums.every(Number.isInteger) ? 'int32' : 'float32');
  const n = Math.max(0, Math.ceil((end - start) / step));
  return requiringGrad(
    fromFunction('arange', n, dtype, (i) => start + i * step),
    options,
  );
}

/**
 * A 1-D tensor of `n` elements `at(0), at(1), …` (a monotonic sequence, so checking both ends
 * range-checks int32), written straight into the new storage: no temporary array, so a huge
 * `n` fails as `OutOfMemoryError` in the allocation.
 */
function fromFunction(op: string, n: number, dtype: DType, at: (i: number) => number): Tensor {
  const toInt = !isFloat(dtype);
  const value = (i: number) => (toInt ? Math.trunc(at(i)) : at(i));
  if (dtype === 'int32' && n > 0) expectInt32Values(op, [value(0), value(n - 1)]);
  const t = emptyTensor([n], dtype);
  const dst = t.backend.array(t.backendView.storage);
  if (dtype === 'bool') for (let i = 0; i < n; i++) dst[i] = value(i) !== 0 ? 1 : 0;
  else for (let i = 0; i < n; i++) dst[i] = value(i);
  return t;
}

/**
 * `steps` evenly spaced values from `start` to `end` inclusive (float32 by default),
 * computed from both ends as torch does so the last value is exactly `end`.
 */
export function linspace(
  start: number,
  end: number,
  steps: number,
  options: CreationOptions = {},
): Tensor {
  expectNumber('linspace', 'start', start);
  expectNumber('linspace', 'end', end);
  if (!Number.isInteger(steps) || steps < 0)
    throw new ShapeError(
      `linspace: steps must be a non-negative integer, got ${describeValue(steps)}`,
    );
  const dtype = creationOptions('linspace', options).dtype ?? 'float32';
  const step = steps > 1 ? (end - start) / (steps - 1) : 0;
  const half = Math.floor(steps / 2);
  return requiringGrad(
    fromFunction('linspace', steps, dtype, (i) =>
      steps === 1 ? start : i < half ? start + i * step : end - (steps - 1 - i) * step,
    ),
    options,
  );
}

/** The `n × m` identity (m defaults to n). */
export function eye(
  n: number,
  m: number | CreationOptions = n,
  options: CreationOptions = {},
): Tensor {
  const cols = m === undefined || (m !== null && typeof m === 'object') ? n : m;
  const opts = m !== null && typeof m === 'object' ? m : options;
  const dtype = creationOptions('eye', opts).dtype ?? 'float32';
  const t = emptyTensor(parseShape('eye', [[n, cols]]), dtype);
  const a = t.backend.array(t.backendView.storage);
  for (let i = 0; i < Math.min(n, cols); i++) a[i * cols + i] = 1;
  return requiringGrad(t, opts);
}

/**
 * Internal: a contiguous tensor whose storage `fill` writes (random draws): allocating first
 * means a huge shape fails as `OutOfMemoryError` before any work.
 */
export function filledTensor(
  shape: readonly number[],
  dtype: DType,
  fill: (dst: TypedArray) => void,
): Tensor {
  const t = emptyTensor(shape, dtype);
  fill(t.backend.array(t.backendView.storage));
  return t;
}

/** Internal: a contiguous tensor from row-major numbers (used by random and tests). */
export function fromFlat(
  values: ArrayLike<number>,
  shape: readonly number[],
  dtype: DType,
): Tensor {
  return fromValues('tensor', values, shape, dtype);
}
