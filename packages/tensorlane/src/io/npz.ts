/**
 * NumPy's `.npz` archives: a ZIP file of `.npy` members, as `numpy.savez` (stored) and
 * `numpy.savez_compressed` (deflate) write them. The central directory is read from the end
 * of the file and every offset and size is checked against the file before a member is read.
 */
import { FormatError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { decodeNpy } from './npy.js';
import { readSource, type WeightsSource } from './read-source.js';

const END_OF_DIRECTORY = 0x06054b50;
const DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;

interface Member {
  readonly name: string;
  readonly method: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localOffset: number;
}

/** The members the central directory lists. */
function readDirectory(op: string, bytes: Uint8Array): Member[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The end record is 22 bytes plus a comment of at most 65535 bytes.
  let end = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65535); i--)
    if (view.getUint32(i, true) === END_OF_DIRECTORY) {
      end = i;
      break;
    }
  if (end < 0) throw new FormatError(`${op}: not a .npz file (no ZIP end-of-directory record)`);
  const count = view.getUint16(end + 10, true);
  const dirSize = view.getUint32(end + 12, true);
  const dirOffset = view.getUint32(end + 16, true);
  if (count === 0xffff || dirOffset === 0xffffffff)
    throw new FormatError(`${op}: ZIP64 archives (over 4 GiB or 65535 members) are not supported`);
  if (dirOffset + dirSize > end)
    throw new FormatError(
      `${op}: the central directory (${dirSize} bytes at ${dirOffset}) runs past its end record at ${end}`,
    );
  const members: Member[] = [];
  let at = dirOffset;
  for (let k = 0; k < count; k++) {
    if (at + 46 > end || view.getUint32(at, true) !== DIRECTORY_ENTRY)
      throw new FormatError(`${op}: directory entry ${k} at byte ${at} is malformed`);
    const nameLength = view.getUint16(at + 28, true);
    const skip = nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
    if (at + 46 + skip > end)
      throw new FormatError(`${op}: directory entry ${k} runs past the directory`);
    let name: string;
    try {
      name = new TextDecoder('utf-8', { fatal: true }).decode(
        bytes.subarray(at + 46, at + 46 + nameLength),
      );
    } catch {
      throw new FormatError(`${op}: the name of member ${k} is not UTF-8`);
    }
    members.push({
      name,
      method: view.getUint16(at + 10, true),
      compressedSize: view.getUint32(at + 20, true),
      size: view.getUint32(at + 24, true),
      localOffset: view.getUint32(at + 42, true),
    });
    at += 46 + skip;
  }
  return members;
}

/** A member's `.npy` bytes: stored as they are, or inflated. */
async function memberBytes(op: string, bytes: Uint8Array, m: Member): Promise<Uint8Array> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = m.localOffset;
  if (at + 30 > bytes.length || view.getUint32(at, true) !== LOCAL_HEADER)
    throw new FormatError(`${op}: member '${m.name}': no local header at byte ${at}`);
  const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
  if (start + m.compressedSize > bytes.length)
    throw new FormatError(
      `${op}: member '${m.name}': ${m.compressedSize} bytes at ${start} run past the ${bytes.length}-byte file`,
    );
  const data = bytes.subarray(start, start + m.compressedSize);
  if (m.method === 0) return data;
  if (m.method !== 8)
    throw new FormatError(
      `${op}: member '${m.name}': compression method ${m.method} is not supported (stored or deflate)`,
    );
  let inflate: DecompressionStream;
  try {
    inflate = new DecompressionStream('deflate-raw');
  } catch {
    throw new FormatError(
      `${op}: member '${m.name}' is deflated (numpy.savez_compressed), and this runtime's ` +
        "DecompressionStream has no 'deflate-raw' (Node 21.2+ and current browsers do): save it with numpy.savez",
    );
  }
  let out: Uint8Array;
  try {
    const stream = new Blob([data.slice()]).stream().pipeThrough(inflate);
    out = new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (e) {
    throw new FormatError(`${op}: member '${m.name}': its deflate data is corrupt (${String(e)})`);
  }
  if (out.length !== m.size)
    throw new FormatError(
      `${op}: member '${m.name}' inflated to ${out.length} bytes, the directory says ${m.size}`,
    );
  return out;
}

/**
 * The arrays of a `.npz` archive (`numpy.savez` or `numpy.savez_compressed`) by name (the
 * member name without `.npy`), each loaded as `loadNpy` does. A malformed archive is a
 * `FormatError` naming the member and the problem, and no tensor is left allocated.
 * @example // not run: needs an .npz file
 * const { weight, bias } = await loadNpz('model.npz');
 */
export async function loadNpz(source: WeightsSource): Promise<Record<string, Tensor>> {
  const op = 'loadNpz';
  const bytes = await readSource(op, source);
  const members = readDirectory(op, bytes);
  const out: Record<string, Tensor> = {};
  try {
    for (const m of members) {
      const name = m.name.endsWith('.npy') ? m.name.slice(0, -4) : m.name;
      if (Object.hasOwn(out, name))
        throw new FormatError(`${op}: the archive holds '${name}' twice`);
      out[name] = decodeNpy(`${op}: member '${m.name}'`, await memberBytes(op, bytes, m));
    }
  } catch (e) {
    for (const t of Object.values(out)) t.dispose();
    throw e;
  }
  return out;
}
