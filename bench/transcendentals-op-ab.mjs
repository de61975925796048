// Issue 15's transcendental rows at the op level, timed by this process's CPU time: this
// package's op + dispose, the same op of a previous build kept as an artifact
// (TENSORLANE_BEFORE, its dist/index.js beside its wasm/), and this build's raw `unary_f32`
// export on a preallocated output (a second instance of the same .wasm file), alternated
// sample by sample. On the shared 2-core machine a wall-clock median penalises the slower
// contender more (a longer call is more often descheduled mid-sample), so these ratios are
// steadier than bench/transcendentals.bench.mjs's; "op ÷ raw" is what an op costs beyond its
// kernel (allocation of the output, checks, dispatch, dispose).
// Each sample repeats one call for about 20 ms of CPU time; medians of 15 samples. Inputs:
// 1024×1024 float32 uniform in [-4, 4), |x| for log (precomputed: the rate is log's own).
//
// usage: TENSORLANE_BEFORE=/path/to/before/dist/index.js node bench/transcendentals-op-ab.mjs
//   [--only=<regexp over case names>]   (Node 22 runs the relaxed build, Node 20 simd128)
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { cpuMedians } from './runner/cpu-medians.mjs';

const only = new RegExp(
  process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length) ?? '.',
);
const lib = await import(new URL('../packages/tensorlane/dist/index.js', import.meta.url).href);
const before = process.env.TENSORLANE_BEFORE
  ? await import(pathToFileURL(process.env.TENSORLANE_BEFORE).href)
  : undefined;
const info = await lib.init({ threads: 1 });
if (before) await before.init({ threads: 1 });
const wasm = new URL(`../packages/tensorlane/wasm/tensorlane-${info.build}.wasm`, import.meta.url);
const raw = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(wasm)), {}).exports;

const N = 1024 * 1024;
/** [name, op on a module's tensor, unary code (crates/kernels/src/unary.rs), input map]. */
const CASES = [
  ['neg (memory-bound reference)', (_l, x) => x.neg(), 0],
  ['exp', (_l, x) => x.exp(), 3],
  ['log(|x|)', (_l, x) => x.log(), 4, Math.abs],
  ['tanh', (_l, x) => x.tanh(), 7],
  ['sigmoid', (_l, x) => x.sigmoid(), 8],
  ['erf', (l, x) => l.erf(x), 16],
  ['erf, |x| < 1 (no tail)', (l, x) => l.erf(x), 16, (v) => v / 4],
];

function inputData(transform) {
  const data = new Float32Array(N);
  let s = 7;
  for (let i = 0; i < N; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = transform(((s / 2 ** 32) * 2 - 1) * 4);
  }
  return data;
}

/** The raw export's input, output and dims blocks in the second instance. */
const rawX = raw.tl_alloc(4 * N);
// The output 1 KB past the input's offset modulo 4 KB, so that the store stream does not
// alias the loads by address bits (measured up to 8% slower for exp when it does).
const rawOutBlock = raw.tl_alloc(4 * N + 8192);
const rawOut = rawOutBlock + ((((rawX - rawOutBlock) % 4096) + 4096 + 1024) % 4096);
const rawDims = raw.tl_alloc(64);
new Int32Array(raw.memory.buffer, rawDims, 4).set([N, 1, 1, 1]);

console.log(
  `${info.build} build, G elements/s (CPU time): op, ${before ? 'before op, op ÷ before, ' : ''}raw kernel, op ÷ raw`,
);
for (const [name, op, code, transform = (v) => v] of CASES) {
  if (!only.test(name)) continue;
  const data = inputData(transform);
  const x = lib.tensor(data);
  const xb = before?.tensor(data);
  new Float32Array(raw.memory.buffer, rawX, N).set(data);
  const tasks = [() => op(lib, x).dispose()];
  if (before) tasks.push(() => op(before, xb).dispose());
  tasks.push(() => raw.unary_f32(code, 1, rawDims, rawX, rawOut, 0, 0));
  const ms = cpuMedians(tasks);
  x.dispose();
  xb?.dispose();
  const rate = (m) => (N / m / 1e6).toFixed(3).padStart(6);
  const [after, prev, kernel] = before ? ms : [ms[0], undefined, ms[1]];
  console.log(
    `${name.padEnd(30)} ${rate(after)}` +
      (prev === undefined ? '' : `  ${rate(prev)}  ×${(prev / after).toFixed(2)}`) +
      `  ${rate(kernel)}  ${(kernel / after).toFixed(2)}`,
  );
}
