// Elementwise add and sum() on tensorlane's wasm backend, against a Float32Array.set copy of
// the same size and tensorlane's js backend, all measured in one process (tinybench: warm-up,
// then the median of repeated calls, over several interleaved rounds).
//   1. float32 add, same shape, 4M elements         (targets: ≥ 0.7× copy bytes/s, ≥ 3× js)
//   2. float32 add, (1024,1024) + (1024,) broadcast (same targets)
//   3. sum() over 4M float32                        (target: ≥ 4× js)
//   4. gelu on 512×3072 float32 (a GPT-2 MLP activation): exact and tanh forms against the
//      js backend and tfjs-backend-wasm, which has no gelu (nor erf) kernel, so its row is
//      the tanh form composed of tfjs ops, as a tfjs user writes it
// Bytes/s count every byte an op must move once: add reads a and b and writes out; the copy
// reads its source and writes its destination; sum reads its input. `add` allocates (and
// zeroes) its result, as `a + b` does; the kernel row writes into an output allocated once;
// `add_` writes into `a` (one stream fewer in cache).
// TENSORLANE_ENTRY may point at another build of the package (default: dist/index.js).

import { loadTfjs } from './peers/tfjs.mjs';
import { medians } from './runner/medians.mjs';

const entry =
  process.env.TENSORLANE_ENTRY ??
  new URL('../packages/tensorlane/dist/index.js', import.meta.url).href;
const lib = await import(entry);

/** tensorlane tensors of `shape` on `backend`, with the given generator. */
function on(backend, make) {
  lib.setBackend(backend);
  try {
    return make();
  } finally {
    lib.setBackend('wasm');
  }
}

function addCases(build, opts, name, shapeA, shapeB) {
  const n = shapeA.reduce((x, y) => x * y, 1);
  const nb = shapeB.reduce((x, y) => x * y, 1);
  const bytes = 4 * (n + nb + n);
  const [a, b] = [lib.randn(shapeA), lib.randn(shapeB)];
  const [ja, jb] = on('js', () => [lib.randn(shapeA), lib.randn(shapeB)]);
  // The copy moves as many output elements as the add writes.
  const src = new Float32Array(n).fill(1.5);
  const dst = new Float32Array(n);
  // The kernel alone, out of place, into an output allocated once (backend.binary is what
  // `add` calls after broadcasting and allocating; b is expanded to a's shape as it does).
  const out = lib.empty(shapeA);
  const outView = out.backendView;
  const aView = a.backendView;
  const bView = b.expand(shapeA).backendView;
  const [tAdd, tKernel, tAddInPlace, tJs, tCopy] = medians(
    [
      ['wasm add', () => a.add(b).dispose()],
      ['wasm kernel', () => a.backend.binary('add', aView, bView, outView)],
      ['wasm add_', () => a.add_(b)],
      ['js add', () => ja.add(jb).dispose()],
      ['copy', () => dst.set(src)],
    ],
    opts,
  );
  for (const t of [a, b, ja, jb, out]) t.dispose();
  const gbps = (bytesMoved, ms) => bytesMoved / ms / 1e6;
  const copyBytes = 8 * n;
  const note = (ms) =>
    `${(gbps(bytes, ms) / gbps(copyBytes, tCopy)).toFixed(2)}× copy bytes/s, ${(tJs / ms).toFixed(1)}× js`;
  return [
    {
      name,
      contender: `tensorlane wasm ${build} add`,
      medianMs: tAdd,
      gbps: gbps(bytes, tAdd),
      note: note(tAdd),
    },
    {
      name,
      contender: `tensorlane wasm ${build} kernel into preallocated out`,
      medianMs: tKernel,
      gbps: gbps(bytes, tKernel),
      note: note(tKernel),
    },
    {
      name,
      contender: `tensorlane wasm ${build} add_ (in place)`,
      medianMs: tAddInPlace,
      gbps: gbps(bytes, tAddInPlace),
      note: note(tAddInPlace),
    },
    { name, contender: 'tensorlane js backend add', medianMs: tJs, gbps: gbps(bytes, tJs) },
    {
      name,
      contender: 'Float32Array.prototype.set copy (same size)',
      medianMs: tCopy,
      gbps: gbps(copyBytes, tCopy),
    },
  ];
}

function sumCases(build, opts) {
  const n = 4 * 2 ** 20;
  const name = 'sum() of 4M float32';
  const a = lib.randn([n]);
  const ja = on('js', () => lib.randn([n]));
  const [tWasm, tJs] = medians(
    [
      ['wasm sum', () => a.sum().dispose()],
      ['js sum', () => ja.sum().dispose()],
    ],
    opts,
  );
  a.dispose();
  ja.dispose();
  return [
    {
      name,
      contender: `tensorlane wasm ${build} sum`,
      medianMs: tWasm,
      gbps: (4 * n) / tWasm / 1e6,
      note: `${(tJs / tWasm).toFixed(1)}× js`,
    },
    { name, contender: 'tensorlane js backend sum', medianMs: tJs, gbps: (4 * n) / tJs / 1e6 },
  ];
}

async function geluCases(build, opts, log) {
  const shape = [512, 3072];
  const n = shape[0] * shape[1];
  const name = 'gelu float32 512×3072';
  const bytes = 8 * n; // read x, write the result
  const x = lib.randn(shape);
  const jx = on('js', () => lib.randn(shape));
  const tf = await loadTfjs(log);
  const tasks = [
    ['wasm gelu', () => x.gelu().dispose()],
    ['wasm gelu tanh', () => x.gelu('tanh').dispose()],
    ['js gelu', () => jx.gelu().dispose()],
  ];
  let tx;
  if (tf) {
    tx = tf.tensor(x.data(), shape);
    const c = Math.sqrt(2 / Math.PI);
    // 0.5·x·(1 + tanh(c·(x + 0.044715·x³))) in tfjs-core's functional ops.
    const composed = () =>
      tf.tidy(() => {
        const inner = tf.mul(tf.add(tx, tf.mul(tf.pow(tx, 3), 0.044715)), c);
        return tf.mul(tf.mul(tx, 0.5), tf.add(1, tf.tanh(inner)));
      });
    tasks.push(['tfjs', () => composed().dispose()]);
  }
  const [tWasm, tTanh, tJs, tTf] = medians(tasks, opts);
  for (const t of [x, jx, tx]) t?.dispose();
  const note = (ms) =>
    `${(tJs / ms).toFixed(1)}× js${tTf ? `, ${(tTf / ms).toFixed(1)}× tfjs composed` : ''}`;
  const rows = [
    { name, contender: `tensorlane wasm ${build} gelu (erf)`, medianMs: tWasm, note: note(tWasm) },
    { name, contender: `tensorlane wasm ${build} gelu tanh`, medianMs: tTanh, note: note(tTanh) },
    { name, contender: 'tensorlane js backend gelu (erf)', medianMs: tJs },
  ];
  if (tTf) rows.push({ name, contender: 'tfjs-backend-wasm tanh form, composed', medianMs: tTf });
  return rows.map((r) => ({ ...r, gbps: bytes / r.medianMs / 1e6 }));
}

export async function run({ quick = false, budgetMs = 60_000, log = console.log } = {}) {
  const info = await lib.init({ threads: 1 }); // single-thread figures; threads.bench.mjs covers threads
  lib.manualSeed(0);
  const build = info.build ?? 'unknown';
  log(`elementwise bench on the ${build} build`);
  const opts = { quick, budgetMs };
  const n = 4 * 2 ** 20;
  const cases = [
    ...addCases(build, opts, 'add float32 4M, same shape', [n], [n]),
    ...addCases(build, opts, 'add float32 (1024,1024)+(1024,)', [1024, 1024], [1024]),
    ...sumCases(build, opts),
    ...(await geluCases(build, opts, log)),
  ];
  for (const c of cases)
    log(
      `${c.name.padEnd(32)} ${c.contender.padEnd(44)} ${c.medianMs.toFixed(3).padStart(8)} ms ` +
        `${c.gbps.toFixed(2).padStart(6)} GB/s ${c.note ?? ''}`,
    );
  return { cases, meta: { build } };
}

if (import.meta.url === `file://${process.argv[1]}`)
  await run({ quick: process.argv.includes('--quick') });
