// The course's MLP on MNIST, trained with tensorlane's autograd: 784→50→10 with ReLU, SGD
// with momentum, minibatches from a seeded shuffle, cross entropy; loss and held-out
// accuracy per epoch. Shared by `pnpm demo:train` (demo.mjs) and its test.
import {
  crossEntropy,
  manualSeed,
  nn,
  noGrad,
  optim,
  randperm,
  tensor,
  tidy,
} from '../../packages/tensorlane/dist/index.js';

/** The demo's defaults: reach ≥ 93% held-out accuracy on the npm digits well within a minute. */
export const DEFAULTS = {
  trainCount: 8000,
  epochs: 8,
  batchSize: 64,
  lr: 0.02,
  momentum: 0.9,
  seed: 42,
};

/**
 * Images and labels as tensors, split into the first `trainCount` digits (training) and
 * the rest (held out). Pixels are scaled to [0, 1] and standardized with the training
 * digits' mean and std, as the course does.
 * @param {{ images: Uint8Array, labels: Uint8Array, count: number, rows: number, cols: number }} set
 */
export function mnistTensors(set, trainCount = DEFAULTS.trainCount) {
  const pixels = set.rows * set.cols;
  if (!(trainCount > 0 && trainCount < set.count))
    throw new Error(`need more than ${trainCount} digits to hold some out, got ${set.count}`);
  let sum = 0;
  let sumSq = 0;
  const n = trainCount * pixels;
  for (let i = 0; i < n; i++) {
    const v = set.images[i] / 255;
    sum += v;
    sumSq += v * v;
  }
  const mean = sum / n;
  const std = Math.sqrt(sumSq / n - mean * mean);
  const x = new Float32Array(set.count * pixels);
  for (let i = 0; i < x.length; i++) x[i] = (set.images[i] / 255 - mean) / std;
  const validCount = set.count - trainCount;
  return {
    xTrain: tensor(x.subarray(0, n), { shape: [trainCount, pixels] }),
    yTrain: tensor(Int32Array.from(set.labels.subarray(0, trainCount))),
    xValid: tensor(x.subarray(n), { shape: [validCount, pixels] }),
    yValid: tensor(Int32Array.from(set.labels.subarray(trainCount))),
  };
}

/** The course's model: `nn.Sequential(nn.Linear(784, 50), nn.ReLU(), nn.Linear(50, 10))`. */
export function mlp(inputs = 784, hidden = 50, classes = 10) {
  return new nn.Sequential(
    new nn.Linear(inputs, hidden),
    new nn.ReLU(),
    new nn.Linear(hidden, classes),
  );
}

/** Loss and accuracy of `model` on a held-out set, without recording gradients. */
export function evaluate(model, x, y) {
  return noGrad(() =>
    tidy(() => {
      const logits = model.forward(x);
      return {
        loss: crossEntropy(logits, y).item(),
        accuracy: logits.argmax(1).eq(y).float().mean().item(),
      };
    }),
  );
}

/**
 * Trains a fresh MLP on `data` (from `mnistTensors`); calls `onBatch({ epoch, batch,
 * batches, loss })` after every step and `onEpoch({ epoch, loss, validLoss, accuracy,
 * seconds })` after every epoch. Returns the model (dispose it when done) and the history.
 */
export function trainMlp(data, options = {}, { onBatch, onEpoch } = {}) {
  const o = { ...DEFAULTS, ...options };
  manualSeed(o.seed);
  const model = mlp();
  const opt = new optim.SGD(model.parameters(), { lr: o.lr, momentum: o.momentum });
  const n = data.xTrain.shape[0];
  const batches = Math.ceil(n / o.batchSize);
  const history = [];
  const started = performance.now();
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    model.train();
    let lossSum = 0;
    const order = randperm(n);
    for (let b = 0; b < batches; b++) {
      const loss = tidy(() => {
        const idx = order.narrow(0, b * o.batchSize, Math.min(o.batchSize, n - b * o.batchSize));
        const xb = data.xTrain.indexSelect(0, idx);
        const yb = data.yTrain.indexSelect(0, idx);
        const loss = crossEntropy(model.forward(xb), yb);
        opt.zeroGrad();
        loss.backward();
        opt.step();
        return loss.item();
      });
      lossSum += loss;
      onBatch?.({ epoch, batch: b + 1, batches, loss });
    }
    order.dispose();
    model.eval();
    const { loss: validLoss, accuracy } = evaluate(model, data.xValid, data.yValid);
    const record = {
      epoch,
      loss: lossSum / batches,
      validLoss,
      accuracy,
      seconds: (performance.now() - started) / 1000,
    };
    history.push(record);
    onEpoch?.(record);
  }
  opt.zeroGrad();
  opt.dispose();
  return { model, history };
}
