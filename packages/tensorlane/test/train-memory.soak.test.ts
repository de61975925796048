/**
 * A training loop as a user writes it (nn.Sequential, crossEntropy, backward, optim.SGD /
 * optim.AdamW, each step inside `tidy`) runs 1,000 steps without leaking: `memory()` after
 * equals `memory()` before (tensors and bytes), and the wasm heap does not grow once the
 * first steps have run. The loss on the fixed batch falls, so the steps do train.
 */
import { expect } from 'vitest';
import { crossEntropy, manualSeed, memory, nn, optim, randint, randn, tidy } from '../src/index.js';
import { describeBackends } from './backend-cases.js';

const STEPS = 1000;

describeBackends('training loop memory', (it, backend) => {
  for (const kind of ['SGD', 'AdamW'] as const)
    it(`${STEPS} ${kind} steps of an MLP 784→50→10 under tidy leave memory() unchanged`, () => {
      manualSeed(0);
      const model = new nn.Sequential(new nn.Linear(784, 50), new nn.ReLU(), new nn.Linear(50, 10));
      const opt =
        kind === 'SGD'
          ? new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 })
          : new optim.AdamW(model.parameters(), { lr: 1e-3 });
      // A small batch: leaks do not depend on it, and the js backend's reference GEMM is slow.
      const x = randn(4, 784);
      const y = randint(0, 10, [4]);
      const step = () =>
        tidy(() => {
          const loss = crossEntropy(model.forward(x), y);
          opt.zeroGrad();
          loss.backward();
          opt.step();
          return loss.item() as number;
        });
      // The first steps create the gradients and the optimizer's state, which stay.
      const first = step();
      for (let i = 0; i < 9; i++) step();
      const before = memory();
      let last = first;
      for (let i = 0; i < STEPS; i++) last = step();
      const after = memory();
      console.info(
        `[${backend}] ${kind}: before ${JSON.stringify(before)}, after ${STEPS} steps ${JSON.stringify(after)}; loss ${first.toFixed(4)} → ${last.toFixed(6)}`,
      );
      expect(after).toEqual(before);
      expect(last).toBeLessThan(first / 10);
      opt.zeroGrad();
      opt.dispose();
      model.dispose();
      x.dispose();
      y.dispose();
    });
});
