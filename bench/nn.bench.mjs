// The fused row ops against tfjs-backend-wasm 4.22 (XNNPACK, one thread) in one process:
//   1. layerNorm of 512 rows × 768 with weight and bias, against tfjs's composed form
//      (tf.moments, then sub/rsqrt/mul/add), as a tfjs user writes it   (target: ≥ 2× tfjs)
//   2. crossEntropy of 512 × 50257 logits (GPT-2's vocabulary) with int32 targets, mean
//      reduction, against tf.losses.softmaxCrossEntropy with one-hot labels (made once,
//      outside the timing; tfjs has no class-index form)
// Each contender allocates its result and frees it (tfjs inside tf.tidy); medians over
// interleaved rounds. TENSORLANE_ENTRY may point at another build (default: dist/index.js).
import { loadTfjs } from './peers/tfjs.mjs';
import { medians } from './runner/medians.mjs';

const entry =
  process.env.TENSORLANE_ENTRY ??
  new URL('../packages/tensorlane/dist/index.js', import.meta.url).href;
const lib = await import(entry);

/** Same pseudo-random floats for both libraries. */
function values(n, seed, scale) {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = ((s >>> 0) / 2 ** 32 - 0.5) * scale;
  }
  return out;
}

function layerNormCases(build, tf, opts) {
  const [rows, n] = [512, 768];
  const name = `layerNorm ${rows}×${n} (weight, bias)`;
  const [xv, wv, bv] = [values(rows * n, 1, 4), values(n, 2, 2), values(n, 3, 1)];
  const x = lib.tensor(xv, { shape: [rows, n] });
  const [w, b] = [lib.tensor(wv), lib.tensor(bv)];
  const tasks = [['tensorlane', () => lib.layerNorm(x, [n], w, b).dispose()]];
  let tx;
  let tw;
  let tb;
  if (tf) {
    [tx, tw, tb] = [tf.tensor2d(xv, [rows, n]), tf.tensor1d(wv), tf.tensor1d(bv)];
    tasks.push([
      'tfjs',
      () =>
        tf
          .tidy(() => {
            const { mean, variance } = tf.moments(tx, -1, true);
            const normed = tf.mul(tf.sub(tx, mean), tf.rsqrt(tf.add(variance, 1e-5)));
            return tf.add(tf.mul(normed, tw), tb);
          })
          .dispose(),
    ]);
  }
  const [tTl, tTf] = medians(tasks, opts);
  for (const t of [x, w, b, tx, tw, tb]) t?.dispose();
  const gbps = (ms) => (8 * rows * n) / ms / 1e6; // reads x once, writes out once
  return [
    {
      name,
      contender: `tensorlane wasm ${build} layerNorm (fused)`,
      medianMs: tTl,
      gbps: gbps(tTl),
      note: tTf ? `${(tTf / tTl).toFixed(1)}× tfjs` : undefined,
    },
    ...(tTf
      ? [
          {
            name,
            contender: 'tfjs-backend-wasm moments-based layer norm',
            medianMs: tTf,
            gbps: gbps(tTf),
          },
        ]
      : []),
  ];
}

function crossEntropyCases(build, tf, opts, c) {
  const rows = 512;
  const name = `crossEntropy ${rows}×${c} logits, mean`;
  const xv = values(rows * c, 4, 20);
  const targets = Int32Array.from({ length: rows }, (_, i) => (i * 7919) % c);
  const x = lib.tensor(xv, { shape: [rows, c] });
  const t = lib.tensor(targets);
  const tasks = [['tensorlane', () => lib.crossEntropy(x, t).dispose()]];
  let tx;
  let onehot;
  if (tf) {
    tx = tf.tensor2d(xv, [rows, c]);
    onehot = tf.oneHot(tf.tensor1d(targets, 'int32'), c);
    tasks.push(['tfjs', () => tf.tidy(() => tf.losses.softmaxCrossEntropy(onehot, tx)).dispose()]);
  }
  const [tTl, tTf] = medians(tasks, opts, { rounds: 3, iterations: 2 });
  for (const h of [x, t, tx, onehot]) h?.dispose();
  const gbps = (ms) => (4 * rows * c) / ms / 1e6; // reads the logits once
  return [
    {
      name,
      contender: `tensorlane wasm ${build} crossEntropy (fused)`,
      medianMs: tTl,
      gbps: gbps(tTl),
      note: tTf ? `${(tTf / tTl).toFixed(1)}× tfjs` : undefined,
    },
    ...(tTf
      ? [
          {
            name,
            contender: 'tfjs-backend-wasm losses.softmaxCrossEntropy (one-hot)',
            medianMs: tTf,
            gbps: gbps(tTf),
          },
        ]
      : []),
  ];
}

export async function run({ quick = false, budgetMs = 60_000, log = console.log } = {}) {
  const info = await lib.init({ threads: 1 }); // single-thread figures, as tfjs here
  const build = info.build ?? 'unknown';
  const tf = await loadTfjs(log);
  log(`nn bench on the ${build} build`);
  const opts = { quick, budgetMs };
  const cases = [
    ...layerNormCases(build, tf, opts),
    ...crossEntropyCases(build, tf, opts, quick ? 8192 : 50257),
  ];
  for (const c of cases)
    log(
      `${c.name.padEnd(36)} ${c.contender.padEnd(56)} ${c.medianMs.toFixed(3).padStart(8)} ms ` +
        `${c.gbps.toFixed(2).padStart(6)} GB/s ${c.note ?? ''}`,
    );
  return { cases, meta: { build } };
}

if (import.meta.url === `file://${process.argv[1]}`)
  await run({ quick: process.argv.includes('--quick') });
