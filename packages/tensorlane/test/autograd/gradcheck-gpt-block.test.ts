/**
 * The families together as a GPT block uses them: token and position embeddings, layerNorm,
 * a fused qkv projection split into heads, causal attention, heads joined back, a gelu MLP,
 * residuals, a final rmsNorm and a tied head into crossEntropy. The loss's gradient with
 * respect to every parameter against float64 finite differences.
 */
import { expect } from 'vitest';
import {
  crossEntropy,
  dropout,
  embedding,
  layerNorm,
  linear,
  manualSeed,
  rmsNorm,
  scaledDotProductAttention,
  type Tensor,
  tensor,
} from '../../src/index.js';
import { gradcheck } from '../../src/testing/index.js';
import { describeBackends } from '../backend-cases.js';
import { leaf } from './grad-leaves.js';

const [V, T, C, H] = [7, 4, 6, 2];

/** The block's loss; `params` in the order wte, wpe, lnW, lnB, wQkv, wProj, wUp, wDown, normW. */
function block(ids: Tensor, targets: Tensor, params: readonly Tensor[]): Tensor {
  const [wte, wpe, lnW, lnB, wQkv, wProj, wUp, wDown, normW] = params as Tensor[] as [
    Tensor,
    Tensor,
    Tensor,
    Tensor,
    Tensor,
    Tensor,
    Tensor,
    Tensor,
    Tensor,
  ];
  const [B] = ids.shape as [number];
  const x0 = embedding(ids, wte).add(wpe);
  const heads = (t: Tensor) => t.view(B, T, H, C / H).transpose(1, 2);
  const [q, k, v] = linear(layerNorm(x0, C, lnW, lnB), wQkv)
    .split(C, -1)
    .map(heads) as [Tensor, Tensor, Tensor];
  const attn = scaledDotProductAttention(q, k, v, { isCausal: true });
  const x1 = x0.add(linear(attn.transpose(1, 2).contiguous().view(B, T, C), wProj));
  const x2 = x1.add(linear(dropout(linear(x1, wUp).gelu(), 0, true), wDown));
  const logits = linear(rmsNorm(x2, C, normW, 1e-5), wte);
  return crossEntropy(logits.view(B * T, V), targets);
}

describeBackends('gradcheck: a GPT block end to end', (it) => {
  it('every parameter of embedding → layerNorm → causal attention → MLP → tied head', () => {
    manualSeed(91);
    const ids = tensor([
      [1, 3, 3, 0],
      [6, 1, 2, 1],
    ]);
    const targets = tensor([3, 3, 0, 5, 1, 2, 1, 4]);
    const params = [
      leaf(V, C).mul(0.5),
      leaf(T, C).mul(0.5),
      leaf(C),
      leaf(C),
      leaf(3 * C, C).mul(0.4),
      leaf(C, C).mul(0.4),
      leaf(2 * C, C).mul(0.4),
      leaf(C, 2 * C).mul(0.4),
      leaf(C),
    ].map((p) => p.detach().requiresGrad_());
    expect(gradcheck((...ps) => block(ids, targets, ps), params)).toBe(true);
  });
});
