/**
 * Derivatives of `layerNorm` and `rmsNorm`, as closed forms over the normalized rows (the
 * row statistics are recomputed from the saved input, not differentiated through a
 * mean/var chain): with `x̂` the normalized input, `r` the reciprocal std (or RMS) and
 * `d = g·weight`, `∂x = r·(d − mean(d) − x̂·mean(d·x̂))` (layer) or `r·(d − x̂·mean(d·x̂))`
 * (rms), `∂weight = Σ g·x̂` and `∂bias = Σ g` over the leading dims.
 */
import { isFloat } from '../../dtype.js';
import type { Tensor } from '../../tensor.js';
import type { BackwardContext, Derivative } from '../graph.js';

interface NormArgs {
  /** How many trailing dims are normalized. */
  readonly k: number;
  readonly eps: number;
}

/** `t` summed over every dim but the trailing `k`, to the normalized shape. */
function sumLeading(t: Tensor, k: number): Tensor {
  const trailing = t.shape.slice(t.ndim - k) as number[];
  return t.reshape([-1, ...trailing]).sum(0);
}

function normGrads(g: Tensor, c: BackwardContext, kind: 'layer' | 'rms'): (Tensor | null)[] {
  const input = c.inputs[0] as Tensor;
  const weight = (c.inputs[1] as Tensor | null) ?? null;
  const { k, eps } = c.args as unknown as NormArgs;
  const x = isFloat(input.dtype) ? input : input.to(g.dtype);
  const dims = Array.from({ length: k }, (_, i) => x.ndim - k + i);
  const centered = kind === 'layer' ? x.sub(x.mean(dims, true)) : x;
  const r = centered.square().mean(dims, true).add(eps).sqrt().reciprocal();
  const xhat = centered.mul(r);
  const needs = c.needsGrad;
  let gx: Tensor | null = null;
  if (needs[0]) {
    const d = weight ? g.mul(weight) : g;
    let inner = d.sub(xhat.mul(d.mul(xhat).mean(dims, true)));
    if (kind === 'layer') inner = inner.sub(d.mean(dims, true));
    gx = inner.mul(r);
  }
  return [gx, needs[1] ? sumLeading(g.mul(xhat), k) : null, needs[2] ? sumLeading(g, k) : null];
}

export const normalizationDerivatives: Record<string, Derivative> = {
  layerNorm: { saveInputs: [0, 1], backward: (g, c) => normGrads(g, c, 'layer') },
  rmsNorm: { saveInputs: [0, 1], backward: (g, c) => normGrads(g, c, 'rms') },
};
