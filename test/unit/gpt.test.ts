/**
 * The GPT-2 example (examples/gpt/model.mjs) against the reference written by PyTorch
 * (packages/tensorlane/test/fixtures/gen_gpt.py: the same tiny GPT-2 in float64 on the
 * float32 weights): logits, loss and greedy tokens on both backends and both attention
 * paths; the KV cache against recomputing the whole prefix; sampling; no leaked tensors.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { GPT } from '../../examples/gpt/model.mjs';
import { resetWasmBackend } from '../../packages/tensorlane/src/backend/current.js';
import {
  loadSafetensors,
  memory,
  noGrad,
  saveSafetensors,
  setBackend,
  tensor,
  tidy,
} from '../../packages/tensorlane/src/index.js';
import { describeBackends } from '../../packages/tensorlane/test/backend-cases.js';
import reference from '../../packages/tensorlane/test/fixtures/gpt-reference.json' with {
  type: 'json',
};
import {
  BUILDS_UNDER_TEST,
  buildSupported,
  loadBuild,
} from '../../packages/tensorlane/test/wasm-builds.js';

// The example imports the built package; here it runs on the sources under test.
vi.mock(
  '../../packages/tensorlane/dist/index.js',
  () => import('../../packages/tensorlane/src/index.js'),
);

const checkpoint = readFileSync(
  fileURLToPath(
    new URL('../../packages/tensorlane/test/fixtures/gpt-tiny.safetensors', import.meta.url),
  ),
);

/**
 * Max absolute logit error against the float64 reference. Float32 arithmetic through two
 * blocks gives ~1e-6 here (logits are O(1)); 1e-5 leaves room for the builds' FMA and
 * polynomial exp/erf while still failing on any wrong op (those err by ≥ 1e-2).
 */
const LOGITS_TOL = 1e-5;
const ATTENTION = ['explicit', 'sdpa'] as const;

const ints = (rows: number[][]) => tensor(rows, { dtype: 'int32' });
const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};
const load = (attention: 'explicit' | 'sdpa') => GPT.load(checkpoint, { attention });

describeBackends('gpt example vs PyTorch', (it) => {
  for (const attention of ATTENTION) {
    it(`${attention}: logits of every position and the loss`, async () => {
      const model = await load(attention);
      const [logits, loss] = model.forward(ints(reference.prompt), ints(reference.targets));
      expect(logits.shape).toEqual(reference.logits.shape);
      expect(maxAbsDiff(logits.data() as Float32Array, reference.logits.data)).toBeLessThan(
        LOGITS_TOL,
      );
      // one target is −1 (ignored): the mean runs over the other 15
      expect(Math.abs(loss.item() - reference.loss)).toBeLessThan(1e-5);
      // without targets: only the last position, as nanoGPT's x[:, [-1], :]
      const [last] = model.forward(ints(reference.prompt));
      expect(last.shape).toEqual([2, 1, reference.config.vocab_size]);
      const [, T, V] = reference.logits.shape as [number, number, number];
      const want = [0, 1].flatMap((b) =>
        reference.logits.data.slice((b * T + T - 1) * V, (b * T + T) * V),
      );
      expect(maxAbsDiff(last.data() as Float32Array, want)).toBeLessThan(LOGITS_TOL);
      model.dispose();
    });

    it(`${attention}: greedy generation equals PyTorch's, past the block size`, async () => {
      const model = await load(attention);
      const prompt = ints(reference.prompt);
      const n = reference.maxNewTokens;
      // temperature 0 takes the argmax; topK 1 samples it (the whole mass on one token)
      expect(model.generate(prompt, n, { temperature: 0 }).toArray()).toEqual(reference.greedy);
      expect(model.generate(prompt, n, { topK: 1, seed: 3 }).toArray()).toEqual(reference.greedy);
      expect(model.generate(prompt, n, { temperature: 0, useCache: false }).toArray()).toEqual(
        reference.greedy,
      );
      model.dispose();
    });

    it(`${attention}: KV-cache decode equals recomputing the prefix`, async () => {
      const model = await load(attention);
      const seq = ints(reference.greedy).narrow(1, 0, 20);
      // the parameters require grad (nn.parameter): the cache is for inference, as generate runs it
      noGrad(() =>
        tidy(() => {
          const cache = model.newCache(2);
          // a prefill of 5, a chunk of 4 after it (the shifted causal mask), then 11 single steps
          const steps: [number, number][] = [
            [0, 5],
            [5, 4],
          ];
          for (let p = 9; p < 20; p++) steps.push([p, 1]);
          for (const [past, t] of steps) {
            const [cached] = model.forward(seq.narrow(1, past, t), null, cache, past);
            const [full] = model.forward(seq.narrow(1, 0, past + t));
            expect(
              maxAbsDiff(cached.data() as Float32Array, full.data() as Float32Array),
            ).toBeLessThan(LOGITS_TOL);
          }
        }),
      );
      model.dispose();
    });
  }

  for (const attention of ATTENTION)
    it(`${attention}: cropBlockSize keeps the logits of the positions it keeps`, async () => {
      const model = await load(attention);
      const idx = ints(reference.greedy).narrow(1, 0, 16).contiguous();
      const [before] = model.forward(idx, idx);
      model.cropBlockSize(16);
      expect(model.transformer.wpe.weight.shape).toEqual([16, reference.config.n_embd]);
      expect(model.config.blockSize).toBe(16);
      const [after] = model.forward(idx, idx);
      expect(maxAbsDiff(after.data() as Float32Array, before.data() as Float32Array)).toBe(0);
      expect(() => model.forward(ints(reference.greedy).narrow(1, 0, 17))).toThrow(
        /block size is only 16/,
      );
      // generate crops its context to the new block size
      expect(model.generate(ints(reference.prompt), 12, { temperature: 0 }).shape).toEqual([2, 20]);
      expect(() => model.cropBlockSize(17)).toThrow(/cannot crop block size 16 to 17/);
      model.dispose();
    });

  it('both attention paths agree with each other to float32 rounding', async () => {
    const [explicit, sdpa] = await Promise.all(ATTENTION.map(load));
    const idx = ints(reference.greedy).narrow(1, 0, 32).contiguous();
    const a = explicit.forward(idx, idx)[0].data() as Float32Array;
    const b = sdpa.forward(idx, idx)[0].data() as Float32Array;
    expect(maxAbsDiff(a, b)).toBeLessThan(LOGITS_TOL);
    explicit.dispose();
    sdpa.dispose();
  });

  it('sampling: seeded, the same with and without the cache, inside the top k', async () => {
    const model = await load('sdpa');
    const prompt = ints(reference.prompt);
    const options = { temperature: 0.8, topK: 5, seed: 11 };
    const withCache = model.generate(prompt, 20, options).toArray() as number[][];
    expect(model.generate(prompt, 20, options).toArray()).toEqual(withCache);
    expect(model.generate(prompt, 20, { ...options, useCache: false }).toArray()).toEqual(
      withCache,
    );
    expect(model.generate(prompt, 20, { ...options, seed: 12 }).toArray()).not.toEqual(withCache);
    // every sampled token is among the 5 largest logits of its step
    tidy(() => {
      const seq = ints(withCache);
      for (let t = 8; t < 28; t++) {
        const logits = model.forward(seq.narrow(1, 0, t))[0].get(':', -1, ':');
        const top = logits.topk(5).indices.toArray() as number[][];
        top.forEach((row, b) => {
          expect(row).toContain(withCache[b]![t]);
        });
      }
    });
    model.dispose();
  });

  it('a checkpoint without metadata loads with the config given', async () => {
    const weights = await loadSafetensors(checkpoint);
    const bytes = saveSafetensors(weights); // no __metadata__
    for (const t of Object.values(weights)) t.dispose();
    await expect(GPT.load(bytes)).rejects.toThrow(/metadata has no block_size/);
    const { config } = reference;
    const model = await GPT.load(bytes, {
      blockSize: config.block_size,
      vocabSize: config.vocab_size,
      nLayer: config.n_layer,
      nHead: config.n_head,
      nEmbd: config.n_embd,
    });
    const [logits] = model.forward(ints(reference.prompt), ints(reference.targets));
    expect(maxAbsDiff(logits.data() as Float32Array, reference.logits.data)).toBeLessThan(
      LOGITS_TOL,
    );
    model.dispose();
  });

  it('generate frees everything but its result', async () => {
    const model = await load('sdpa');
    const prompt = ints(reference.prompt);
    model.generate(prompt, 3, { temperature: 0 }).dispose(); // warm-up (lazy masks, pools)
    const before = memory();
    const out = model.generate(prompt, 40, { temperature: 0.9, topK: 8, seed: 1 });
    expect(out.shape).toEqual([2, 48]);
    out.dispose();
    const after = memory();
    expect(after.tensors).toBe(before.tensors);
    expect(after.bytes).toBe(before.bytes);
    model.dispose();
  });
});

describe('gpt example on every wasm build', () => {
  for (const build of BUILDS_UNDER_TEST.filter(buildSupported)) {
    it(`${build}: logits and greedy tokens of both attention paths`, async () => {
      await loadBuild(build);
      resetWasmBackend();
      setBackend('wasm');
      for (const attention of ATTENTION) {
        const model = await GPT.load(checkpoint, { attention });
        const prompt = ints(reference.prompt);
        const [logits] = model.forward(prompt, ints(reference.targets));
        expect(maxAbsDiff(logits.data() as Float32Array, reference.logits.data)).toBeLessThan(
          LOGITS_TOL,
        );
        const greedy = model.generate(prompt, reference.maxNewTokens, { temperature: 0 });
        expect(greedy.toArray()).toEqual(reference.greedy);
        model.dispose();
      }
    });
  }
});
