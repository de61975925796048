/**
 * The cross-runtime matrix: bundles the unit tests once, installs the runtimes it lacks,
 * runs the suite on every runtime × target (the five wasm builds and the js backend; the
 * soak suites in a column of their own), prints the table and the first failures, writes
 * test/matrix/results/matrix.json, and ends with the line `N passed, M failed`.
 * Exits non-zero on any failure or on a runtime that could not start.
 *
 *   node test/matrix/run.mjs [--runtimes node20,chromium] [--targets relaxed,js]
 *        [--num-runs N] [--filter text] [--concurrency 2] [--cell-timeout 300]
 *        [--wasm-dir DIR]   (take the three .wasm builds from DIR instead of the package)
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { launchBrowser } from './browser-driver.mjs';
import { buildConformanceBundle, outDir } from './bundle.mjs';
import { closingLine, formatProblems, formatTable, totals } from './report.mjs';
import { processVersion, RUNTIMES } from './runtimes.mjs';
import { serveStatic } from './static-server.mjs';

const TARGETS = [
  'relaxed',
  'relaxed-threads',
  'simd128',
  'simd128-threads',
  'baseline',
  'js',
  'soak',
];
/**
 * What a column runs: the build columns run every file but the soak suites; the `soak`
 * column runs only those (`*.soak.test.ts`, long repetitions), once per runtime, on the
 * relaxed build (their per-backend blocks also run the js backend).
 */
const columnRun = (column) =>
  column === 'soak'
    ? { target: 'relaxed', suite: 'soak' }
    : { target: column, suite: 'conformance' };
const MARKER = '@@tensorlane-matrix@@';
const cellScript = fileURLToPath(new URL('./cell.mjs', import.meta.url));
const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));

const { values: opts } = parseArgs({
  options: {
    runtimes: { type: 'string' },
    targets: { type: 'string' },
    'num-runs': { type: 'string' },
    filter: { type: 'string' },
    concurrency: { type: 'string', default: '2' },
    'cell-timeout': { type: 'string', default: '300' },
    'wasm-dir': { type: 'string' },
  },
});

function pick(all, list, what) {
  if (!list) return all;
  const wanted = list.split(',');
  const unknown = wanted.filter((w) => !all.some((a) => (a.id ?? a) === w));
  if (unknown.length) throw new Error(`unknown ${what}: ${unknown.join(', ')}`);
  return all.filter((a) => wanted.includes(a.id ?? a));
}

const runtimes = pick(RUNTIMES, opts.runtimes, 'runtime').map((r) => ({ ...r }));
const targets = pick(TARGETS, opts.targets, 'target');
const numRuns = opts['num-runs'] ? Number(opts['num-runs']) : undefined;
const cellTimeoutMs = Number(opts['cell-timeout']) * 1000;
const concurrency = Math.max(1, Number(opts.concurrency));

function log(line) {
  process.stdout.write(`${line}\n`);
}

/** Runs one process cell; resolves to the cell's report or `{ error }`. */
function runProcessCell(runtime, bundleUrl, target) {
  // trace: the cell names each test on stderr as it starts; a timeout then shows the last.
  const request = JSON.stringify({
    bundle: bundleUrl,
    ...columnRun(target),
    numRuns,
    filter: opts.filter,
    trace: true,
  });
  return new Promise((resolve) => {
    const child = spawn(runtime.bin, runtime.args(cellScript, request), {
      env: { ...process.env, ...runtime.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group, so a timeout kills whatever it spawned too
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {}
      stderr += `\ntimed out after ${cellTimeoutMs / 1000} s`;
    }, cellTimeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ error: `could not spawn ${runtime.bin}: ${error.message}` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((l) => l.startsWith(MARKER));
      if (line) return resolve(JSON.parse(line.slice(MARKER.length)));
      const tail = stderr.trim().split('\n').slice(-6).join('\n');
      resolve({ error: `exited with ${signal ?? `code ${code}`} before reporting\n${tail}` });
    });
  });
}

function toCell(runtime, target, report, durationMs) {
  const base = { runtime: runtime.id, label: runtime.label, target, durationMs };
  if (report.error)
    return { ...base, status: 'error', error: report.error, passed: 0, failed: 0, skipped: 0 };
  if (runtime.kind === 'browser' && report.crossOriginIsolated !== true)
    return {
      ...base,
      status: 'error',
      error: 'page is not cross-origin isolated (COOP/COEP headers missing?)',
      passed: 0,
      failed: 0,
      skipped: 0,
    };
  const { passed, failed, skipped, failures, info, files } = report;
  if (passed + failed === 0)
    return { ...base, status: 'error', error: 'no test ran', passed, failed, skipped };
  return {
    ...base,
    status: failed ? 'fail' : 'pass',
    passed,
    failed,
    skipped,
    failures,
    info,
    files,
  };
}

async function main() {
  const started = Date.now();
  const bundle = await buildConformanceBundle(
    opts['wasm-dir'] ? { wasmDir: resolve(opts['wasm-dir']) } : {},
  );
  if (opts['wasm-dir']) log(`wasm builds from ${resolve(opts['wasm-dir'])}`);
  log(`conformance bundle: ${bundle.files.length} test files (${bundle.files.join(', ')})`);

  // Install / locate every runtime first; one that cannot start is reported, not fatal.
  for (const runtime of runtimes) {
    try {
      runtime.bin = runtime.ensure();
      if (runtime.kind === 'process') runtime.version = processVersion(runtime.bin);
    } catch (error) {
      runtime.error = error.message;
    }
  }

  const server = runtimes.some((r) => r.kind === 'browser' && !r.error)
    ? await serveStatic(outDir)
    : undefined;
  const browsers = new Map();
  function browserOf(runtime) {
    if (!browsers.has(runtime.id))
      browsers.set(
        runtime.id,
        launchBrowser(runtime, runtime.bin).then((b) => {
          runtime.version = b.version;
          return b;
        }),
      );
    return browsers.get(runtime.id);
  }

  // Interleave runtimes so the two workers rarely wait on the same browser.
  // The soak cells are the longest: start them first so no worker idles at the end.
  const jobs = [];
  for (const target of [...targets].sort((a, b) => (b === 'soak') - (a === 'soak')))
    for (const runtime of runtimes) if (!runtime.error) jobs.push({ runtime, target });
  const cells = [];
  let done = 0;
  async function worker() {
    for (let job = jobs.shift(); job; job = jobs.shift()) {
      const { runtime, target } = job;
      const t0 = Date.now();
      let report;
      if (runtime.kind === 'process')
        report = await runProcessCell(runtime, bundle.bundleUrl, target);
      else {
        try {
          const browser = await browserOf(runtime);
          const query = {
            ...columnRun(target),
            ...(numRuns ? { numRuns } : {}),
            ...(opts.filter ? { filter: opts.filter } : {}),
          };
          report = await browser.runCell(server.origin, query, cellTimeoutMs);
        } catch (error) {
          report = { error: `browser did not start: ${error.message}` };
        }
      }
      const cell = toCell(runtime, target, report, Date.now() - t0);
      cells.push(cell);
      done++;
      const what =
        cell.status === 'error'
          ? `ERROR ${cell.error.split('\n')[0]}`
          : `${cell.passed} passed, ${cell.failed} failed`;
      log(
        `[${String(done).padStart(2)}/${targets.length * runtimes.filter((r) => !r.error).length}] ${runtime.label} ${target}: ${what} (${(cell.durationMs / 1000).toFixed(1)} s)`,
      );
    }
  }
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    for (const pending of browsers.values())
      await pending.then(
        (b) => b.close(),
        () => {},
      );
    await server?.close();
  }

  const order = (c) =>
    runtimes.findIndex((r) => r.id === c.runtime) * 10 + targets.indexOf(c.target);
  cells.sort((a, b) => order(a) - order(b));
  const sum = totals(runtimes, cells);
  const durationMs = Date.now() - started;

  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(
    join(resultsDir, 'matrix.json'),
    `${JSON.stringify(
      {
        finishedAt: new Date().toISOString(),
        durationMs,
        host: { platform: `${process.platform}-${process.arch}` },
        options: { numRuns: numRuns ?? null, filter: opts.filter ?? null },
        testFiles: bundle.files,
        runtimes: runtimes.map(({ id, label, kind, version, bin, error }) => ({
          id,
          label,
          kind,
          version,
          bin,
          error,
        })),
        targets,
        cells,
        totals: sum,
      },
      null,
      2,
    )}\n`,
  );

  log('');
  for (const line of formatTable(runtimes, targets, cells)) log(line);
  const problems = formatProblems(runtimes, cells);
  if (problems.length) {
    log('');
    for (const line of problems) log(line);
  }
  log('');
  log(
    `matrix took ${(durationMs / 1000).toFixed(1)} s; results in test/matrix/results/matrix.json`,
  );
  log(closingLine(sum));
  return sum.failed === 0 && sum.passed > 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    log(`matrix could not run: ${error.message}`);
    log(closingLine({ passed: 0, failed: 1, skipped: 0 }));
    process.exitCode = 1;
  },
);
