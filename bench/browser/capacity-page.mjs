// The page of the threads capacity benchmark (driven by capacity-driver.mjs): tensorlane's
// relaxed-threads build with N threads on the page's main thread, N dedicated workers each
// running the relaxed build with 1 thread at the same time, and 1 thread on the main
// thread, alternating round by round. Query: ?threads=N&rounds=N&warmupMs=N&sampleMs=N.
// Reports { rows, ... } or { error } in window.__matrixResult.
import * as lib from '../../packages/tensorlane/dist/index.js';
import {
  alternateRounds,
  measureWake,
  newWakeBuffer,
  tensorlaneTask,
  timeTurn,
  WORKLOADS,
  wakeWorkerBody,
  workloadInputs,
} from './thread-workloads.mjs';

const IDS = ['gemm512', 'gemm1024', 'bmm'];
const START_MARGIN_MS = 40;

const report = (value) => {
  window.__matrixResult = value;
  document.title = 'done';
};

function startWorker(module) {
  const worker = new Worker('./lib/capacity-worker.js', { type: 'module' });
  const next = () =>
    new Promise((resolve, reject) => {
      worker.onmessage = ({ data }) =>
        data?.error ? reject(new Error(data.error)) : resolve(data);
      worker.onerror = (e) => reject(new Error(e.message ?? String(e)));
    });
  return {
    async start() {
      const ready = next();
      worker.postMessage({ module, ids: IDS });
      await ready;
    },
    run(message) {
      const done = next();
      worker.postMessage(message);
      return done;
    },
    end: () => worker.terminate(),
  };
}

/** Wake latency of a parked Web Worker (see `measureWake`). */
async function wakeLatency() {
  const source = `self.onmessage = ({ data }) => (${wakeWorkerBody})(data);`;
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  const worker = new Worker(url);
  const sab = newWakeBuffer();
  worker.postMessage(sab);
  try {
    return await measureWake(sab);
  } finally {
    worker.terminate();
    URL.revokeObjectURL(url);
  }
}

async function main() {
  const params = new URLSearchParams(location.search);
  const threads = Number(params.get('threads') ?? 2);
  const rounds = Number(params.get('rounds') ?? 5);
  const timing = {
    warmupMs: Number(params.get('warmupMs') ?? 120),
    sampleMs: Number(params.get('sampleMs') ?? 300),
  };
  if (!self.crossOriginIsolated)
    throw new Error('the page is not cross-origin isolated: no SharedArrayBuffer, no threads');
  const compile = (build) => WebAssembly.compileStreaming(fetch(`./wasm/tensorlane-${build}.wasm`));
  const modules = { pool: await compile('relaxed-threads'), one: await compile('relaxed') };
  const workers = Array.from({ length: threads }, () => startWorker(modules.one));
  await Promise.all(workers.map((w) => w.start()));

  const gflopsOf = (w, ms) => w.flops / (ms * 1e6);
  const inPage = (build, n) => async (w, inputs) => {
    const info = await lib.init({ simd: 'relaxed', threads: n, wasm: modules[build] });
    if (info.threads !== n) throw new Error(`init({ threads: ${n} }) gave ${info.threads}`);
    const task = tensorlaneTask(lib, w, inputs);
    try {
      return gflopsOf(w, await timeTurn(task.fn, timing));
    } finally {
      task.dispose();
    }
  };
  const [pool, one] = [inPage('pool', threads), inPage('one', 1)];
  const together = async (w) => {
    const startAt = Date.now() + timing.warmupMs + START_MARGIN_MS;
    const ms = await Promise.all(workers.map((x) => x.run({ id: w.id, ...timing, startAt })));
    return ms.reduce((sum, m) => sum + gflopsOf(w, m), 0);
  };
  const rows = [];
  for (const id of IDS) {
    const w = WORKLOADS.find((x) => x.id === id);
    const inputs = workloadInputs(w);
    const [p, many, o] = await alternateRounds(
      [
        { turn: () => pool(w, inputs) },
        { turn: () => together(w) },
        { turn: () => one(w, inputs) },
      ],
      rounds,
    );
    rows.push({ id, name: w.name, flops: w.flops, pool: p, many, one: o });
  }
  lib.shutdown();
  for (const w of workers) w.end();
  return {
    rows,
    wakeUs: await wakeLatency(),
    crossOriginIsolated: self.crossOriginIsolated,
    hardwareConcurrency: navigator.hardwareConcurrency,
    userAgent: navigator.userAgent,
  };
}

setTimeout(() => {
  main().then(report, (error) => report({ error: String(error?.stack ?? error) }));
}, 0);
