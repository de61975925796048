// The general engine on layouts other than "contiguous, same shape" (issue 15's table):
// transposes and permutes made contiguous, outer-axis reductions, a small broadcast,
// softmax on either dim, transcendentals, readback, and the fixed cost of a tiny op. Each
// case runs tensorlane (wasm, one thread), a Float32Array copy of the bytes the op must
// move, and tfjs-backend-wasm's op, interleaved in one process; the note gives the op's
// share of the copy's bandwidth and tfjs time ÷ tensorlane time.
//   node bench/engine.bench.mjs [--quick] [--only=<regexp over case names>]
import { loadTfjs } from './peers/tfjs.mjs';
import { medians } from './runner/medians.mjs';
import { randomData } from './runner/random-data.mjs';

const entry =
  process.env.TENSORLANE_ENTRY ??
  new URL('../packages/tensorlane/dist/index.js', import.meta.url).href;
const lib = await import(entry);

const numel = (shape) => shape.reduce((a, b) => a * b, 1);

/**
 * One workload: `make(x)` is tensorlane's op on input `x` (returns what to dispose),
 * `tfOp(tf, t)` tfjs's; `bytes` is what the op must move at least (reads + writes), and
 * the copy moves the same bytes (half read, half written).
 */
function workload(name, shape, bytes, op, tfOp) {
  return { name, shape, bytes, op, tfOp };
}

const WORKLOADS = [
  workload(
    'x.T.contiguous() 1024×1024',
    [1024, 1024],
    8 * 2 ** 20,
    (x) => x.T.contiguous(),
    (tf, t) => tf.transpose(t),
  ),
  workload(
    'x.permute(1,0,2).contiguous() 64×512×64',
    [64, 512, 64],
    8 * 2 ** 21,
    (x) => x.permute(1, 0, 2).contiguous(),
    (tf, t) => tf.transpose(t, [1, 0, 2]),
  ),
  workload(
    'x.sum(1) 1024×1024',
    [1024, 1024],
    4 * 2 ** 20,
    (x) => x.sum(1),
    (tf, t) => tf.sum(t, 1),
  ),
  workload(
    'x.sum(0) 1024×1024',
    [1024, 1024],
    4 * 2 ** 20,
    (x) => x.sum(0),
    (tf, t) => tf.sum(t, 0),
  ),
  workload(
    'x.max(0) 1024×1024',
    [1024, 1024],
    4 * 2 ** 20,
    (x) => {
      const { values, indices } = x.max(0);
      indices.dispose();
      return values;
    },
    (tf, t) => tf.max(t, 0),
  ),
  workload(
    'x.argmax(0) 1024×1024',
    [1024, 1024],
    4 * 2 ** 20,
    (x) => x.argmax(0),
    (tf, t) => tf.argMax(t, 0),
  ),
  workload(
    'softmax(-1) 128×1024',
    [128, 1024],
    8 * 2 ** 17,
    (x) => x.softmax(-1),
    (tf, t) => tf.softmax(t),
  ),
  workload(
    'softmax(-1) 1024×1024',
    [1024, 1024],
    8 * 2 ** 20,
    (x) => x.softmax(-1),
    (tf, t) => tf.softmax(t),
  ),
  workload('softmax(0) 1024×1024', [1024, 1024], 8 * 2 ** 20, (x) => x.softmax(0)),
  ...['exp', 'log', 'tanh', 'sigmoid'].map((f) =>
    workload(
      `${f} 1024×1024`,
      [1024, 1024],
      8 * 2 ** 20,
      // abs's result is freed as tfjs's tidy frees it; a leaked 4 MB per call grew the heap.
      (x) => (f === 'log' ? lib.tidy(() => x.abs().log()) : x[f]()),
      (tf, t) => (f === 'log' ? tf.log(tf.abs(t)) : tf[f](t)),
    ),
  ),
];

function workloadCases(w, tf, opts) {
  const data = randomData(numel(w.shape));
  const x = lib.tensor(data).view(w.shape);
  const t = tf?.tensor(data, w.shape);
  const src = new Float32Array(w.bytes / 8).fill(1.5);
  const dst = new Float32Array(src.length);
  const tasks = [
    ['tensorlane', () => w.op(x).dispose()],
    ['copy', () => dst.set(src)],
  ];
  if (t && w.tfOp) tasks.push(['tfjs', () => tf.tidy(() => w.tfOp(tf, t)).dispose()]);
  const [tl, copy, tfjs] = medians(tasks, opts);
  x.dispose();
  t?.dispose();
  const gbps = (ms) => w.bytes / ms / 1e6;
  const vsTf = tfjs === undefined ? '' : `, tfjs ÷ tensorlane ${(tfjs / tl).toFixed(2)}`;
  const rows = [
    {
      name: w.name,
      contender: 'tensorlane wasm (1 thread)',
      medianMs: tl,
      gbps: gbps(tl),
      note: `${(copy / tl).toFixed(2)}× copy bandwidth${vsTf}`,
    },
    {
      name: w.name,
      contender: 'Float32Array.set of the same bytes',
      medianMs: copy,
      gbps: gbps(copy),
    },
  ];
  if (tfjs !== undefined)
    rows.push({
      name: w.name,
      contender: 'tfjs-backend-wasm 4.22',
      medianMs: tfjs,
      gbps: gbps(tfjs),
    });
  return rows;
}

/**
 * Runs each small task a few thousand times first: on the loaded 2-core host the engines'
 * optimizing compiles (V8's TurboFan tier of the wasm and the JS) run in the background
 * and can land only after tinybench's short warm-up, which then times baseline code.
 */
function warmUp(tasks) {
  for (const [, fn] of tasks) for (let i = 0; i < 3000; i++) fn();
}

/**
 * The lesson's broadcast row `(784,1) * (784,10)` and the same broadcast as a comparison
 * and as a `where` over a column mask (the first operand is then a bool mask, `> 0` of
 * random normals), and fixed costs: a 10-element add, a 5×784×10 matmul and the same
 * product as `einsum('ik,kj->ij')` (whose row also gives its time ÷ the matmul's, measured in
 * the same batch). A tfjs op is a method name of `tf` or `(tf, a, b) => tensor`.
 */
function smallCases(tf, opts, only) {
  const rows = [];
  const small = [
    ['(784,1) * (784,10)', [784, 1], [784, 10], [784, 10], (a, b) => a.mul(b), 'mul'],
    ['(784,1) < (784,10)', [784, 1], [784, 10], [784, 10], (a, b) => a.lt(b), 'less'],
    [
      'where((784,1) mask, (784,10), 0)',
      [784, 1],
      [784, 10],
      [784, 10],
      (mask, b) => lib.where(mask, b, 0),
      (tf, mask, b) => tf.tidy(() => tf.where(mask, b, tf.scalar(0))),
      'mask',
    ],
    ['add of 10 elements (fixed cost)', [10], [10], [10], (a, b) => a.add(b), 'add'],
    ['matmul 5×784×10 (fixed cost)', [5, 784], [784, 10], [5, 10], (a, b) => a.matmul(b), 'matMul'],
    // tfjs-backend-wasm registers no Einsum kernel: this row is against the matmul only.
    [
      "einsum('ik,kj->ij') 5×784×10",
      [5, 784],
      [784, 10],
      [5, 10],
      (a, b) => lib.einsum('ik,kj->ij', a, b),
      null,
    ],
  ];
  for (const [name, sa, sb, so, op, tfOp, mask] of small.filter(([name]) => only.test(name))) {
    const [a, b] = [mask ? lib.tidy(() => lib.randn(sa).gt(0)) : lib.randn(sa), lib.randn(sb)];
    const [ta, tb] = tf
      ? [
          mask ? tf.tidy(() => tf.greater(tf.randomNormal(sa), 0)) : tf.randomNormal(sa),
          tf.randomNormal(sb),
        ]
      : [];
    const tfRun = typeof tfOp === 'function' ? () => tfOp(tf, ta, tb) : () => tf[tfOp](ta, tb);
    const tasks = [['tensorlane', () => op(a, b).dispose()]];
    if (name.startsWith('einsum')) tasks.push(['matmul', () => a.matmul(b).dispose()]);
    if (tf && tfOp) tasks.push(['tfjs', () => tfRun().dispose()]);
    warmUp(tasks);
    const times = medians(tasks, opts);
    const tl = times[0];
    const tfjs = tf && tfOp ? times[times.length - 1] : undefined;
    const bytes = (mask ? 1 : 4) * numel(sa) + 4 * (numel(sb) + numel(so));
    const notes = [];
    if (name.startsWith('einsum'))
      notes.push(`${(tl / times[1]).toFixed(2)}× matmul's time (run alongside)`);
    if (tfjs !== undefined) notes.push(`tfjs ÷ tensorlane ${(tfjs / tl).toFixed(2)}`);
    rows.push({
      name,
      contender: 'tensorlane wasm (1 thread)',
      medianMs: tl,
      gbps: bytes / tl / 1e6,
      note: notes.join(', ') || undefined,
    });
    if (tfjs !== undefined)
      rows.push({
        name,
        contender: 'tfjs-backend-wasm 4.22',
        medianMs: tfjs,
        gbps: bytes / tfjs / 1e6,
      });
    for (const z of [a, b, ta, tb]) z?.dispose();
  }
  return rows;
}

const LESSON_CELL = 'lesson cell: (a[i,:,None]*b).sum(0), 5 rows';
const READBACK = 'data() of a 4 MB tensor';

/**
 * The lesson's broadcasting cell, `c[i] = (a[i,:,None] * b).sum(0)` for the 5 rows of a
 * (5×784) with b 784×10; tfjs builds the same rows and stacks them.
 */
function lessonCellCases(tf, opts) {
  const [a, b, c] = [lib.randn([5, 784]), lib.randn([784, 10]), lib.zeros([5, 10])];
  const [ta, tb] = tf ? [tf.randomNormal([5, 784]), tf.randomNormal([784, 10])] : [];
  const rowsOf = (i) => tf.sum(tf.mul(tf.reshape(tf.slice(ta, [i, 0], [1, 784]), [784, 1]), tb), 0);
  const tasks = [
    [
      'tensorlane',
      () =>
        lib.tidy(() => {
          for (let i = 0; i < 5; i++) c.set(i, a.get(i, ':', null).mul(b).sum(0));
        }),
    ],
  ];
  if (tf)
    tasks.push(['tfjs', () => tf.tidy(() => tf.stack([0, 1, 2, 3, 4].map(rowsOf))).dispose()]);
  warmUp(tasks);
  const [tl, tfjs] = medians(tasks, opts);
  for (const z of [a, b, c, ta, tb]) z?.dispose();
  const name = LESSON_CELL;
  const bytes = 4 * 5 * (784 + 7840 + 10);
  const vsTf = tfjs === undefined ? undefined : `tfjs ÷ tensorlane ${(tfjs / tl).toFixed(2)}`;
  return [
    ['tensorlane wasm (1 thread)', tl, vsTf],
    ['tfjs-backend-wasm 4.22', tfjs],
  ]
    .filter(([, ms]) => ms !== undefined)
    .map(([contender, ms, note]) => ({
      name,
      contender,
      medianMs: ms,
      gbps: bytes / ms / 1e6,
      note,
    }));
}

/**
 * Median ms of each `[name, fn]` task over `calls` rounds in which every task runs once, in
 * turn. For the readback row: each call allocates 4 MB, and in tinybench's blocks (one task
 * for ~50 ms, then the next) the collections that this garbage triggers land on whichever
 * task is running, so on the shared host one call took 4–13 ms in a block against 0.4–0.9
 * ms alternated, and three identical copies (`data()`, `slice`, `dataSync`) came out 0.7–1.4×
 * of one another between runs. Alternating single calls gives every task the same heap.
 */
function alternatingMedians(tasks, { quick }) {
  const calls = quick ? 60 : 400;
  for (const [, fn] of tasks) for (let i = 0; i < 30; i++) fn();
  const times = tasks.map(() => []);
  for (let r = 0; r < calls; r++)
    tasks.forEach(([, fn], k) => {
      const t0 = performance.now();
      fn();
      times[k].push(performance.now() - t0);
    });
  return times.map((ts) => ts.sort((a, b) => a - b)[ts.length >> 1]);
}

/** `data()` of a 4 MB tensor against `Float32Array.prototype.slice` and tfjs `dataSync`. */
function readbackCases(tf, opts) {
  const n = 2 ** 20;
  const data = randomData(n);
  const x = lib.tensor(data);
  const t = tf?.tensor(data);
  const tasks = [
    ['tensorlane data()', () => x.data()],
    ['slice', () => data.slice()],
  ];
  if (t) tasks.push(['tfjs dataSync', () => t.dataSync()]);
  const [tl, slice, tfjs] = alternatingMedians(tasks, opts);
  x.dispose();
  t?.dispose();
  const name = READBACK;
  const rows = [
    {
      name,
      contender: 'tensorlane wasm data()',
      medianMs: tl,
      gbps: (8 * n) / tl / 1e6,
      note: `${(tl / slice).toFixed(2)}× slice's time (alternating calls)`,
    },
    {
      name,
      contender: 'Float32Array.prototype.slice',
      medianMs: slice,
      gbps: (8 * n) / slice / 1e6,
    },
  ];
  if (tfjs !== undefined)
    rows.push({
      name,
      contender: 'tfjs-backend-wasm dataSync',
      medianMs: tfjs,
      gbps: (8 * n) / tfjs / 1e6,
    });
  return rows;
}

export async function run({
  quick = false,
  budgetMs = 90_000,
  log = console.log,
  only = /./,
} = {}) {
  const info = await lib.init({ threads: 1 });
  lib.manualSeed(0);
  const tf = await loadTfjs(log);
  const opts = { quick, budgetMs: budgetMs / (WORKLOADS.length + 4) };
  const cases = [
    ...WORKLOADS.filter((w) => only.test(w.name)).flatMap((w) => workloadCases(w, tf, opts)),
    ...smallCases(tf, opts, only),
    ...(only.test(LESSON_CELL) ? lessonCellCases(tf, opts) : []),
    ...(only.test(READBACK) ? readbackCases(tf, opts) : []),
  ];
  for (const c of cases)
    log(
      `${c.name.padEnd(42)} ${c.contender.padEnd(36)} ${c.medianMs.toFixed(4).padStart(9)} ms ` +
        `${c.gbps.toFixed(2).padStart(6)} GB/s ${c.note ?? ''}`,
    );
  return { cases, meta: { build: info.build } };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
  await run({ quick: process.argv.includes('--quick'), only: new RegExp(only ?? '.') });
}
