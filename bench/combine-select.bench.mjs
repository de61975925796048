// Combine and select ops (issue 16): tensorlane's public API on the wasm backend beside
// tfjs-backend-wasm (one thread) and tensorlane's js backend, all in this process.
//   1. embedding: 512 token ids into a 50257×768 float32 table (GPT-2's wte)
//      tensorlane `embedding(ids, wte)`          vs `tf.gather(wte, ids)`
//   2. cat: 12 [512, 64] float32 heads → [512, 768] along dim 1 (attention's head merge)
//      tensorlane `cat(heads, 1)`                vs `tf.concat(heads, 1)`
//   3. causal mask: scores [12, 512, 512] filled with -inf above the diagonal
//      tensorlane `scores.maskedFill(mask, -Infinity)` vs `tf.where(mask, -inf, scores)` with
//      the mask and -inf already broadcast to the scores' shape (tfjs's fast path)
// Each call allocates its output, which is disposed, never read back (both libraries keep
// results in wasm memory). GB/s count the bytes each op must move once: what it reads
// (the selected rows, every input, scores + mask) and what it writes.
// TENSORLANE_ENTRY may point at another build of the package (default: dist/index.js).
import { loadTfjs } from './peers/tfjs.mjs';
import { medians } from './runner/medians.mjs';

const entry =
  process.env.TENSORLANE_ENTRY ??
  new URL('../packages/tensorlane/dist/index.js', import.meta.url).href;
const lib = await import(entry);

/** `make()` with the js backend current (tensors made there live there). */
function onJs(make) {
  lib.setBackend('js');
  try {
    return make();
  } finally {
    lib.setBackend('wasm');
  }
}

/** Rows of one workload: `fns` maps contender → function, timed together. */
function measure(name, bytes, fns, opts) {
  const entries = Object.entries(fns).filter(([, fn]) => fn);
  const times = medians(entries, opts);
  return entries.map(([contender], i) => ({
    name,
    contender,
    medianMs: times[i],
    gbps: bytes / times[i] / 1e6,
  }));
}

export async function run({ quick = false, budgetMs = 60_000, log = console.log } = {}) {
  const info = await lib.init({ threads: 1 });
  const tf = await loadTfjs(log);
  const build = info.build ?? 'unknown';
  const subject = `tensorlane wasm ${build}`;
  log(`combine/select bench on the ${build} build${tf ? ', tfjs-backend-wasm 1 thread' : ''}`);
  const opts = { quick, budgetMs };
  const cases = [];
  lib.manualSeed(0);

  // 1. embedding: 512 ids into GPT-2's token table.
  {
    const [vocab, dim, n] = [50257, 768, 512];
    // A cheap deterministic fill: randn of 38.6M values would take seconds.
    const table = new Float32Array(vocab * dim);
    for (let i = 0, x = 1; i < table.length; i++) {
      x = (Math.imul(x, 1103515245) + 12345) | 0;
      table[i] = (x >> 8) / 2 ** 23;
    }
    const wte = lib.tensor(table, { shape: [vocab, dim] });
    const idData = Int32Array.from({ length: n }, (_, i) => (i * 7919 + 13) % vocab);
    const ids = lib.tensor(idData, { shape: [n] });
    const jsWte = onJs(() => lib.tensor(table, { shape: [vocab, dim] }));
    const jsIds = onJs(() => lib.tensor(idData, { shape: [n] }));
    const tWte = tf?.tensor2d(table, [vocab, dim]);
    const tIds = tf?.tensor1d(idData, 'int32');
    cases.push(
      ...measure(
        `embedding ${n} ids from ${vocab}×${dim}`,
        2 * n * dim * 4,
        {
          [`${subject} embedding`]: () => lib.embedding(ids, wte).dispose(),
          'tfjs-backend-wasm tf.gather': tf && (() => tf.gather(tWte, tIds).dispose()),
          'tensorlane js backend embedding': () => lib.embedding(jsIds, jsWte).dispose(),
        },
        opts,
      ),
    );
    for (const t of [wte, ids, jsWte, jsIds, tWte, tIds]) t?.dispose();
  }

  // 2. cat: 12 heads of [512, 64] into [512, 768].
  {
    const [heads, rows, hd] = [12, 512, 64];
    const parts = Array.from({ length: heads }, () => lib.randn(rows, hd));
    const data = parts.map((p) => p.data());
    const jsParts = onJs(() => data.map((d) => lib.tensor(d, { shape: [rows, hd] })));
    const tParts = tf && data.map((d) => tf.tensor2d(d, [rows, hd]));
    cases.push(
      ...measure(
        `cat ${heads}×[${rows}, ${hd}] → [${rows}, ${heads * hd}]`,
        2 * heads * rows * hd * 4,
        {
          [`${subject} cat`]: () => lib.cat(parts, 1).dispose(),
          'tfjs-backend-wasm tf.concat': tf && (() => tf.concat(tParts, 1).dispose()),
          'tensorlane js backend cat': () => lib.cat(jsParts, 1).dispose(),
        },
        opts,
      ),
    );
    for (const t of [...parts, ...jsParts, ...(tParts ?? [])]) t.dispose();
  }

  // 3. the causal mask of attention scores.
  {
    const [h, l] = [12, 512];
    const scores = lib.randn(h, l, l);
    const mask = lib.ones(l, l).triu(1).bool();
    const jsScores = onJs(() => lib.tensor(scores.data(), { shape: [h, l, l] }));
    const jsMask = onJs(() => lib.ones(l, l).triu(1).bool());
    const tScores = tf?.tensor3d(scores.data(), [h, l, l]);
    const tMask = tf?.tensor2d(mask.data(), [l, l], 'bool');
    // tf.where given the [l, l] mask and a scalar broadcasts through a slow path (about
    // 0.4 s a call here), so tfjs gets both already broadcast to the scores' shape.
    const tMaskFull = tf?.tidy(() => tf.broadcastTo(tMask, [h, l, l]));
    const tNegInfFull = tf?.fill([h, l, l], Number.NEGATIVE_INFINITY);
    cases.push(
      ...measure(
        `maskedFill causal [${h}, ${l}, ${l}]`,
        h * l * l * (4 + 1 + 4),
        {
          [`${subject} maskedFill`]: () => scores.maskedFill(mask, -Infinity).dispose(),
          'tfjs-backend-wasm tf.where (same-shape inputs)':
            tf && (() => tf.where(tMaskFull, tNegInfFull, tScores).dispose()),
          'tensorlane js backend maskedFill': () =>
            jsScores.maskedFill(jsMask, -Infinity).dispose(),
        },
        opts,
      ),
    );
    for (const t of [scores, mask, jsScores, jsMask, tScores, tMask, tMaskFull, tNegInfFull])
      t?.dispose();
  }

  for (const c of cases)
    log(
      `${c.name.padEnd(40)} ${c.contender.padEnd(38)} ${c.medianMs.toFixed(3).padStart(8)} ms ` +
        `${c.gbps.toFixed(2).padStart(6)} GB/s`,
    );
  return { cases, meta: { build } };
}

if (import.meta.url === `file://${process.argv[1]}`)
  await run({ quick: process.argv.includes('--quick') });
