#!/usr/bin/env node
// tensorlane with 2 threads against onnxruntime-web with 2 threads, in headless Chromium.
// onnxruntime-web turns threads off in Node, so this runs in a cross-origin-isolated page:
// the page (page.mjs, bundled with esbuild from packages/tensorlane/dist/index.js and
// onnxruntime-web/wasm's non-bundled ESM build, CPU only) is served by the matrix's static server
// (COOP/COEP), with ORT's threaded wasm and its Emscripten glue (which ORT imports at run
// time and starts its pthread workers from) in dist/ort/. Chromium comes from the matrix's
// installer and is launched by the matrix's browser driver.
//
// The page alternates, round by round, tensorlane 2 threads (relaxed-threads), tensorlane
// 1 thread (relaxed) and ORT 2 threads on GEMM 512³, 1024³ and 768×768×3072. Timed
// here as in bench/gemm.bench.mjs against peers: tensorlane's matmul with the result read
// back (data()) and disposed, ORT's session.run (inputs copied in, output copied out).
//
// Called by bench/threads.bench.mjs (runBrowser), or directly:
//   node bench/browser/threads-vs-ort.mjs [--quick] [--no-ort]
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { launchBrowser } from '../../test/matrix/browser-driver.mjs';
import { RUNTIMES } from '../../test/matrix/runtimes.mjs';
import { serveStatic } from '../../test/matrix/static-server.mjs';
import { median, pairedRatio } from './thread-workloads.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const dist = join(here, 'dist');
const require = createRequire(import.meta.url);

/** The issue's target: tensorlane 2 threads ÷ ORT 2 threads. */
const TARGET_VS_ORT = 1.3;

/** Writes dist/: index.html, lib/page.js, wasm/ (tensorlane's builds), ort/ (ORT's wasm + glue). */
async function buildPage() {
  rmSync(dist, { recursive: true, force: true });
  for (const d of ['lib', 'wasm', 'ort']) mkdirSync(join(dist, d), { recursive: true });
  copyFileSync(join(here, 'index.html'), join(dist, 'index.html'));
  for (const build of ['relaxed', 'relaxed-threads'])
    copyFileSync(
      join(root, 'packages/tensorlane/wasm', `tensorlane-${build}.wasm`),
      join(dist, 'wasm', `tensorlane-${build}.wasm`),
    );
  const ortDist = dirname(require.resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm'));
  for (const f of ['ort-wasm-simd-threaded.wasm', 'ort-wasm-simd-threaded.mjs'])
    copyFileSync(join(ortDist, f), join(dist, 'ort', f));
  await esbuild.build({
    entryPoints: [join(here, 'page.mjs')],
    outfile: join(dist, 'lib', 'page.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    // ORT's build that imports its wasm glue at run time from env.wasm.wasmPaths, instead of
    // the one that inlines it (whose pthread workers would load this whole bundle).
    conditions: ['onnxruntime-web-use-extern-wasm'],
    logLevel: 'silent',
  });
}

/**
 * Runs the page; returns `{ cases, meta }` in the bench-file contract (see bench/run.mjs).
 * Throws with the page's error when the page fails.
 */
export async function runBrowser({
  quick = false,
  budgetMs = 150_000,
  log = console.log,
  withOrt = true,
} = {}) {
  const t0 = Date.now();
  const ids = quick ? ['gemm1024', 'gemm768'] : ['gemm512', 'gemm1024', 'gemm768'];
  const query = {
    rounds: String(quick ? 3 : 7),
    warmupMs: String(quick ? 60 : 120),
    sampleMs: String(quick ? 80 : 200),
    workloads: ids.join(','),
    ...(withOrt ? {} : { ort: '0' }),
  };
  await buildPage();
  const chromium = RUNTIMES.find((r) => r.id === 'chromium');
  const executable = chromium.ensure();
  const server = await serveStatic(dist);
  const browser = await launchBrowser(chromium, executable);
  let out;
  try {
    log(`browser: ${browser.version}, ${ids.join(', ')}, ${query.rounds} rounds`);
    out = await browser.runCell(server.origin, query, Math.max(30_000, budgetMs - 20_000));
  } finally {
    await browser.close();
    await server.close();
  }
  if (out.error) throw new Error(`the browser page failed: ${out.error}`);
  const cases = [];
  const summary = [];
  const browserName = `Chromium ${browser.version.split('/')[1] ?? browser.version}`;
  const timed = 'result read back (data() / session.run output), as in gemm.bench.mjs';
  for (const r of out.results) {
    const [m2, m1] = [median(r.ms2), median(r.ms1)];
    const mo = withOrt ? median(r.msOrt) : Number.NaN;
    const gf = (ms) => r.flops / (ms * 1e6);
    const vsOrt = withOrt ? mo / m2 : Number.NaN;
    const name = `${browserName}: ${r.name}`;
    cases.push(
      {
        name,
        contender: 'tensorlane wasm relaxed-threads, 2 threads (browser)',
        medianMs: m2,
        gflops: gf(m2),
        note: `${withOrt ? `÷ ORT 2 threads ${vsOrt.toFixed(2)}× (paired ${pairedRatio(r.msOrt, r.ms2).toFixed(2)}×; target ≥ ${TARGET_VS_ORT}×: ${vsOrt >= TARGET_VS_ORT ? 'met' : 'NOT met'}); ` : ''}÷ 1 thread ${(m1 / m2).toFixed(2)}× (paired ${pairedRatio(r.ms1, r.ms2).toFixed(2)}×); ${timed}`,
      },
      {
        name,
        contender: 'tensorlane wasm relaxed, 1 thread (browser)',
        medianMs: m1,
        gflops: gf(m1),
        note: `${out.rounds} rounds, alternating`,
      },
    );
    if (withOrt)
      cases.push({
        name,
        contender: `onnxruntime-web ${out.ort.version}, 2 threads (browser)`,
        medianMs: mo,
        gflops: gf(mo),
        note: `env.wasm.numThreads ${out.ort.numThreads}, ${out.ort.pthreadWorkers} em-pthread worker(s) started; crossOriginIsolated ${out.crossOriginIsolated}`,
      });
    summary.push({ workload: r.name, tl2: m2, tl1: m1, ort2: mo, vsOrt, twoOverOne: m1 / m2 });
    log(
      `[browser] ${r.name}: tensorlane 2 threads ${m2.toFixed(2)} ms (${gf(m2).toFixed(1)} GF/s), ` +
        `1 thread ${m1.toFixed(2)} ms (${gf(m1).toFixed(1)} GF/s), ORT 2 threads ${mo.toFixed(2)} ms ` +
        `(${gf(mo).toFixed(1)} GF/s); tensorlane 2 ÷ ORT 2 = ${vsOrt.toFixed(2)}×`,
    );
  }
  log(`[browser] one-thread wasm FMA peak in the page: ${out.peakFma.toFixed(1)} GFLOP/s`);
  for (const w of out.warnings) log(`[browser] page warning: ${w}`);
  const meta = {
    peakFma: out.peakFma,
    browser: browser.version,
    userAgent: out.userAgent,
    crossOriginIsolated: out.crossOriginIsolated,
    hardwareConcurrency: out.hardwareConcurrency,
    ort: out.ort,
    workers: out.workers,
    warnings: out.warnings,
    seconds: (Date.now() - t0) / 1000,
    summary,
    raw: out.results,
  };
  return { cases, meta };
}

/** The bench-file contract, so `node bench/run.mjs bench/browser/threads-vs-ort.mjs` works too. */
export async function run(options) {
  return runBrowser(options);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { cases, meta } = await runBrowser({
    quick: process.argv.includes('--quick'),
    withOrt: !process.argv.includes('--no-ort'),
  });
  console.log(
    '| workload | contender | median ms | GFLOP/s | note |\n| --- | --- | ---: | ---: | --- |',
  );
  for (const c of cases)
    console.log(
      `| ${c.name} | ${c.contender} | ${c.medianMs.toFixed(2)} | ${c.gflops.toFixed(1)} | ${c.note ?? ''} |`,
    );
  console.log(
    `workers started: ${JSON.stringify(meta.workers)}; one-thread FMA peak in the page ${meta.peakFma.toFixed(1)} GFLOP/s; ${meta.seconds.toFixed(0)} s in all`,
  );
}
