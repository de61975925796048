/**
 * The fused optimizer steps (`sgd_step_f32`, `adamw_step_f32`) on every wasm build against
 * the js backend's reference steps, with fast-check: lengths across the SIMD tail, every
 * option, several consecutive steps with state carried over. Both round each operation to
 * float32 in torch's order without fusing, so they must agree bit for bit.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Backend, View } from '../src/backend/backend.js';
import { createJsBackend } from '../src/backend/js/js-backend.js';
import { createWasmBackend } from '../src/backend/wasm/wasm-backend.js';
import { BUILDS_UNDER_TEST, buildSupported, loadBuild } from './wasm-builds.js';

const js = createJsBackend();

function values(n: number, seed: number, scale: number): number[] {
  let s = seed >>> 0 || 1;
  return Array.from({ length: n }, () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return ((s >>> 0) / 2 ** 32 - 0.5) * scale;
  });
}

/** A contiguous float32 vector at element `offset` of a fresh storage. */
function vectorOn(be: Backend, data: number[], offset: number): View {
  const storage = be.alloc('float32', data.length + offset + 1);
  be.array(storage).set(data, offset);
  return { storage, offset, shape: [data.length], strides: [1] };
}

const read = (be: Backend, v: View) =>
  Array.from(be.array(v.storage).subarray(v.offset, v.offset + v.shape[0]!));

function expectSame(got: number[], want: number[], what: string): void {
  for (let i = 0; i < want.length; i++)
    if (!Object.is(got[i], want[i])) expect.fail(`${what}: [${i}] wasm ${got[i]} vs js ${want[i]}`);
}

const LENGTHS = [0, 1, 2, 3, 4, 5, 7, 8, 9, 31, 64, 65, 1000];

for (const build of BUILDS_UNDER_TEST) {
  describe.skipIf(!buildSupported(build))(`optimizer steps, wasm vs js [${build}]`, () => {
    let wasm: Backend;
    beforeAll(async () => {
      await loadBuild(build);
      wasm = createWasmBackend();
    });

    it('sgdStep: equal bit for bit over 3 steps, every option', () => {
      fc.assert(
        fc.property(
          fc.record({
            n: fc.constantFrom(...LENGTHS),
            offset: fc.constantFrom(0, 1, 3),
            lr: fc.constantFrom(0.1, 0.01, 1),
            momentum: fc.constantFrom(0, 0.9, 0.5),
            dampening: fc.constantFrom(0, 0.1),
            weightDecay: fc.constantFrom(0, 1e-4, 0.1),
            nesterov: fc.boolean(),
            maximize: fc.boolean(),
            seed: fc.integer({ min: 1 }),
          }),
          (c) => {
            const run = (be: Backend) => {
              const p = vectorOn(be, values(c.n, c.seed, 4), c.offset);
              const buf = c.momentum ? vectorOn(be, new Array(c.n).fill(0), 0) : null;
              for (let step = 0; step < 3; step++) {
                const g = vectorOn(be, values(c.n, c.seed + step + 1, 2), c.offset);
                be.sgdStep(p, g, buf, {
                  lr: c.lr,
                  momentum: c.momentum,
                  oneMinusDampening: 1 - c.dampening,
                  weightDecay: c.weightDecay,
                  nesterov: c.nesterov,
                  maximize: c.maximize,
                  firstStep: step === 0,
                });
                be.free(g.storage);
              }
              const out = [read(be, p), buf ? read(be, buf) : []];
              be.free(p.storage);
              if (buf) be.free(buf.storage);
              return out;
            };
            const [want, got] = [run(js), run(wasm)];
            expectSame(got[0]!, want[0]!, `param ${JSON.stringify(c)}`);
            expectSame(got[1]!, want[1]!, `buffer ${JSON.stringify(c)}`);
          },
        ),
        { numRuns: 120 },
      );
    });

    it('adamwStep: equal bit for bit over 4 steps, with and without AMSGrad', () => {
      fc.assert(
        fc.property(
          fc.record({
            n: fc.constantFrom(...LENGTHS),
            lr: fc.constantFrom(1e-3, 0.1),
            betas: fc.constantFrom([0.9, 0.999], [0.8, 0.95], [0, 0.5]),
            eps: fc.constantFrom(1e-8, 1e-3),
            weightDecay: fc.constantFrom(0, 0.01, 0.5),
            amsgrad: fc.boolean(),
            maximize: fc.boolean(),
            seed: fc.integer({ min: 1 }),
          }),
          (c) => {
            const [beta1, beta2] = c.betas as [number, number];
            const run = (be: Backend) => {
              const p = vectorOn(be, values(c.n, c.seed, 4), 0);
              const zeros = () => vectorOn(be, new Array(c.n).fill(0), 0);
              const state = {
                expAvg: zeros(),
                expAvgSq: zeros(),
                maxExpAvgSq: c.amsgrad ? zeros() : null,
              };
              for (let step = 1; step <= 4; step++) {
                const g = vectorOn(be, values(c.n, c.seed + step, step === 2 ? 0 : 2), 0);
                be.adamwStep(p, g, state, {
                  decay: 1 - c.lr * c.weightDecay,
                  beta1,
                  beta2,
                  oneMinusBeta1: 1 - beta1,
                  oneMinusBeta2: 1 - beta2,
                  stepSize: c.lr / (1 - beta1 ** step),
                  biasCorrection2Sqrt: Math.sqrt(1 - beta2 ** step),
                  eps: c.eps,
                  maximize: c.maximize,
                });
                be.free(g.storage);
              }
              const views = [p, state.expAvg, state.expAvgSq, state.maxExpAvgSq];
              const out = views.map((v) => (v ? read(be, v) : []));
              for (const v of views) if (v) be.free(v.storage);
              return out;
            };
            const [want, got] = [run(js), run(wasm)];
            for (let i = 0; i < 4; i++) expectSame(got[i]!, want[i]!, `${i} ${JSON.stringify(c)}`);
          },
        ),
        { numRuns: 120 },
      );
    });
  });
}
