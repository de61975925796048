#!/usr/bin/env node
// `pnpm demo:gpt`: loads the tiny GPT-2 checkpoint written by PyTorch
// (packages/tensorlane/test/fixtures/gen_gpt.py), checks its logits and greedy tokens
// against PyTorch's, then samples with the KV cache and prints prefill and decode tokens/s.
// usage: node examples/gpt/demo.mjs [--model FILE] [--prompt 1,2,3] [--tokens N]
//          [--temperature T] [--top-k K] [--seed S] [--attention sdpa|explicit]
//          [--backend wasm|js] [--n-layer N --n-head N --n-embd N --block-size N --vocab-size N]
//   --model FILE  any nanoGPT-layout safetensors file (config from its metadata or the flags)
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { backendInfo, init, setBackend, tensor } from '../../packages/tensorlane/dist/index.js';
import { GPT } from './model.mjs';

const fixtures = new URL('../../packages/tensorlane/test/fixtures/', import.meta.url);
const USAGE =
  'usage: node examples/gpt/demo.mjs [--model FILE] [--prompt 1,2,3] [--tokens N] [--temperature T] [--top-k K] [--seed S] [--attention sdpa|explicit] [--backend wasm|js] [--n-layer N --n-head N --n-embd N --block-size N --vocab-size N]';
const CONFIG_FLAGS = {
  '--n-layer': 'nLayer',
  '--n-head': 'nHead',
  '--n-embd': 'nEmbd',
  '--block-size': 'blockSize',
  '--vocab-size': 'vocabSize',
};

function parseArgs(argv) {
  const args = { tokens: 24, temperature: 0.8, topK: 10, seed: 42, overrides: {} };
  const fail = (why) => {
    console.error(`demo:gpt: ${why}\n${USAGE}`);
    process.exit(2);
  };
  const number = (flag, v, int) => {
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n) || (int && !Number.isInteger(n)) || n < 0)
      fail(`${flag} needs a ${int ? 'non-negative integer' : 'non-negative number'}, got ${v}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === '--') continue;
    i++;
    if (flag === '--model') args.model = value;
    else if (flag === '--prompt') args.prompt = value?.split(',').map((v) => number(flag, v, true));
    else if (flag === '--tokens') args.tokens = number(flag, value, true);
    else if (flag === '--temperature') args.temperature = number(flag, value, false);
    else if (flag === '--top-k') args.topK = number(flag, value, true) || null;
    else if (flag === '--seed') args.seed = number(flag, value, true);
    else if (flag === '--attention' && ['sdpa', 'explicit'].includes(value))
      args.overrides.attention = value;
    else if (flag === '--backend' && ['wasm', 'js'].includes(value)) args.backend = value;
    else if (flag in CONFIG_FLAGS) args.overrides[CONFIG_FLAGS[flag]] = number(flag, value, true);
    else fail(`unknown argument ${flag}${value === undefined ? '' : ` ${value}`}`);
  }
  return args;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

const args = parseArgs(process.argv.slice(2));
if (args.backend === 'js') setBackend('js');
else await init();
const file = args.model ?? fileURLToPath(new URL('gpt-tiny.safetensors', fixtures));
let model;
try {
  model = await GPT.load(readFileSync(file), args.overrides);
} catch (e) {
  console.error(`demo:gpt: cannot load ${file}: ${e.message}`);
  process.exit(1);
}
const { config } = model;
const where = args.backend === 'js' ? 'js backend' : `wasm, ${backendInfo().build} build`;
console.log(
  `# GPT-2 (${config.nLayer} layers, ${config.nHead} heads, ${config.nEmbd} wide, vocab ${config.vocabSize}, block ${config.blockSize}) from ${file}`,
);
console.log(
  `# ${config.attention === 'sdpa' ? 'scaledDotProductAttention' : 'explicit attention'}, ${where}`,
);

let failed = 0;
if (!args.model) {
  // The tiny checkpoint has PyTorch's outputs next to it.
  const reference = JSON.parse(readFileSync(new URL('gpt-reference.json', fixtures), 'utf8'));
  const idx = tensor(reference.prompt, { dtype: 'int32' });
  const [logits, loss] = model.forward(idx, tensor(reference.targets, { dtype: 'int32' }));
  const got = logits.data();
  const err = reference.logits.data.reduce((m, w, i) => Math.max(m, Math.abs(w - got[i])), 0);
  const greedy = model.generate(idx, reference.maxNewTokens, { temperature: 0 }).toArray();
  const same = JSON.stringify(greedy) === JSON.stringify(reference.greedy);
  const ok = err <= 1e-4;
  failed += (ok ? 0 : 1) + (same ? 0 : 1);
  console.log(
    `logits vs PyTorch: max |error| ${err.toExponential(1)} (${ok ? 'ok' : 'NOT ok'}, ≤ 1e-4); loss ${loss.item().toFixed(6)} vs ${reference.loss.toFixed(6)}`,
  );
  console.log(
    `greedy tokens (${reference.maxNewTokens}, past the block size) ${same ? 'equal' : 'DIFFER from'} PyTorch's`,
  );
}

// Sampling with the KV cache, batch 1: the prompt is one prefill, then one decode step per token.
const prompt = args.prompt ?? [1, 2, 3, 4, 5, 6, 7, 8].map((t) => t % config.vocabSize);
const maxNew = Math.max(1, Math.min(args.tokens, config.blockSize - prompt.length));
const idx = tensor([prompt], { dtype: 'int32' });
const options = { temperature: args.temperature, topK: args.topK, seed: args.seed };
const prefill = [];
const decode = [];
let out;
for (let run = 0; run < 9; run++) {
  let last = performance.now();
  const stamps = [];
  out?.dispose();
  out = model.generate(idx, maxNew, {
    ...options,
    onToken: () => {
      const now = performance.now();
      stamps.push(now - last);
      last = now;
    },
  });
  prefill.push(stamps[0]);
  if (stamps.length > 1)
    decode.push(stamps.slice(1).reduce((a, b) => a + b, 0) / (stamps.length - 1));
}
console.log(
  `sampled (temperature ${args.temperature}, top-k ${args.topK ?? 'all'}, seed ${args.seed}): ${out.toArray()[0].slice(prompt.length).join(' ')}`,
);
const prefillMs = median(prefill);
console.log(
  `prefill: ${prompt.length} tokens in ${prefillMs.toFixed(2)} ms (${Math.round((prompt.length * 1000) / prefillMs)} tokens/s)`,
);
if (decode.length) {
  const decodeMs = median(decode);
  console.log(
    `decode: ${decodeMs.toFixed(2)} ms/token (${Math.round(1000 / decodeMs)} tokens/s), median of ${decode.length} runs of ${maxNew - 1} tokens`,
  );
}
process.exit(failed ? 1 : 0);
