#!/usr/bin/env node
// How steady is this machine right now? On the shared 2-core VMs this project is measured
// on, a one-thread GEMM switches every few seconds between two speeds (about 43 and 27
// GFLOP/s at 512³) while a register-only FMA loop keeps its peak, and the guest shows no
// steal time. Which resource the host takes is not known; FP work on the other vCPU slows
// the GEMM the same way (bench/results/threads.md, session 4). Each result of a benchmark
// run inherits the mix of the two speeds. This probe alternates a 512³ GEMM (relaxed
// build, raw exports) with the FMA peak loop for a few seconds and reports how the GEMM's
// fraction of peak is spread, so a results table can say what the machine was doing.
//
// usage: node bench/host-regimes.mjs [seconds]   (Node 22, or Node 20 with
//        --experimental-wasm-relaxed-simd; falls back to the simd128 build)
import { readFileSync } from 'node:fs';

const wasmDir = new URL('../packages/tensorlane/wasm/', import.meta.url);
/** A sample below this share of the GEMM's own p90 counts as the slow state. */
export const SLOW_SHARE_OF_P90 = 0.8;

function instance() {
  for (const build of ['relaxed', 'simd128']) {
    try {
      const bytes = readFileSync(new URL(`tensorlane-${build}.wasm`, wasmDir));
      return { build, x: new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports };
    } catch {
      // missing, or this engine does not validate it: try the next
    }
  }
  throw new Error('host-regimes: no SIMD build of tensorlane loads here (built? validated?)');
}

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

/**
 * Alternates ~6 ms of 512³ GEMM with ~4 ms of the FMA peak loop for `seconds`.
 * @returns {{ build: string, samples: number, peak: number, gemm: { p10: number, p50: number,
 *   p90: number }, fraction: { p10: number, p50: number, p90: number }, slowShare: number }}
 */
export function measureHostRegimes(seconds = 15) {
  const { build, x } = instance();
  const n = 512;
  const a = x.tl_alloc(n * n * 4);
  const b = x.tl_alloc(n * n * 4);
  const c = x.tl_alloc(n * n * 4);
  const f = new Float32Array(x.memory.buffer);
  for (let i = 0; i < n * n; i++) {
    f[a / 4 + i] = Math.random() - 0.5;
    f[b / 4 + i] = Math.random() - 0.5;
  }
  const product = () => x.gemm_f32(1, n, n, n, 1, 0, a, n, 1, 0, b, n, 1, 0, c, n, 1, 0);
  const peakLoop = build === 'relaxed' ? x.bench_peak_fma : x.bench_peak_muladd;
  const flops = 2 * n ** 3;
  product(); // tier-up and scratch growth
  const gflops = [];
  const peaks = [];
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    let t = performance.now();
    product();
    product();
    gflops.push((2 * flops) / (performance.now() - t) / 1e6);
    const iters = 2e6;
    t = performance.now();
    peakLoop(iters, 1.0000001, 0.999);
    peaks.push((x.bench_peak_flops_per_iter() * iters) / (performance.now() - t) / 1e6);
  }
  const peak = quantile(peaks, 0.5);
  const fractions = gflops.map((g) => g / peak);
  const spread = (xs) => ({
    p10: quantile(xs, 0.1),
    p50: quantile(xs, 0.5),
    p90: quantile(xs, 0.9),
  });
  const gemm = spread(gflops);
  return {
    build,
    samples: gflops.length,
    peak,
    gemm,
    fraction: spread(fractions),
    slowShare: gflops.filter((g) => g < SLOW_SHARE_OF_P90 * gemm.p90).length / gflops.length,
  };
}

/** One sentence for a results file. */
export function describeHostRegimes(r, seconds) {
  const pct = Math.round(r.slowShare * 100);
  const loop = r.build === 'relaxed' ? 'FMA' : 'mul+add';
  return (
    `Host state (a ${seconds} s probe before the run: one-thread 512³ GEMM, ${r.build} build, ` +
    `beside the ${loop} peak loop at ${r.peak.toFixed(1)} GFLOP/s): the GEMM ran at ` +
    `${r.gemm.p10.toFixed(1)} / ${r.gemm.p50.toFixed(1)} / ${r.gemm.p90.toFixed(1)} GFLOP/s ` +
    `(p10 / median / p90), ${r.fraction.p10.toFixed(2)} / ${r.fraction.p50.toFixed(2)} / ` +
    `${r.fraction.p90.toFixed(2)} of peak; ${pct}% of the samples were below ` +
    `${SLOW_SHARE_OF_P90} of its p90 (the slow state).`
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const seconds = Number(process.argv[2] ?? 15);
  console.log(describeHostRegimes(measureHostRegimes(seconds), seconds));
}
