// Column reductions (max/min/argmax/argmin down the outer axis, issue 15 item 2) on the raw
// exports of two builds in one process: the wasm/ folder ("after") and a previous build
// kept as an artifact ("before", TL_WASM_DIR_BEFORE), each beside `sum(1)` of the same
// input in the same build, so that each row gives its time ÷ the row reduction's. Calls of
// all cases and both builds alternate sample by sample and are timed by this process's CPU
// time (after 100 ms of warm-up calls, about 8 ms of calls a sample, medians of `--rounds` samples, default 15), so that
// other work on the shared machine counts less. One thread; no allocation inside a sample.
//
// usage: TL_WASM_DIR_BEFORE=/path/to/old/wasm/ node bench/reduce-columns-ab.mjs [relaxed|simd128]
//   [--only=<regexp over case names>] [--rounds=<n>]   (Node 22, or Node 20 with simd128)
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { cpuMedians } from './runner/cpu-medians.mjs';

const arg = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const build = process.argv[2]?.startsWith('--') ? 'relaxed' : (process.argv[2] ?? 'relaxed');
const only = new RegExp(arg('only') ?? '.');
const rounds = Number(arg('rounds') ?? 15);
const dirs = [
  new URL('../packages/tensorlane/wasm/', import.meta.url),
  ...(process.env.TL_WASM_DIR_BEFORE
    ? [pathToFileURL(process.env.TL_WASM_DIR_BEFORE.replace(/\/?$/, '/'))]
    : []),
];
const builds = dirs.map((dir) => {
  const bytes = readFileSync(new URL(`tensorlane-${build}.wasm`, dir));
  return new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports;
});

// reduce::ReduceOp codes.
const [SUM, MAX, MIN, ARGMAX, ARGMIN] = [0, 2, 3, 4, 5];

/** Uniform values in [-1, 1) by a fixed LCG; `rising` adds the row index (a new maximum every row). */
function fill(data, cols, kind) {
  let s = 7;
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const u = (s / 2 ** 32) * 2 - 1;
    data[i] = kind === 'rising' ? Math.floor(i / cols) + u / 4 : u;
    if (kind === 'nan' && s % 100003 === 0) data[i] = Number.NaN;
  }
}

/** A rows×cols float32 input in build `e`, outputs and the dims blocks of sum(1) and of dim 0. */
function buffers(e, rows, cols, kind) {
  const n = rows * cols;
  // The input at a 4 KB boundary and the outputs 1 and 2 KB past one, in both builds alike
  // (the heap's layout differs between builds, and with it the input's alignment).
  const page = (bytes) => (e.tl_alloc(bytes + 4096) + 4095) & ~4095;
  const x = page(4 * n);
  const outLength = 4 * Math.max(rows, cols);
  const out = page(outLength + 4096) + 1024;
  const values = page(outLength + 4096) + 2048;
  fill(new Float32Array(e.memory.buffer, x, n), cols, kind);
  const dims = (a) => {
    const p = e.tl_alloc(4 * a.length);
    new Int32Array(e.memory.buffer, p, a.length).set(a);
    return p;
  };
  // [kept shape, kept strides, reduced shape, reduced strides] (reduce_dims in lib.rs).
  return {
    x,
    out,
    values,
    rowDims: dims([rows, cols, cols, 1]),
    colDims: dims([cols, 1, rows, cols]),
  };
}

const reduce = (op) => (e, b) => e.reduce_f32(op, 1, 1, b.colDims, b.x, b.out);
/** max(dim)/min(dim): indices and values from one call. */
const withValues = (op) => (e, b) =>
  e.reduce_arg_values_f32(op, 1, 1, b.colDims, b.x, b.out, b.values);

/** [name, rows, cols, input kind, call]. */
const CASES = [
  ['amax(0) 1024×1024', 1024, 1024, 'uniform', reduce(MAX)],
  ['amin(0) 1024×1024', 1024, 1024, 'uniform', reduce(MIN)],
  ['argmax(0) 1024×1024', 1024, 1024, 'uniform', reduce(ARGMAX)],
  ['argmin(0) 1024×1024', 1024, 1024, 'uniform', reduce(ARGMIN)],
  ['max(0) 1024×1024 (values + indices)', 1024, 1024, 'uniform', withValues(ARGMAX)],
  ['sum(0) 1024×1024', 1024, 1024, 'uniform', reduce(SUM)],
  ['argmax(0) 1024×1024, rising columns', 1024, 1024, 'rising', reduce(ARGMAX)],
  ['argmax(0) 1024×1024, ~10 NaNs', 1024, 1024, 'nan', reduce(ARGMAX)],
  ['amax(0) 1024×1024, ~10 NaNs', 1024, 1024, 'nan', reduce(MAX)],
  ['argmax(0) 10000×10', 10000, 10, 'uniform', reduce(ARGMAX)],
  ['amax(0) 10000×10', 10000, 10, 'uniform', reduce(MAX)],
  ['argmax(0) 16×65536', 16, 65536, 'uniform', reduce(ARGMAX)],
  ['amax(0) 16×65536', 16, 65536, 'uniform', reduce(MAX)],
  ['argmax(0) 4096×100', 4096, 100, 'uniform', reduce(ARGMAX)],
];

console.log(
  `${build} build; µs per call, ÷ sum(1) of the same input in the same build` +
    (builds.length > 1 ? '; after, before, after ÷ before' : ''),
);
for (const [name, rows, cols, kind, call] of CASES) {
  if (!only.test(name)) continue;
  const bufs = builds.map((e) => buffers(e, rows, cols, kind));
  const rowSum = (e, b) => e.reduce_f32(SUM, 1, 1, b.rowDims, b.x, b.out);
  // [build, call] pairs: each build's case and its sum(1).
  const tasks = builds.flatMap((e, i) => [() => call(e, bufs[i]), () => rowSum(e, bufs[i])]);
  // 100 ms each: long enough for V8 to tier the kernels up from its baseline compiler.
  const us = cpuMedians(tasks, { warmup: 0, warmupMs: 100, rounds, sampleMs: 8 }).map(
    (ms) => ms * 1000,
  );
  const cell = (i) =>
    `${us[2 * i].toFixed(1).padStart(7)} ${(us[2 * i] / us[2 * i + 1]).toFixed(2)}×`;
  console.log(
    `${name.padEnd(38)} ${cell(0)}` +
      (builds.length > 1 ? `  ${cell(1)}  ×${(us[0] / us[2]).toFixed(2)}` : ''),
  );
}
