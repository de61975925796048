// The transcendental kernels and the softmax family, element rates on 1024×1024 float32
// inputs (one thread, op + dispose, no readback), interleaved in one process with
// tfjs-backend-wasm and, when TENSORLANE_BEFORE names another build of the package's
// dist/index.js (e.g. a copy of main's dist/ with main's wasm/ next to it), with that build:
// ratios between contenders are only meaningful within one run on this shared machine.
//   TENSORLANE_BEFORE=/tmp/before/dist/index.js node bench/transcendentals.bench.mjs [--quick]
//   [--only=<regexp over case names>] [--budget=<seconds, default 120>]
// Inputs are uniform in [-4, 4) (both branches of erf, tanh's saturation not reached), |x|
// for log, log1p and pow's base.
import { pathToFileURL } from 'node:url';
import { loadTfjs } from './peers/tfjs.mjs';
import { medians } from './runner/medians.mjs';
import { randomData } from './runner/random-data.mjs';

const entry =
  process.env.TENSORLANE_ENTRY ??
  new URL('../packages/tensorlane/dist/index.js', import.meta.url).href;
const lib = await import(entry);
const before = process.env.TENSORLANE_BEFORE
  ? await import(pathToFileURL(process.env.TENSORLANE_BEFORE).href)
  : undefined;

const SHAPE = [1024, 1024];
const N = SHAPE[0] * SHAPE[1];

/** [name, tensorlane op on x (a module's tensor), tfjs op or undefined, input transform]. */
const CASES = [
  ['exp', (_l, x) => x.exp(), (tf, t) => tf.exp(t)],
  ['log(|x|)', (_l, x) => x.log(), (tf, t) => tf.log(t), Math.abs],
  ['tanh', (_l, x) => x.tanh(), (tf, t) => tf.tanh(t)],
  ['sigmoid', (_l, x) => x.sigmoid(), (tf, t) => tf.sigmoid(t)],
  ['erf', (l, x) => l.erf(x), (tf, t) => tf.erf(t)],
  ['erf, |x| < 1 (no tail)', (l, x) => l.erf(x), (tf, t) => tf.erf(t), (v) => v / 4],
  ['gelu', (l, x) => l.gelu(x)],
  ['gelu, |x| < 0.7 (no tail)', (l, x) => l.gelu(x), undefined, (v) => v / 6],
  ["gelu 'tanh'", (l, x) => l.gelu(x, 'tanh')],
  ['silu', (l, x) => l.silu(x)],
  ['sin', (_l, x) => x.sin(), (tf, t) => tf.sin(t)],
  ['cos', (_l, x) => x.cos(), (tf, t) => tf.cos(t)],
  ['expm1', (_l, x) => x.expm1(), (tf, t) => tf.expm1(t)],
  ['log1p(|x|)', (_l, x) => x.log1p(), (tf, t) => tf.log1p(t), Math.abs],
  ['pow(|x|, x) tensor-tensor', (_l, x) => x.pow(x), (tf, t) => tf.pow(t, t), Math.abs],
  ['pow(|x|, 1.5) tensor-scalar', (_l, x) => x.pow(1.5), (tf, t) => tf.pow(t, 1.5), Math.abs],
  ['neg (memory-bound reference)', (_l, x) => x.neg(), (tf, t) => tf.neg(t)],
  ['softmax(-1) 1024×1024', (_l, x) => x.softmax(-1), (tf, t) => tf.softmax(t)],
  [
    'softmax(-1) 128×1024',
    (_l, x) => x.softmax(-1),
    (tf, t) => tf.softmax(t),
    undefined,
    [128, 1024],
  ],
  ['softmax(0) 1024×1024', (_l, x) => x.softmax(0)],
  ['logSoftmax(-1) 1024×1024', (l, x) => l.logSoftmax(x, -1), (tf, t) => tf.logSoftmax(t)],
  ['logsumexp(-1) 1024×1024', (l, x) => l.logsumexp(x, -1), (tf, t) => tf.logSumExp(t, -1)],
  ['logsumexp(0) 1024×1024', (l, x) => l.logsumexp(x, 0), (tf, t) => tf.logSumExp(t, 0)],
];

export async function run({
  quick = false,
  budgetMs = 120_000,
  only = /./,
  log = console.log,
} = {}) {
  const info = await lib.init({ threads: 1 });
  if (before) await before.init({ threads: 1 });
  const tf = await loadTfjs(log);
  const cases = CASES.filter(([name]) => only.test(name));
  const opts = { quick, budgetMs: budgetMs / cases.length };
  const rows = [];
  for (const [name, op, tfOp, transform, shape = SHAPE] of cases) {
    const n = shape[0] * shape[1];
    const data = randomData(n, 7).map((v) => (transform ?? ((u) => u))(v * 4));
    const x = lib.tensor(data).view(shape);
    const xb = before?.tensor(data).view(shape);
    const t = tf?.tensor(data, shape);
    const tasks = [['after', () => op(lib, x).dispose()]];
    if (before) tasks.push(['before', () => op(before, xb).dispose()]);
    if (t && tfOp) tasks.push(['tfjs', () => tf.tidy(() => tfOp(tf, t)).dispose()]);
    const ms = medians(tasks, opts);
    x.dispose();
    xb?.dispose();
    t?.dispose();
    const rate = (m) => (n / m / 1e6).toFixed(3);
    const [after, prev] = [ms[0], before ? ms[1] : undefined];
    const tfjs = t && tfOp ? ms.at(-1) : undefined;
    rows.push({ name, after, before: prev, tfjs });
    log(
      `${name.padEnd(30)} ${rate(after).padStart(6)} G el/s` +
        (prev === undefined
          ? ''
          : `  before ${rate(prev).padStart(6)} (×${(prev / after).toFixed(2)})`) +
        (tfjs === undefined
          ? ''
          : `  tfjs ${rate(tfjs).padStart(6)} (tfjs ÷ tl ${(tfjs / after).toFixed(2)})`),
    );
  }
  return { rows, meta: { build: info.build, elements: N } };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  await run({
    quick: process.argv.includes('--quick'),
    budgetMs: 1000 * Number(arg('budget') ?? 120),
    only: new RegExp(arg('only') ?? '.'),
  });
}
