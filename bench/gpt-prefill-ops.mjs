// Where a GPT-2-124M prefill spends its time: each op of one block at the prefill's shapes
// (batch 1, 128 tokens, 768 wide, 12 heads), timed apart (median of interleaved
// repetitions, this process's CPU time, one thread), multiplied by its count per prefill,
// and set against a whole prefill through examples/gpt/model.mjs on random weights in the
// same process (each layer its own weights). The ops alone reuse one set of weights, which
// then sit in cache: their sum is a lower bound of the prefill's time. Also: each linear as `linear` (nn.Linear's [out, in] weight read
// transposed) and as `matmul` on a contiguous [in, out] copy, to show what reading the
// transposed layout costs; and the GEMM's GFLOP/s.
//
// usage: node bench/gpt-prefill-ops.mjs [reps]
const lib = await import(new URL('../packages/tensorlane/dist/index.js', import.meta.url).href);
const { GPT, GPTConfig } = await import('../examples/gpt/model.mjs');

const reps = Number(process.argv[2] ?? 7);
const info = await lib.init({ threads: 1 });
const T = 128;
const C = 768;
const H = 12;
const hs = C / H;
const config = new GPTConfig({ blockSize: 1024, vocabSize: 50304, nLayer: 12, nHead: H, nEmbd: C });
const L = config.nLayer;
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

lib.manualSeed(1);
const x = lib.randn(1, T, C);
const w = {
  attn: lib.randn(3 * C, C).mul(0.02),
  proj: lib.randn(C, C).mul(0.02),
  fc: lib.randn(4 * C, C).mul(0.02),
  mproj: lib.randn(C, 4 * C).mul(0.02),
};
const b = { attn: lib.zeros(3 * C), proj: lib.zeros(C), fc: lib.zeros(4 * C), mproj: lib.zeros(C) };
const wT = Object.fromEntries(
  Object.entries(w).map(([k, v]) => [k, v.transpose(0, 1).contiguous()]),
);
const h = lib.randn(1, T, 4 * C);
const lnW = lib.ones(C);
const lnB = lib.zeros(C);
const qkv = lib.linear(x, w.attn, b.attn);
const heads = (t) => t.view(1, T, H, hs).transpose(1, 2);
const [q] = qkv.split(C, 2).map(heads);
const cache = { k: lib.zeros(1, H, T + 33, hs), v: lib.zeros(1, H, T + 33, hs) };
const yHeads = lib.randn(1, H, T, hs);

// [name, count per prefill, flops of one call, fn returning tensors to dispose]
const gemmFlops = (n, kk) => 2 * T * n * kk;
const cases = [
  [
    'linear c_attn (128×768 · 768×2304)',
    L,
    gemmFlops(3 * C, C),
    () => lib.linear(x, w.attn, b.attn),
  ],
  [
    'linear attn c_proj (128×768 · 768×768)',
    L,
    gemmFlops(C, C),
    () => lib.linear(x, w.proj, b.proj),
  ],
  ['linear c_fc (128×768 · 768×3072)', L, gemmFlops(4 * C, C), () => lib.linear(x, w.fc, b.fc)],
  [
    'linear mlp c_proj (128×3072 · 3072×768)',
    L,
    gemmFlops(C, 4 * C),
    () => lib.linear(h, w.mproj, b.mproj),
  ],
  ['  matmul c_attn on [in,out] (no bias)', 0, gemmFlops(3 * C, C), () => x.matmul(wT.attn)],
  [
    '  matmul c_attn on w.transpose(0, 1) (no bias)',
    0,
    gemmFlops(3 * C, C),
    () => x.matmul(w.attn.transpose(0, 1)),
  ],
  ['  matmul c_fc on [in,out] (no bias)', 0, gemmFlops(4 * C, C), () => x.matmul(wT.fc)],
  ['  matmul mlp c_proj on [in,out] (no bias)', 0, gemmFlops(C, 4 * C), () => h.matmul(wT.mproj)],
  ['layerNorm [128,768]', 2 * L + 1, 0, () => lib.layerNorm(x, [C], lnW, lnB, 1e-5)],
  ['gelu [128,3072]', L, 0, () => lib.gelu(h)],
  ['residual add [128,768]', 2 * L, 0, () => x.add(x)],
  [
    'split qkv + heads views + cache writes',
    L,
    0,
    () => {
      const [qq, kk, vv] = qkv.split(C, 2).map(heads);
      cache.k.narrow(2, 0, T).copy_(kk);
      cache.v.narrow(2, 0, T).copy_(vv);
      return [qq, kk, vv];
    },
  ],
  [
    'sdpa causal (q from the split view)',
    L,
    4 * T * T * C,
    () =>
      lib.scaledDotProductAttention(q, cache.k.narrow(2, 0, T), cache.v.narrow(2, 0, T), {
        isCausal: true,
      }),
  ],
  [
    'heads merge y.transpose(1,2).contiguous()',
    L,
    0,
    () => yHeads.transpose(1, 2).contiguous().view(1, T, C),
  ],
];

/** Whole prefills through the example, random weights (no file). */
const weights = {
  'transformer.wte.weight': lib.randn(config.vocabSize, C).mul(0.02),
  'transformer.wpe.weight': lib.randn(config.blockSize, C).mul(0.01),
  'transformer.ln_f.weight': lib.ones(C),
  'transformer.ln_f.bias': lib.zeros(C),
};
for (let i = 0; i < L; i++) {
  const p = `transformer.h.${i}.`;
  for (const ln of ['ln_1', 'ln_2']) {
    weights[`${p}${ln}.weight`] = lnW;
    weights[`${p}${ln}.bias`] = lnB;
  }
  // each layer its own weights, so they stream from memory as in a real model
  for (const [name, key] of [
    ['attn.c_attn', 'attn'],
    ['attn.c_proj', 'proj'],
    ['mlp.c_fc', 'fc'],
    ['mlp.c_proj', 'mproj'],
  ]) {
    weights[`${p}${name}.weight`] = lib.randn(...w[key].shape).mul(0.02);
    weights[`${p}${name}.bias`] = b[key];
  }
}
const model = GPT.fromStateDict(config, weights);
const prompt = lib.tensor([Array.from({ length: T }, (_, i) => (i * 7919) % config.vocabSize)], {
  dtype: 'int32',
});
const prefill = () => lib.noGrad(() => model.forward(prompt)[0]);

const timings = cases.map(() => []);
const whole = [];
const dispose = (r) => {
  for (const t of Array.isArray(r) ? r : [r]) t.dispose();
};
for (let r = 0; r < reps + 1; r++) {
  cases.forEach(([, , , fn], i) => {
    const t0 = cpuMs();
    const out = fn();
    timings[i].push(cpuMs() - t0);
    dispose(out);
  });
  const t0 = cpuMs();
  const out = prefill();
  whole.push(cpuMs() - t0);
  out.dispose();
}
for (const t of timings) t.shift(); // warm-up
whole.shift();

console.log(
  `GPT-2-124M prefill of ${T} tokens, ops at its shapes, ${info.build} 1 thread, median of ${reps} (CPU time, shared machine)`,
);
let sum = 0;
cases.forEach(([name, count, flops], i) => {
  const ms = median(timings[i]);
  sum += ms * count;
  const rate = flops ? `${(flops / ms / 1e6).toFixed(1).padStart(5)} GFLOP/s` : '';
  console.log(
    `${name.padEnd(44)} ${ms.toFixed(2).padStart(7)} ms × ${String(count).padStart(2)} = ${(ms * count).toFixed(0).padStart(4)} ms ${rate}`,
  );
});
const lmHead = median(whole) - sum;
console.log(
  `sum of the ops above: ${sum.toFixed(0)} ms; whole prefill (last-position lm head): ${median(whole).toFixed(0)} ms; rest (embeddings, lm head, op overhead): ${lmHead.toFixed(0)} ms`,
);
