// The workloads and the timing loop shared by bench/threads.bench.mjs (Node) and the
// browser page (bench/browser/page.mjs, bundled by esbuild): no node: imports here.
//
// Each contender is measured in rounds; in a round every contender runs once in turn (the
// order rotates from round to round), and each turn is: set the contender up (for
// tensorlane a re-init with the wanted thread count, then fresh inputs, since a re-init
// invalidates existing tensors), warm up, then time enough calls to last `sampleMs`.
import { randomData } from '../runner/random-data.mjs';

/** The workloads. `flops` counts a multiply-add as two. */
export const WORKLOADS = [
  { id: 'gemm512', name: 'gemm 512³', kind: 'gemm', batch: 1, m: 512, k: 512, n: 512 },
  { id: 'gemm1024', name: 'gemm 1024³', kind: 'gemm', batch: 1, m: 1024, k: 1024, n: 1024 },
  { id: 'gemm768', name: 'gemm 768×768×3072', kind: 'gemm', batch: 1, m: 768, k: 768, n: 3072 },
  { id: 'bmm', name: 'bmm 12×(512×64 @ 64×512)', kind: 'gemm', batch: 12, m: 512, k: 64, n: 512 },
  {
    id: 'attention',
    name: 'attention 12 heads × seq 256 × d 64',
    kind: 'attention',
    h: 12,
    L: 256,
    d: 64,
  },
].map((w) => ({
  ...w,
  flops: w.kind === 'gemm' ? 2 * w.batch * w.m * w.k * w.n : 4 * w.h * w.L * w.L * w.d,
}));

export const now = () => performance.now();

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

const shape3 = (batch, r, c) => (batch === 1 ? [r, c] : [batch, r, c]);

/** The input arrays and shapes of a workload (the same for every contender). */
export function workloadInputs(w) {
  if (w.kind === 'gemm') {
    const aShape = shape3(w.batch, w.m, w.k);
    const bShape = shape3(w.batch, w.k, w.n);
    return {
      a: { data: randomData(w.batch * w.m * w.k, 1), shape: aShape },
      b: { data: randomData(w.batch * w.k * w.n, 2), shape: bShape },
      outShape: shape3(w.batch, w.m, w.n),
    };
  }
  const shape = [w.h, w.L, w.d];
  const [q, k, v] = [1, 2, 3].map((seed) => ({ data: randomData(w.h * w.L * w.d, seed), shape }));
  return { q, k, v };
}

/**
 * One call of the op on the currently initialised tensorlane, on inputs created now.
 * `readback` adds `data()` of the result (what a peer that returns a JS array pays too).
 * @returns {{ fn: () => void, dispose: () => void }}
 */
export function tensorlaneTask(lib, w, inputs, { readback = false } = {}) {
  const make = (x) => lib.tensor(x.data, { shape: x.shape });
  if (w.kind === 'gemm') {
    const [a, b] = [make(inputs.a), make(inputs.b)];
    return {
      fn: () => {
        const c = lib.matmul(a, b);
        if (readback) c.data();
        c.dispose();
      },
      dispose: () => {
        a.dispose();
        b.dispose();
      },
    };
  }
  const [q, k, v] = [make(inputs.q), make(inputs.k), make(inputs.v)];
  return {
    fn: () => {
      const o = lib.scaledDotProductAttention(q, k, v);
      if (readback) o.data();
      o.dispose();
    },
    dispose: () => {
      q.dispose();
      k.dispose();
      v.dispose();
    },
  };
}

/**
 * Ms per call of `fn` for one turn: warm up for `warmupMs` (at least two calls), then
 * repeat it until `sampleMs` has passed (at least `minReps` calls) and take the mean.
 */
export async function timeTurn(fn, { warmupMs, sampleMs, minReps = 2, sync = true }) {
  const until = now() + warmupMs;
  let warm = 0;
  do {
    await fn();
    warm++;
  } while (warm < 2 || now() < until);
  let reps = 0;
  const t0 = now();
  let t = t0;
  if (sync)
    do {
      fn();
      reps++;
      t = now();
    } while (reps < minReps || t - t0 < sampleMs);
  else
    do {
      await fn();
      reps++;
      t = now();
    } while (reps < minReps || t - t0 < sampleMs);
  return (t - t0) / reps;
}

/**
 * Runs `rounds` rounds over `contenders` ({ label, turn: async () => ms }), rotating the
 * order each round; returns each contender's per-round ms.
 */
export async function alternateRounds(contenders, rounds) {
  const samples = contenders.map(() => []);
  for (let r = 0; r < rounds; r++)
    for (let j = 0; j < contenders.length; j++) {
      const i = (j + r) % contenders.length;
      samples[i].push(await contenders[i].turn());
    }
  return samples;
}

/** Median of the per-round ratios a[r] / b[r] (both measured in the same round). */
export function pairedRatio(a, b) {
  return median(a.map((x, r) => x / b[r]));
}

/**
 * One-thread wasm FMA peak in GFLOP/s (the relaxed build's `bench_peak_fma` loop, median of five
 * ~10 ms runs): says how fast this engine runs wasm here, so Node and the page compare.
 */
export function peakFmaGflops(relaxedModule) {
  const x = new WebAssembly.Instance(relaxedModule, {}).exports;
  const flopsPerIter = x.bench_peak_flops_per_iter();
  x.bench_peak_fma(100_000, 0.999, 0.001);
  let iters = 100_000;
  for (;;) {
    const t = now();
    x.bench_peak_fma(iters, 0.999, 0.001);
    if (now() - t > 8) break;
    iters *= 2;
  }
  const samples = [];
  for (let r = 0; r < 5; r++) {
    const t = now();
    x.bench_peak_fma(iters, 0.999, 0.001);
    samples.push((iters * flopsPerIter) / ((now() - t) * 1e6));
  }
  return median(samples);
}

/**
 * The body of the wake-latency worker (stringified into a Node or a Web worker, so it refers
 * to nothing outside): says it started in word 2 of `sab`, then, for each generation, parks
 * in Atomics.wait on word 0, stamps the wall time it woke at (float 1) and acknowledges in
 * word 1; a negative word 0 ends it.
 */
export function wakeWorkerBody(sab) {
  const i32 = new Int32Array(sab, 0, 4);
  const f64 = new Float64Array(sab, 16, 1);
  Atomics.store(i32, 2, 1);
  for (let gen = 1; ; gen++) {
    Atomics.wait(i32, 0, gen - 1);
    f64[0] = performance.timeOrigin + performance.now();
    Atomics.store(i32, 1, gen);
    if (Atomics.load(i32, 0) < 0) return;
  }
}

/** The 24 bytes a `wakeWorkerBody` worker shares with `measureWake`. */
export const newWakeBuffer = () => new SharedArrayBuffer(24);

/**
 * Median and p90 µs from Atomics.notify on this thread to Atomics.wait returning in a parked
 * worker that runs `wakeWorkerBody(sab)` (the wake-up a pool worker pays when a job opens);
 * ends that worker.
 */
export async function measureWake(sab, samples = 200) {
  const i32 = new Int32Array(sab, 0, 4);
  const f64 = new Float64Array(sab, 16, 1);
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  while (Atomics.load(i32, 2) !== 1) await sleep(5);
  const us = [];
  for (let gen = 1; gen <= samples; gen++) {
    await sleep(2); // the worker is parked again by now
    const t = performance.timeOrigin + performance.now();
    Atomics.store(i32, 0, gen);
    Atomics.notify(i32, 0);
    while (Atomics.load(i32, 1) !== gen);
    us.push((f64[0] - t) * 1000);
  }
  Atomics.store(i32, 0, -1);
  Atomics.notify(i32, 0);
  us.sort((a, b) => a - b);
  return { median: median(us), p90: us[Math.floor(0.9 * us.length)] };
}
