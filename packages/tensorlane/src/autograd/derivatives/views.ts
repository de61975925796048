/** Derivatives of the view ops and copies: the gradient is laid back out in the input's shape. */
import { zeros } from '../../creation.js';
import type { IndexItem } from '../../indexing.js';
import { where } from '../../ops/selection.js';
import type { Tensor } from '../../tensor.js';
import type { BackwardContext, Derivative } from '../graph.js';
import { sumToShape } from './sum-to-shape.js';

const inputShape = (c: BackwardContext) => c.inputShapes[0]!;
const reshapeBack: Derivative = {
  saveInputs: false,
  backward: (g, c) => [g.reshape(inputShape(c))],
};
const identity: Derivative = { saveInputs: false, backward: (g) => [g] };

/** Every view/copy derivative, by op name. */
export const viewDerivatives: Record<string, Derivative> = {
  view: reshapeBack,
  reshape: reshapeBack,
  unsqueeze: reshapeBack,
  squeeze: reshapeBack,
  contiguous: identity,
  clone: identity,
  expand: { saveInputs: false, backward: (g, c) => [sumToShape(g, inputShape(c))] },
  permute: {
    saveInputs: false,
    backward: (g, c) => {
      const dims = c.args.dims as number[];
      const inverse = new Array<number>(dims.length);
      dims.forEach((d, i) => {
        inverse[d] = i;
      });
      return [g.permute(inverse)];
    },
  },
  narrow: {
    saveInputs: false,
    backward: (g, c) => {
      const { dim, start } = c.args as { dim: number; start: number };
      return [placedIn(g, inputShape(c), (z) => z.narrow(dim, start, g.shape[dim]!))];
    },
  },
  to: {
    saveInputs: false,
    backward: (g, c) => [g.to(c.args.inputDtype as Tensor['dtype'])],
  },
};

/** A zero tensor of `shape` with `g` written into the part `region` selects. */
export function placedIn(
  g: Tensor,
  shape: readonly number[],
  region: (z: Tensor) => Tensor,
): Tensor {
  const z = zeros([...shape], { dtype: g.dtype });
  const part = region(z);
  part.copy_(g);
  part.dispose();
  return z;
}

/** `t.get(...)`: the gradient written back through the same index; repeated indices add up. */
export const indexingDerivatives: Record<string, Derivative> = {
  get: {
    saveInputs: false,
    backward: (g, c) => {
      const { items, index, advancedDim } = c.args as {
        items: IndexItem[];
        index: Tensor | null;
        advancedDim: number;
      };
      const shape = inputShape(c);
      if (!index) return [placedIn(g, shape, (z) => z.get(...items))];
      const z = zeros([...shape], { dtype: g.dtype });
      const part = z.get(...items);
      const d = advancedDim;
      const size = part.shape[d]!;
      const n = index.numel();
      const lead = part.shape.slice(0, d);
      const rest = part.shape.slice(d + 1);
      const g2 = g.reshape([...lead, n, ...rest]);
      const flat = index.reshape([n]);
      const wrapped = where(flat.lt(0), flat.add(size), flat);
      const idx = wrapped
        .reshape([...lead.map(() => 1), n, ...rest.map(() => 1)])
        .expand([...g2.shape])
        .contiguous();
      part.scatterAdd_(d, idx, g2);
      part.dispose();
      return [z];
    },
  },
};
