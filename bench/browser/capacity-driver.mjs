// Runs the capacity page (capacity-page.mjs and its workers, capacity-worker.mjs, bundled
// by esbuild from packages/tensorlane/dist/index.js) in headless Chromium from the matrix's
// installer, served cross-origin isolated by the matrix's static server. Called by
// bench/threads-capacity.bench.mjs.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { launchBrowser } from '../../test/matrix/browser-driver.mjs';
import { RUNTIMES } from '../../test/matrix/runtimes.mjs';
import { serveStatic } from '../../test/matrix/static-server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
/** Writes the page into a fresh temporary directory `dist`. */
async function buildPage(dist) {
  for (const d of ['lib', 'wasm']) mkdirSync(join(dist, d), { recursive: true });
  writeFileSync(
    join(dist, 'index.html'),
    '<!doctype html><meta charset="utf-8" /><title>tensorlane threads capacity</title>' +
      '<script type="module" src="./lib/capacity-page.js"></script>\n',
  );
  for (const build of ['relaxed', 'relaxed-threads'])
    copyFileSync(
      join(root, 'packages/tensorlane/wasm', `tensorlane-${build}.wasm`),
      join(dist, 'wasm', `tensorlane-${build}.wasm`),
    );
  await esbuild.build({
    entryPoints: ['capacity-page.mjs', 'capacity-worker.mjs'].map((f) => join(here, f)),
    outdir: join(dist, 'lib'),
    outExtension: { '.js': '.js' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'silent',
  });
}

/** Returns `{ env, rows, meta }`; rows hold each contender's per-round GFLOP/s. */
export async function runCapacityPage({ threads, rounds, timing, budgetMs, log = console.log }) {
  const t0 = Date.now();
  const dist = mkdtempSync(join(tmpdir(), 'tl-capacity-page-'));
  await buildPage(dist);
  const chromium = RUNTIMES.find((r) => r.id === 'chromium');
  const server = await serveStatic(dist);
  const browser = await launchBrowser(chromium, chromium.ensure());
  let out;
  try {
    const query = { threads: String(threads), rounds: String(rounds), ...timing };
    out = await browser.runCell(server.origin, query, Math.max(30_000, budgetMs - 10_000));
  } finally {
    await browser.close();
    await server.close();
    rmSync(dist, { recursive: true, force: true });
  }
  if (out.error) throw new Error(`the capacity page failed: ${out.error}`);
  const env = `Chromium ${browser.version.split('/')[1] ?? browser.version}`;
  for (const r of out.rows) {
    const med = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
    log(
      `${env} ${r.name}: ${threads} threads ${med(r.pool).toFixed(1)} GF/s, ${threads} workers ` +
        `${med(r.many).toFixed(1)}, 1 thread ${med(r.one).toFixed(1)}`,
    );
  }
  log(
    `${env}: Atomics.notify → Atomics.wait returning in a parked worker: median ` +
      `${out.wakeUs.median.toFixed(1)} µs, p90 ${out.wakeUs.p90.toFixed(1)} µs`,
  );
  const meta = {
    wakeUs: out.wakeUs,
    browser: browser.version,
    userAgent: out.userAgent,
    crossOriginIsolated: out.crossOriginIsolated,
    hardwareConcurrency: out.hardwareConcurrency,
    seconds: (Date.now() - t0) / 1000,
  };
  return { env, rows: out.rows, meta };
}
