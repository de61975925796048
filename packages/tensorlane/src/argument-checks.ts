/**
 * Run-time checks of public arguments, for callers without a type checker. Each throws a
 * typed error naming the public op, the argument and the value it got, before the op
 * allocates anything. Use them at the top of every public function and method.
 */
import type { DType } from './dtype.js';
import { ArgumentError, DtypeError } from './errors.js';
import { Tensor } from './tensor.js';

/** The dtypes tensorlane stores. */
export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'bool'];

/** A short, safe rendering of any argument for an error message. */
export function describeValue(value: unknown): string {
  if (value instanceof Tensor)
    return `a ${value.dtype} tensor of shape [${value.shape.join(', ')}]`;
  if (typeof value === 'string')
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === 'function') return 'a function';
  return `an object (${Object.prototype.toString.call(value).slice(8, -1)})`;
}

/**
 * `value` if it is a tensor, else an `ArgumentError`.
 * @example expectTensor('matmul', 'other', tensor([1, 2])).shape // → [2]
 */
export function expectTensor(op: string, name: string, value: unknown): Tensor {
  if (value instanceof Tensor) return value;
  throw new ArgumentError(`${op}: ${name} must be a Tensor, got ${describeValue(value)}`);
}

/**
 * `value` if it is a tensor, a number or a boolean (an op operand), else an `ArgumentError`.
 * @example expectOperand('add', 'other', 2) // → 2
 */
export function expectOperand(op: string, name: string, value: unknown): Tensor | number | boolean {
  if (value instanceof Tensor || typeof value === 'number' || typeof value === 'boolean')
    return value;
  throw new ArgumentError(
    `${op}: ${name} must be a Tensor, a number or a boolean, got ${describeValue(value)}`,
  );
}

/**
 * `value` if it is a number (NaN and ±Infinity allowed unless `finite`), else an `ArgumentError`.
 * @example expectNumber('clamp', 'min', 0) // → 0
 */
export function expectNumber(op: string, name: string, value: unknown, finite = false): number {
  if (typeof value === 'number' && (!finite || Number.isFinite(value))) return value;
  throw new ArgumentError(
    `${op}: ${name} must be a ${finite ? 'finite ' : ''}number, got ${describeValue(value)}`,
  );
}

/**
 * `value` if it is an integer in `[min, max]`, else an `ArgumentError`.
 * @example expectInt('topk', 'k', 3, 0) // → 3
 */
export function expectInt(
  op: string,
  name: string,
  value: unknown,
  min = Number.MIN_SAFE_INTEGER,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max)
    return value;
  const range =
    min === Number.MIN_SAFE_INTEGER
      ? max === Number.MAX_SAFE_INTEGER
        ? ''
        : ` ≤ ${max}`
      : max === Number.MAX_SAFE_INTEGER
        ? ` ≥ ${min}`
        : ` in [${min}, ${max}]`;
  throw new ArgumentError(`${op}: ${name} must be an integer${range}, got ${describeValue(value)}`);
}

/**
 * `value` if it is a boolean, else an `ArgumentError`.
 * @example expectBoolean('sort', 'descending', true) // → true
 */
export function expectBoolean(op: string, name: string, value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  throw new ArgumentError(`${op}: ${name} must be true or false, got ${describeValue(value)}`);
}

/**
 * `value` if it is one of `choices`, else an `ArgumentError` listing them.
 * @example expectOneOf('gelu', 'approximate', 'tanh', ['none', 'tanh']) // → 'tanh'
 */
export function expectOneOf<T extends string>(
  op: string,
  name: string,
  value: unknown,
  choices: readonly T[],
): T {
  if (typeof value === 'string' && (choices as readonly string[]).includes(value))
    return value as T;
  throw new ArgumentError(
    `${op}: ${name} must be one of ${choices.map((c) => `'${c}'`).join(', ')}, got ${describeValue(value)}`,
  );
}

/**
 * `value` if it names a dtype tensorlane stores, else a `DtypeError` listing them.
 * @example expectDtype('zeros', 'int32') // → 'int32'
 */
export function expectDtype(op: string, value: unknown): DType {
  if (typeof value === 'string' && (DTYPES as readonly string[]).includes(value))
    return value as DType;
  throw new DtypeError(
    `${op}: dtype must be one of ${DTYPES.map((d) => `'${d}'`).join(', ')}, got ${describeValue(value)}` +
      (value === 'int64' || value === 'float16' || value === 'bfloat16'
        ? ' (int64, float16 and bfloat16 are not stored; use int32 or float32)'
        : ''),
  );
}

/**
 * `options` (undefined becomes `{}`) if it is a plain object whose keys are all in `allowed`,
 * else an `ArgumentError` naming every unknown key, each with its camelCase name or its
 * entry in `aliases` (PyTorch's name → tensorlane's) as a hint.
 * @example expectOptions('scaledDotProductAttention', { isCausal: true }, ['mask', 'isCausal', 'scale']) // → {isCausal: true}
 */
export function expectOptions<T extends object>(
  op: string,
  options: T | undefined,
  allowed: readonly string[],
  aliases: Readonly<Record<string, string>> = {},
): Partial<T> {
  if (options === undefined) return {};
  if (
    options === null ||
    typeof options !== 'object' ||
    Array.isArray(options) ||
    options instanceof Tensor
  )
    throw new ArgumentError(`${op}: options must be an object, got ${describeValue(options)}`);
  const unknown = Object.keys(options).filter((key) => !allowed.includes(key));
  if (unknown.length === 0) return options;
  const named = unknown.map((key) => {
    const camel = key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    const hint = Object.hasOwn(aliases, key) ? aliases[key] : camel;
    return allowed.includes(hint!) ? `'${key}' (did you mean '${hint}'?)` : `'${key}'`;
  });
  throw new ArgumentError(
    `${op}: unknown option${unknown.length > 1 ? 's' : ''} ${named.join(', ')}; expected ${allowed.map((k) => `'${k}'`).join(', ')}`,
  );
}

/**
 * `value` if it is a number or null/undefined (an optional bound such as clamp's), else an
 * `ArgumentError`.
 * @example expectOptionalNumber('clamp', 'min', null) // → null
 */
export function expectOptionalNumber(
  op: string,
  name: string,
  value: unknown,
): number | null | undefined {
  if (value === null || value === undefined || typeof value === 'number') return value;
  throw new ArgumentError(`${op}: ${name} must be a number or null, got ${describeValue(value)}`);
}

/**
 * A reduction's `dim` argument: a number, an array of numbers, or null/undefined (all dims),
 * else an `ArgumentError`. The range of each dim is checked by `normDim`.
 * @example expectDims('sum', [0, 1]) // → [0, 1]
 */
export function expectDims(
  op: string,
  value: unknown,
): number | readonly number[] | null | undefined {
  if (value === null || value === undefined || typeof value === 'number') return value;
  if (Array.isArray(value) && value.every((d) => typeof d === 'number')) return value;
  throw new ArgumentError(
    `${op}: dim must be an integer, a list of integers or null, got ${describeValue(value)}`,
  );
}

/**
 * `dtype` if it is undefined or names a stored dtype, else a `DtypeError` (`expectDtype`).
 * @example expectOptionalDtype('zeros', undefined) // → undefined
 */
export function expectOptionalDtype(op: string, value: unknown): DType | undefined {
  return value === undefined ? undefined : expectDtype(op, value);
}

/** The int32 range, which int32 tensors hold exactly. */
export const INT32_MIN = -(2 ** 31);
export const INT32_MAX = 2 ** 31 - 1;

/**
 * Checks that every value fits the int32 range after truncation toward zero (as PyTorch
 * refuses `torch.tensor([3e9], dtype=torch.int32)`), else a `DtypeError` naming the value.
 * @example expectInt32Values('full', [2 ** 30]) // → undefined
 */
export function expectInt32Values(op: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v > -2147483649 && v < 2147483648) continue;
    throw new DtypeError(
      `${op}: value ${v} cannot be converted to int32 without overflow ` +
        `(int32 holds ${INT32_MIN}..${INT32_MAX}; use float64 for larger values)`,
    );
  }
}

/**
 * `value` if it is a number or a boolean (a fill value), else an `ArgumentError`.
 * @example expectScalar('full', 'value', true) // → true
 */
export function expectScalar(op: string, name: string, value: unknown): number | boolean {
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  throw new ArgumentError(
    `${op}: ${name} must be a number or a boolean, got ${describeValue(value)}`,
  );
}

/**
 * `value` if it is a string, else an `ArgumentError`.
 * @example expectString('einsum', 'equation', 'ij->ji') // → 'ij->ji'
 */
export function expectString(op: string, name: string, value: unknown): string {
  if (typeof value === 'string') return value;
  throw new ArgumentError(`${op}: ${name} must be a string, got ${describeValue(value)}`);
}

/**
 * The elements of `value` if it is an iterable object (an array, a generator, a Set,
 * `model.parameters()`), else an `ArgumentError` saying it must be an iterable of `elements`.
 * Strings are refused: their characters are never what a caller meant.
 * @example expectIterable('optim.SGD', 'params', new Set([1, 2]), 'tensors') // → [1, 2]
 */
export function expectIterable(
  op: string,
  name: string,
  value: unknown,
  elements: string,
): unknown[] {
  if (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as Iterable<unknown>)[Symbol.iterator] === 'function'
  )
    return [...(value as Iterable<unknown>)];
  throw new ArgumentError(
    `${op}: ${name} must be an iterable of ${elements}, got ${describeValue(value)}`,
  );
}
