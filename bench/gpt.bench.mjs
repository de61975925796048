// GPT-2-124M shapes (12 layers, 768 wide, 12 heads, vocab 50304), batch 1: a prefill of 128
// tokens and 32 greedy decode steps with the KV cache, in one process:
//   tensorlane:      examples/gpt/model.mjs (nanoGPT's model.py ported) on weights written
//                    with saveSafetensors and read back with GPT.load (so the loader runs on
//                    a 124M-shaped checkpoint), one thread, then all threads
//   tfjs:            the same forward written with tfjs ops on tfjs-backend-wasm (one
//                    thread), its KV cache grown with tf.concat, gelu in the tanh form (tfjs
//                    has no erf)
//   onnxruntime-web: the same weights as one ONNX graph built here (peers/onnx-gpt.mjs: past
//                    keys and values in, present ones out), one thread
// Weights are random (seeded, GPT-2's init scale), not committed. Every contender's greedy
// tokens are compared with tensorlane's. One round runs a prefill and the decode steps per
// contender, rounds interleave the contenders, and the median round is kept. Prefill is
// reported as tokens/s, decode as ms per token. GPT_BENCH_SMALL=1 runs a 2-layer model to
// check the contenders in seconds. TENSORLANE_ENTRY may point at another build.
// GPT_BENCH_CPU_TIME=1 times the one-thread runs by this process's CPU time instead of the
// wall clock (every one-thread contender runs on this thread), for a machine other
// processes load; the threaded pass keeps the wall clock. GPT_BENCH_ROUNDS=n runs up to n
// rounds (default 3; the budget grows with it): on a shared machine whose speed changes
// every few seconds, more rounds and the median of each round's ratio (printed too) are
// steadier than a ratio of three-round medians.
import { gptOnnxModel } from './peers/onnx-gpt.mjs';
import { loadOrtWeb } from './peers/ort-web.mjs';
import { loadTfjs } from './peers/tfjs.mjs';

const entry =
  process.env.TENSORLANE_ENTRY ??
  new URL('../packages/tensorlane/dist/index.js', import.meta.url).href;
const lib = await import(entry);
const { GPT, GPTConfig } = await import('../examples/gpt/model.mjs');

// GPT_BENCH_SMALL=1: a 2-layer model, to check the contenders agree in seconds.
const CONFIG = process.env.GPT_BENCH_SMALL
  ? new GPTConfig({ blockSize: 256, vocabSize: 512, nLayer: 2, nHead: 4, nEmbd: 64 })
  : new GPTConfig({ blockSize: 1024, vocabSize: 50304, nLayer: 12, nHead: 12, nEmbd: 768 });
const MODEL = process.env.GPT_BENCH_SMALL ? 'GPT (2 layers, 64 wide)' : 'GPT-2-124M';
const wallClock = () => performance.now();
const cpuClock = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
/** The clock of the one-thread runs (ms). */
const clock = process.env.GPT_BENCH_CPU_TIME ? cpuClock : wallClock;
const PREFILL = 128;
const DECODE = 32;

/** Seeded pseudo-normal-ish floats (xorshift, sum of uniforms), the same for both libraries. */
function values(n, seed, std) {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
  for (let i = 0; i < n; i++) out[i] = (next() + next() + next() - 1.5) * 2 * std;
  return out;
}

/** nanoGPT's state_dict of a random GPT-2 with `config`: name → { shape, data }. */
function randomWeights({ nLayer, nEmbd: C, vocabSize: V, blockSize }) {
  const w = {};
  let seed = 1;
  const add = (name, shape, std, constant) => {
    const n = shape.reduce((a, b) => a * b, 1);
    w[name] = {
      shape,
      data: constant === undefined ? values(n, seed++, std) : new Float32Array(n).fill(constant),
    };
  };
  add('transformer.wte.weight', [V, C], 0.02);
  add('transformer.wpe.weight', [blockSize, C], 0.01);
  const proj = 0.02 / Math.sqrt(2 * nLayer);
  for (let i = 0; i < nLayer; i++) {
    const p = `transformer.h.${i}.`;
    add(`${p}ln_1.weight`, [C], 0, 1);
    add(`${p}ln_1.bias`, [C], 0, 0);
    add(`${p}attn.c_attn.weight`, [3 * C, C], 0.02);
    add(`${p}attn.c_attn.bias`, [3 * C], 0, 0);
    add(`${p}attn.c_proj.weight`, [C, C], proj);
    add(`${p}attn.c_proj.bias`, [C], 0, 0);
    add(`${p}ln_2.weight`, [C], 0, 1);
    add(`${p}ln_2.bias`, [C], 0, 0);
    add(`${p}mlp.c_fc.weight`, [4 * C, C], 0.02);
    add(`${p}mlp.c_fc.bias`, [4 * C], 0, 0);
    add(`${p}mlp.c_proj.weight`, [C, 4 * C], proj);
    add(`${p}mlp.c_proj.bias`, [C], 0, 0);
  }
  add('transformer.ln_f.weight', [C], 0, 1);
  add('transformer.ln_f.bias', [C], 0, 0);
  return w;
}

/**
 * The checkpoint as a nanoGPT-layout safetensors file, written by tensorlane itself (on the
 * js backend, so the wasm heap holds only what the model needs).
 */
function checkpointBytes(weights) {
  lib.setBackend('js');
  const tensors = {};
  for (const [name, { shape, data }] of Object.entries(weights))
    tensors[name] = lib.tensor(data, { shape });
  const { nLayer, nHead, nEmbd, blockSize, vocabSize } = CONFIG;
  const meta = {
    n_layer: `${nLayer}`,
    n_head: `${nHead}`,
    n_embd: `${nEmbd}`,
    block_size: `${blockSize}`,
    vocab_size: `${vocabSize}`,
  };
  const bytes = lib.saveSafetensors(tensors, meta);
  for (const t of Object.values(tensors)) t.dispose();
  lib.setBackend('wasm');
  return bytes;
}

/** GPT-2 in tfjs ops, as a tfjs user writes it: the same forward, a tf.concat KV cache. */
function tfjsGpt(tf, weights, { nLayer, nHead, nEmbd: C }) {
  // nn.Linear stores [out, in]: each 2-D weight is transposed once at load, as a tfjs user
  // would (tfjs's matMul with transposeB is several times slower here), and the tied head
  // gets its own [C, V] copy.
  const w = {};
  for (const [name, { shape, data }] of Object.entries(weights)) {
    const t = tf.tensor(data, shape);
    const linearWeight = shape.length === 2 && name !== 'transformer.wpe.weight';
    w[name] = linearWeight ? tf.transpose(t) : t;
    if (w[name] !== t) t.dispose();
  }
  w.wte = tf.tensor(
    weights['transformer.wte.weight'].data,
    weights['transformer.wte.weight'].shape,
  );
  const linear = (x, p) => {
    const y = tf.matMul(x, w[`${p}.weight`]); // x: (T, in)
    return w[`${p}.bias`] ? tf.add(y, w[`${p}.bias`]) : y;
  };
  const layerNorm = (x, p) => {
    const { mean, variance } = tf.moments(x, -1, true);
    const normed = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-5)));
    return tf.add(tf.mul(normed, w[`${p}.weight`]), w[`${p}.bias`]);
  };
  const gelu = (x) => {
    const inner = tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI));
    return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(inner)));
  };
  const hs = C / nHead;
  /** One forward of `ids` (batch 1) at positions past…; `cache[i]` holds layer i's k, v. */
  function forward(ids, past, cache) {
    return tf.tidy(() => {
      const T = ids.length;
      const pos = tf.range(past, past + T, 1, 'int32');
      let x = tf.add(
        tf.gather(w.wte, tf.tensor1d(ids, 'int32')),
        tf.gather(w['transformer.wpe.weight'], pos),
      );
      for (let i = 0; i < nLayer; i++) {
        const p = `transformer.h.${i}.`;
        const qkv = linear(layerNorm(x, `${p}ln_1`), `${p}attn.c_attn`);
        const heads = (t) => tf.transpose(tf.reshape(t, [T, nHead, hs]), [1, 0, 2]); // (nh, T, hs)
        const [q, k0, v0] = tf.split(qkv, 3, 1).map(heads);
        const k = cache[i] ? tf.concat([cache[i].k, k0], 1) : k0;
        const v = cache[i] ? tf.concat([cache[i].v, v0], 1) : v0;
        if (cache[i]) for (const t of Object.values(cache[i])) t.dispose();
        cache[i] = { k: tf.keep(k), v: tf.keep(v) };
        const S = past + T;
        let att = tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(hs)); // (nh, T, S)
        if (T > 1) {
          const keep = tf.linalg.bandPart(tf.ones([T, S]), -1, past); // key j ≤ past + row
          att = tf.add(att, tf.mul(tf.sub(1, keep), -1e9));
        }
        const y = tf.reshape(tf.transpose(tf.matMul(tf.softmax(att, -1), v), [1, 0, 2]), [T, C]);
        x = tf.add(x, linear(y, `${p}attn.c_proj`));
        const h = gelu(linear(layerNorm(x, `${p}ln_2`), `${p}mlp.c_fc`));
        x = tf.add(x, linear(h, `${p}mlp.c_proj`));
      }
      x = layerNorm(tf.slice(x, [T - 1, 0], [1, C]), 'transformer.ln_f');
      return tf.argMax(tf.matMul(x, w['transformer.wte.weight']), -1); // the tied head, (C, V)
    });
  }
  return {
    /** Greedy: prefill `prompt`, then `steps` decode steps: [prefill ms, decode ms each, tokens]. */
    run(prompt, steps) {
      const cache = [];
      let t0 = clock();
      const tokens = [forward(prompt, 0, cache).dataSync()[0]];
      const prefillMs = clock() - t0;
      t0 = clock();
      for (let s = 0; s < steps; s++)
        tokens.push(forward([tokens[s]], prompt.length + s, cache).dataSync()[0]);
      const decodeMs = (clock() - t0) / steps;
      for (const c of cache) for (const t of Object.values(c)) t.dispose();
      return [prefillMs, decodeMs, tokens];
    },
    dispose() {
      for (const t of Object.values(w)) t.dispose();
    },
  };
}

/** GPT-2 as one ONNX graph (peers/onnx-gpt.mjs) run by onnxruntime-web, past keys and values fed back. */
async function ortGpt(ort, weights, config) {
  const session = await ort.InferenceSession.create(gptOnnxModel(weights, config));
  const { nLayer, nHead, nEmbd } = config;
  const hs = nEmbd / nHead;
  const argmax = (a) => a.reduce((best, v, i) => (v > a[best] ? i : best), 0);
  return {
    /** Greedy: prefill `prompt`, then `steps` decode steps: [prefill ms, decode ms each, tokens]. */
    async run(prompt, steps) {
      let past = {};
      for (let i = 0; i < nLayer; i++)
        for (const kv of ['k', 'v'])
          past[`past_${kv}${i}`] = new ort.Tensor('float32', new Float32Array(0), [nHead, 0, hs]);
      const step = async (ids, P) => {
        const [T, S] = [ids.length, P + ids.length];
        const mask = new Float32Array(T * S);
        for (let r = 0; r < T; r++) for (let c = P + r + 1; c < S; c++) mask[r * S + c] = -1e9;
        const out = await session.run({
          ids: new ort.Tensor('int32', Int32Array.from(ids), [T]),
          pos: new ort.Tensor(
            'int32',
            Int32Array.from(ids, (_, j) => P + j),
            [T],
          ),
          mask: new ort.Tensor('float32', mask, [T, S]),
          ...past,
        });
        past = {};
        for (let i = 0; i < nLayer; i++)
          for (const kv of ['k', 'v']) past[`past_${kv}${i}`] = out[`present_${kv}${i}`];
        return argmax(out.logits.data);
      };
      let t0 = clock();
      const tokens = [await step(prompt, 0)];
      const prefillMs = clock() - t0;
      t0 = clock();
      for (let s = 0; s < steps; s++) tokens.push(await step([tokens[s]], prompt.length + s));
      return [prefillMs, (clock() - t0) / steps, tokens];
    },
    dispose: () => session.release(),
  };
}

/** tensorlane's greedy run through the example's generate: [prefill ms, decode ms each, tokens]. */
function tensorlaneRun(model, prompt, steps, now = clock) {
  const idx = lib.tensor([prompt], { dtype: 'int32' });
  const stamps = [];
  let last = now();
  const out = model.generate(idx, steps + 1, {
    temperature: 0,
    onToken: () => {
      const t = now();
      stamps.push(t - last);
      last = t;
    },
  });
  const tokens = out.toArray()[0].slice(prompt.length);
  out.dispose();
  idx.dispose();
  return [stamps[0], stamps.slice(1).reduce((a, b) => a + b, 0) / steps, tokens];
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

const ROUNDS = Number(process.env.GPT_BENCH_ROUNDS ?? 3);

export async function run({
  quick = false,
  budgetMs = 80_000 * Math.max(3, ROUNDS),
  log = console.log,
} = {}) {
  const began = performance.now();
  const maxRounds = quick ? 1 : ROUNDS;
  const prompt = Array.from({ length: PREFILL }, (_, i) => (i * 7919) % CONFIG.vocabSize);
  const weights = randomWeights(CONFIG);
  const weightBytes = Object.values(weights).reduce((n, { data }) => n + data.byteLength, 0);

  let info = await lib.init({ threads: 1 });
  const bytes = checkpointBytes(weights);
  const t0 = performance.now();
  let model = await GPT.load(bytes, { attention: 'sdpa' });
  const loadMs = performance.now() - t0;
  log(
    `gpt bench: ${(weightBytes / 2 ** 20).toFixed(0)} MiB of weights, GPT.load ${loadMs.toFixed(0)} ms`,
  );
  // A warm-up run first, so tensorlane's heap has grown to its peak before the other
  // contenders take their memory (with all three loaded, a late wasm memory.grow failed).
  tensorlaneRun(model, prompt, 1);
  const tf = await loadTfjs(log);
  const tfModel = tf ? tfjsGpt(tf, weights, CONFIG) : undefined;

  const contenders = [
    [`tensorlane wasm ${info.build} 1 thread`, () => tensorlaneRun(model, prompt, DECODE)],
  ];
  if (tfModel) contenders.push(['tfjs-backend-wasm 1 thread', () => tfModel.run(prompt, DECODE)]);
  const ort = await loadOrtWeb(log);
  const ortModel = ort ? await ortGpt(ort, weights, CONFIG) : undefined;
  if (ortModel) contenders.push(['onnxruntime-web 1 thread', () => ortModel.run(prompt, DECODE)]);
  // Rounds while the budget lasts (at least one, at most 3); the threaded pass needs one more.
  const results = contenders.map(() => ({ prefill: [], decode: [], tokens: undefined }));
  let roundMs = 0;
  for (let r = 0; r < maxRounds; r++) {
    const start = performance.now();
    for (const [i, [, fn]] of contenders.entries()) {
      const [p, d, tokens] = await fn();
      results[i].prefill.push(p);
      results[i].decode.push(d);
      results[i].tokens = tokens;
    }
    roundMs = performance.now() - start;
    if (performance.now() - began + 2 * roundMs > budgetMs) break;
  }
  const peakHeap = lib.memory().heapBytes;
  model.dispose();
  tfModel?.dispose();
  await ortModel?.dispose();

  // All threads: a reload, since init loads another module.
  const timeLeft = budgetMs - (performance.now() - began);
  info = await lib.init({ threads: 'auto' });
  if (info.threads > 1 && timeLeft < roundMs)
    log('gpt bench: no time left in the budget for the threaded pass');
  else if (info.threads > 1) {
    const rounds = results[0].prefill.length;
    model = await GPT.load(bytes, { attention: 'sdpa' });
    const threaded = { prefill: [], decode: [] };
    for (let r = 0; r < rounds; r++) {
      const [p, d] = tensorlaneRun(model, prompt, DECODE, wallClock);
      threaded.prefill.push(p);
      threaded.decode.push(d);
    }
    model.dispose();
    contenders.push([`tensorlane wasm ${info.build} ${info.threads} threads`]);
    results.push(threaded);
  }

  // Forward flops of one token past `past` positions: 2 per weight of the blocks and the
  // head, plus attention's q·kᵀ and att·v.
  const { nLayer, nEmbd: C, vocabSize: V } = CONFIG;
  const tokenFlops = (past) => 2 * (nLayer * 12 * C * C + V * C) + nLayer * 4 * C * (past + 1);
  let prefillFlops = 0;
  for (let p = 0; p < PREFILL; p++) prefillFlops += tokenFlops(p);
  // (the prefill runs the head on the last position only, as nanoGPT's generate)
  prefillFlops -= (PREFILL - 1) * 2 * V * C;
  const decodeFlops = tokenFlops(PREFILL + DECODE / 2);
  const cases = [];
  contenders.forEach(([contender], i) => {
    const [p, d] = [median(results[i].prefill), median(results[i].decode)];
    cases.push({
      name: `${MODEL} prefill ${PREFILL} tokens`,
      contender,
      medianMs: p,
      gflops: prefillFlops / p / 1e6,
      note: `${Math.round((PREFILL * 1000) / p)} tokens/s`,
    });
    cases.push({
      name: `${MODEL} decode (ms per token, ${DECODE} steps after ${PREFILL})`,
      contender,
      medianMs: d,
      gflops: decodeFlops / d / 1e6,
      note: `${(1000 / d).toFixed(1)} tokens/s`,
    });
  });
  if (clock === cpuClock) log('gpt bench: one-thread runs timed by this process CPU time');
  for (const c of cases)
    log(
      `${c.name.padEnd(52)} ${c.contender.padEnd(40)} ${c.medianMs.toFixed(1).padStart(9)} ms  ${c.note}`,
    );
  for (let i = 1; i < results.length; i++) {
    if (!results[i].tokens) continue; // the threaded tensorlane pass
    const [a, b] = [results[0].tokens, results[i].tokens];
    const same = a.filter((t, j) => t === b[j]).length;
    const faster = (k) => (median(results[i][k]) / median(results[0][k])).toFixed(2);
    // the same ratio taken within each round, then the median over rounds
    const paired = (k) => median(results[i][k].map((t, r) => t / results[0][k][r])).toFixed(2);
    log(
      `tensorlane 1 thread vs ${contenders[i][0]}: prefill ${faster('prefill')}×, decode ${faster('decode')}× faster (median of per-round ratios: ${paired('prefill')}×, ${paired('decode')}×); greedy tokens ${same} of ${a.length} equal`,
    );
  }
  log(
    `peak wasm memory (1 thread, tensorlane): ${(peakHeap / 2 ** 20).toFixed(0)} MiB for ${(weightBytes / 2 ** 20).toFixed(0)} MiB of weights (${((peakHeap / weightBytes - 1) * 100).toFixed(0)}% over)`,
  );
  return { cases, meta: { build: info.build, loadMs, peakHeapBytes: peakHeap, weightBytes } };
}

if (import.meta.url === `file://${process.argv[1]}`)
  await run({ quick: process.argv.includes('--quick') });
