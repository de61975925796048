// softmax(-1)'s passes timed one by one on the raw exports of a probe build (the kernel
// crate with its `pass-probes` feature: bench-only exports, see
// crates/kernels/src/softmax_probes.rs), beside the whole row kernel, tensorlane's op and
// tfjs-backend-wasm's softmax in the same process. Every case is sampled round-robin (one
// sample each per round, ~10 ms of this process's CPU time per sample, medians of the
// rounds), so all of them see the same state of the shared machine. The clock is read in the
// same rounds by a chain of dependent one-cycle integer vector ops, so each pass is also
// given in cycles per 4-float vector. Inputs uniform in [-4, 4), rows of 1024 floats.
//
//   node bench/softmax-passes.mjs <probe wasm> [--rows=128] [--rounds=15] [--only=<regexp>]
// Build the probe wasm as scripts/build-wasm.mjs builds a single-thread flavour, with the
// feature added and its own target dir (plus that script's -Zbuild-std flags where the
// toolchain has no prebuilt wasm32 std):
//   cargo rustc --release -p tensorlane-kernels --features pass-probes
//     --target wasm32-unknown-unknown --lib --target-dir target/wasm-probes
//     -- -C target-feature=+simd128[,+relaxed-simd] -C llvm-args=-disable-lsr
//   (the wasm is target/wasm-probes/wasm32-unknown-unknown/release/tensorlane_kernels.wasm)
// Run it on Node 22 for the relaxed build, Node 20 for simd128 (the package picks its build
// by feature detection, so its op and the probe build should match).
import { readFileSync } from 'node:fs';
import { loadTfjs } from './peers/tfjs.mjs';
import { cpuMedians } from './runner/cpu-medians.mjs';
import { randomData } from './runner/random-data.mjs';

const arg = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const probePath = process.argv[2];
if (!probePath || probePath.startsWith('--')) {
  console.error('usage: node bench/softmax-passes.mjs <probe wasm> [--rows=128] [--rounds=15]');
  process.exit(2);
}
const ROWS = Number(arg('rows') ?? 128);
const ROUNDS = Number(arg('rounds') ?? 15);
const only = new RegExp(arg('only') ?? '.');
const N = 1024;
const VECTORS = (ROWS * N) / 4;

const e = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(probePath)), {}).exports;
const lib = await import(new URL('../packages/tensorlane/dist/index.js', import.meta.url).href);
const info = await lib.init({ threads: 1 });
const tf = await loadTfjs(console.log);

const data = randomData(ROWS * N, 7).map((v) => v * 4);
// Output 1 KB past a 4 KB boundary, so input and output rows do not alias in L1.
const [x, out, consts] = [
  e.tl_alloc(4 * ROWS * N),
  e.tl_alloc(4 * ROWS * N + 4096) + 1024,
  e.tl_alloc(64),
];
new Float32Array(e.memory.buffer, x, ROWS * N).set(data);
new Float32Array(e.memory.buffer, out, ROWS * N).fill(1);
new Int32Array(e.memory.buffer, consts, 12).set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
// An output 16 bytes past the input modulo 4 KB, where the package's allocator put softmax's
// output in this process: stores then share their low 12 address bits with the next loads.
const outNear = (() => {
  const p = e.tl_alloc(4 * ROWS * N + 8192);
  return p + ((x + 16 - p) & 4095);
})();
// The package's own build of the same kernel (raw export), as the op calls it.
const pkg = new WebAssembly.Instance(
  new WebAssembly.Module(
    readFileSync(
      new URL(`../packages/tensorlane/wasm/tensorlane-${info.build}.wasm`, import.meta.url),
    ),
  ),
  {},
).exports;
const [px, pout] = [pkg.tl_alloc(4 * ROWS * N), pkg.tl_alloc(4 * ROWS * N + 8192)];
new Float32Array(pkg.memory.buffer, px, ROWS * N).set(data);
const poutNear = pout + ((px + 16 - pout) & 4095);
const poutFar = pout + ((px + 2048 - pout) & 4095);
const outArray = new Float32Array(e.memory.buffer, out, ROWS * N);
const CLOCK_ITERS = 1 << 20;
const tl = lib.tensor(data).view([ROWS, N]);
const tt = tf?.tensor(data, [ROWS, N]);

// [name, call, vector ops per vector on the ports (for the floor), or undefined]
const CASES = [
  ['clock', () => e.probe_clock(CLOCK_ITERS, consts)],
  ['copy (load + store)', () => e.probe_copy(ROWS, N, x, out)],
  ['max pass (max + min)', () => e.probe_max_min(ROWS, N, x)],
  ['max pass (max only)', () => e.probe_max(ROWS, N, x)],
  ['exp+sum+store (as shipped)', () => e.probe_exp(ROWS, N, x, out, 4)],
  ['exp+sum+store, flushing exp', () => e.probe_exp_flush(ROWS, N, x, out, 4)],
  ['exp pass, 1 vector/step', () => e.probe_exp_u1(ROWS, N, x, out, 4)],
  ['exp pass, 2 vectors/step', () => e.probe_exp_u2(ROWS, N, x, out, 4)],
  ['exp pass, 8 vectors/step', () => e.probe_exp_u8(ROWS, N, x, out, 4)],
  ['exp pass, int 2^n, 4/step', () => e.probe_exp_int_u4(ROWS, N, x, out, 4)],
  ['exp pass, int 2^n, 2/step', () => e.probe_exp_int_u2(ROWS, N, x, out, 4)],
  ['exp pass frame (no exp)', () => e.probe_exp_none(ROWS, N, x, out, 4)],
  ['fill(0) of a row block (JS)', () => outArray.fill(0)],
  ['scale pass (in place)', () => e.probe_scale(ROWS, N, out, 1)],
  ['row kernel (all passes)', () => e.probe_row(ROWS, N, x, out)],
  ['row kernel, output ≡ input+16 (4K)', () => e.probe_row(ROWS, N, x, outNear)],
  ['exp pass, output ≡ input+16 (4K)', () => e.probe_exp(ROWS, N, x, outNear, 4)],
  ['package softmax_f32, out ≡ in+2K', () => pkg.softmax_f32(ROWS, N, px, N, poutFar, N, 0)],
  ['package softmax_f32, out ≡ in+16', () => pkg.softmax_f32(ROWS, N, px, N, poutNear, N, 0)],
  ['package softmax_f32, out ≡ in+64', () => pkg.softmax_f32(ROWS, N, px, N, poutNear + 48, N, 0)],
  [
    'package softmax(0) kernel, out ≡ in+2K',
    () => pkg.softmax_columns_f32(ROWS, N, px, N, poutFar, N, 0),
  ],
  [
    'package softmax(0) kernel, out ≡ in+16',
    () => pkg.softmax_columns_f32(ROWS, N, px, N, poutNear, N, 0),
  ],
  ['tensorlane softmax(0) op', () => tl.softmax(0).dispose()],
  ['tensorlane softmax(-1) op', () => tl.softmax(-1).dispose()],
  ...(tt ? [['tfjs-backend-wasm softmax', () => tf.tidy(() => tf.softmax(tt)).dispose()]] : []),
].filter(([name]) => name === 'clock' || only.test(name));

const ms = cpuMedians(
  CASES.map(([, f]) => f),
  { warmup: 20, rounds: ROUNDS, sampleMs: 10 },
);
const ghz = (2 * CLOCK_ITERS) / (ms[0] * 1e6);
console.log(
  `${info.build} package build, probes ${probePath}; ${ROWS}×${N} float32, ${ROUNDS} rounds; ` +
    `clock ${ghz.toFixed(2)} GHz (dependent integer vector ops), ${new Date().toISOString()}`,
);
console.log('case                              µs/call   ns/vector  cycles/vector  ÷ tfjs');
const tfjs = tt ? ms.at(-1) : undefined;
CASES.forEach(([name], i) => {
  if (i === 0) return;
  const ns = (ms[i] * 1e6) / VECTORS;
  console.log(
    `${name.padEnd(32)} ${(ms[i] * 1000).toFixed(1).padStart(8)} ${ns.toFixed(3).padStart(10)} ` +
      `${(ns * ghz).toFixed(2).padStart(13)}  ${tfjs ? (ms[i] / tfjs).toFixed(2).padStart(6) : ''}`,
  );
});
