// Tall-skinny and matrix-vector GEMMs (issue 15 item 6; the decode shapes of issue 17) on the
// raw `gemm_f32` export of two builds in one process: the committed wasm/ folder ("after")
// and a previous build kept as an artifact ("before", TL_WASM_DIR_BEFORE), interleaved
// call batch by call batch, timed by this process's CPU time (the machine is shared), medians
// compared. Each row gives GFLOP/s, the fraction of the in-process FMA peak (the after
// build's `bench_peak_fma`, re-measured per row: one relaxed FMA per lane in the relaxed
// build, a mul+add in simd128), the GB/s of A + B + C once each, and the before/after time
// ratio. Rows of more than 16 rows also time a `sum` of A's bytes (the `reduce_f32` export,
// in the same rounds): A is read once by the product, so that read is the floor of its
// time, and `sum(A) share` says how much of the after time it would take alone.
//
// Matrix-vector rows cycle through several copies of B (≥ 64 MiB in all), so each call reads
// B from beyond L2 as a decode step does, rather than a B left warm by the previous call.
// `Bᵀ` marks B stored (n, k) and read transposed, as `linear` passes its weight.
//
// usage: TL_WASM_DIR_BEFORE=/path/to/old/wasm/ [TL_WASM_DIR_AFTER=/path/] node bench/gemm-skinny-ab.mjs [relaxed|simd128]
//   (Node 22, or Node 20 with --experimental-wasm-relaxed-simd for the relaxed build)
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const build = process.argv[2] ?? 'relaxed';
const dirUrl = (dir) => pathToFileURL(dir.replace(/\/?$/, '/'));
const afterDir = process.env.TL_WASM_DIR_AFTER
  ? dirUrl(process.env.TL_WASM_DIR_AFTER)
  : new URL('../packages/tensorlane/wasm/', import.meta.url);
const beforeDir = process.env.TL_WASM_DIR_BEFORE
  ? dirUrl(process.env.TL_WASM_DIR_BEFORE)
  : afterDir;

function instance(dir) {
  const bytes = readFileSync(new URL(`tensorlane-${build}.wasm`, dir));
  return new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports;
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** [name, m, k, n, b stored transposed] */
const CASES = [
  ['10000×784×10 (lesson)', 10000, 784, 10, false],
  ['10000×784×10, Bᵀ', 10000, 784, 10, true],
  ['1000×768×16', 1000, 768, 16, false],
  ['1×768×2304', 1, 768, 2304, false],
  ['1×768×2304, Bᵀ (c_attn)', 1, 768, 2304, true],
  ['1×768×3072, Bᵀ (c_fc)', 1, 768, 3072, true],
  ['1×3072×768, Bᵀ (mlp c_proj)', 1, 3072, 768, true],
  ['1×768×50304, Bᵀ (lm head)', 1, 768, 50304, true],
  ['4×768×2304, Bᵀ', 4, 768, 2304, true],
  ['8×768×768', 8, 768, 768, false],
  ['8×768×768, Bᵀ', 8, 768, 768, true],
];
// TL_CASES=0,3 runs only those rows; TL_EXTRA=1000x784x10,1x768x768T adds shapes (m×k×n, T: Bᵀ).
const only = process.env.TL_CASES?.split(',').map(Number);
for (const spec of process.env.TL_EXTRA?.split(',') ?? []) {
  const [m, k, n] = spec.replace(/T$/, '').split('x').map(Number);
  CASES.push([spec, m, k, n, spec.endsWith('T')]);
  only?.push(CASES.length - 1);
}
const B_TOTAL_BYTES = 64 * 2 ** 20;

function fill(w, ptr, n, seed) {
  const f = new Float32Array(w.memory.buffer, ptr, n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    f[i] = s / 2 ** 32 - 0.5;
  }
}

/** A problem set up in one instance: a thunk that runs one product (cycling B copies). */
function setup(w, [, m, k, n, bT]) {
  const copies = m <= 16 ? Math.max(1, Math.ceil(B_TOTAL_BYTES / (k * n * 4))) : 1;
  const a = w.tl_alloc(m * k * 4);
  const bs = Array.from({ length: copies }, () => w.tl_alloc(k * n * 4));
  const c = w.tl_alloc(m * n * 4);
  fill(w, a, m * k, 1);
  for (const b of bs) fill(w, b, k * n, 2);
  const [rsb, csb] = bT ? [1, k] : [n, 1];
  let i = 0;
  return () => {
    const b = bs[i++ % copies];
    w.gemm_f32(1, m, n, k, 1, 0, a, k, 1, 0, b, rsb, csb, 0, c, n, 1, 0);
  };
}

/** A thunk that sums `count` floats (fresh bytes) in one instance: the read alone. */
function readAlone(w, count) {
  const a = w.tl_alloc(count * 4);
  fill(w, a, count, 3);
  const dims = w.tl_alloc(8);
  new Int32Array(w.memory.buffer, dims, 2).set([count, 1]);
  const out = w.tl_alloc(4);
  return () => w.reduce_f32(0, 0, 1, dims, a, out);
}

const flopsPerIter = (w) => w.bench_peak_flops_per_iter();
function peak(w) {
  const iters = 2e5;
  const samples = [];
  for (let r = 0; r < 5; r++) {
    const t = cpuMs();
    w.bench_peak_fma(iters, 0.999, 0.001);
    samples.push((iters * flopsPerIter(w)) / ((cpuMs() - t) * 1e6));
  }
  return median(samples);
}

const before = instance(beforeDir);
const after = instance(afterDir);
console.log(
  `gemm skinny A/B (${build}; before ${beforeDir.pathname}, after ${afterDir.pathname}; CPU time, interleaved, one process, shared machine)`,
);
console.log(
  `${'case'.padEnd(30)} ${'before ms'.padStart(10)} ${'after ms'.padStart(9)}  ${'GFLOP/s b→a'.padStart(13)}  ${'of peak b→a'.padStart(11)}  ${'GB/s b→a'.padStart(11)}  before/after`,
);
for (const [ci, c] of CASES.entries()) {
  if (only && !only.includes(ci)) continue;
  const [, m, k, n] = c;
  const runs = [setup(before, c), setup(after, c)];
  if (m > 16) runs.push(readAlone(after, m * k));
  for (const r of runs) r();
  // Reps per sample: enough for ~15 ms of CPU time.
  let reps = 1;
  for (;;) {
    const t = cpuMs();
    for (let i = 0; i < reps; i++) runs[1]();
    if (cpuMs() - t > 15) break;
    reps *= 2;
  }
  const samples = runs.map(() => []);
  for (let r = 0; r < 9; r++)
    for (const [j, run] of runs.entries()) {
      const t = cpuMs();
      for (let i = 0; i < reps; i++) run();
      samples[j].push((cpuMs() - t) / reps);
    }
  const p = peak(after);
  const [tb, ta, tRead] = samples.map(median);
  const flops = 2 * m * n * k;
  const bytes = 4 * (m * k + k * n + m * n);
  const gf = (t) => flops / t / 1e6;
  const gb = (t) => bytes / t / 1e6;
  console.log(
    `${c[0].padEnd(30)} ${tb.toFixed(3).padStart(10)} ${ta.toFixed(3).padStart(9)}  ${`${gf(tb).toFixed(1)}→${gf(ta).toFixed(1)}`.padStart(13)}  ${`${(gf(tb) / p).toFixed(2)}→${(gf(ta) / p).toFixed(2)}`.padStart(11)}  ${`${gb(tb).toFixed(1)}→${gb(ta).toFixed(1)}`.padStart(11)}  ${(tb / ta).toFixed(2)}×   (peak ${p.toFixed(1)} GFLOP/s${tRead ? `; sum(A) ${((4 * m * k) / tRead / 1e6).toFixed(1)} GB/s, share ${(tRead / ta).toFixed(2)}` : ''})`,
  );
}
