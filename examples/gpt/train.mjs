#!/usr/bin/env node
// `pnpm demo:gpt:train`: trains the tiny GPT of model.mjs from scratch, character by
// character, on the repository's own documentation (docs/*.md; the first 90% to train, the
// rest held out), with plain SGD (training.mjs), printing a progress line with the loss as
// it falls, the held-out loss every --eval-every steps, and a sample of generated text.
// usage: node examples/gpt/train.mjs [--steps N] [--lr X] [--batch N] [--block-size N]
//          [--n-layer N] [--n-head N] [--n-embd N] [--eval-every N] [--sample N] [--seed S]
//          [--grad-clip X] [--backend wasm|js]   (--grad-clip 0: no clipping)
import {
  backendInfo,
  init,
  manualSeed,
  noGrad,
  setBackend,
  tensor,
  tidy,
} from '../../packages/tensorlane/dist/index.js';
import { GPT, GPTConfig } from './model.mjs';
import { charCorpus, getBatch, repositoryDocs, trainStep } from './training.mjs';

const USAGE =
  'usage: node examples/gpt/train.mjs [--steps N] [--lr X] [--batch N] [--block-size N] [--n-layer N] [--n-head N] [--n-embd N] [--eval-every N] [--sample N] [--seed S] [--grad-clip X] [--backend wasm|js]';
const FLAGS = {
  '--steps': ['steps', true],
  '--lr': ['lr', false],
  '--batch': ['batch', true],
  '--block-size': ['blockSize', true],
  '--n-layer': ['nLayer', true],
  '--n-head': ['nHead', true],
  '--n-embd': ['nEmbd', true],
  '--eval-every': ['evalEvery', true],
  '--sample': ['sample', true],
  '--seed': ['seed', true],
  '--grad-clip': ['gradClip', false],
};

function parseArgs(argv) {
  const args = {
    steps: 300,
    lr: 1,
    gradClip: 1,
    batch: 16,
    blockSize: 64,
    nLayer: 2,
    nHead: 4,
    nEmbd: 64,
    evalEvery: 50,
    sample: 240,
    seed: 1337,
    backend: 'wasm',
  };
  const fail = (why) => {
    console.error(`demo:gpt:train: ${why}\n${USAGE}`);
    process.exit(2);
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === '--') continue;
    i++;
    if (flag === '--backend' && ['wasm', 'js'].includes(value)) args.backend = value;
    else if (flag in FLAGS) {
      const [key, int] = FLAGS[flag];
      const n = Number(value);
      if (value === undefined || !Number.isFinite(n) || (int && !Number.isInteger(n)) || n < 0)
        fail(`${flag} needs a non-negative ${int ? 'integer' : 'number'}, got ${value}`);
      args[key] = n;
    } else fail(`unknown argument ${flag}${value === undefined ? '' : ` ${value}`}`);
  }
  if (args.nEmbd % args.nHead !== 0) fail('--n-embd must divide by --n-head');
  if (args.steps === 0 || args.batch === 0 || args.blockSize < 2) fail('nothing to train');
  return args;
}

const args = parseArgs(process.argv.slice(2));
if (args.backend === 'js') setBackend('js');
else await init({ threads: 1 });

const corpus = charCorpus(repositoryDocs());
const split = Math.floor(corpus.data.length * 0.9);
const [train, val] = [corpus.data.subarray(0, split), corpus.data.subarray(split)];
const config = new GPTConfig({
  blockSize: args.blockSize,
  vocabSize: corpus.vocabSize,
  nLayer: args.nLayer,
  nHead: args.nHead,
  nEmbd: args.nEmbd,
});
manualSeed(args.seed);
const model = new GPT(config); // nanoGPT's init
const nParams = model.getNumParams(false);
const where = args.backend === 'js' ? 'js backend' : `wasm, ${backendInfo().build} build, 1 thread`;
console.log(
  `# GPT (${config.nLayer} layers, ${config.nHead} heads, ${config.nEmbd} wide, ${nParams} parameters) on docs/*.md: ` +
    `${train.length} characters to train, ${val.length} held out, vocabulary ${corpus.vocabSize}`,
);
console.log(
  `# SGD lr ${args.lr}, gradients clipped to norm ${args.gradClip || '∞'}, batch ${args.batch}×${args.blockSize}, ${where}`,
);

// The held-out loss over a fixed set of windows (the same ones at every evaluation).
const heldOut = getBatch(val, 32, config.blockSize);
const heldOutLoss = () => noGrad(() => tidy(() => model.forward(heldOut.x, heldOut.y)[1].item()));

const tty = process.stdout.isTTY;
const progress = (step, loss, msPerStep) => {
  const width = 24;
  const done = Math.round((width * step) / args.steps);
  const bar = `${'█'.repeat(done)}${'░'.repeat(width - done)}`;
  const line = `step ${String(step).padStart(String(args.steps).length)}/${args.steps} ${bar} loss ${loss.toFixed(3)} (${msPerStep.toFixed(1)} ms/step)`;
  if (tty) process.stdout.write(`\r${line}`);
  else if (step % args.evalEvery === 0 || step === args.steps) console.log(line);
};

console.log(
  `held-out loss before training: ${heldOutLoss().toFixed(3)} (ln ${corpus.vocabSize} = ${Math.log(corpus.vocabSize).toFixed(3)})`,
);
const started = performance.now();
let smoothed = null;
for (let step = 1; step <= args.steps; step++) {
  const { x, y } = getBatch(train, args.batch, config.blockSize);
  const loss = trainStep(model, x, y, args.lr, { gradClip: args.gradClip });
  x.dispose();
  y.dispose();
  if (!Number.isFinite(loss)) {
    console.error(`\ndemo:gpt:train: the loss is ${loss} at step ${step}; try a smaller --lr`);
    process.exit(1);
  }
  smoothed = smoothed === null ? loss : 0.9 * smoothed + 0.1 * loss;
  progress(step, smoothed, (performance.now() - started) / step);
  if (step % args.evalEvery === 0 || step === args.steps) {
    const line = `step ${step}: train loss ${smoothed.toFixed(3)} (smoothed), held-out ${heldOutLoss().toFixed(3)}`;
    console.log(tty ? `\r${line.padEnd(72)}` : line);
  }
}
const seconds = (performance.now() - started) / 1000;
console.log(`${args.steps} steps in ${seconds.toFixed(1)} s`);

if (args.sample > 0) {
  const prompt = tensor([[...corpus.encode('\n')]], { dtype: 'int32' });
  const n = args.sample; // past the block size, generate crops the context as nanoGPT
  const out = noGrad(() =>
    model.generate(prompt, n, { temperature: 0.8, topK: 20, seed: args.seed }),
  );
  console.log(`sample (${n} characters, temperature 0.8, top-k 20):`);
  console.log(corpus.decode(out.toArray()[0]));
}
