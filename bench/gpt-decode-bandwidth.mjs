// Is a GPT-2-124M decode step at the memory bandwidth? In one process, one thread, on the
// same random weights (each layer its own, 475 MiB of float32 with the tied head):
//   - a decode step through examples/gpt/model.mjs (one token after a 128-token prefill);
//   - the matrix-vector products of that step alone: `linear` of one row on every block
//     weight and on the lm head, nothing else;
//   - reading the same weights with nothing to compute: `sum()` of every weight tensor;
//   - onnxruntime-web's decode step on the same weights (bench/peers/onnx-gpt.mjs).
// Each is reported as ms and as GB/s of weight bytes read, the medians of interleaved
// repetitions by this process's CPU time (the machine is shared). The gap between the
// decode step and its products is what the step costs besides streaming the weights
// (~200 small ops, attention over the cache, layer norms).
//
// usage: node bench/gpt-decode-bandwidth.mjs [reps]
import { gptOnnxModel } from './peers/onnx-gpt.mjs';
import { loadOrtWeb } from './peers/ort-web.mjs';

const lib = await import(new URL('../packages/tensorlane/dist/index.js', import.meta.url).href);
const { GPT, GPTConfig } = await import('../examples/gpt/model.mjs');

const reps = Number(process.argv[2] ?? 9);
const info = await lib.init({ threads: 1 });
const config = new GPTConfig({
  blockSize: 1024,
  vocabSize: 50304,
  nLayer: 12,
  nHead: 12,
  nEmbd: 768,
});
const { nLayer: L, nEmbd: C, nHead: H, vocabSize: V } = config;
const PREFILL = 128;
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

lib.manualSeed(1);
const weights = {
  'transformer.wte.weight': lib.randn(V, C).mul(0.02),
  'transformer.wpe.weight': lib.randn(config.blockSize, C).mul(0.01),
  'transformer.ln_f.weight': lib.ones(C),
  'transformer.ln_f.bias': lib.zeros(C),
};
const linears = [];
for (let i = 0; i < L; i++) {
  const p = `transformer.h.${i}.`;
  for (const ln of ['ln_1', 'ln_2']) {
    weights[`${p}${ln}.weight`] = lib.ones(C);
    weights[`${p}${ln}.bias`] = lib.zeros(C);
  }
  for (const [name, out, inp] of [
    ['attn.c_attn', 3 * C, C],
    ['attn.c_proj', C, C],
    ['mlp.c_fc', 4 * C, C],
    ['mlp.c_proj', C, 4 * C],
  ]) {
    weights[`${p}${name}.weight`] = lib.randn(out, inp).mul(0.02);
    weights[`${p}${name}.bias`] = lib.zeros(out);
    linears.push([weights[`${p}${name}.weight`], weights[`${p}${name}.bias`]]);
  }
}
const all = Object.values(weights);
const weightBytes = all.reduce((n, t) => n + t.numel() * 4, 0);
const model = GPT.fromStateDict(config, weights);
const prompt = Array.from({ length: PREFILL }, (_, i) => (i * 7919) % V);

// A decode step: the cache after a prefill, one more token at position PREFILL.
const cache = model.newCache(1, PREFILL + 1);
lib.noGrad(() =>
  model.forward(lib.tensor([prompt], { dtype: 'int32' }), null, cache, 0)[0].dispose(),
);
const next = lib.tensor([[prompt[0]]], { dtype: 'int32' });
const x768 = lib.randn(1, 1, C);
const x3072 = lib.randn(1, 1, 4 * C);
const cases = {
  'decode step (examples/gpt)': () =>
    lib.noGrad(() => model.forward(next, null, cache, PREFILL)[0].dispose()),
  'its matrix-vector products only': () => {
    for (const [w, b] of linears) lib.linear(w.size(1) === C ? x768 : x3072, w, b).dispose();
    lib.linear(x768, model.lm_head.weight).dispose();
  },
  'sum() of every weight (read only)': () => {
    for (const t of all) t.sum().dispose();
  },
};

// onnxruntime-web on the same weights: a decode step with a 128-position past.
const ort = await loadOrtWeb(console.log);
if (ort) {
  const plain = {};
  for (const [name, t] of Object.entries(weights)) plain[name] = { shape: t.shape, data: t.data() };
  const session = await ort.InferenceSession.create(gptOnnxModel(plain, config));
  const hs = C / H;
  const past = {};
  for (let i = 0; i < L; i++)
    for (const kv of ['k', 'v'])
      past[`past_${kv}${i}`] = new ort.Tensor('float32', new Float32Array(H * PREFILL * hs), [
        H,
        PREFILL,
        hs,
      ]);
  const feeds = {
    ids: new ort.Tensor('int32', Int32Array.from([prompt[0]]), [1]),
    pos: new ort.Tensor('int32', Int32Array.from([PREFILL]), [1]),
    mask: new ort.Tensor('float32', new Float32Array(PREFILL + 1), [1, PREFILL + 1]),
    ...past,
  };
  cases['onnxruntime-web decode step'] = () => session.run(feeds);
}

const times = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
for (let r = 0; r < reps + 1; r++)
  for (const [name, fn] of Object.entries(cases)) {
    const t0 = cpuMs();
    await fn();
    if (r > 0) times[name].push(cpuMs() - t0);
  }
console.log(
  `GPT-2-124M decode, ${(weightBytes / 2 ** 20).toFixed(0)} MiB of weights, ${info.build} 1 thread, median of ${reps} (CPU time, shared machine)`,
);
for (const [name, ts] of Object.entries(times)) {
  const ms = median(ts);
  console.log(
    `${name.padEnd(36)} ${ms.toFixed(1).padStart(6)} ms  ${(weightBytes / ms / 1e6).toFixed(1).padStart(5)} GB/s of weights`,
  );
}
