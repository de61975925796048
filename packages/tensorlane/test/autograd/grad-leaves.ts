/** Float64 leaves for gradcheck tests: random values kept away from the kinks of abs/relu/max. */
import { randn, type Tensor, tensor } from '../../src/index.js';

/** A float64 leaf of `shape` that requires grad, with no value near 0 and no ties. */
export function leaf(...shape: number[]): Tensor {
  const t = randn(shape, { dtype: 'float64' });
  const d = t.data() as Float64Array;
  for (let i = 0; i < d.length; i++) d[i] = d[i]! + Math.sign(d[i]!) * 0.1 + (i % 7) * 1e-3;
  return tensor(d, { shape, dtype: 'float64', requiresGrad: true });
}

/** A float64 leaf of `shape` with values ≥ 0.5. */
export function positive(...shape: number[]): Tensor {
  const t = leaf(...shape);
  return tensor(t.abs().add(0.5).data() as Float64Array, {
    shape,
    dtype: 'float64',
    requiresGrad: true,
  });
}
