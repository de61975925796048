/**
 * What the testing utilities accept as a tensor: anything with a shape, a dtype and
 * `data()` returning the elements in row-major order. Duck typing keeps
 * `tensorlane/testing` usable on tensors from any tensorlane build (and on plain fakes).
 */
export interface TensorLike {
  readonly shape: readonly number[];
  readonly dtype: string;
  data(): ArrayLike<number>;
}

/** True for values shaped like a tensor (see `TensorLike`). */
export function isTensorLike(x: unknown): x is TensorLike {
  if (typeof x !== 'object' || x === null) return false;
  const t = x as Partial<TensorLike>;
  return Array.isArray(t.shape) && typeof t.dtype === 'string' && typeof t.data === 'function';
}

/** True for Float32Array, Int32Array, … (not DataView). */
export function isTypedArray(x: unknown): x is ArrayLike<number> & ArrayBufferView {
  return ArrayBuffer.isView(x) && !(x instanceof DataView);
}
