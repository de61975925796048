/**
 * Turning the bytes of a file's element type into a tensor's storage: one pass from the
 * file bytes into the backend's memory (a byte copy when the layouts agree, a conversion
 * loop for half floats, 64-bit and narrow integers). Elements are little-endian, as every
 * JavaScript engine's typed arrays are on the hosts they run on; big-endian numpy files
 * are read through a DataView.
 */
import { currentBackend } from '../backend/current.js';
import type { DType, TypedArray } from '../dtype.js';
import { FormatError } from '../errors.js';
import { numelOf } from '../shape/strides.js';
import { outputTensor, type Tensor } from '../tensor.js';

/** A file element type: bytes per element, the tensor dtype it loads as, how it converts. */
export interface FileElement {
  readonly bytes: number;
  readonly dtype: DType;
  /** Byte-identical to the tensor dtype's storage (copied as bytes). */
  readonly sameBytes: boolean;
  /** Reads element `i` of `view` (little-endian unless `bigEndian`). */
  readonly read: (view: DataView, i: number, bigEndian: boolean) => number;
}

/** IEEE half (binary16) bits as a number. */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

const bf16 = new Float32Array(1);
const bf16Bits = new Uint32Array(bf16.buffer);
function bfloat16ToFloat(b: number): number {
  bf16Bits[0] = b << 16;
  return bf16[0]!;
}

/** A 64-bit integer that must fit int32 (else NaN, which the caller reports). */
function int64AsInt32(view: DataView, byte: number, bigEndian: boolean): number {
  const lo = view.getInt32(byte + (bigEndian ? 4 : 0), !bigEndian);
  const hi = view.getInt32(byte + (bigEndian ? 0 : 4), !bigEndian);
  return hi === lo >> 31 ? lo : Number.NaN;
}

const el = (
  bytes: number,
  dtype: DType,
  sameBytes: boolean,
  read: (v: DataView, i: number, be: boolean) => number,
): FileElement => ({ bytes, dtype, sameBytes, read });

/** The element types both formats name, by a format-neutral key. */
export const FILE_ELEMENTS = {
  f32: el(4, 'float32', true, (v, i, be) => v.getFloat32(4 * i, !be)),
  f64: el(8, 'float64', true, (v, i, be) => v.getFloat64(8 * i, !be)),
  i32: el(4, 'int32', true, (v, i, be) => v.getInt32(4 * i, !be)),
  bool: el(1, 'bool', false, (v, i) => (v.getUint8(i) !== 0 ? 1 : 0)),
  f16: el(2, 'float32', false, (v, i, be) => halfToFloat(v.getUint16(2 * i, !be))),
  bf16: el(2, 'float32', false, (v, i, be) => bfloat16ToFloat(v.getUint16(2 * i, !be))),
  i64: el(8, 'int32', false, (v, i, be) => int64AsInt32(v, 8 * i, be)),
  i8: el(1, 'int32', false, (v, i) => v.getInt8(i)),
  u8: el(1, 'int32', false, (v, i) => v.getUint8(i)),
  i16: el(2, 'int32', false, (v, i, be) => v.getInt16(2 * i, !be)),
  u16: el(2, 'int32', false, (v, i, be) => v.getUint16(2 * i, !be)),
} as const;

export type FileElementName = keyof typeof FILE_ELEMENTS;

/**
 * Elements of `shape`, or a `FormatError` for a shape that is not a list of non-negative
 * integers or whose product is past 2^53.
 */
export function checkedNumel(op: string, what: string, shape: unknown): number {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isSafeInteger(d) || d < 0))
    throw new FormatError(
      `${op}: ${what}: shape ${JSON.stringify(shape)} is not a list of non-negative integers`,
    );
  let n = 1;
  for (const d of shape as number[]) {
    n *= d;
    if (n > Number.MAX_SAFE_INTEGER)
      throw new FormatError(`${op}: ${what}: shape ${JSON.stringify(shape)} is too large`);
  }
  return n;
}

/**
 * A contiguous tensor of `shape` holding the `element`-typed values in `bytes` (exactly
 * numel · element.bytes of them), on the current backend.
 */
export function tensorFromFileBytes(
  op: string,
  what: string,
  bytes: Uint8Array,
  element: FileElement,
  shape: readonly number[],
  bigEndian = false,
): Tensor {
  const n = numelOf(shape);
  const t = outputTensor(shape, element.dtype, currentBackend());
  try {
    const storage = t.backendView.storage;
    const out: TypedArray = t.backend.array(storage);
    if (element.sameBytes && !bigEndian) {
      new Uint8Array(out.buffer, out.byteOffset, out.byteLength).set(bytes);
      return t;
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < n; i++) {
      const v = element.read(view, i, bigEndian);
      if (Number.isNaN(v) && element.dtype === 'int32')
        throw new FormatError(
          `${op}: ${what}: element ${i} does not fit int32 (tensorlane stores no int64)`,
        );
      out[i] = v;
    }
    return t;
  } catch (e) {
    t.dispose();
    throw e;
  }
}
