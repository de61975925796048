// The IDX format of the MNIST distribution, parsed and written without Node APIs so the
// browser page uses the same code: two zero bytes, a type code, the number of dimensions,
// one big-endian uint32 per dimension, then the elements in row-major order (big-endian).

/** A malformed, truncated or missing IDX file; the message names the file and the rule broken. */
export class IdxFormatError extends Error {
  constructor(message) {
    super(message);
    this.name = 'IdxFormatError';
  }
}

/** IDX type codes → element type, byte size and the typed array that holds it. */
const TYPES = {
  8: { name: 'ubyte', bytes: 1, Array: Uint8Array, read: (v, o) => v.getUint8(o) },
  9: { name: 'byte', bytes: 1, Array: Int8Array, read: (v, o) => v.getInt8(o) },
  11: { name: 'short', bytes: 2, Array: Int16Array, read: (v, o) => v.getInt16(o) },
  12: { name: 'int', bytes: 4, Array: Int32Array, read: (v, o) => v.getInt32(o) },
  13: { name: 'float', bytes: 4, Array: Float32Array, read: (v, o) => v.getFloat32(o) },
  14: { name: 'double', bytes: 8, Array: Float64Array, read: (v, o) => v.getFloat64(o) },
};

/**
 * Parses the bytes of one IDX file.
 * @param {Uint8Array} bytes the whole (already decompressed) file
 * @param {string} source the file's name, for error messages
 * @returns {{ type: string, shape: number[], data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array }}
 * @example parseIdx(readFileSync('t10k-labels-idx1-ubyte'), 'labels').shape // [10000]
 */
export function parseIdx(bytes, source) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 4)
    throw new IdxFormatError(`${source}: truncated: ${bytes.length} bytes, an IDX header needs 4`);
  if (bytes[0] !== 0 || bytes[1] !== 0)
    throw new IdxFormatError(
      `${source}: not an IDX file: the first two bytes must be 0 (found ${bytes[0]}, ${bytes[1]})`,
    );
  const type = TYPES[bytes[2]];
  if (!type)
    throw new IdxFormatError(
      `${source}: not an IDX file: unknown type code 0x${bytes[2].toString(16).padStart(2, '0')}`,
    );
  const ndim = bytes[3];
  const headerBytes = 4 + 4 * ndim;
  if (bytes.length < headerBytes)
    throw new IdxFormatError(
      `${source}: truncated: the header declares ${ndim} dimensions (${headerBytes} bytes), the file has ${bytes.length} bytes`,
    );
  const shape = [];
  for (let d = 0; d < ndim; d++) shape.push(view.getUint32(4 + 4 * d));
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = headerBytes + count * type.bytes;
  const what = `${shape.join('×')} ${type.name} elements`;
  if (bytes.length < expected)
    throw new IdxFormatError(
      `${source}: truncated: the header declares ${what} (${expected} bytes), the file has ${bytes.length} bytes`,
    );
  if (bytes.length > expected)
    throw new IdxFormatError(
      `${source}: malformed: ${bytes.length - expected} bytes follow the ${what} the header declares`,
    );
  let data;
  if (type.bytes === 1) {
    data = new type.Array(
      bytes.buffer.slice(bytes.byteOffset + headerBytes, expected + bytes.byteOffset),
    );
  } else {
    data = new type.Array(count);
    for (let i = 0; i < count; i++) data[i] = type.read(view, headerBytes + i * type.bytes);
  }
  return { type: type.name, shape, data };
}

/**
 * Encodes unsigned bytes as an IDX file (type ubyte), as the MNIST files are stored.
 * @param {readonly number[]} shape
 * @param {Uint8Array} data row-major, `shape`'s product long
 * @returns {Uint8Array}
 * @example encodeIdxUbyte([2], new Uint8Array([7, 2])) // 00 00 08 01 | 00 00 00 02 | 07 02
 */
export function encodeIdxUbyte(shape, data) {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length)
    throw new RangeError(
      `encodeIdxUbyte: shape [${shape}] holds ${count} bytes, got ${data.length}`,
    );
  const headerBytes = 4 + 4 * shape.length;
  const out = new Uint8Array(headerBytes + count);
  const view = new DataView(out.buffer);
  out[2] = 0x08;
  out[3] = shape.length;
  shape.forEach((size, d) => {
    view.setUint32(4 + 4 * d, size);
  });
  out.set(data, headerBytes);
  return out;
}
