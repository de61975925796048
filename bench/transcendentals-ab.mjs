// The transcendental and softmax kernels on the raw exports of two builds in one process:
// the wasm/ folder ("after") and a previous build kept as an artifact ("before",
// TL_WASM_DIR_BEFORE), alternated sample by sample and timed by this process's CPU time, so
// that other work on the shared machine counts less than in bench/transcendentals.bench.mjs
// (wall time, op-level, against tfjs). Each sample repeats one call for about 20 ms of CPU
// time; medians of 15 samples. Inputs uniform in [-4, 4) (|x| for log, log1p and pow's
// base), 1024 columns. A case whose op had no kernel in the previous build (expm1, log1p)
// times, as "before", the js backend's loop over the same wasm memory (Math.expm1/log1p).
//
// usage: TL_WASM_DIR_BEFORE=/path/to/old/wasm/ node bench/transcendentals-ab.mjs [relaxed|simd128]
//   [--only=<regexp over case names>]   (Node 22, or Node 20 with the simd128 build)
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { cpuMedians } from './runner/cpu-medians.mjs';

const build = process.argv[2]?.startsWith('--') ? 'relaxed' : (process.argv[2] ?? 'relaxed');
const only = new RegExp(
  process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length) ?? '.',
);
const dirUrl = (dir) => pathToFileURL(dir.replace(/\/?$/, '/'));
const dirs = [
  new URL('../packages/tensorlane/wasm/', import.meta.url),
  ...(process.env.TL_WASM_DIR_BEFORE ? [dirUrl(process.env.TL_WASM_DIR_BEFORE)] : []),
];
const builds = dirs.map((dir) => {
  const bytes = readFileSync(new URL(`tensorlane-${build}.wasm`, dir));
  return new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports;
});

/** Input and output blocks of `rows`×1024 floats and a 1-d dims block, in one build. */
function buffers(e, rows, transform) {
  const n = rows * 1024;
  // The output 1 KB past a 4 KB boundary of its block, so that input and output rows do
  // not alias in the L1 by their addresses modulo 4 KB.
  const [x, out, dims] = [e.tl_alloc(4 * n), e.tl_alloc(4 * n + 4096) + 1024, e.tl_alloc(64)];
  const data = new Float32Array(e.memory.buffer, x, n);
  let s = 7;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = transform(((s / 2 ** 32) * 2 - 1) * 4);
  }
  // 1-d dims: [n, strides a, out] for unary; [n, strides a, b, out] for binary, and a
  // second block with b's stride 0 for a scalar exponent held at `scalar`.
  new Int32Array(e.memory.buffer, dims, 4).set([n, 1, 1, 1]);
  const [dimsScalar, scalar] = [e.tl_alloc(64), e.tl_alloc(16)];
  new Int32Array(e.memory.buffer, dimsScalar, 4).set([n, 1, 0, 1]);
  new Float32Array(e.memory.buffer, scalar, 1)[0] = 1.5;
  return { x, out, dims, dimsScalar, scalar, n };
}

const softmax = (rows, log) => (e, b) => e.softmax_f32(rows, 1024, b.x, 1024, b.out, 1024, log);
const unary = (code) => (e, b) => e.unary_f32(code, 1, b.dims, b.x, b.out, 0, 0);
const pow = (e, b) => e.binary_f32(4, 1, b.dims, b.x, b.x, b.out);
const powScalar = (e, b) => e.binary_f32(4, 1, b.dimsScalar, b.x, b.scalar, b.out);
/** The js backend's kernel for a unary op, run over a build's memory. */
const jsUnary = (f) => (e, b) => {
  const [x, out] = [b.x, b.out].map((p) => new Float32Array(e.memory.buffer, p, b.n));
  for (let i = 0; i < b.n; i++) out[i] = f(x[i]);
};
/**
 * [name, rows of 1024, call, input transform, "before" call if not the same export]; unary
 * codes as crates/kernels/src/unary.rs, binary as binary::ArithOp.
 */
const CASES = [
  ['softmax(-1) 1024×1024', 1024, softmax(1024, 0)],
  ['softmax(-1) 128×1024', 128, softmax(128, 0)],
  ['logSoftmax(-1) 1024×1024', 1024, softmax(1024, 1)],
  [
    'softmax(0) 1024×1024',
    1024,
    (e, b) => e.softmax_columns_f32(1024, 1024, b.x, 1024, b.out, 1024, 0),
  ],
  ['neg (memory-bound reference)', 1024, unary(0)],
  ['exp', 1024, unary(3)],
  ['log(|x|)', 1024, unary(4), Math.abs],
  ['sin', 1024, unary(5)],
  ['cos', 1024, unary(6)],
  ['tanh', 1024, unary(7)],
  ['sigmoid', 1024, unary(8)],
  ['erf', 1024, unary(16)],
  ['gelu', 1024, unary(17)],
  ['silu', 1024, unary(19)],
  ['expm1', 1024, unary(22), undefined, jsUnary(Math.expm1)],
  ['log1p(|x|)', 1024, unary(23), Math.abs, jsUnary(Math.log1p)],
  ['pow(|x|, x) tensor-tensor', 1024, pow, Math.abs],
  ['pow(|x|, 1.5) tensor-scalar', 1024, powScalar, Math.abs],
];

console.log(
  `${build} build; G elements/s, after${builds.length > 1 ? ', before, after ÷ before' : ''}`,
);
for (const [name, rows, after, transform = (v) => v, before = after] of CASES) {
  if (!only.test(name)) continue;
  const bufs = builds.map((e) => buffers(e, rows, transform));
  const calls = builds.map((_, i) => (i === 0 ? after : before));
  const ms = cpuMedians(
    builds.map((e, i) => () => calls[i](e, bufs[i])),
    { warmup: 5 },
  );
  const rate = (m) => ((rows * 1024) / m / 1e6).toFixed(2);
  console.log(
    `${name.padEnd(30)} ${rate(ms[0]).padStart(5)}` +
      (ms.length > 1 ? `  ${rate(ms[1]).padStart(5)}  ×${(ms[1] / ms[0]).toFixed(2)}` : ''),
  );
}
