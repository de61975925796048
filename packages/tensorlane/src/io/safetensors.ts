/**
 * The safetensors format (Hugging Face): an 8-byte little-endian header length, a UTF-8 JSON
 * header `{ name: { dtype, shape, data_offsets: [begin, end] }, __metadata__?: {…} }`, then
 * the tensors' bytes, indexed without gaps or overlaps. Everything in the header is checked
 * against the file before a single tensor is allocated, so a malformed or hostile file
 * gives a `FormatError` naming the tensor and the problem, never a huge allocation or a
 * wrong read.
 */
import { describeValue, expectTensor } from '../argument-checks.js';
import type { DType } from '../dtype.js';
import { ArgumentError, FormatError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import {
  checkedNumel,
  FILE_ELEMENTS,
  type FileElementName,
  tensorFromFileBytes,
} from './element-decoding.js';
import { readSource, type WeightsSource } from './read-source.js';

/** A header larger than this is refused (the reference implementation's limit). */
const MAX_HEADER_BYTES = 100_000_000;

const DTYPE_ELEMENTS: Record<string, FileElementName> = {
  F32: 'f32',
  F64: 'f64',
  I32: 'i32',
  BOOL: 'bool',
  F16: 'f16',
  BF16: 'bf16',
  I64: 'i64',
  I8: 'i8',
  U8: 'u8',
  I16: 'i16',
  U16: 'u16',
};

const SAVED_DTYPE: Record<DType, string> = {
  float32: 'F32',
  float64: 'F64',
  int32: 'I32',
  bool: 'BOOL',
};

interface Entry {
  readonly name: string;
  readonly element: FileElementName;
  readonly shape: number[];
  readonly begin: number;
  readonly end: number;
}

/** The header's entries, each checked against the data section's `dataBytes`. */
function parseHeader(op: string, bytes: Uint8Array): { entries: Entry[]; dataStart: number } {
  if (bytes.length < 8)
    throw new FormatError(
      `${op}: truncated file of ${bytes.length} bytes (the header length alone takes 8)`,
    );
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerBytes = view.getBigUint64(0, true);
  if (headerBytes > BigInt(MAX_HEADER_BYTES))
    throw new FormatError(`${op}: header of ${headerBytes} bytes is over the 100 MB limit`);
  const n = Number(headerBytes);
  if (8 + n > bytes.length)
    throw new FormatError(
      `${op}: header length ${n} runs past the end of the ${bytes.length}-byte file`,
    );
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    throw new FormatError(`${op}: the header is not UTF-8 JSON (${(e as Error).message})`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header))
    throw new FormatError(`${op}: the header is not a JSON object`);
  const dataBytes = bytes.length - 8 - n;
  const entries: Entry[] = [];
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      const ok =
        raw !== null &&
        typeof raw === 'object' &&
        Object.values(raw as object).every((v) => typeof v === 'string');
      if (!ok) throw new FormatError(`${op}: __metadata__ must map strings to strings`);
      continue;
    }
    entries.push(parseEntry(op, name, raw, dataBytes));
  }
  // The entries must tile the data section exactly: no overlaps (two tensors sharing bytes)
  // and no gaps (bytes no tensor owns), as the reference implementation requires.
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const e of sorted) {
    if (e.begin !== at)
      throw new FormatError(
        `${op}: tensor '${e.name}': data_offsets [${e.begin}, ${e.end}] ${e.begin < at ? 'overlap another tensor' : `leave bytes ${at}..${e.begin} unowned`}`,
      );
    at = e.end;
  }
  if (at !== dataBytes)
    throw new FormatError(
      `${op}: the data section has ${dataBytes} bytes but the tensors cover ${at}`,
    );
  return { entries, dataStart: 8 + n };
}

function parseEntry(op: string, name: string, raw: unknown, dataBytes: number): Entry {
  const what = `tensor '${name}'`;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new FormatError(`${op}: ${what}: header entry is not an object`);
  const { dtype, shape, data_offsets: offsets } = raw as Record<string, unknown>;
  const element = typeof dtype === 'string' ? DTYPE_ELEMENTS[dtype] : undefined;
  if (element === undefined)
    throw new FormatError(
      `${op}: ${what}: dtype ${JSON.stringify(dtype)} is not one of ${Object.keys(DTYPE_ELEMENTS).join(', ')}`,
    );
  const numel = checkedNumel(op, what, shape);
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)
  )
    throw new FormatError(
      `${op}: ${what}: data_offsets ${JSON.stringify(offsets)} are not two non-negative integers`,
    );
  const [begin, end] = offsets as [number, number];
  if (begin > end || end > dataBytes)
    throw new FormatError(
      `${op}: ${what}: data_offsets [${begin}, ${end}] are outside the ${dataBytes}-byte data section`,
    );
  const want = numel * FILE_ELEMENTS[element].bytes;
  if (end - begin !== want)
    throw new FormatError(
      `${op}: ${what}: shape [${(shape as number[]).join(', ')}] of ${dtype} needs ${want} bytes, data_offsets give ${end - begin}`,
    );
  return { name, element, shape: (shape as number[]).slice(), begin, end };
}

/**
 * The tensors of a safetensors file, by name, on the current backend. F32, F64, I32 and
 * BOOL load as they are; F16 and BF16 load as float32; I64 (and narrower integers) as int32,
 * with a `FormatError` for a value past int32.
 * @example
 * const bytes = saveSafetensors({ w: tensor([[1, 2], [3, 4]]).float() });
 * const { w } = await loadSafetensors(bytes);
 * w.sum().item() // → 10
 */
export async function loadSafetensors(source: WeightsSource): Promise<Record<string, Tensor>> {
  const bytes = await readSource('loadSafetensors', source);
  return decodeSafetensors('loadSafetensors', bytes);
}

/** `loadSafetensors` on bytes already in hand (no await). */
export function decodeSafetensors(op: string, bytes: Uint8Array): Record<string, Tensor> {
  const { entries, dataStart } = parseHeader(op, bytes);
  const out: Record<string, Tensor> = {};
  try {
    for (const e of entries) {
      const t = tensorFromFileBytes(
        op,
        `tensor '${e.name}'`,
        bytes.subarray(dataStart + e.begin, dataStart + e.end),
        FILE_ELEMENTS[e.element],
        e.shape,
      );
      // defineProperty: a tensor named '__proto__' must be a key, not the prototype.
      Object.defineProperty(out, e.name, {
        value: t,
        enumerable: true,
        configurable: true,
        writable: true,
      });
    }
  } catch (err) {
    for (const t of Object.values(out)) t.dispose();
    throw err;
  }
  return out;
}

/**
 * The bytes of a safetensors file holding `tensors` (each saved contiguously in its own
 * dtype) and optional string `metadata`, loadable by Python's `safetensors.torch.load`.
 * @example saveSafetensors({ b: zeros(3) }).length // → 76
 */
export function saveSafetensors(
  tensors: Record<string, Tensor>,
  metadata?: Record<string, string>,
): Uint8Array {
  const op = 'saveSafetensors';
  if (tensors === null || typeof tensors !== 'object' || Array.isArray(tensors))
    throw new ArgumentError(
      `${op}: tensors must be an object of named tensors, got ${describeValue(tensors)}`,
    );
  if (metadata !== undefined) {
    const ok =
      metadata !== null &&
      typeof metadata === 'object' &&
      Object.values(metadata).every((v) => typeof v === 'string');
    if (!ok) throw new ArgumentError(`${op}: metadata must map strings to strings`);
  }
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (const [name, value] of Object.entries(tensors)) {
    if (name === '__metadata__')
      throw new ArgumentError(`${op}: '__metadata__' is reserved, not a tensor name`);
    const t = expectTensor(op, `tensors['${name}']`, value).live(op);
    const data = t.data();
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    header[name] = {
      dtype: SAVED_DTYPE[t.dtype],
      shape: t.shape,
      data_offsets: [offset, offset + bytes.length],
    };
    parts.push(bytes);
    offset += bytes.length;
  }
  // Spaces pad the header so the data starts 8-byte aligned, as Python's writer does.
  let json = JSON.stringify(header);
  const encoder = new TextEncoder();
  while ((8 + encoder.encode(json).length) % 8 !== 0) json += ' ';
  const head = encoder.encode(json);
  const file = new Uint8Array(8 + head.length + offset);
  new DataView(file.buffer).setBigUint64(0, BigInt(head.length), true);
  file.set(head, 8);
  let at = 8 + head.length;
  for (const p of parts) {
    file.set(p, at);
    at += p.length;
  }
  return file;
}
