// Issue 15's copy and fixed-cost rows on two builds of the whole package in one process:
// the current dist/ and wasm/ ("after") and a previous build kept as an artifact ("before":
// a copy of an older packages/tensorlane/{dist,wasm}), interleaved by the medians runner,
// with a Float32Array copy of the bytes each copy row moves measured alongside; three
// medians runs per row, the median run shown with every run's before ÷ after.
//   TL_ENTRY_BEFORE=/path/to/old/dist/index.js node bench/engine-ab.mjs [--quick]
import { medians } from './runner/medians.mjs';
import { randomData } from './runner/random-data.mjs';

const afterEntry = new URL('../packages/tensorlane/dist/index.js', import.meta.url).href;
const beforeEntry = process.env.TL_ENTRY_BEFORE;
if (!beforeEntry) throw new Error('set TL_ENTRY_BEFORE to a previous build’s dist/index.js');
const before = await import(beforeEntry);
const after = await import(afterEntry);
const quick = process.argv.includes('--quick');
const opts = { quick, budgetMs: 20_000 };
const REPEATS = quick ? 1 : 3;

const info = await Promise.all([before, after].map((lib) => lib.init({ threads: 1 })));
console.log(`builds: before ${info[0].build}, after ${info[1].build}; one thread`);

/**
 * [name, shapes, op, bytes a copy of the same traffic moves (0: no copy row), an op timed
 * alongside in the same rounds (the einsum row's matmul)]
 */
const CASES = [
  ['x.T.contiguous() 1024×1024', [[1024, 1024]], (_lib, x) => x.T.contiguous(), 8 * 2 ** 20],
  [
    'x.permute(1,0,2).contiguous() 64×512×64',
    [[64, 512, 64]],
    (_lib, x) => x.permute(1, 0, 2).contiguous(),
    8 * 2 ** 21,
  ],
  ['add of 10 elements + dispose', [[10], [10]], (_lib, a, b) => a.add(b), 0],
  [
    "einsum('ik,kj->ij') 5×784×10",
    [
      [5, 784],
      [784, 10],
    ],
    (lib, a, b) => lib.einsum('ik,kj->ij', a, b),
    0,
    (_lib, a, b) => a.matmul(b),
  ],
];

const numel = (s) => s.reduce((a, b) => a * b, 1);
for (const [name, shapes, op, bytes, alongside] of CASES) {
  const inputs = [before, after].map((lib) =>
    shapes.map((s) => lib.tensor(randomData(numel(s))).view(s)),
  );
  const tasks = [
    ['before', () => op(before, ...inputs[0]).dispose()],
    ['after', () => op(after, ...inputs[1]).dispose()],
  ];
  if (alongside)
    tasks.push(
      ['before matmul', () => alongside(before, ...inputs[0]).dispose()],
      ['after matmul', () => alongside(after, ...inputs[1]).dispose()],
    );
  if (bytes) {
    const src = new Float32Array(bytes / 8).fill(1.5);
    const dst = new Float32Array(src.length);
    tasks.push(['copy', () => dst.set(src)]);
  }
  // Several medians runs per case: load on the shared machine comes and goes over seconds,
  // so each run's before ÷ after is kept and the median run (by that ratio) is shown.
  const runs = Array.from({ length: REPEATS }, () => medians(tasks, opts));
  runs.sort((x, y) => x[0] / x[1] - y[0] / y[1]);
  const times = runs[runs.length >> 1];
  const [tb, ta] = times;
  const copy = bytes ? times[times.length - 1] : undefined;
  const spread = `runs ${runs.map((r) => (r[0] / r[1]).toFixed(2)).join(', ')}`;
  const share = (t) => (copy === undefined ? '' : ` (${(copy / t).toFixed(2)} of copy bandwidth)`);
  const ms = (t) => (t < 0.1 ? `${(t * 1000).toFixed(2)} µs` : `${t.toFixed(3)} ms`);
  console.log(
    `${name.padEnd(42)} before ${ms(tb)}${share(tb)}  after ${ms(ta)}${share(ta)}  before ÷ after ${(tb / ta).toFixed(2)} (${spread})`,
  );
  if (alongside)
    console.log(
      `${'  matmul, same rounds'.padEnd(42)} before ${ms(times[2])}  after ${ms(times[3])}; ` +
        `einsum ÷ matmul: before ${(tb / times[2]).toFixed(2)}, after ${(ta / times[3]).toFixed(2)}`,
    );
  for (const ts of inputs) for (const t of ts) t.dispose();
}
