// GEMM, batched matmul and attention: tensorlane (relaxed and simd128 builds, through the
// public API, result read back) beside tfjs-backend-wasm (XNNPACK; tf.matMul + dataSync),
// onnxruntime-web (one thread; a MatMul / attention graph built in memory) and the
// textbook JS triple loop, all in this process.
//
// The machine is noisy, so each workload is measured as rounds in which every contender
// runs once in turn (alternating), and the medians are compared. Right before and after
// each workload the wasm peak is measured in the same process: a loop of independent
// f32x4 FMAs (relaxed build) and one of mul+adds (bench_peak_fma / bench_peak_muladd exports), and
// each tensorlane result is reported as a fraction of it.
//
// Also: fused attention at seq 4096, d 64, one head, against the unfused path
// (matmul → softmax → matmul): wasm memory growth of each, in fresh module instances, and
// the largest difference between their results.
// TENSORLANE_ENTRY may point at another build of the package (default: dist/index.js).
import { readFileSync } from 'node:fs';
import { attentionModel, matmulModel } from './peers/onnx-model.mjs';
import { loadOrtWeb } from './peers/ort-web.mjs';
import { loadTfjs } from './peers/tfjs.mjs';
import { randomData } from './runner/random-data.mjs';

const entry =
  process.env.TENSORLANE_ENTRY ??
  new URL('../packages/tensorlane/dist/index.js', import.meta.url).href;
const lib = await import(entry);
const wasmDir = new URL('../packages/tensorlane/wasm/', import.meta.url);

/** [name, batch, m, k, n] — the issue's "Done when" shapes. */
const GEMMS = [
  ['matmul 5×784×10 (lesson)', 1, 5, 784, 10],
  ['matmul 10000×784×10', 1, 10000, 784, 10],
  ['gemm 64³', 1, 64, 64, 64],
  ['gemm 128³', 1, 128, 128, 128],
  ['gemm 256³', 1, 256, 256, 256],
  ['gemm 512³', 1, 512, 512, 512],
  ['gemm 1024³', 1, 1024, 1024, 1024],
  ['gemm 768×768×3072', 1, 768, 768, 3072],
  ['bmm 32×(128×64 @ 64×128)', 32, 128, 64, 128],
  ['bmm 12×(512×64 @ 64×512)', 12, 512, 64, 512],
];
const ATTENTION = { name: 'attention 12 heads × seq 256 × d 64', h: 12, L: 256, d: 64 };
/** The textbook loop runs only where one call stays under about a second. */
const JS_LOOP_MAX_MADDS = 1e8;

const now = () => performance.now();
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
};

// ---------------------------------------------------------------- wasm peak (in process)

/** Raw instances of each build, only for the peak loops. */
function peakInstance(build) {
  const bytes = readFileSync(new URL(`tensorlane-${build}.wasm`, wasmDir));
  return new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports;
}

/** GFLOP/s of one peak loop: median of five ~10 ms runs after a warm-up call. */
function peakGflops(x, fn) {
  const flopsPerIter = x.bench_peak_flops_per_iter();
  x[fn](100_000, 0.999, 0.001);
  let iters = 100_000;
  for (;;) {
    const t = now();
    x[fn](iters, 0.999, 0.001);
    if (now() - t > 8) break;
    iters *= 2;
  }
  const samples = [];
  for (let r = 0; r < 5; r++) {
    const t = now();
    x[fn](iters, 0.999, 0.001);
    samples.push((iters * flopsPerIter) / ((now() - t) * 1e6));
  }
  return median(samples);
}

// ---------------------------------------------------------------- alternating timing

/**
 * Median ms per call of each task, measured in rounds where every task runs in turn.
 * Each task's sample repeats it enough times to last `sampleMs`.
 */
async function alternate(tasks, { rounds, sampleMs, warmupMs }) {
  const reps = [];
  for (const t of tasks) {
    // Warm-up until the JIT has settled: a small call needs thousands of runs before
    // V8's optimising tiers take over (also weight packing for the peers).
    const until = now() + warmupMs;
    do await t.fn();
    while (now() < until);
    const t0 = now();
    await t.fn();
    const once = Math.max(now() - t0, 0.001);
    reps.push(Math.max(1, Math.min(10_000, Math.round(sampleMs / once))));
  }
  const samples = tasks.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < tasks.length; i++) {
      const { fn, sync } = tasks[i];
      const t0 = now();
      if (sync) for (let j = 0; j < reps[i]; j++) fn();
      else for (let j = 0; j < reps[i]; j++) await fn();
      samples[i].push((now() - t0) / reps[i]);
    }
  }
  return samples.map(median);
}

// ---------------------------------------------------------------- contenders

/** The textbook loop of the lesson: i, j, k with a running sum. */
function jsTripleLoop(a, b, m, k, n) {
  const c = new Float32Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
      c[i * n + j] = s;
    }
  return c;
}

function shapes3(batch, r, c) {
  return batch === 1 ? [r, c] : [batch, r, c];
}

/** Tasks for one GEMM workload on the current tensorlane build plus the peers. */
async function gemmTasks(peers, [, batch, m, k, n], withPeers) {
  const aData = randomData(batch * m * k, 1);
  const bData = randomData(batch * k * n, 2);
  const aShape = shapes3(batch, m, k);
  const bShape = shapes3(batch, k, n);
  const a = lib.tensor(aData, { shape: aShape });
  const b = lib.tensor(bData, { shape: bShape });
  const tasks = [
    {
      who: 'tensorlane',
      sync: true,
      fn: () => {
        const c = lib.matmul(a, b);
        c.data();
        c.dispose();
      },
    },
  ];
  const cleanup = [() => a.dispose(), () => b.dispose()];
  if (withPeers && peers.tf) {
    const { tf } = peers;
    const [ta, tb] = [tf.tensor(aData, aShape), tf.tensor(bData, bShape)];
    tasks.push({
      who: 'tfjs-backend-wasm',
      sync: true,
      fn: () => {
        const c = tf.matMul(ta, tb);
        c.dataSync();
        c.dispose();
      },
    });
    cleanup.push(
      () => ta.dispose(),
      () => tb.dispose(),
    );
  }
  if (withPeers && peers.ort) {
    const { ort } = peers;
    const session = await ort.InferenceSession.create(
      matmulModel(aShape, bShape, shapes3(batch, m, n)),
    );
    const feeds = {
      A: new ort.Tensor('float32', aData, aShape),
      B: new ort.Tensor('float32', bData, bShape),
    };
    tasks.push({ who: 'onnxruntime-web (1 thread)', sync: false, fn: () => session.run(feeds) });
    cleanup.push(() => session.release());
  }
  if (withPeers && batch * m * n * k <= JS_LOOP_MAX_MADDS) {
    tasks.push({
      who: 'js triple loop',
      sync: true,
      fn: () => {
        for (let t = 0; t < batch; t++)
          jsTripleLoop(aData.subarray(t * m * k), bData.subarray(t * k * n), m, k, n);
      },
    });
  }
  return { tasks, flops: 2 * batch * m * n * k, cleanup };
}

async function attentionTasks(peers, { h, L, d }, withPeers) {
  const shape = [h, L, d];
  const [qd, kd, vd] = [1, 2, 3].map((s) => randomData(h * L * d, s));
  const [q, k, v] = [qd, kd, vd].map((x) => lib.tensor(x, { shape }));
  const tasks = [
    {
      who: 'tensorlane',
      sync: true,
      fn: () => {
        const o = lib.scaledDotProductAttention(q, k, v);
        o.data();
        o.dispose();
      },
    },
  ];
  const cleanup = [q, k, v].map((t) => () => t.dispose());
  if (withPeers && peers.tf) {
    const { tf } = peers;
    const [tq, tk, tv] = [qd, kd, vd].map((x) => tf.tensor(x, shape));
    const scale = 1 / Math.sqrt(d);
    tasks.push({
      who: 'tfjs-backend-wasm',
      sync: true,
      fn: () => {
        const o = tf.tidy(() =>
          tf.matMul(tf.softmax(tf.mul(tf.matMul(tq, tk, false, true), scale)), tv),
        );
        o.dataSync();
        o.dispose();
      },
    });
    cleanup.push(...[tq, tk, tv].map((t) => () => t.dispose()));
  }
  if (withPeers && peers.ort) {
    const { ort } = peers;
    const session = await ort.InferenceSession.create(attentionModel(h, L, L, d));
    // ONNX MatMul has no transpose flag: K is handed over already transposed.
    const kt = new Float32Array(h * L * d);
    for (let t = 0; t < h; t++)
      for (let j = 0; j < L; j++)
        for (let e = 0; e < d; e++) kt[t * L * d + e * L + j] = kd[t * L * d + j * d + e];
    const feeds = {
      Q: new ort.Tensor('float32', qd, shape),
      KT: new ort.Tensor('float32', kt, [h, d, L]),
      V: new ort.Tensor('float32', vd, shape),
    };
    tasks.push({ who: 'onnxruntime-web (1 thread)', sync: false, fn: () => session.run(feeds) });
    cleanup.push(() => session.release());
  }
  return { tasks, flops: 4 * h * L * L * d, cleanup };
}

// ---------------------------------------------------------------- fused attention memory

/** matmul → scale → softmax → matmul, freeing each L × S intermediate as soon as it can. */
function unfusedAttention(q, k, v, d) {
  const scores = lib.matmul(q, k.mT);
  const scaled = scores.mul(1 / Math.sqrt(d));
  scores.dispose();
  const probs = lib.softmax(scaled, -1);
  scaled.dispose();
  const out = lib.matmul(probs, v);
  probs.dispose();
  return out;
}

/** Wasm memory growth of fused vs unfused attention (seq 4096, d 64, one head). */
async function attentionMemory(build) {
  const [L, d] = [4096, 64];
  const data = [1, 2, 3].map((s) => randomData(L * d, s));
  const run = async (fused) => {
    await lib.init({ simd: build, threads: 1 }); // a fresh module instance: fresh linear memory
    const [q, k, v] = data.map((x) => lib.tensor(x, { shape: [1, L, d] }));
    const before = lib.memory().heapBytes;
    const t0 = now();
    const o = fused ? lib.scaledDotProductAttention(q, k, v) : unfusedAttention(q, k, v, d);
    const ms = now() - t0;
    const grown = lib.memory().heapBytes - before;
    const out = o.data();
    return { grown, ms, out };
  };
  const fused = await run(true);
  const unfused = await run(false);
  let maxDiff = 0;
  let near = true;
  for (let i = 0; i < fused.out.length; i++) {
    const diff = Math.abs(fused.out[i] - unfused.out[i]);
    maxDiff = Math.max(maxDiff, diff);
    if (diff > 1e-5 + 1e-3 * Math.abs(unfused.out[i])) near = false;
  }
  return {
    seq: L,
    d,
    fusedGrowthBytes: fused.grown,
    unfusedGrowthBytes: unfused.grown,
    ratio: fused.grown / unfused.grown,
    fusedMs: fused.ms,
    unfusedMs: unfused.ms,
    maxAbsDiff: maxDiff,
    withinTestNear: near,
  };
}

// ---------------------------------------------------------------- the run

/** Fraction notes and ratios against each contender measured alternately with it. */
function describe(result, rows, peak, flops) {
  const gf = flops / (result.ms * 1e6);
  const parts = [
    `${(gf / peak.fma).toFixed(2)} of FMA peak`,
    `${(gf / peak.muladd).toFixed(2)} of mul+add peak`,
  ];
  for (const r of rows) if (r !== result) parts.push(`${(r.ms / result.ms).toFixed(2)}× ${r.who}`);
  return parts.join('; ');
}

export async function run({ quick = false, budgetMs = 180_000, log = console.log } = {}) {
  const started = now();
  const peers = { tf: await loadTfjs(log), ort: await loadOrtWeb(log) };
  const features = lib.backendInfo().features;
  const builds = ['relaxed', 'simd128'].filter((b) =>
    b === 'relaxed' ? features.relaxedSimd : features.simd128,
  );
  const peakX = Object.fromEntries(builds.map((b) => [b, peakInstance(b)]));
  const rounds = quick ? 3 : 7;
  const sampleMs = quick ? 10 : 25;
  const warmupMs = quick ? 150 : 400;
  const cases = [];
  const peaks = [];
  const workloads = [
    ...GEMMS.map((g) => ({ kind: 'gemm', g, name: g[0] })),
    { kind: 'attention', name: ATTENTION.name },
  ];
  for (const w of workloads) {
    if (now() - started > budgetMs * 0.8) {
      log(`budget nearly spent: skipping ${w.name} and later workloads`);
      break;
    }
    for (const [bi, build] of builds.entries()) {
      await lib.init({ simd: build, threads: 1 });
      const peakBefore = {
        fma: peakGflops(peakX[build], 'bench_peak_fma'),
        muladd: peakGflops(peakX[build], 'bench_peak_muladd'),
      };
      // Peers are alternated with the first build; later builds alternate with the js loop only.
      const withPeers = bi === 0;
      const set =
        w.kind === 'gemm'
          ? await gemmTasks(peers, w.g, withPeers)
          : await attentionTasks(peers, ATTENTION, withPeers);
      const ms = await alternate(set.tasks, { rounds, sampleMs, warmupMs });
      for (const c of set.cleanup) c();
      const peakAfter = {
        fma: peakGflops(peakX[build], 'bench_peak_fma'),
        muladd: peakGflops(peakX[build], 'bench_peak_muladd'),
      };
      // The larger of the two peaks: fractions are never flattered by a slow peak sample.
      const peak = {
        fma: Math.max(peakBefore.fma, peakAfter.fma),
        muladd: Math.max(peakBefore.muladd, peakAfter.muladd),
      };
      peaks.push({ workload: w.name, build, ...peak });
      const rows = set.tasks.map((t, i) => ({ who: t.who, ms: ms[i] }));
      rows.forEach((r, i) => {
        const gflops = set.flops / (r.ms * 1e6);
        if (i === 0)
          cases.push({
            name: w.name,
            contender: `tensorlane wasm ${build}`,
            medianMs: r.ms,
            gflops,
            note: describe(r, rows, peak, set.flops),
          });
        else if (withPeers) cases.push({ name: w.name, contender: r.who, medianMs: r.ms, gflops });
      });
      log(
        `${w.name} [${build}] ${rows.map((r) => `${r.who} ${(set.flops / (r.ms * 1e6)).toFixed(2)} GF/s`).join(', ')}` +
          ` | peak fma ${peak.fma.toFixed(1)}, mul+add ${peak.muladd.toFixed(1)}`,
      );
    }
  }
  let memory;
  if (now() - started < budgetMs * 0.9) {
    memory = await attentionMemory(builds[0]);
    log(
      `fused attention seq ${memory.seq}, d ${memory.d}: wasm memory +${(memory.fusedGrowthBytes / 2 ** 20).toFixed(1)} MiB` +
        ` vs unfused +${(memory.unfusedGrowthBytes / 2 ** 20).toFixed(1)} MiB (ratio ${memory.ratio.toFixed(3)});` +
        ` max |diff| ${memory.maxAbsDiff.toExponential(2)}, within testNear: ${memory.withinTestNear}`,
    );
  }
  return { cases, meta: { builds, peaks, attentionMemory: memory, rounds, sampleMs, warmupMs } };
}

// Run directly: `node bench/gemm.bench.mjs [--quick]` prints the cases.
if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await run({ quick: process.argv.includes('--quick') });
  for (const c of result.cases)
    console.log(
      `${c.name} | ${c.contender} | ${c.gflops.toFixed(2)} GF/s | ${c.medianMs.toFixed(3)} ms | ${c.note ?? ''}`,
    );
}
