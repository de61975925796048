/**
 * PyTorch's type promotion for tensorlane's dtypes (bool < int32 < float32 < float64).
 * Operands rank by priority: tensors with dims, then 0-d tensors, then JS numbers. A
 * lower-priority operand changes the result only if its category (bool < integer < float)
 * is higher, and then it contributes its own dtype (0-d tensors) or the category's default
 * (numbers: integers → int32, others → float32). So `int32 tensor + 2.5` is float32 and
 * `float32 tensor + float64 0-d tensor` stays float32.
 */
import { describeValue, expectDtype } from './argument-checks.js';
import type { DType } from './dtype.js';
import { ArgumentError } from './errors.js';

/** What promotion needs to know about an operand. */
export type PromotionOperand = { readonly dtype: DType; readonly ndim: number } | number | boolean;

const ORDER: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };
const CATEGORY: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 2 };

/** The larger of two dtypes in bool < int32 < float32 < float64. */
export function promoteTypes(a: DType, b: DType): DType {
  const oa = ORDER[a];
  const ob = ORDER[b];
  if (oa === undefined || ob === undefined) expectDtype('promoteTypes', oa === undefined ? a : b);
  return oa >= ob ? a : b;
}

/** The dtype a JS scalar stands for: booleans → bool, integers → int32, others → float32. */
export function scalarDtype(x: number | boolean): DType {
  if (typeof x === 'boolean') return 'bool';
  return Number.isInteger(x) ? 'int32' : 'float32';
}

/**
 * The result dtype of an elementwise op on these operands.
 * @example resultType([{ dtype: 'int32', ndim: 1 }, 2.5]) // → 'float32'
 */
export function resultType(operands: readonly PromotionOperand[]): DType {
  if (!Array.isArray(operands))
    throw new ArgumentError(
      `resultType: operands must be an array of tensors, numbers and booleans, got ${describeValue(operands)}`,
    );
  let dimResult: DType | undefined;
  let zeroDimResult: DType | undefined;
  let scalarResult: DType | undefined;
  for (const x of operands) {
    if (typeof x === 'number' || typeof x === 'boolean') {
      const d = scalarDtype(x);
      scalarResult = scalarResult ? promoteTypes(scalarResult, d) : d;
      continue;
    }
    const ndim = (x as { ndim?: unknown } | null)?.ndim;
    if (typeof ndim !== 'number')
      throw new ArgumentError(
        `resultType: each operand must be a tensor, a number or a boolean, got ${describeValue(x)}`,
      );
    if (ndim === 0) {
      zeroDimResult = zeroDimResult ? promoteTypes(zeroDimResult, x.dtype) : x.dtype;
    } else {
      dimResult = dimResult ? promoteTypes(dimResult, x.dtype) : x.dtype;
    }
  }
  let result = dimResult;
  for (const lower of [zeroDimResult, scalarResult]) {
    if (lower === undefined) continue;
    if (result === undefined || CATEGORY[lower] > CATEGORY[result]) result = lower;
  }
  return result ?? 'float32';
}

/** True when a value of dtype `from` may be written into `to` in place (no category loss). */
export function canCast(from: DType, to: DType): boolean {
  return CATEGORY[from] <= CATEGORY[to];
}
