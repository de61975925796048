// Threads capacity (issue 20): one process with N threads against N single-thread processes
// running the same op at the same time (what the machine gives N independent runners right
// now), and against 1 thread; GEMM 512³, 1024³ and bmm 12×(512×64 @ 64×512). In Node, and
// (unless TL_BENCH_BROWSER=0 or --no-browser) in headless Chromium, where the N independent
// runners are N dedicated workers of the page (bench/browser/capacity-page.mjs).
//
// The N processes are started from this process, so they share its session. On Linux the
// scheduler shares the CPU between sessions first (autogroups): on a machine others keep
// busy, N processes started from N shells get N shares where one process with N threads
// gets one. That set-up ("N sessions": each child in a session of its own) is measured too
// and reported beside the capacity, because it is what made the pool look 20–25% short.
//
// Every contender runs the public API (matmul of tensors created after init, output
// disposed, no readback). Rounds alternate the contenders, the order rotating; the figures
// are medians of the rounds, the ratio's second figure the median of per-round ratios.
//
// Run directly: `node bench/threads-capacity.bench.mjs [--quick] [--no-browser] [--threads N]`.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { Worker } from 'node:worker_threads';
import {
  alternateRounds,
  measureWake,
  median,
  newWakeBuffer,
  pairedRatio,
  tensorlaneTask,
  timeTurn,
  WORKLOADS,
  wakeWorkerBody,
  workloadInputs,
} from './browser/thread-workloads.mjs';
import { describeHostRegimes, measureHostRegimes } from './host-regimes.mjs';

const entry =
  process.env.TENSORLANE_ENTRY ??
  new URL('../packages/tensorlane/dist/index.js', import.meta.url).href;
const wasmDir = new URL('../packages/tensorlane/wasm/', import.meta.url);
const compiled = (build) =>
  new WebAssembly.Module(readFileSync(new URL(`tensorlane-${build}.wasm`, wasmDir)));

/** The issue's workloads. */
export const CAPACITY_WORKLOADS = ['gemm512', 'gemm1024', 'bmm'];
/** Done when the pool reaches this share of N processes' combined rate. */
const TARGET_SHARE = 0.9;
/** Node's pool within this of Chromium's (pool ÷ pool). */
const TARGET_VS_CHROMIUM = 0.9;
/** Margin between the start command and the common start of the timed window. */
const START_MARGIN_MS = 40;

/** CPU ms of every thread of this process so far (Linux /proc), or undefined elsewhere. */
function processCpuMs() {
  try {
    return readdirSync('/proc/self/task').reduce(
      (sum, t) =>
        sum + Number(readFileSync(`/proc/self/task/${t}/schedstat`, 'utf8').split(' ')[0]) / 1e6,
      0,
    );
  } catch {
    return undefined;
  }
}

/** Runs `fn`; returns its result and this process's CPU time ÷ wall time meanwhile. */
async function withCpuShare(fn) {
  const [c0, t0] = [processCpuMs(), performance.now()];
  const value = await fn();
  const c1 = processCpuMs();
  return { value, share: c0 === undefined ? Number.NaN : (c1 - c0) / (performance.now() - t0) };
}

/**
 * The single-thread runner a child process is: `init({ threads: 1 })`, inputs for every
 * workload, then per stdin line `id warmupMs sampleMs startAt` it warms up, waits for the
 * wall-clock instant `startAt` (every child of a turn gets the same one) and prints the ms
 * per call of `sampleMs` of calls and its CPU share meanwhile.
 */
async function singleRunner() {
  const lib = await import(entry);
  await lib.init({ simd: 'relaxed', threads: 1, wasm: compiled('relaxed') });
  const tasks = Object.fromEntries(
    CAPACITY_WORKLOADS.map((id) => {
      const w = WORKLOADS.find((x) => x.id === id);
      return [id, tensorlaneTask(lib, w, workloadInputs(w))];
    }),
  );
  console.log('ready');
  for await (const line of createInterface({ input: process.stdin })) {
    const [id, warmupMs, sampleMs, startAt] = line.split(' ');
    const fn = tasks[id].fn;
    do fn();
    while (Date.now() < Number(startAt) - Number(warmupMs) / 4);
    while (Date.now() < Number(startAt));
    const { value, share } = await withCpuShare(() =>
      timeTurn(fn, { warmupMs: 0, sampleMs: Number(sampleMs) }),
    );
    console.log(`${value} ${share}`);
  }
}

/** N child processes running `singleRunner`; `ownSession` puts each in a session of its own. */
async function startRunners(n, ownSession) {
  const runners = [];
  for (let i = 0; i < n; i++) {
    const child = spawn(
      process.execPath,
      [...process.execArgv, new URL(import.meta.url).pathname, '--single-runner'],
      { stdio: ['pipe', 'pipe', 'inherit'], detached: ownSession },
    );
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const next = async () => {
      const r = await lines.next();
      if (r.done) throw new Error('a single-thread runner exited');
      return r.value;
    };
    runners.push({ child, next });
  }
  for (const r of runners)
    if ((await r.next()) !== 'ready') throw new Error('a single-thread runner failed to start');
  return {
    /** The runners' combined GFLOP/s and CPU share on `w` over one common window. */
    async turn(w, { warmupMs, sampleMs }) {
      const startAt = Date.now() + warmupMs + START_MARGIN_MS;
      for (const r of runners) r.child.stdin.write(`${w.id} ${warmupMs} ${sampleMs} ${startAt}\n`);
      const out = await Promise.all(
        runners.map(async (r) => (await r.next()).split(' ').map(Number)),
      );
      return {
        gflops: out.reduce((sum, [ms]) => sum + w.flops / (ms * 1e6), 0),
        share: out.reduce((sum, [, share]) => sum + share, 0),
      };
    },
    close() {
      for (const r of runners) r.child.kill();
    },
  };
}

const fmt = (x, d = 1) => x.toFixed(d);

/** Wake latency of a parked `node:worker_threads` worker (see `measureWake`). */
export async function nodeWakeLatency() {
  const sab = newWakeBuffer();
  const worker = new Worker(
    `const { workerData } = require('node:worker_threads'); (${wakeWorkerBody})(workerData);`,
    { eval: true, workerData: sab },
  );
  try {
    return await measureWake(sab);
  } finally {
    await worker.terminate();
  }
}

/** The cases of one environment (Node or Chromium) from its per-round samples. */
export function capacityCases(env, threads, rows, rounds) {
  const cases = [];
  const summary = [];
  for (const r of rows) {
    const [pool, many, one] = [median(r.pool), median(r.many), median(r.one)];
    const share = pool / many;
    const paired = pairedRatio(r.pool, r.many);
    const verdict = share >= TARGET_SHARE ? 'met' : 'NOT met';
    const name = `${env} threads capacity: ${r.name}`;
    const runners = env === 'Node' ? 'processes' : 'workers';
    cases.push(
      {
        name,
        contender: `tensorlane wasm relaxed-threads, ${threads} threads, one ${env === 'Node' ? 'process' : 'page'}`,
        medianMs: r.flops / (pool * 1e6),
        gflops: pool,
        note: `÷ ${threads} single-thread ${runners}: ${fmt(share, 2)} (paired ${fmt(paired, 2)}; target ≥ ${TARGET_SHARE}: ${verdict}); ÷ 1 thread ${fmt(pool / one, 2)}×${r.perCpuSecond ? `; per CPU-second ${fmt(r.perCpuSecond.pool)} GFLOP vs ${fmt(r.perCpuSecond.many)} for the ${runners} and ${fmt(r.perCpuSecond.one)} for 1 thread (CPU share ${fmt(r.cpuShare.pool, 2)} vs ${fmt(r.cpuShare.many, 2)})` : ''}`,
      },
      {
        name,
        contender: `${threads} single-thread ${runners} at once (relaxed), together`,
        medianMs: r.flops / (many * 1e6),
        gflops: many,
        note: `the machine's capacity for ${threads} runners; ${rounds} rounds alternating`,
      },
      {
        name,
        contender: 'tensorlane wasm relaxed, 1 thread',
        medianMs: r.flops / (one * 1e6),
        gflops: one,
        note: `${rounds} rounds alternating`,
      },
    );
    if (r.sessions)
      cases.push({
        name,
        contender: `${threads} single-thread processes at once, each in its own session`,
        medianMs: r.flops / (median(r.sessions) * 1e6),
        gflops: median(r.sessions),
        note: 'Linux gives each session (autogroup) its own CPU share: not the capacity of one process',
      });
    summary.push({ id: r.id, workload: r.name, pool, many, one, share, paired });
  }
  return { cases, summary };
}

async function runNode({ threads, rounds, timing, log }) {
  const lib = await import(entry);
  const modules = { pool: compiled('relaxed-threads'), one: compiled('relaxed') };
  const [together, apart] = [await startRunners(threads, false), await startRunners(threads, true)];
  const gflopsOf = (w, ms) => w.flops / (ms * 1e6);
  const inProcess = (build, n) => async (w, inputs) => {
    const info = await lib.init({ simd: 'relaxed', threads: n, wasm: modules[build] });
    if (info.threads !== n) throw new Error(`init({ threads: ${n} }) gave ${info.threads}`);
    const task = tensorlaneTask(lib, w, inputs);
    try {
      const { value, share } = await withCpuShare(() => timeTurn(task.fn, timing));
      return { gflops: gflopsOf(w, value), share };
    } finally {
      task.dispose();
    }
  };
  const [pool, one] = [inProcess('pool', threads), inProcess('one', 1)];
  const rows = [];
  try {
    for (const id of CAPACITY_WORKLOADS) {
      const w = WORKLOADS.find((x) => x.id === id);
      const inputs = workloadInputs(w);
      const loadBefore = loadavg()[0];
      const [p, many, o, sessions] = await alternateRounds(
        [
          { turn: () => pool(w, inputs) },
          { turn: () => together.turn(w, timing) },
          { turn: () => one(w, inputs) },
          { turn: () => apart.turn(w, timing) },
        ],
        rounds,
      );
      const rates = (xs) => xs.map((x) => x.gflops);
      const perCpu = (xs) => median(xs.map((x) => x.gflops / x.share));
      rows.push({
        id,
        name: w.name,
        flops: w.flops,
        pool: rates(p),
        many: rates(many),
        one: rates(o),
        sessions: rates(sessions),
        perCpuSecond: { pool: perCpu(p), many: perCpu(many), one: perCpu(o) },
        cpuShare: { pool: median(p.map((x) => x.share)), many: median(many.map((x) => x.share)) },
      });
      const last = rows.at(-1);
      log(
        `Node ${w.name}: ${threads} threads ${fmt(median(last.pool))} GF/s, ${threads} processes ` +
          `${fmt(median(last.many))} (in ${threads} sessions ${fmt(median(last.sessions))}), 1 thread ` +
          `${fmt(median(last.one))}; pool ÷ processes ${fmt(median(last.pool) / median(last.many), 2)} ` +
          `(paired ${fmt(pairedRatio(last.pool, last.many), 2)}); CPU share ${fmt(last.cpuShare.pool, 2)} ` +
          `vs ${fmt(last.cpuShare.many, 2)}; GFLOP per CPU-second ${fmt(last.perCpuSecond.pool)} vs ` +
          `${fmt(last.perCpuSecond.many)} (1 thread ${fmt(last.perCpuSecond.one)}); load ` +
          `${fmt(loadBefore, 2)} → ${fmt(loadavg()[0], 2)}`,
      );
    }
  } finally {
    lib.shutdown();
    together.close();
    apart.close();
  }
  return rows;
}

/** Chromium: the same contenders in a cross-origin-isolated page (see capacity-page.mjs). */
async function runChromium({ threads, rounds, timing, budgetMs, log }) {
  const { runCapacityPage } = await import('./browser/capacity-driver.mjs');
  return runCapacityPage({ threads, rounds, timing, budgetMs, log });
}

export async function run({ quick = false, budgetMs = 120_000, log = console.log, threads } = {}) {
  const started = performance.now();
  const n = threads ?? Math.min(2, availableParallelism());
  const hostSeconds = quick ? 2 : 3;
  const hostBefore = describeHostRegimes(measureHostRegimes(hostSeconds), hostSeconds);
  const load = { start: loadavg()[0] };
  log(`load average (1 min) ${fmt(load.start, 2)}; ${hostBefore}`);
  const wakeUs = await nodeWakeLatency();
  log(
    `Node: Atomics.notify → Atomics.wait returning in a parked worker: median ${fmt(wakeUs.median)} µs, p90 ${fmt(wakeUs.p90)} µs`,
  );
  const rounds = quick ? 3 : 5;
  // Enough calls per turn for 1024³ (about 50 ms a call) within a budget of a minute or two.
  const scale = Math.min(1, budgetMs / 120_000);
  const timing = {
    warmupMs: Math.max(60, Math.round((quick ? 60 : 120) * scale)),
    sampleMs: Math.max(120, Math.round((quick ? 120 : 300) * scale)),
  };
  const nodeRows = await runNode({ threads: n, rounds, timing, log });
  const node = capacityCases('Node', n, nodeRows, rounds);
  const cases = [...node.cases];
  let browser;
  if (process.env.TL_BENCH_BROWSER !== '0' && !process.argv.includes('--no-browser')) {
    const left = budgetMs - (performance.now() - started);
    if (left < 25_000)
      browser = { error: `skipped: ${Math.round(left / 1000)} s of the budget left` };
    else
      try {
        const out = await runChromium({ threads: n, rounds, timing, budgetMs: left - 5_000, log });
        const chromium = capacityCases(out.env, n, out.rows, rounds);
        cases.push(...chromium.cases);
        const vsChromium = node.summary.map((s) => {
          const c = chromium.summary.find((x) => x.id === s.id);
          return {
            workload: s.workload,
            nodePool: s.pool,
            chromiumPool: c?.pool,
            ratio: s.pool / c?.pool,
          };
        });
        for (const v of vsChromium)
          log(
            `${v.workload}: Node pool ÷ Chromium pool ${fmt(v.ratio, 2)} (target ≥ ${TARGET_VS_CHROMIUM}: ${v.ratio >= TARGET_VS_CHROMIUM ? 'met' : 'NOT met'})`,
          );
        browser = { ...out.meta, summary: chromium.summary, vsChromium };
      } catch (e) {
        browser = { error: String(e?.stack ?? e) };
      }
    if (browser.error) log(`browser part: ${browser.error}`);
  }
  load.end = loadavg()[0];
  return {
    cases,
    meta: {
      threads: n,
      rounds,
      ...timing,
      hostBefore,
      loadAverage: load,
      node: node.summary,
      browser,
    },
  };
}

if (process.argv[2] === '--single-runner') await singleRunner();
else if (import.meta.url === `file://${process.argv[1]}`) {
  const at = process.argv.indexOf('--threads');
  const result = await run({
    quick: process.argv.includes('--quick'),
    threads: at > 0 ? Number(process.argv[at + 1]) : undefined,
  });
  console.log('| workload | contender | GFLOP/s | note |\n| --- | --- | ---: | --- |');
  for (const c of result.cases)
    console.log(`| ${c.name} | ${c.contender} | ${fmt(c.gflops)} | ${c.note ?? ''} |`);
  const { start, end } = result.meta.loadAverage;
  console.log(`load average (1 min): ${fmt(start, 2)} at the start, ${fmt(end, 2)} at the end`);
}
