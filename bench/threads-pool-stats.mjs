#!/usr/bin/env node
// Where a pool call's time goes (issue 20), measured in ways a busy machine disturbs little:
// the pool's own counters (`bench_pool_stats`: tasks run by the caller and by the worker,
// the caller's polls while the worker finishes, the worker's idle polls and parks), the CPU
// time and run-queue wait of every thread of this process (Linux /proc schedstat), and so
// GFLOP per CPU-second, which is about the same on an idle and a loaded machine while
// GFLOP/s is not. Also the wake latency of Atomics.notify → Atomics.wait between two
// threads, and the threaded build on one thread against the single-thread build.
//
// Raw kernel calls on instances made here (no tensorlane API): per workload, rounds alternate
// the threaded build with N threads, the threaded build with 1 and the single-thread build.
//
// usage: node bench/threads-pool-stats.mjs [--threads N] [--rounds N] [--ms N]
//        [--build path/to/tensorlane-relaxed-threads.wasm]...   (several builds: A/B)
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import { median } from './browser/thread-workloads.mjs';
import { describeHostRegimes, measureHostRegimes } from './host-regimes.mjs';
import { nodeWakeLatency } from './threads-capacity.bench.mjs';

const wasmDir = new URL('../packages/tensorlane/wasm/', import.meta.url);
const arg = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1] : fallback;
};
const THREADS = Number(arg('threads', 2));
const ROUNDS = Number(arg('rounds', 5));
const TURN_MS = Number(arg('ms', 500));
const builds = process.argv.flatMap((a, i) => (process.argv[i - 1] === '--build' ? [a] : []));
if (!builds.length) builds.push(new URL('tensorlane-relaxed-threads.wasm', wasmDir).pathname);

/** The counters of `pool::Stat`, in its order. */
const STAT_NAMES = [
  'jobs',
  'callerTasks',
  'workerTasks',
  'callerWaitPolls',
  'workerIdlePolls',
  'workerParks',
  'workerLateJoins',
];

const EXP_CODE = 3;

/** Each workload allocates its inputs in `x` and returns a call; flops per call. */
const WORKLOADS = [
  gemmWorkload('gemm 512³', 1, 512, 512, 512),
  gemmWorkload('gemm 1024³', 1, 1024, 1024, 1024),
  gemmWorkload('bmm 12×(512×64 @ 64×512)', 12, 512, 64, 512),
  {
    name: 'attention 12 heads × seq 256 × d 64',
    flops: 4 * 12 * 256 * 256 * 64,
    setup(x) {
      const [h, l, d] = [12, 256, 64];
      const [q, k, v, out] = [0, 1, 2, 3].map(() => filled(x, h * l * d));
      return () =>
        x.attention_f32(
          h,
          l,
          l,
          d,
          d,
          1 / 8,
          0,
          q,
          l * d,
          d,
          1,
          k,
          l * d,
          d,
          1,
          v,
          l * d,
          d,
          1,
          0,
          0,
          0,
          0,
          out,
          l * d,
          d,
          1,
        );
    },
  },
  {
    name: 'exp of 4M floats',
    flops: 4 << 20, // one element counted as one "flop": the rate is elements per ns
    setup(x) {
      const n = 4 << 20;
      const [a, out] = [filled(x, n), x.tl_alloc(n * 4)];
      const dims = x.tl_alloc(12);
      new Int32Array(x.memory.buffer, dims, 3).set([n, 1, 1]);
      return () => x.unary_f32(EXP_CODE, 1, dims, a, out, -Infinity, Infinity);
    },
  },
];

function gemmWorkload(name, batch, m, k, n) {
  return {
    name,
    flops: 2 * batch * m * n * k,
    setup(x) {
      const [a, b, c] = [
        filled(x, batch * m * k),
        filled(x, batch * k * n),
        x.tl_alloc(batch * m * n * 4),
      ];
      return () => x.gemm_f32(batch, m, n, k, 1, 0, a, k, 1, m * k, b, n, 1, k * n, c, n, 1, m * n);
    },
  };
}

/** `n` floats in [-0.5, 0.5) allocated in `x`'s memory. */
function filled(x, n) {
  const p = x.tl_alloc(n * 4);
  if (!p) throw new Error(`tl_alloc(${n * 4}) failed`);
  const f = new Float32Array(x.memory.buffer, p, n);
  for (let i = 0; i < n; i++) f[i] = Math.random() - 0.5;
  return p;
}

/** CPU time and run-queue wait (ms) of every thread of this process, where Linux says. */
function schedstat() {
  let run = 0;
  let wait = 0;
  try {
    for (const t of readdirSync('/proc/self/task')) {
      const [r, w] = readFileSync(`/proc/self/task/${t}/schedstat`, 'utf8').split(' ').map(Number);
      run += r / 1e6;
      wait += w / 1e6;
    }
  } catch {
    return undefined;
  }
  return { run, wait };
}

/** A threaded build with `THREADS - 1` workers parked in `tl_worker_loop`. */
async function threadedInstance(path) {
  const module = new WebAssembly.Module(readFileSync(path));
  const memory = new WebAssembly.Memory({ initial: 64, maximum: 65536, shared: true });
  const x = { ...new WebAssembly.Instance(module, { env: { memory } }).exports, memory };
  const workers = [];
  for (let i = 1; i < THREADS; i++) {
    const stack = x.tl_alloc(512 * 1024);
    const tls = x.tl_alloc(Math.max(x.__tls_size.value, 16));
    const w = new Worker(
      `const { parentPort, workerData: d } = require('node:worker_threads');
      const x = new WebAssembly.Instance(d.module, { env: { memory: d.memory } }).exports;
      x.__stack_pointer.value = d.stackTop;
      x.__wasm_init_tls(d.tls);
      parentPort.postMessage('ready');
      x.tl_worker_loop();`,
      { eval: true, workerData: { module, memory, stackTop: stack + 512 * 1024, tls } },
    );
    await new Promise((resolve) => w.once('message', resolve));
    w.unref();
    workers.push(w);
  }
  if (!x.bench_pool_stats) throw new Error(`${path} has no bench_pool_stats export (older build)`);
  const statsAt = x.tl_alloc(8 * STAT_NAMES.length);
  const stats = () => {
    const n = x.bench_pool_stats(statsAt);
    return [...new Float64Array(x.memory.buffer, statsAt, n)];
  };
  // One poll's time: the fastest of several runs (a run the OS interrupts is slower).
  let pollNs = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    x.bench_pool_spin(1e6);
    pollNs = Math.min(pollNs, ((performance.now() - t) * 1e6) / 1e6);
  }
  x.tl_set_threads(1, 0);
  return { x, stats, pollNs, end: () => x.tl_shutdown_threads() };
}

/** Times `fn` for TURN_MS; returns ms per call, CPU share and per-call counter deltas. */
function turn(fn, pool) {
  fn();
  const s0 = schedstat();
  const c0 = pool?.stats();
  const t0 = performance.now();
  let calls = 0;
  do {
    fn();
    calls++;
  } while (performance.now() - t0 < TURN_MS);
  const wall = performance.now() - t0;
  const s1 = schedstat();
  const c1 = pool?.stats();
  return {
    ms: wall / calls,
    cpu: s0 && (s1.run - s0.run) / wall,
    runQueue: s0 && (s1.wait - s0.wait) / wall,
    counters: c1 && Object.fromEntries(STAT_NAMES.map((k, i) => [k, (c1[i] - c0[i]) / calls])),
  };
}

const fmt = (v, d = 1) => (v === undefined ? '—' : v.toFixed(d));

const host = describeHostRegimes(measureHostRegimes(3), 3);
console.log(
  `load ${loadavg()
    .map((v) => v.toFixed(2))
    .join(' ')}; ${host}`,
);
const wake = await nodeWakeLatency();
console.log(
  `Atomics.notify → Atomics.wait returning in a parked worker: median ${fmt(wake.median)} µs, p90 ${fmt(wake.p90)} µs`,
);
const single = new WebAssembly.Instance(
  new WebAssembly.Module(readFileSync(new URL('tensorlane-relaxed.wasm', wasmDir))),
  {},
).exports;
const pools = [];
for (const path of builds) pools.push({ path, ...(await threadedInstance(path)) });
for (const p of pools) console.log(`${p.path}: one poll ${fmt(p.pollNs, 2)} ns`);

for (const w of WORKLOADS) {
  const contenders = [
    ...pools.map((p, i) => ({
      label: `build ${i + 1}, ${THREADS} threads`,
      pool: p,
      fn: w.setup(p.x),
      threads: THREADS,
    })),
    { label: `build 1, 1 thread`, fn: w.setup(pools[0].x), setThreads: pools[0].x, threads: 1 },
    { label: 'relaxed (single-thread build)', fn: w.setup(single) },
  ];
  const results = contenders.map(() => []);
  for (let r = 0; r < ROUNDS; r++)
    for (let j = 0; j < contenders.length; j++) {
      const i = (j + r) % contenders.length;
      const c = contenders[i];
      (c.pool?.x ?? c.setThreads)?.tl_set_threads(c.threads, 0);
      results[i].push(turn(c.fn, c.pool));
      (c.pool?.x ?? c.setThreads)?.tl_set_threads(1, 0);
    }
  console.log(`\n${w.name} (${ROUNDS} rounds, load ${fmt(loadavg()[0], 2)}):`);
  contenders.forEach((c, i) => {
    const rs = results[i];
    const m = (f) => median(rs.map(f));
    const ms = m((x) => x.ms);
    const gflops = w.flops / (ms * 1e6);
    const cpu = rs[0].cpu === undefined ? undefined : m((x) => x.cpu);
    let line = `  ${c.label}: ${fmt(ms, 2)} ms, ${fmt(gflops)} G/s, CPU share ${fmt(cpu, 2)}, run-queue wait ${fmt(rs[0].runQueue === undefined ? undefined : m((x) => x.runQueue), 2)}, per CPU-second ${fmt(cpu && m((x) => w.flops / (x.ms * 1e6) / x.cpu))} G`;
    if (c.pool) {
      const k = (name) => m((x) => x.counters[name]);
      const waitMs = (k('callerWaitPolls') * c.pool.pollNs) / 1e6;
      line +=
        `\n    per call: tasks caller ${fmt(k('callerTasks'), 2)}, worker ${fmt(k('workerTasks'), 2)}; ` +
        `caller waits ${fmt(waitMs, 3)} ms after its last task (${fmt((100 * waitMs) / ms)}% of the call); ` +
        `worker idle polls ${fmt((k('workerIdlePolls') * c.pool.pollNs) / 1e6, 3)} ms, parks ${fmt(k('workerParks'), 2)}, late joins ${fmt(k('workerLateJoins'), 2)}`;
    }
    console.log(line);
  });
}
for (const p of pools) p.end();
console.log(
  `\nload ${loadavg()
    .map((v) => v.toFixed(2))
    .join(' ')}`,
);
process.exit(0);
