/** Undoing broadcasting in a gradient: summing it back to the shape of the input it came from. */
import { sum } from '../../ops/reduce.js';
import type { Tensor } from '../../tensor.js';

/**
 * `g` summed over the dims that broadcasting added or stretched, so it has `shape`: leading
 * dims `g` has beyond `shape`, and dims where `shape` has 1 and `g` more.
 */
export function sumToShape(g: Tensor, shape: readonly number[]): Tensor {
  const lead = g.ndim - shape.length;
  const axes: number[] = [];
  for (let d = 0; d < g.ndim; d++)
    if (d < lead || (shape[d - lead] === 1 && g.shape[d] !== 1)) axes.push(d);
  if (axes.length === 0) return g;
  const s = sum(g, axes, true);
  return lead === 0 ? s : s.reshape(shape);
}
