// Threads (issue 8): tensorlane's relaxed-threads build with 2 threads against the
// single-thread relaxed build, in this process, on GEMM 512³, 1024³, 768×768×3072, bmm
// 12×(512×64 @ 64×512) and attention 12 heads × seq 256 × d 64; then (unless
// TL_BENCH_BROWSER=0) the same builds beside onnxruntime-web with 2 threads in headless
// Chromium (bench/browser/threads-vs-ort.mjs), where ORT can run threads at all.
//
// The two builds cannot be loaded side by side (one module state per process), so every
// turn re-inits tensorlane with the thread count it measures — from a module compiled once,
// so each turn runs the already tiered-up code — and creates its inputs after the init.
// Turns alternate 2 threads / 1 thread round by round (the order rotates); the medians of
// the rounds are compared, and the per-round ratio's median is given in the note.
// Timed: the op alone (output allocation, the kernel, dispose), no data() readback.
//
// Run directly: `node bench/threads.bench.mjs [--quick] [--no-browser]` prints a table.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import {
  alternateRounds,
  median,
  pairedRatio,
  peakFmaGflops,
  tensorlaneTask,
  timeTurn,
  WORKLOADS,
  workloadInputs,
} from './browser/thread-workloads.mjs';

const entry =
  process.env.TENSORLANE_ENTRY ??
  new URL('../packages/tensorlane/dist/index.js', import.meta.url).href;
const lib = await import(entry);
const wasmDir = new URL('../packages/tensorlane/wasm/', import.meta.url);

/** The targets for 2 threads ÷ 1 thread. */
const TARGETS = { gemm512: 1.8, gemm1024: 1.8, bmm: 1.7, attention: 1.7 };

const compiled = (build) =>
  new WebAssembly.Module(readFileSync(new URL(`tensorlane-${build}.wasm`, wasmDir)));

/** A worker that runs the relaxed build's FMA peak loop once on a signal and posts its ms. */
const PEAK_WORKER = `const { parentPort, workerData: d } = require('node:worker_threads');
const x = new WebAssembly.Instance(d.module, {}).exports;
x.bench_peak_fma(100000, 0.999, 0.001);
parentPort.postMessage('ready');
Atomics.wait(new Int32Array(d.go), 0, 0);
const t = performance.now();
x.bench_peak_fma(d.iters, 0.999, 0.001);
parentPort.postMessage(performance.now() - t);`;

/**
 * How many cores this process can have right now: two workers run the same ~100 ms FMA
 * loop at once, and their combined rate is divided by the one-thread peak. About 2 on an
 * idle 2-core machine; near 1 when other processes hold a core (then no 2-thread kernel can
 * reach 2×, and the ratios below say more about the machine than about the kernels).
 */
async function twoCoreCapacity(module, peak) {
  const iters = Math.round(
    (0.1 * peak * 1e9) / new WebAssembly.Instance(module, {}).exports.bench_peak_flops_per_iter(),
  );
  const go = new SharedArrayBuffer(4);
  const workers = [0, 1].map(
    () => new Worker(PEAK_WORKER, { eval: true, workerData: { module, iters, go } }),
  );
  const next = (w) =>
    new Promise((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    });
  try {
    await Promise.all(workers.map(next));
    const done = workers.map(next);
    Atomics.store(new Int32Array(go), 0, 1);
    Atomics.notify(new Int32Array(go), 0);
    const ms = Math.max(...(await Promise.all(done)));
    return (2 * 0.1 * 1000) / ms;
  } finally {
    for (const w of workers) w.terminate();
  }
}

async function capacity(module, peak) {
  const xs = [];
  for (let i = 0; i < 3; i++) xs.push(await twoCoreCapacity(module, peak));
  return median(xs);
}

export const CONTENDERS = {
  two: 'tensorlane wasm relaxed-threads, 2 threads',
  one: 'tensorlane wasm relaxed, 1 thread',
};

export async function run({ quick = false, budgetMs = 300_000, log = console.log } = {}) {
  const started = performance.now();
  // Other processes on a 2-core machine take cores from the 2-thread runs: say how busy it was.
  const loadBefore = loadavg()[0];
  log(`load average (1 min) at the start: ${loadBefore.toFixed(2)}`);
  const modules = { 2: compiled('relaxed-threads'), 1: compiled('relaxed') };
  const peakBefore = peakFmaGflops(modules[1]);
  const capacityBefore = await capacity(modules[1], peakBefore);
  log(`two-core capacity at the start: ${capacityBefore.toFixed(2)} (2 = two idle cores)`);
  const rounds = quick ? 3 : 7;
  const timing = { warmupMs: quick ? 60 : 120, sampleMs: quick ? 80 : 200 };
  const cases = [];
  const speedups = [];
  const contender = (threads) => ({
    threads,
    async turn(w, inputs) {
      const info = await lib.init({ simd: 'relaxed', threads, wasm: modules[threads] });
      if (info.threads !== threads)
        throw new Error(`init({ threads: ${threads} }) gave ${info.threads} thread(s)`);
      const task = tensorlaneTask(lib, w, inputs);
      try {
        return await timeTurn(task.fn, timing);
      } finally {
        task.dispose();
      }
    },
  });
  const [two, one] = [contender(2), contender(1)];
  // The Node part gets at most a third of the budget; the browser part the rest.
  const nodeBudget = budgetMs / 3;
  for (const w of WORKLOADS) {
    if (performance.now() - started > nodeBudget) {
      log(`budget nearly spent: skipping ${w.name} and later workloads`);
      break;
    }
    const inputs = workloadInputs(w);
    const [ms2, ms1] = await alternateRounds(
      [two, one].map((c) => ({ turn: () => c.turn(w, inputs) })),
      rounds,
    );
    const [m2, m1] = [median(ms2), median(ms1)];
    const speedup = m1 / m2;
    const paired = pairedRatio(ms1, ms2);
    const target = TARGETS[w.id];
    const verdict = target ? `; target ≥ ${target}×: ${speedup >= target ? 'met' : 'NOT met'}` : '';
    const name = `threads: ${w.name}`;
    const timed = 'op only (output alloc + kernel + dispose, no data() readback)';
    cases.push(
      {
        name,
        contender: CONTENDERS.two,
        medianMs: m2,
        gflops: w.flops / (m2 * 1e6),
        note: `2 threads ÷ 1 thread: ${speedup.toFixed(2)}× (median of per-round ratios ${paired.toFixed(2)}×)${verdict}; ${timed}`,
      },
      {
        name,
        contender: CONTENDERS.one,
        medianMs: m1,
        gflops: w.flops / (m1 * 1e6),
        note: `${rounds} rounds alternating with 2 threads; ${timed}; two-core capacity ${capacityBefore.toFixed(2)} at the start (2 = two idle cores)`,
      },
    );
    speedups.push({ workload: w.name, speedup, paired, target, ms2, ms1 });
    log(
      `${w.name}: 2 threads ${m2.toFixed(2)} ms (${(w.flops / (m2 * 1e6)).toFixed(1)} GF/s), ` +
        `1 thread ${m1.toFixed(2)} ms (${(w.flops / (m1 * 1e6)).toFixed(1)} GF/s), ` +
        `2÷1 ${speedup.toFixed(2)}× (paired ${paired.toFixed(2)}×)${verdict}`,
    );
  }
  lib.shutdown();
  const peakFma = Math.max(peakBefore, peakFmaGflops(modules[1]));
  const capacityAfter = await capacity(modules[1], peakFma);
  log(
    `one-thread wasm FMA peak in Node: ${peakFma.toFixed(1)} GFLOP/s; two-core capacity at the end: ${capacityAfter.toFixed(2)}`,
  );

  let browser;
  if (process.env.TL_BENCH_BROWSER !== '0' && !process.argv.includes('--no-browser')) {
    const left = budgetMs - (performance.now() - started);
    if (left < 60_000) {
      browser = { error: `skipped: ${Math.round(left / 1000)} s of the budget left` };
      log(`browser comparison ${browser.error}`);
    } else
      try {
        const { runBrowser } = await import('./browser/threads-vs-ort.mjs');
        const out = await runBrowser({ quick, budgetMs: left - 10_000, log });
        cases.push(...out.cases);
        browser = out.meta;
      } catch (e) {
        browser = { error: String(e?.stack ?? e) };
        log(`browser comparison failed: ${browser.error}`);
      }
  }
  return {
    cases,
    meta: {
      rounds,
      ...timing,
      peakFmaGflops: peakFma,
      twoCoreCapacity: { start: capacityBefore, end: capacityAfter },
      loadAverage: { start: loadBefore, end: loadavg()[0] },
      speedups,
      browser,
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await run({ quick: process.argv.includes('--quick') });
  console.log(
    '| workload | contender | median ms | GFLOP/s | note |\n| --- | --- | ---: | ---: | --- |',
  );
  for (const c of result.cases)
    console.log(
      `| ${c.name} | ${c.contender} | ${c.medianMs.toFixed(2)} | ${c.gflops.toFixed(1)} | ${c.note ?? ''} |`,
    );
  if (result.meta.browser?.error) console.log(`browser: ${result.meta.browser.error}`);
  const { start, end } = result.meta.loadAverage;
  console.log(
    `load average (1 min): ${start.toFixed(2)} at the start, ${end.toFixed(2)} at the end`,
  );
  const cap = result.meta.twoCoreCapacity;
  console.log(
    `two-core capacity: ${cap.start.toFixed(2)} at the start, ${cap.end.toFixed(2)} at the end`,
  );
  console.log(`one-thread wasm FMA peak: Node ${result.meta.peakFmaGflops.toFixed(1)} GFLOP/s`);
  if (result.meta.browser?.peakFma)
    console.log(
      `one-thread wasm FMA peak: Chromium ${result.meta.browser.peakFma.toFixed(1)} GFLOP/s`,
    );
}
