/**
 * Derivatives of the index ops: what a gather reads is scattered back (summing repeated
 * indices with the backend's `scatter('add')` kernel), and what a scatter writes is
 * gathered back for its source and masked out of the tensor it overwrote.
 */
import type { View } from '../../backend/backend.js';
import { asTensor, disposeAll } from '../../ops/operands.js';
import { emptyTensor, type Tensor } from '../../tensor.js';
import type { BackwardContext, Derivative } from '../graph.js';
import { placedIn } from './views.js';

/**
 * A zero tensor of `shape` with `g` added back along `d` at the rows `index` (any shape,
 * flattened) names: the inverse of `selectAlong`, where `g` has `shape` with dim `d`
 * replaced by the index's dims. One scatter-add kernel call, the index read at stride 0
 * over every other dim (no expanded index is materialised); repeated rows add up.
 */
export function addAlong(shape: readonly number[], d: number, index: Tensor, g: Tensor): Tensor {
  const out = emptyTensor(shape, g.dtype, g.backend);
  const n = index.numel();
  if (n === 0 || out.numel() === 0) return out;
  const gathered = [...shape.slice(0, d), n, ...shape.slice(d + 1)];
  const temps: Tensor[] = [];
  try {
    const flat = index.reshape(-1);
    temps.push(flat);
    const iv = asTensor(flat, 'int32', g.backend, temps).backendView;
    const src = g.reshape(gathered);
    temps.push(src);
    const indexView: View = {
      ...iv,
      shape: gathered,
      strides: gathered.map((_, k) => (k === d ? iv.strides[0]! : 0)),
    };
    g.backend.scatter('add', out.backendView, d, indexView, src.backendView);
    return out;
  } finally {
    disposeAll(temps);
  }
}

const dimOf = (c: BackwardContext) => c.args.dim as number;
const indexAt = (c: BackwardContext, i: number) => c.inputs[i] as Tensor;

/** The gradient of a scatter's `src`: `g` read at the index's positions, in src's shape. */
function sourceGrad(g: Tensor, c: BackwardContext): Tensor | null {
  const srcShape = c.inputShapes[2];
  if (!c.needsGrad[2] || !srcShape) return null;
  const index = indexAt(c, 1);
  const picked = g.gather(dimOf(c), index);
  if (srcShape.every((s, k) => s === (index.shape[k] ?? 1))) return picked.reshape([...srcShape]);
  // src may be larger than index: only its index-shaped corner was read.
  return placedIn(picked, srcShape, (z) => index.shape.reduce((v, s, k) => v.narrow(k, 0, s), z));
}

export const gatherScatterDerivatives: Record<string, Derivative> = {
  embedding: {
    saveInputs: [0],
    backward: (g, c) => [null, addAlong(c.inputShapes[1]!, 0, indexAt(c, 0), g)],
  },
  indexSelect: {
    saveInputs: [1],
    backward: (g, c) => {
      const shape = c.inputShapes[0]!;
      if (shape.length === 0) return [g.reshape([])];
      return [addAlong(shape, dimOf(c), indexAt(c, 1), g), null];
    },
  },
  gather: {
    saveInputs: [1],
    backward: (g, c) => {
      const z = emptyTensor(c.inputShapes[0]!, g.dtype, g.backend);
      return [z.scatterAdd_(dimOf(c), indexAt(c, 1), g), null];
    },
  },
  scatter: {
    saveInputs: [1],
    backward: (g, c) => [
      c.needsGrad[0] ? g.scatter(dimOf(c), indexAt(c, 1), 0) : null,
      null,
      sourceGrad(g, c),
    ],
  },
  scatterAdd: {
    saveInputs: [1],
    backward: (g, c) => [c.needsGrad[0] ? g : null, null, sourceGrad(g, c)],
  },
};
