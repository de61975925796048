/**
 * NumPy's `.npy` format: the magic `\x93NUMPY`, a version, a header length, a Python dict
 * literal `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`, then the elements.
 * Versions 1.0–3.0; little- and big-endian; Fortran order loads as a strided view (as
 * `torch.from_numpy` keeps numpy's strides).
 */
import { expectTensor } from '../argument-checks.js';
import type { DType } from '../dtype.js';
import { FormatError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import {
  checkedNumel,
  FILE_ELEMENTS,
  type FileElementName,
  tensorFromFileBytes,
} from './element-decoding.js';
import { readSource, type WeightsSource } from './read-source.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** numpy type codes (kind + bytes) and the element each loads as. */
const DESCR_ELEMENTS: Record<string, FileElementName> = {
  f4: 'f32',
  f8: 'f64',
  i4: 'i32',
  b1: 'bool',
  f2: 'f16',
  i8: 'i64',
  i1: 'i8',
  u1: 'u8',
  i2: 'i16',
  u2: 'u16',
};

const SAVED_DESCR: Record<DType, string> = {
  float32: '<f4',
  float64: '<f8',
  int32: '<i4',
  bool: '|b1',
};

interface NpyHeader {
  element: FileElementName;
  bigEndian: boolean;
  fortran: boolean;
  shape: number[];
  dataStart: number;
}

function parseNpyHeader(op: string, bytes: Uint8Array): NpyHeader {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b))
    throw new FormatError(`${op}: not a .npy file (no \\x93NUMPY magic)`);
  const major = bytes[6]!;
  if (major < 1 || major > 3)
    throw new FormatError(`${op}: unsupported .npy version ${major}.${bytes[7]}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lengthBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lengthBytes) throw new FormatError(`${op}: truncated .npy header`);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = 8 + lengthBytes + headerLength;
  if (dataStart > bytes.length)
    throw new FormatError(
      `${op}: header length ${headerLength} runs past the end of the ${bytes.length}-byte file`,
    );
  let text: string;
  try {
    text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1', { fatal: true }).decode(
      bytes.subarray(8 + lengthBytes, dataStart),
    );
  } catch {
    throw new FormatError(`${op}: the header is not ${major === 3 ? 'UTF-8' : 'Latin-1'} text`);
  }
  const descr = /'descr'\s*:\s*'([<>|=])([a-z])(\d+)'/.exec(text);
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text);
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(text);
  if (!descr || !fortran || !shape)
    throw new FormatError(
      `${op}: the header ${JSON.stringify(text.trim())} lacks descr, fortran_order or shape`,
    );
  const element = DESCR_ELEMENTS[`${descr[2]}${descr[3]}`];
  if (element === undefined)
    throw new FormatError(`${op}: dtype '${descr[1]}${descr[2]}${descr[3]}' is not supported`);
  const dims = shape[1]!
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => (/^\d+$/.test(s) ? Number(s) : Number.NaN));
  checkedNumel(op, 'array', dims);
  return {
    element,
    bigEndian: descr[1] === '>',
    fortran: fortran[1] === 'True',
    shape: dims,
    dataStart,
  };
}

/**
 * The array of a `.npy` file as a tensor on the current backend: float32/float64/int32/bool
 * as they are, float16 as float32, int64 and narrower integers as int32 (a value past int32
 * is a `FormatError`).
 * @example (await loadNpy(saveNpy(arange(6).view(2, 3)))).shape // → [2, 3]
 */
export async function loadNpy(source: WeightsSource): Promise<Tensor> {
  const op = 'loadNpy';
  return decodeNpy(op, await readSource(op, source));
}

/** The tensor a `.npy` file's bytes hold (shared by `loadNpy` and `loadNpz`). */
export function decodeNpy(op: string, bytes: Uint8Array): Tensor {
  const h = parseNpyHeader(op, bytes);
  const element = FILE_ELEMENTS[h.element];
  const numel = h.shape.reduce((a, b) => a * b, 1);
  const end = h.dataStart + numel * element.bytes;
  if (end > bytes.length)
    throw new FormatError(
      `${op}: shape [${h.shape.join(', ')}] needs ${end - h.dataStart} data bytes, the file has ${bytes.length - h.dataStart}`,
    );
  const data = bytes.subarray(h.dataStart, end);
  if (!h.fortran || h.shape.length < 2)
    return tensorFromFileBytes(op, 'array', data, element, h.shape, h.bigEndian);
  // Column-major: the bytes are the transpose laid out row-major; view it back.
  const reversed = [...h.shape].reverse();
  const base = tensorFromFileBytes(op, 'array', data, element, reversed, h.bigEndian);
  const t = base.permute([...reversed.keys()].reverse());
  base.dispose();
  return t;
}

/**
 * The bytes of a version 1.0 `.npy` file holding `t` in C order, loadable by `numpy.load`.
 * @example saveNpy(zeros(2, 3)).length // → 152
 */
export function saveNpy(t: Tensor): Uint8Array {
  const op = 'saveNpy';
  expectTensor(op, 't', t).live(op);
  const shape = t.shape.length === 1 ? `(${t.shape[0]},)` : `(${t.shape.join(', ')})`;
  let header = `{'descr': '${SAVED_DESCR[t.dtype]}', 'fortran_order': False, 'shape': ${shape}, }`;
  // Spaces then a newline pad magic + version + length + header to a multiple of 64.
  const unpadded = 10 + header.length + 1;
  header += `${' '.repeat((64 - (unpadded % 64)) % 64)}\n`;
  const data = t.data();
  const file = new Uint8Array(10 + header.length + data.byteLength);
  file.set(MAGIC, 0);
  file.set([1, 0], 6);
  new DataView(file.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) file[10 + i] = header.charCodeAt(i);
  file.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return file;
}
