// Outer-axis reductions and short-run broadcasts (issue 15 items 2 and 3) against another
// build of the package in one process: this checkout's dist/ ("after") and, when
// TENSORLANE_BEFORE names another build's dist/index.js (e.g. a copy of main's dist/ with
// main's wasm/ next to it), that build ("before"), interleaved with a Float32Array copy of
// the bytes each op must move. One thread; op + dispose, no readback. The machine is shared:
// only the ratios within one run mean much.
//   TENSORLANE_BEFORE=/tmp/before/dist/index.js node bench/reduce-broadcast-ab.mjs [--quick]
//   [--only=<regexp over case names>] [--budget=<seconds, default 90>]
import { pathToFileURL } from 'node:url';
import { medians } from './runner/medians.mjs';
import { randomData } from './runner/random-data.mjs';

const entry =
  process.env.TENSORLANE_ENTRY ??
  new URL('../packages/tensorlane/dist/index.js', import.meta.url).href;
const lib = await import(entry);
const before = process.env.TENSORLANE_BEFORE
  ? await import(pathToFileURL(process.env.TENSORLANE_BEFORE).href)
  : undefined;

const numel = (shape) => shape.reduce((a, b) => a * b, 1);

/** The lesson's broadcasting cell: `c[i] = (a[i,:,None] * b).sum(0)` for the 5 rows of a. */
function lessonCell(l, [a, b, c]) {
  l.tidy(() => {
    for (let i = 0; i < 5; i++) c.set(i, a.get(i, ':', null).mul(b).sum(0));
  });
  return { dispose() {} };
}

/**
 * [name, input shapes, op (module, inputs) → what to dispose, bytes the op must move at
 * least]. Inputs are random float32 tensors of the given shapes.
 */
const CASES = [
  ['x.sum(1) 1024×1024', [[1024, 1024]], (_l, [x]) => x.sum(1), 4 * 2 ** 20],
  ['x.sum(0) 1024×1024', [[1024, 1024]], (_l, [x]) => x.sum(0), 4 * 2 ** 20],
  ['x.mean(0) 1024×1024', [[1024, 1024]], (_l, [x]) => x.mean(0), 4 * 2 ** 20],
  ['x.amax(0) 1024×1024', [[1024, 1024]], (_l, [x]) => x.amax(0), 4 * 2 ** 20],
  [
    'x.max(0) 1024×1024 (values + indices)',
    [[1024, 1024]],
    (_l, [x]) => {
      const { values, indices } = x.max(0);
      indices.dispose();
      return values;
    },
    4 * 2 ** 20,
  ],
  ['x.argmax(0) 1024×1024', [[1024, 1024]], (_l, [x]) => x.argmax(0), 4 * 2 ** 20],
  ['x.argmin(0) 1024×1024', [[1024, 1024]], (_l, [x]) => x.argmin(0), 4 * 2 ** 20],
  ['x.sum(0) 64×64×256 over (0, 1)', [[64, 64, 256]], (_l, [x]) => x.sum([0, 1]), 4 * 2 ** 20],
  ['x.T.sum(1) 1024×1024', [[1024, 1024]], (_l, [x]) => x.T.sum(1), 4 * 2 ** 20],
  ['x.sum(0) 10000×10', [[10000, 10]], (_l, [x]) => x.sum(0), 4 * 100000],
  [
    '(784,1) * (784,10)',
    [
      [784, 1],
      [784, 10],
    ],
    (_l, [a, b]) => a.mul(b),
    4 * (784 + 15680),
  ],
  [
    '(784,1) > (784,10)',
    [
      [784, 1],
      [784, 10],
    ],
    (_l, [a, b]) => a.gt(b),
    4 * 784 + 5 * 7840,
  ],
  [
    '(1,10) + (784,10)',
    [
      [1, 10],
      [784, 10],
    ],
    (_l, [a, b]) => a.add(b),
    4 * (10 + 15680),
  ],
  [
    'where((784,1) > 0, (784,10), 0)',
    [
      [784, 1],
      [784, 10],
    ],
    (l, [a, b]) => l.tidy(() => l.where(a.gt(0), b, 0)),
    4 * (784 + 15680),
  ],
  [
    'where(x > 0, (784,10), y) with x, y (784,10)',
    [
      [784, 10],
      [784, 10],
      [784, 10],
    ],
    (l, [x, a, b]) => l.tidy(() => l.where(x.gt(0), a, b)),
    4 * 4 * 7840,
  ],
  [
    '(784,10) < (784,10)',
    [
      [784, 10],
      [784, 10],
    ],
    (_l, [a, b]) => a.lt(b),
    9 * 7840,
  ],
  [
    'x < y 1024×1024',
    [
      [1024, 1024],
      [1024, 1024],
    ],
    (_l, [a, b]) => a.lt(b),
    9 * 2 ** 20,
  ],
  [
    'lesson cell: c[i] = (a[i,:,None]*b).sum(0), 5 rows',
    [
      [5, 784],
      [784, 10],
      [5, 10],
    ],
    lessonCell,
    4 * 5 * (784 + 7840 + 10),
  ],
];

export async function run({
  quick = false,
  budgetMs = 90_000,
  only = /./,
  log = console.log,
} = {}) {
  const info = await lib.init({ threads: 1 });
  if (before) await before.init({ threads: 1 });
  lib.manualSeed(0);
  const cases = CASES.filter(([name]) => only.test(name));
  const opts = { quick, budgetMs: budgetMs / cases.length };
  const rows = [];
  for (const [name, shapes, op, bytes] of cases) {
    const data = shapes.map((s) => randomData(numel(s)));
    const xs = data.map((d, i) => lib.tensor(d).view(shapes[i]));
    const xb = before && data.map((d, i) => before.tensor(d).view(shapes[i]));
    const src = new Float32Array(Math.max(1, bytes / 8)).fill(1.5);
    const dst = new Float32Array(src.length);
    const tasks = [
      ['after', () => op(lib, xs).dispose()],
      ['copy', () => dst.set(src)],
    ];
    if (before) tasks.push(['before', () => op(before, xb).dispose()]);
    const [after, copy, prev] = medians(tasks, opts);
    for (const t of [...xs, ...(xb ?? [])]) t.dispose();
    rows.push({ name, after, before: prev, copy, gbps: bytes / after / 1e6 });
    log(
      `${name.padEnd(52)} ${after.toFixed(4).padStart(8)} ms ${(bytes / after / 1e6).toFixed(2).padStart(6)} GB/s` +
        `  ${(copy / after).toFixed(2)}× copy bw` +
        (prev === undefined
          ? ''
          : `  before ${prev.toFixed(4).padStart(8)} ms  after ÷ before time ${(after / prev).toFixed(2)} (×${(prev / after).toFixed(2)} faster)`),
    );
  }
  return { cases: rows, meta: { build: info.build } };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (k) => process.argv.find((a) => a.startsWith(`--${k}=`))?.slice(k.length + 3);
  await run({
    quick: process.argv.includes('--quick'),
    only: new RegExp(arg('only') ?? '.'),
    budgetMs: 1000 * Number(arg('budget') ?? 90),
  });
}
