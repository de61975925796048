// GPT-2-124M decode (and prefill) through examples/gpt/model.mjs on two builds of tensorlane
// in one process: this checkout ("after") and a copy of an earlier checkout's
// `packages/tensorlane/{dist,wasm}` and `examples/gpt/` ("before", GPT_AB_BEFORE = its root
// folder). Both load the same random GPT-2-shaped checkpoint, then rounds alternate: each
// round runs a prefill of 128 tokens and 32 greedy decode steps on one build, then the
// other (in alternating order); medians of this process's CPU time are compared and the greedy tokens of the two
// builds must agree. One thread. Use it for before/after ratios on a shared machine, where runs in separate
// processes are not comparable; bench/gpt.bench.mjs gives the ratios against the peers.
//
// usage: GPT_AB_BEFORE=/path/to/old/checkout node bench/gpt-decode-ab.mjs [rounds]
import { pathToFileURL } from 'node:url';

const rounds = Number(process.argv[2] ?? 5);
const PREFILL = 128;
const DECODE = 32;
const beforeRoot = process.env.GPT_AB_BEFORE;
if (!beforeRoot) throw new Error('gpt-decode-ab: set GPT_AB_BEFORE to the earlier checkout');

async function build(root) {
  const lib = await import(new URL('packages/tensorlane/dist/index.js', root).href);
  const model = await import(new URL('examples/gpt/model.mjs', root).href);
  return { lib, ...model };
}
const builds = {
  before: await build(pathToFileURL(`${beforeRoot.replace(/\/?$/, '/')}`)),
  after: await build(new URL('../', import.meta.url)),
};

// GPT-2-124M shapes, random weights at GPT-2's init scale, written once on the js backend.
const { lib } = builds.after;
const config = { blockSize: 1024, vocabSize: 50304, nLayer: 12, nHead: 12, nEmbd: 768 };
lib.setBackend('js');
lib.manualSeed(1);
const { nLayer: L, nEmbd: C, vocabSize: V, blockSize } = config;
const weights = { 'transformer.wte.weight': lib.randn(V, C).mul(0.02) };
weights['transformer.wpe.weight'] = lib.randn(blockSize, C).mul(0.01);
for (let i = 0; i < L; i++) {
  const p = `transformer.h.${i}.`;
  for (const ln of ['ln_1', 'ln_2']) {
    weights[`${p}${ln}.weight`] = lib.ones(C);
    weights[`${p}${ln}.bias`] = lib.zeros(C);
  }
  const proj = 0.02 / Math.sqrt(2 * L);
  for (const [name, out, inp, std] of [
    ['attn.c_attn', 3 * C, C, 0.02],
    ['attn.c_proj', C, C, proj],
    ['mlp.c_fc', 4 * C, C, 0.02],
    ['mlp.c_proj', C, 4 * C, proj],
  ]) {
    weights[`${p}${name}.weight`] = lib.randn(out, inp).mul(std);
    weights[`${p}${name}.bias`] = lib.zeros(out);
  }
}
weights['transformer.ln_f.weight'] = lib.ones(C);
weights['transformer.ln_f.bias'] = lib.zeros(C);
const meta = {
  n_layer: `${L}`,
  n_head: '12',
  n_embd: `${C}`,
  block_size: `${blockSize}`,
  vocab_size: `${V}`,
};
const bytes = lib.saveSafetensors(weights, meta);
for (const t of Object.values(weights)) t.dispose();
lib.setBackend('wasm');

const prompt = Array.from({ length: PREFILL }, (_, i) => (i * 7919) % V);
const models = {};
for (const [name, b] of Object.entries(builds)) {
  const info = await b.lib.init({ threads: 1 });
  models[name] = { b, info, model: await b.GPT.load(bytes, { attention: 'sdpa' }) };
}

/** This process's CPU time in ms: on a shared machine, wall time also counts other processes. */
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** One greedy run: [prefill ms, decode ms per token, tokens] (CPU time). */
function run({ b, model }) {
  const idx = b.lib.tensor([prompt], { dtype: 'int32' });
  const stamps = [];
  let last = cpuMs();
  const out = model.generate(idx, DECODE + 1, {
    temperature: 0,
    onToken: () => {
      const now = cpuMs();
      stamps.push(now - last);
      last = now;
    },
  });
  const tokens = out.toArray()[0].slice(PREFILL);
  out.dispose();
  idx.dispose();
  return [stamps[0], stamps.slice(1).reduce((a, x) => a + x, 0) / DECODE, tokens];
}

const results = { before: { prefill: [], decode: [] }, after: { prefill: [], decode: [] } };
for (const m of Object.values(models)) run(m); // warm-up
for (let r = 0; r < rounds; r++)
  // the order alternates, so neither build always runs second (after the other's heap traffic)
  for (const [name, m] of r % 2 ? Object.entries(models).reverse() : Object.entries(models)) {
    const [p, d, tokens] = run(m);
    results[name].prefill.push(p);
    results[name].decode.push(d);
    results[name].tokens = tokens;
  }
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
console.log(
  `GPT-2-124M, 1 thread, ${rounds} interleaved rounds in one process (shared machine); builds: ${Object.entries(
    models,
  )
    .map(([n, m]) => `${n} ${m.info.build}`)
    .join(', ')}`,
);
for (const [name, r] of Object.entries(results))
  console.log(
    `${name.padEnd(7)} prefill ${PREFILL}: ${median(r.prefill).toFixed(0)} ms (${((PREFILL * 1000) / median(r.prefill)).toFixed(0)} tokens/s); decode: ${median(r.decode).toFixed(1)} ms per token (${(1000 / median(r.decode)).toFixed(1)} tokens/s)`,
  );
const same = results.before.tokens.filter((t, i) => t === results.after.tokens[i]).length;
console.log(
  `after vs before: prefill ${(median(results.before.prefill) / median(results.after.prefill)).toFixed(2)}×, decode ${(median(results.before.decode) / median(results.after.decode)).toFixed(2)}× faster; greedy tokens ${same} of ${results.after.tokens.length} equal`,
);
