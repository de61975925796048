// The page of the browser comparison (bundled by threads-vs-ort.mjs with esbuild into
// dist/lib/page.js): tensorlane with 2 threads, tensorlane with 1 thread and
// onnxruntime-web with 2 threads, alternating round by round on the main thread of a
// cross-origin-isolated page. Query: ?rounds=N&warmupMs=N&sampleMs=N&workloads=id,id[&ort=0].
// Reports { crossOriginIsolated, ort: { numThreads, pthreadWorkers }, results } or { error }
// in window.__matrixResult (the name test/matrix/browser-driver.mjs waits for).
import * as ort from 'onnxruntime-web/wasm';
import * as lib from '../../packages/tensorlane/dist/index.js';
import { matmulModel } from '../peers/onnx-model.mjs';
import {
  alternateRounds,
  peakFmaGflops,
  tensorlaneTask,
  timeTurn,
  WORKLOADS,
  workloadInputs,
} from './thread-workloads.mjs';

// Count the workers each library starts (Emscripten names its pthread workers 'em-pthread'),
// as evidence that ORT really runs threads rather than silently falling back to one.
const workers = [];
const NativeWorker = globalThis.Worker;
globalThis.Worker = class extends NativeWorker {
  constructor(url, options) {
    super(url, options);
    workers.push(options?.name ?? String(url).slice(0, 5));
  }
};

// Warnings (e.g. tensorlane's "a worker thread failed to start") go into the report.
const warnings = [];
const nativeWarn = console.warn;
console.warn = (...args) => {
  warnings.push(args.map(String).join(' '));
  nativeWarn.apply(console, args);
};

const report = (value) => {
  window.__matrixResult = value;
  document.title = 'done';
};

async function main() {
  const params = new URLSearchParams(location.search);
  const rounds = Number(params.get('rounds') ?? 5);
  const timing = {
    warmupMs: Number(params.get('warmupMs') ?? 120),
    sampleMs: Number(params.get('sampleMs') ?? 200),
  };
  const withOrt = params.get('ort') !== '0';
  const ids = (params.get('workloads') ?? 'gemm1024,gemm768').split(',');
  if (!self.crossOriginIsolated)
    throw new Error('the page is not cross-origin isolated: no SharedArrayBuffer, no threads');

  const compile = (build) => WebAssembly.compileStreaming(fetch(`./wasm/tensorlane-${build}.wasm`));
  const modules = { 2: await compile('relaxed-threads'), 1: await compile('relaxed') };
  const peakBefore = peakFmaGflops(modules[1]);

  ort.env.wasm.numThreads = 2;
  ort.env.wasm.wasmPaths = new URL('./ort/', location.href).href;
  ort.env.logLevel = 'error';

  const tensorlane = (threads) => async (w, inputs) => {
    const info = await lib.init({ simd: 'relaxed', threads, wasm: modules[threads] });
    if (info.threads !== threads)
      throw new Error(`init({ threads: ${threads} }) gave ${info.threads} thread(s)`);
    const task = tensorlaneTask(lib, w, inputs, { readback: true });
    try {
      return await timeTurn(task.fn, timing);
    } finally {
      task.dispose();
    }
  };
  const [tl2, tl1] = [tensorlane(2), tensorlane(1)];

  const results = [];
  let ortInfo;
  for (const id of ids) {
    const w = WORKLOADS.find((x) => x.id === id);
    if (w?.kind !== 'gemm') throw new Error(`unknown GEMM workload ${id}`);
    const inputs = workloadInputs(w);
    const session = withOrt
      ? await ort.InferenceSession.create(
          matmulModel(inputs.a.shape, inputs.b.shape, inputs.outShape),
        )
      : undefined;
    if (withOrt)
      ortInfo ??= {
        numThreads: ort.env.wasm.numThreads,
        pthreadWorkers: workers.filter((n) => n === 'em-pthread').length,
      };
    const feeds = {
      A: new ort.Tensor('float32', inputs.a.data, inputs.a.shape),
      B: new ort.Tensor('float32', inputs.b.data, inputs.b.shape),
    };
    const ortTurn = () => timeTurn(() => session.run(feeds), { ...timing, sync: false });
    // ?ort=0 leaves ORT out (to see tensorlane's threads without ORT's pool alive).
    const contenders = [{ turn: () => tl2(w, inputs) }, { turn: () => tl1(w, inputs) }];
    if (withOrt) contenders.push({ turn: ortTurn });
    const [ms2, ms1, msOrt = []] = await alternateRounds(contenders, rounds);
    await session?.release();
    results.push({ id, name: w.name, flops: w.flops, ms2, ms1, msOrt });
  }
  lib.shutdown();
  const peakFma = Math.max(peakBefore, peakFmaGflops(modules[1]));
  return {
    peakFma,
    crossOriginIsolated: self.crossOriginIsolated,
    hardwareConcurrency: navigator.hardwareConcurrency,
    userAgent: navigator.userAgent,
    ort: { version: ort.env.versions.web, ...ortInfo },
    workers: Object.fromEntries(
      [...new Set(workers)].map((n) => [n, workers.filter((x) => x === n).length]),
    ),
    warnings: [...new Set(warnings)],
    rounds,
    ...timing,
    results,
  };
}

// Started after the load event, so the driver's page.goto() returns at once.
setTimeout(() => {
  main().then(report, (error) => {
    const head = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const stack = String(error?.stack ?? '');
    report({ error: stack.startsWith(head) ? stack : `${head}\n${stack}` });
  });
}, 0);
