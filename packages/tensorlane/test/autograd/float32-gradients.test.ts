/**
 * The float32 gradients, which training uses: on the wasm backend these run the SIMD
 * kernels (float64 runs the js reference kernels there, so the float64 gradchecks do not
 * reach them). Each op's float32 gradients must match its float64 ones within 1e-4 of the
 * largest entry.
 */
import { expect } from 'vitest';
import {
  cat,
  cumprod,
  einsum,
  embedding,
  gather,
  indexSelect,
  layerNorm,
  manualSeed,
  maskedFill,
  noGrad,
  randn,
  rmsNorm,
  scaledDotProductAttention,
  scatterAdd,
  stack,
  type Tensor,
  tensor,
  where,
} from '../../src/index.js';
import { describeBackends } from '../backend-cases.js';
import { leaf } from './grad-leaves.js';

/** Gradients of `sum(f(...xs)·w)` for each input. */
function gradsOf(
  f: (...xs: Tensor[]) => Tensor,
  inputs: Tensor[],
  w: (shape: readonly number[]) => Tensor,
) {
  for (const x of inputs) x.grad = null;
  const y = f(...inputs);
  y.mul(w(y.shape).to(y.dtype)).sum().backward();
  return inputs.map((x) => x.grad!.double());
}

function expectFloat32Matches(f: (...xs: Tensor[]) => Tensor, inputs64: Tensor[]): void {
  let weights: Tensor | undefined;
  const w = (shape: readonly number[]) => (weights ??= randn([...shape], { dtype: 'float64' }));
  const g64 = gradsOf(f, inputs64, w);
  const inputs32 = inputs64.map((x) => x.detach().float().requiresGrad_());
  const g32 = gradsOf(f, inputs32, w);
  noGrad(() =>
    g64.forEach((g, i) => {
      const scale = g.abs().amax().item() as number;
      const err = g32[i]!.sub(g).abs().amax().item() as number;
      expect(
        err,
        `input ${i}: max error ${err} against a largest entry ${scale}`,
      ).toBeLessThanOrEqual(1e-4 * scale + 1e-7);
      expect(scale).toBeGreaterThan(0);
    }),
  );
}

const mask = () =>
  tensor([
    [true, false, true, true],
    [false, true, true, false],
    [true, true, false, true],
  ]);

describeBackends('float32 gradients match float64', (it) => {
  it('layerNorm and rmsNorm over 64-wide rows', () => {
    manualSeed(101);
    const [x, w, b] = [leaf(8, 64), leaf(64), leaf(64)];
    expectFloat32Matches((x, w, b) => layerNorm(x, 64, w, b), [x, w, b]);
    expectFloat32Matches((x, w) => rmsNorm(x, 64, w, 1e-5), [x, w]);
  });
  it('embedding with repeated ids, indexSelect, gather, scatterAdd', () => {
    manualSeed(102);
    const ids = tensor([
      [5, 1, 5, 5],
      [0, 1, 5, 2],
    ]);
    expectFloat32Matches((w) => embedding(ids, w), [leaf(6, 33)]);
    expectFloat32Matches((x) => indexSelect(x, 1, tensor([3, 0, 3, 3])), [leaf(3, 4)]);
    expectFloat32Matches((x) => gather(x, 0, tensor([[2, 0, 2, 2]])), [leaf(3, 4)]);
    expectFloat32Matches(
      (x, s) =>
        scatterAdd(
          x,
          1,
          tensor([
            [1, 1],
            [0, 3],
            [2, 2],
          ]),
          s,
        ),
      [leaf(3, 4), leaf(3, 2)],
    );
  });
  it('cat, stack, split, where, maskedFill, tril', () => {
    manualSeed(103);
    const [a, b] = [leaf(3, 4), leaf(3, 4)];
    expectFloat32Matches((a, b) => cat([a, b.split(2, 1)[1]!], 1), [a, b]);
    expectFloat32Matches((a, b) => stack([a, b], 2).flip(0).roll(1, 1), [a, b]);
    expectFloat32Matches((a, b) => where(mask(), a, b).tril(), [a, b]);
    expectFloat32Matches((a) => maskedFill(a, mask(), -Infinity).softmax(1), [a]);
  });
  it('causal attention and attention with a float mask', () => {
    manualSeed(104);
    const [q, k, v] = [leaf(2, 2, 16, 8), leaf(2, 2, 16, 8), leaf(2, 2, 16, 8)];
    expectFloat32Matches(
      (q, k, v) => scaledDotProductAttention(q, k, v, { isCausal: true }),
      [q, k, v],
    );
    expectFloat32Matches(
      (q, k, v, m) => scaledDotProductAttention(q, k, v, { mask: m }),
      [q, k, v, leaf(16, 16)],
    );
  });
  it('einsum, cumsum, cumprod, sort', () => {
    manualSeed(105);
    expectFloat32Matches((a, b) => einsum('bij,bjk->bik', a, b), [leaf(2, 3, 5), leaf(2, 5, 4)]);
    expectFloat32Matches((a) => einsum('ii->i', a).cumsum(0), [leaf(5, 5)]);
    expectFloat32Matches((a) => cumprod(a.tanh().add(1), 1), [leaf(4, 6)]);
    expectFloat32Matches((a) => a.sort(1, true).values.narrow(1, 0, 3), [leaf(4, 6)]);
  });
});
