/** Element types. `bool` is stored one byte per element (0 or 1). */
export type DType = 'float32' | 'float64' | 'int32' | 'bool';

export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

export type TypedArrayCtor =
  | Float32ArrayConstructor
  | Float64ArrayConstructor
  | Int32ArrayConstructor
  | Uint8ArrayConstructor;

/** The typed array that holds each dtype's elements. */
export const ARRAY_OF: Record<DType, TypedArrayCtor> = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  bool: Uint8Array,
};

/** Bytes per element. */
export const BYTES_OF: Record<DType, number> = { float32: 4, float64: 8, int32: 4, bool: 1 };

/** Below this many bytes a zeroed array costs about what an uninitialized one does. */
const UNINITIALIZED_MIN_BYTES = 1 << 16;

/**
 * A new array of `n` elements of `dtype` that the caller overwrites whole before anyone
 * reads it (a readback). In Node and Bun a large one comes from `Buffer.allocUnsafe`, which
 * skips the zero fill a `new Float32Array(n)` or `slice` pays (an extra write of every
 * byte); elsewhere, or small, it is a zeroed array. Either way it owns its whole buffer.
 * @example uninitializedArray('float32', 3).length // → 3
 */
export function uninitializedArray(dtype: DType, n: number): TypedArray {
  const Ctor = ARRAY_OF[dtype];
  const bytes = n * BYTES_OF[dtype];
  // Read off globalThis, not as a free `Buffer`, so that no bundler polyfills it.
  const allocUnsafe = (globalThis as any).Buffer?.allocUnsafe;
  if (bytes < UNINITIALIZED_MIN_BYTES || typeof allocUnsafe !== 'function') return new Ctor(n);
  const b = allocUnsafe(bytes) as Uint8Array;
  // Sizes this large never come from Node's shared pool; check rather than assume it.
  if (b.byteOffset !== 0 || b.buffer.byteLength !== bytes) return new Ctor(n);
  return new Ctor(b.buffer as ArrayBuffer, 0, n);
}

export function isFloat(d: DType): boolean {
  return d === 'float32' || d === 'float64';
}
