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

export function isFloat(d: DType): boolean {
  return d === 'float32' || d === 'float64';
}
