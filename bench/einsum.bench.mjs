// einsum against the dedicated paths it lowers onto, measured in one process:
//   1. 'bik,bkj->bij' vs bmm on the same operands          (target: einsum ≥ 1/1.1 of bmm)
//   2. 'bij,k->bijk' vs a plain copy of the output's size     (target: ≥ 0.6× copy GB/s)
//   3. 'ij,jk,kl,l->i' with a long i: optimal order vs left to right (target: ≥ 10×)
//   4. 'ij,j->i' vs mv and 'i,j->ij' vs outer (einsum must not be slower than them)
// Each row is the median of repeated calls after warm-up. Only einsum rows are
// tensorlane's subject; bmm, copy and left-to-right rows are the references.
// TENSORLANE_ENTRY may point at another build of the package (default: dist/index.js).
const entry =
  process.env.TENSORLANE_ENTRY ??
  new URL('../packages/tensorlane/dist/index.js', import.meta.url).href;
const lib = await import(entry);

/**
 * Median milliseconds of each function, measured in alternation (one call of each per
 * round, after warm-up) so that load from other processes hits every contender alike.
 * Each call's result is disposed so memory stays flat.
 */
function interleavedMedians(fns, { minRounds = 9, budgetMs = 1500 } = {}) {
  const once = (fn) => {
    const t0 = performance.now();
    fn().dispose();
    return performance.now() - t0;
  };
  // Warm-up long enough for the JIT to reach its top tier on the JS side of each call.
  const warm = performance.now();
  for (let i = 0; i < 30 || performance.now() - warm < 200; i++) for (const fn of fns) once(fn);
  const times = fns.map(() => []);
  const start = performance.now();
  for (let r = 0; r < minRounds || (performance.now() - start < budgetMs && r < 200); r++) {
    // Rotating who goes first keeps "runs right after the other" effects off one contender.
    for (let j = 0; j < fns.length; j++) {
      const i = (j + r) % fns.length;
      times[i].push(once(fns[i]));
    }
  }
  return times.map((ts) => ts.sort((a, b) => a - b)[ts.length >> 1]);
}

function bmmCases(build, quick) {
  const sizes = quick
    ? [[8, 64, 64, 64]]
    : [
        [8, 64, 64, 64],
        [16, 128, 128, 128],
        [4, 256, 256, 256],
      ];
  const cases = [];
  for (const [b, m, k, n] of sizes) {
    const a = lib.randn([b, m, k]);
    const c = lib.randn([b, k, n]);
    const name = `bik,bkj->bij ${b}×${m}×${k}×${n}`;
    const flop = 2 * b * m * n * k;
    const [tE, tB] = interleavedMedians([
      () => lib.einsum('bik,bkj->bij', a, c),
      () => lib.bmm(a, c),
    ]);
    cases.push(
      {
        name,
        contender: `tensorlane wasm ${build} einsum`,
        medianMs: tE,
        gflops: flop / tE / 1e6,
        note: `bmm/einsum time ${(tB / tE).toFixed(3)}`,
      },
      {
        name,
        contender: `tensorlane wasm ${build} bmm`,
        subject: false,
        medianMs: tB,
        gflops: flop / tB / 1e6,
      },
    );
    a.dispose();
    c.dispose();
  }
  return cases;
}

function outerCases(build, quick) {
  const [b, i, j, k] = quick ? [8, 32, 32, 32] : [16, 64, 64, 64];
  const x = lib.randn([b, i, j]);
  const y = lib.randn([k]);
  const big = lib.randn([b, i, j, k]);
  const n = b * i * j * k;
  const name = `bij,k->bijk ${b}×${i}×${j}×${k}`;
  // Bytes each must move at least: einsum writes the output and reads its small inputs;
  // the copy reads and writes the output's size.
  const einsumBytes = 4 * (n + b * i * j + k);
  const copyBytes = 8 * n;
  const [tE, tC] = interleavedMedians([() => lib.einsum('bij,k->bijk', x, y), () => big.clone()]);
  const cases = [
    {
      name,
      contender: `tensorlane wasm ${build} einsum`,
      medianMs: tE,
      gbps: einsumBytes / tE / 1e6,
      note: `copy/einsum time ${(tC / tE).toFixed(3)}`,
    },
    {
      name,
      contender: `tensorlane wasm ${build} copy (clone) of the output size`,
      subject: false,
      medianMs: tC,
      gbps: copyBytes / tC / 1e6,
    },
  ];
  for (const t of [x, y, big]) t.dispose();
  return cases;
}

function chainCases(build, quick) {
  // The optimal order is memory-bound (it streams ij once), left to right is GEMM-bound, so
  // the gap grows with k: about k · (GB/s) / (GFLOP/s).
  const [I, J] = quick ? [4096, 256] : [16384, 256];
  const eq = 'ij,jk,kl,l->i';
  const ops = [lib.randn([I, J]), lib.randn([J, J]), lib.randn([J, J]), lib.randn([J])];
  const path = lib.einsumPath(eq, ...ops);
  const flop = path.optimizedFlops;
  const name = `${eq} i=${I} j=k=l=${J}`;
  const [tOpt, tLtr] = interleavedMedians(
    [() => lib.einsum(eq, ...ops), () => lib.einsum(eq, ...ops, { optimize: 'none' })],
    { minRounds: 5, budgetMs: 800 },
  );
  for (const t of ops) t.dispose();
  return [
    {
      name,
      contender: `tensorlane wasm ${build} einsum (optimal order)`,
      medianMs: tOpt,
      gflops: flop / tOpt / 1e6,
      note: `left-to-right/optimal time ${(tLtr / tOpt).toFixed(1)}, path ${JSON.stringify(path.path)}`,
    },
    // Same useful FLOPs, so the rate ratio is the time ratio.
    {
      name,
      contender: `tensorlane wasm ${build} einsum (left to right)`,
      subject: false,
      medianMs: tLtr,
      gflops: flop / tLtr / 1e6,
    },
  ];
}

function dedicatedCases(build, quick) {
  const n = quick ? 512 : 2048;
  const m = lib.randn([n, n]);
  const v = lib.randn([n]);
  const w = lib.randn([n]);
  const [tE, tM, tO, tOuter] = interleavedMedians([
    () => lib.einsum('ij,j->i', m, v),
    () => lib.mv(m, v),
    () => lib.einsum('i,j->ij', v, w),
    () => lib.outer(v, w),
  ]);
  for (const t of [m, v, w]) t.dispose();
  const mvName = `ij,j->i ${n}×${n}`;
  const outerName = `i,j->ij ${n}×${n}`;
  const mvFlop = 2 * n * n;
  const outerBytes = 4 * (n * n + 2 * n);
  return [
    {
      name: mvName,
      contender: `tensorlane wasm ${build} einsum`,
      medianMs: tE,
      gflops: mvFlop / tE / 1e6,
      note: `mv/einsum time ${(tM / tE).toFixed(3)}`,
    },
    {
      name: mvName,
      contender: `tensorlane wasm ${build} mv`,
      subject: false,
      medianMs: tM,
      gflops: mvFlop / tM / 1e6,
    },
    {
      name: outerName,
      contender: `tensorlane wasm ${build} einsum`,
      medianMs: tO,
      gbps: outerBytes / tO / 1e6,
      note: `outer/einsum time ${(tOuter / tO).toFixed(3)}`,
    },
    {
      name: outerName,
      contender: `tensorlane wasm ${build} outer`,
      subject: false,
      medianMs: tOuter,
      gbps: outerBytes / tOuter / 1e6,
    },
  ];
}

/** The bench runner's entry point (see bench/run.mjs for the contract). */
export async function run({ quick = false, log = console.log } = {}) {
  const info = await lib.init({ threads: 1 }); // single-thread figures; threads.bench.mjs covers threads
  lib.manualSeed(0);
  const build = info.build ?? 'unknown';
  log(`einsum bench on the ${build} build`);
  const cases = [
    ...bmmCases(build, quick),
    ...outerCases(build, quick),
    ...chainCases(build, quick),
    ...dedicatedCases(build, quick),
  ];
  for (const c of cases)
    log(
      `${c.name.padEnd(34)} ${c.contender.padEnd(48)} ${c.medianMs.toFixed(3)} ms ${c.note ?? ''}`,
    );
  return { cases, meta: { build } };
}

if (import.meta.url === `file://${process.argv[1]}`)
  await run({ quick: process.argv.includes('--quick') });
