// Node side of the data: reads the MNIST test set from a directory of IDX files, each
// plain or gzipped (`t10k-images-idx3-ubyte` or `t10k-images-idx3-ubyte.gz`).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { IdxFormatError } from './idx.mjs';
import { MNIST_TEST_FILES, mnistFromIdx } from './mnist-set.mjs';

/**
 * The bytes of an IDX file, gunzipped when the file is gzip (detected by its magic bytes,
 * so a misnamed file still reads).
 * @param {string} path
 * @returns {Uint8Array}
 */
export function readIdxBytes(path) {
  const raw = readFileSync(path);
  if (raw[0] !== 0x1f || raw[1] !== 0x8b) return raw;
  try {
    return gunzipSync(raw);
  } catch (e) {
    throw new IdxFormatError(`${path}: not a complete gzip stream (${e.message})`);
  }
}

/** The path of `name` or `name.gz` in `dir`; a missing file is an error that names both. */
function findIdxFile(dir, name) {
  for (const candidate of [join(dir, name), join(dir, `${name}.gz`)])
    if (existsSync(candidate)) return candidate;
  throw new IdxFormatError(`${dir}: missing ${name} (looked for ${name} and ${name}.gz)`);
}

/**
 * Reads `t10k-images-idx3-ubyte[.gz]` and `t10k-labels-idx1-ubyte[.gz]` from `dir`.
 * @param {string} dir
 * @example readMnistDir('/data/mnist').count // 10000
 */
export function readMnistDir(dir) {
  if (!existsSync(dir)) throw new IdxFormatError(`${dir}: no such directory`);
  const paths = {
    images: findIdxFile(dir, MNIST_TEST_FILES.images),
    labels: findIdxFile(dir, MNIST_TEST_FILES.labels),
  };
  const set = mnistFromIdx(readIdxBytes(paths.images), readIdxBytes(paths.labels), paths);
  return { ...set, source: dir };
}
