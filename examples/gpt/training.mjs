// Training the GPT of model.mjs, the way nanoGPT's train.py does it, reduced to what a small
// character-level run needs: a corpus of characters, get_batch, and one step of forward →
// crossEntropy → backward → plain SGD (`p -= lr * p.grad` under noGrad) on
// `model.parameters()`. (The model's `configureOptimizers` gives nanoGPT's AdamW instead.)
import { readdirSync, readFileSync } from 'node:fs';
import { noGrad, randint, tensor, tidy } from '../../packages/tensorlane/dist/index.js';

/**
 * A character-level tokenizer over `text` (as nanoGPT's shakespeare_char prepare.py): the
 * sorted distinct characters are the vocabulary; `data` is the whole text as ids.
 */
export function charCorpus(text) {
  const chars = [...new Set(text)].sort();
  const ids = new Map(chars.map((c, i) => [c, i]));
  const encode = (s) => Int32Array.from(s, (c) => ids.get(c));
  return {
    chars,
    vocabSize: chars.length,
    data: encode(text),
    encode,
    decode: (tokens) => Array.from(tokens, (t) => chars[t]).join(''),
  };
}

/**
 * The repository's own documentation (docs/*.md, in name order) as one text, with runs of
 * spaces squeezed to one: the docs' tables are padded for alignment, and a small model
 * would otherwise learn mostly runs of spaces.
 */
export function repositoryDocs(root = new URL('../../', import.meta.url)) {
  const dir = new URL('docs/', root);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => readFileSync(new URL(f, dir), 'utf8').replace(/ {2,}/g, ' '))
    .join('\n');
}

/**
 * nanoGPT's get_batch: `batchSize` random windows of `blockSize` ids from `data` (an
 * Int32Array) as int32 `x [B, T]`, and the same windows shifted by one as the targets `y`.
 * The offsets come from tensorlane's generator (seed it with manualSeed).
 */
export function getBatch(data, batchSize, blockSize) {
  const starts = randint(data.length - blockSize, [batchSize]);
  const offsets = starts.data();
  starts.dispose();
  const x = new Int32Array(batchSize * blockSize);
  const y = new Int32Array(batchSize * blockSize);
  offsets.forEach((s, b) => {
    x.set(data.subarray(s, s + blockSize), b * blockSize);
    y.set(data.subarray(s + 1, s + 1 + blockSize), b * blockSize);
  });
  const shape = [batchSize, blockSize];
  return { x: tensor(x, { shape }), y: tensor(y, { shape }) };
}

/** Plain SGD: `p -= lr * p.grad` in place under noGrad, then the gradients are cleared. */
export function sgdUpdate(params, lr) {
  noGrad(() => {
    for (const p of params) {
      if (!p.grad) continue;
      tidy(() => p.sub_(p.grad.mul(lr)));
      p.grad = null;
    }
  });
}

/**
 * Scales the gradients in place so that their global L2 norm is at most `maxNorm`, as
 * `torch.nn.utils.clip_grad_norm_` (nanoGPT's grad_clip); returns the norm before clipping.
 */
export function clipGradNorm(params, maxNorm) {
  return noGrad(() => {
    const grads = params.map((p) => p.grad).filter((g) => g);
    const norm = Math.sqrt(grads.reduce((s, g) => s + tidy(() => g.square().sum().item()), 0));
    if (norm > maxNorm) for (const g of grads) g.mul_(maxNorm / (norm + 1e-6));
    return norm;
  });
}

/**
 * One training step of `model` (a GPT) on inputs `x` and targets
 * `y`: forward with the loss, backward, optionally `clipGradNorm(gradClip)`, SGD with `lr`.
 * Returns the loss before the update.
 */
export function trainStep(model, x, y, lr, { gradClip = 0 } = {}) {
  const loss = tidy(() => {
    const [, loss] = model.forward(x, y);
    loss.backward();
    return loss.item();
  });
  if (gradClip > 0) clipGradNorm(model.parameters(), gradClip);
  sgdUpdate(model.parameters(), lr);
  return loss;
}
