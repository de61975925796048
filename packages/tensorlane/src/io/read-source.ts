/**
 * The bytes of a weights file from wherever a caller has it: bytes or an `ArrayBuffer`, a
 * `Response`, a URL (fetched; `file:` URLs and plain paths are read from disk in Node, Deno
 * and Bun). No copy is made of bytes the caller passes.
 */
import { describeValue } from '../argument-checks.js';
import { ArgumentError, FormatError } from '../errors.js';

/** Where a weights file comes from. */
export type WeightsSource = Uint8Array | ArrayBuffer | Response | URL | string;

/** Reads a local file through the runtime's own file API (none in browsers). */
async function readLocalFile(op: string, path: string | URL): Promise<Uint8Array> {
  const g = globalThis as any;
  if (g.Deno?.readFile) return g.Deno.readFile(path);
  const fs = g.process?.getBuiltinModule?.('node:fs/promises');
  if (!fs)
    throw new ArgumentError(
      `${op}: cannot read the file ${String(path)} here (no file system API); pass its bytes, a URL or a Response`,
    );
  return new Uint8Array(await fs.readFile(path));
}

/**
 * The bytes of `source`, for the public op `op` (named in errors).
 * @example (await readSource('loadNpy', new Uint8Array([1, 2]))).length // → 2
 */
export async function readSource(op: string, source: WeightsSource): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (typeof Response !== 'undefined' && source instanceof Response) {
    if (!source.ok)
      throw new FormatError(
        `${op}: the response for ${source.url || 'the file'} is HTTP ${source.status}`,
      );
    return new Uint8Array(await source.arrayBuffer());
  }
  if (typeof source === 'string' || source instanceof URL) {
    const url =
      source instanceof URL
        ? source
        : /^[a-z][a-z0-9+.-]*:\/\//i.test(source)
          ? new URL(source)
          : undefined;
    if (url === undefined || url.protocol === 'file:') return readLocalFile(op, url ?? source);
    const response = await fetch(url);
    if (!response.ok)
      throw new FormatError(`${op}: fetching ${url.href} gave HTTP ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  }
  throw new ArgumentError(
    `${op}: source must be bytes, an ArrayBuffer, a Response, a URL or a path, got ${describeValue(source)}`,
  );
}
