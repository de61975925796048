// The GEMM and attention kernels alone (raw `gemm_f32` / `attention_f32` exports, no tensor
// layer, no result copy), timed by this process's CPU time instead of the wall clock: on
// a shared, loaded machine other processes then barely move the figures, which makes this
// the tool for tuning the kernels (KC/MC/NC, microkernel shape) and for fractions of the
// in-process peak. It does not replace gemm.bench.mjs (wall clock, contenders alternated).
// usage: [TL_WASM_DIR=file:///dir/] node bench/gemm-kernels-cputime.mjs [relaxed|simd128|baseline] [kernel ids, e.g. 0,1,2]
//   kernel ids: 0 = 4×8 (default), 1 = 6×8, 2 = 4×16. Node 20 needs
//   --experimental-wasm-relaxed-simd for the relaxed build.
import { readFileSync } from 'node:fs';

const build = process.argv[2] ?? 'relaxed';
const kernels = (process.argv[3] ?? '0').split(',').map(Number);
// TL_WASM_DIR compares an experimental build against the committed one in one session.
const wasmDir = process.env.TL_WASM_DIR ?? new URL('../packages/tensorlane/wasm/', import.meta.url);
const bytes = readFileSync(new URL(`tensorlane-${build}.wasm`, wasmDir));
const w = new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports;

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Median CPU ms of one call over 7 samples of at least 30 ms each. */
function timeIt(fn) {
  fn();
  let reps = 1;
  for (;;) {
    const t = cpuMs();
    for (let i = 0; i < reps; i++) fn();
    if (cpuMs() - t > 30) break;
    reps *= 2;
  }
  const samples = [];
  for (let r = 0; r < 7; r++) {
    const t = cpuMs();
    for (let i = 0; i < reps; i++) fn();
    samples.push((cpuMs() - t) / reps);
  }
  return samples.sort((a, b) => a - b)[3];
}

function fill(ptr, n) {
  const f = new Float32Array(w.memory.buffer, ptr, n);
  for (let i = 0; i < n; i++) f[i] = Math.random() - 0.5;
}

const flopsPerIter = w.bench_peak_flops_per_iter();
const peak = (fn) => (1e6 * flopsPerIter) / (timeIt(() => w[fn](1e6, 0.999, 0.001)) * 1e6);
// The peak loops are re-measured between rows and the median is the reference: on this
// shared machine one peak sample swung 36–48 GFLOP/s between runs, which alone moved every
// fraction by ±0.1 while the GEMM figures stayed put.
const peaks = { fma: [], muladd: [] };
function samplePeaks() {
  peaks.fma.push(peak('bench_peak_fma'));
  peaks.muladd.push(peak('bench_peak_muladd'));
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const spread = (xs) => `${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)}`;
samplePeaks();
/** Rows are printed at the end, once the median peaks are known. */
const lines = [];

const GEMMS = [
  [1, 5, 784, 10],
  [1, 10000, 784, 10],
  [1, 64, 64, 64],
  [1, 128, 128, 128],
  [1, 256, 256, 256],
  [1, 512, 512, 512],
  [1, 1024, 1024, 1024],
  [1, 768, 768, 3072],
  [32, 128, 64, 128],
  [12, 512, 64, 512],
];
const kernelName = ['4×8', '6×8', '4×16'];
for (const [batch, m, k, n] of GEMMS) {
  const [a, b, c] = [batch * m * k, batch * k * n, batch * m * n].map((len) => w.tl_alloc(len * 4));
  fill(a, batch * m * k);
  fill(b, batch * k * n);
  const row = kernels.map((id) => {
    w.bench_gemm_set_kernel(id);
    const ms = timeIt(() =>
      w.gemm_f32(batch, m, n, k, 1, 0, a, k, 1, m * k, b, n, 1, k * n, c, n, 1, m * n),
    );
    const gf = (2 * batch * m * n * k) / (ms * 1e6);
    return (fma, muladd) =>
      `${kernelName[id]} ${gf.toFixed(1)} GFLOP/s (${(gf / fma).toFixed(2)} FMA, ${(gf / muladd).toFixed(2)} mul+add peak)`;
  });
  lines.push(
    (fma, muladd) =>
      `gemm ${batch}×(${m}×${k} @ ${k}×${n}): ${row.map((f) => f(fma, muladd)).join('; ')}`,
  );
  samplePeaks();
  w.tl_free(a, batch * m * k * 4);
  w.tl_free(b, batch * k * n * 4);
  w.tl_free(c, batch * m * n * 4);
}
w.bench_gemm_set_kernel(0);

for (const [h, L, d] of [
  [12, 256, 64],
  [1, 4096, 64],
]) {
  const n = h * L * d;
  const [q, kk, v, o] = [0, 1, 2, 3].map(() => w.tl_alloc(n * 4));
  for (const p of [q, kk, v]) fill(p, n);
  const s = [L * d, d, 1];
  const ms = timeIt(() =>
    w.attention_f32(
      h,
      L,
      L,
      d,
      d,
      1 / Math.sqrt(d),
      0,
      q,
      ...s,
      kk,
      ...s,
      v,
      ...s,
      0,
      0,
      0,
      0,
      o,
      ...s,
    ),
  );
  const gf = (4 * h * L * L * d) / (ms * 1e6);
  lines.push(
    (fma) =>
      `fused attention ${h} heads × seq ${L} × d ${d}: ${gf.toFixed(1)} GFLOP/s, ${ms.toFixed(2)} ms (${(gf / fma).toFixed(2)} of FMA peak)`,
  );
}

const [peakFma, peakMulAdd] = [median(peaks.fma), median(peaks.muladd)];
console.log(
  `${build}: peak f32x4 FMA loop ${peakFma.toFixed(1)} GFLOP/s, mul+add loop ${peakMulAdd.toFixed(1)} GFLOP/s ` +
    `(medians of ${peaks.fma.length} samples; ranges ${spread(peaks.fma)}, ${spread(peaks.muladd)})`,
);
for (const line of lines) console.log(line(peakFma, peakMulAdd));
