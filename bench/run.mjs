#!/usr/bin/env node
// `pnpm bench`: runs every bench/*.bench.mjs in its own process, then writes one table
// (terminal + bench/results/latest.md), the JSON (bench/results/latest.json) and an SVG
// chart (bench/results/latest.svg), all within a 10-minute budget.
//
// Contract for a benchmark file (see runner/cases.mjs for the fields):
//   export async function run({ quick, budgetMs, log }) { return [ { name, contender,
//     medianMs, gflops | gbps, note? }, … ] }   // or { cases: [...], meta: {...} }
// Cases with the same `name` are one workload; rows whose contender starts with
// 'tensorlane wasm' (or that set `subject: true`) are tensorlane's, and the table gives
// the best of them ÷ every row as "tensorlane ÷ contender".
//
// usage: node bench/run.mjs [--quick] [--only gemm,einsum] [--node PATH] [file.bench.mjs …]
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { cpus, release, tmpdir, totalmem } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compareByWorkload, validateCases } from './runner/cases.mjs';
import { resultsChart } from './runner/svg-chart.mjs';
import { resultsTable } from './runner/table.mjs';

const benchDir = dirname(fileURLToPath(import.meta.url));
const root = join(benchDir, '..');
const resultsDir = join(benchDir, 'results');
const TOTAL_BUDGET_MS = 10 * 60_000;
// Left for starting processes and writing the reports once every file has run.
const RESERVE_MS = 20_000;
const started = Date.now();

function parseArgs(argv) {
  const args = { quick: false, only: undefined, node: undefined, files: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') args.quick = true;
    else if (a === '--only') args.only = argv[++i].split(',');
    else if (a === '--node') args.node = argv[++i];
    else if (a.endsWith('.mjs')) args.files.push(a);
    else
      throw new Error(
        `unknown argument ${a} (usage: run.mjs [--quick] [--only a,b] [--node PATH] [files])`,
      );
  }
  return args;
}

/** GEMM first (it sets the headline numbers), then the rest alphabetically. */
function benchFiles(args) {
  if (args.files.length) return args.files.map((f) => resolve(f));
  const order = ['gemm', 'elementwise', 'einsum'];
  return readdirSync(benchDir)
    .filter((f) => f.endsWith('.bench.mjs'))
    .filter((f) => !args.only || args.only.some((o) => f.startsWith(`${o}.`)))
    .sort((a, b) => {
      const rank = (f) => (order.indexOf(f.split('.')[0]) + order.length + 1) % (order.length + 1);
      return rank(a) - rank(b) || a.localeCompare(b);
    })
    .map((f) => join(benchDir, f));
}

/**
 * The Node that runs the benchmarks: Node 22 (installed from npm into .runtimes/ by the
 * matrix's installer when the machine's node is older) runs the relaxed-SIMD build by
 * default; failing that, this node, with Node 20's flag for relaxed SIMD.
 */
async function pickNode(explicit) {
  if (explicit) return { path: explicit, flags: [] };
  const major = Number(process.versions.node.split('.')[0]);
  if (major >= 22) return { path: process.execPath, flags: [] };
  try {
    const { RUNTIMES } = await import('../test/matrix/runtimes.mjs');
    return { path: RUNTIMES.find((r) => r.id === 'node22').ensure(), flags: [] };
  } catch (e) {
    console.log(`[bench] Node 22 unavailable (${e.message}); using this Node ${process.version}`);
    return { path: process.execPath, flags: ['--experimental-wasm-relaxed-simd'] };
  }
}

function machine(node) {
  const cpu = cpus();
  const version = spawnSync(node.path, ['--version'], { encoding: 'utf8' }).stdout.trim();
  return {
    cpu: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${process.platform} ${release()}`,
    node: version,
    nodeFlags: node.flags,
  };
}

const args = parseArgs(process.argv.slice(2));
const files = benchFiles(args);
if (!files.length) {
  console.error('[bench] no bench/*.bench.mjs files found');
  process.exit(1);
}
const node = await pickNode(args.node);
const machineInfo = machine(node);
console.log(
  `[bench] ${files.length} files on ${machineInfo.node} (${machineInfo.cpu}, ${machineInfo.cores} cores)`,
);

// What the host was doing: the same engine as the benchmarks, in its own process.
const REGIME_SECONDS = args.quick ? 3 : 15;
const regimes = spawnSync(
  node.path,
  [...node.flags, join(benchDir, 'host-regimes.mjs'), String(REGIME_SECONDS)],
  { cwd: root, encoding: 'utf8', timeout: (REGIME_SECONDS + 30) * 1000 },
);
const hostState =
  regimes.status === 0 ? regimes.stdout.trim() : `Host state: the probe failed (${regimes.stderr})`;
console.log(`[bench] ${hostState}`);

const tmp = mkdtempSync(join(tmpdir(), 'tl-bench-'));
const cases = [];
const fileReports = [];
const problems = [];
// GEMM has the most workloads and contenders (peers included), the GPT-2-124M runs take
// seconds each, and the threads capacity row runs N processes and a browser page, so they get
// larger shares.
const WEIGHTS = { gemm: 3, gpt: 2, 'threads-capacity': 2 };
const weightOf = (file) => WEIGHTS[basename(file).split('.')[0]] ?? 1;
files.forEach((file, i) => {
  const name = relative(root, file);
  const left = TOTAL_BUDGET_MS - RESERVE_MS - (Date.now() - started);
  // Each file gets its weighted share of what is left, so one slow file cannot starve the
  // rest, and time a file leaves unused goes to the files after it.
  const weightLeft = files.slice(i).reduce((sum, f) => sum + weightOf(f), 0);
  const budgetMs = Math.floor((left * weightOf(file)) / weightLeft);
  if (budgetMs < 5_000) {
    problems.push(`${name}: skipped, the 10-minute budget is spent`);
    fileReports.push({ file: name, ok: false, seconds: 0, error: 'skipped: budget spent' });
    return;
  }
  console.log(`\n[bench] ${name} (budget ${(budgetMs / 1000).toFixed(0)} s)`);
  const out = join(tmp, `${basename(file)}.json`);
  const t0 = Date.now();
  const options = JSON.stringify({ quick: args.quick, budgetMs: Math.floor(budgetMs * 0.9) });
  const r = spawnSync(
    node.path,
    [...node.flags, join(benchDir, 'runner/child.mjs'), file, out, options],
    {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit'],
      timeout: budgetMs,
      killSignal: 'SIGKILL',
    },
  );
  const seconds = (Date.now() - t0) / 1000;
  if (r.status !== 0 || !existsSync(out)) {
    const why =
      r.error?.code === 'ETIMEDOUT' || r.signal
        ? `killed after ${seconds.toFixed(0)} s (over its budget)`
        : `exit ${r.status}`;
    problems.push(`${name}: ${why}`);
    fileReports.push({ file: name, ok: false, seconds, error: why });
    return;
  }
  const result = JSON.parse(readFileSync(out, 'utf8'));
  const checked = validateCases(result.cases, name);
  cases.push(...checked.valid);
  problems.push(...checked.problems);
  fileReports.push({
    file: name,
    ok: true,
    seconds,
    cases: checked.valid.length,
    meta: result.meta,
  });
});

const groups = compareByWorkload(cases);
const table = resultsTable(groups);
const date = new Date().toISOString();
const subtitle = `${machineInfo.cpu}, ${machineInfo.node}, one thread, ${date.slice(0, 10)}`;
mkdirSync(resultsDir, { recursive: true });
writeFileSync(
  join(resultsDir, 'latest.json'),
  `${JSON.stringify({ date, machine: machineInfo, hostState, quick: args.quick, files: fileReports, cases, problems }, null, 2)}\n`,
);
writeFileSync(join(resultsDir, 'latest.md'), `Machine: ${subtitle}\n\n${hostState}\n\n${table}\n`);
writeFileSync(join(resultsDir, 'latest.svg'), resultsChart(groups, { subtitle }));
console.log(`\n${table}\n`);
for (const p of problems) console.log(`[bench] problem: ${p}`);
console.log(
  `[bench] ${cases.length} cases from ${fileReports.filter((f) => f.ok).length}/${files.length} files in ${((Date.now() - started) / 1000).toFixed(0)} s → bench/results/latest.{json,md,svg}`,
);
process.exit(fileReports.every((f) => f.ok) && cases.length ? 0 : 1);
