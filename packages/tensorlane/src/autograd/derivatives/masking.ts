/**
 * Derivatives of the masking ops: `where` sends the gradient to the branch each element
 * came from (the condition has none), `maskedFill` zeroes it where the fill value went (the
 * fill value, if a tensor, gets the sum there), `tril`/`triu` keep the same triangle.
 */
import { where } from '../../ops/selection.js';
import type { Tensor } from '../../tensor.js';
import type { Derivative } from '../graph.js';
import { sumToShape } from './sum-to-shape.js';

export const maskingDerivatives: Record<string, Derivative> = {
  where: {
    saveInputs: [0],
    backward: (g, c) => {
      const cond = c.inputs[0] as Tensor;
      return [
        null,
        c.needsGrad[1] ? sumToShape(where(cond, g, 0), c.inputShapes[1]!) : null,
        c.needsGrad[2] ? sumToShape(where(cond, 0, g), c.inputShapes[2]!) : null,
      ];
    },
  },
  maskedFill: {
    saveInputs: [1],
    backward: (g, c) => {
      const mask = c.inputs[1] as Tensor;
      return [
        c.needsGrad[0] ? sumToShape(where(mask, 0, g), c.inputShapes[0]!) : null,
        null,
        c.needsGrad[2] ? where(mask, g, 0).sum() : null,
      ];
    },
  },
  tril: { saveInputs: false, backward: (g, c) => [g.tril(c.args.diagonal as number)] },
  triu: { saveInputs: false, backward: (g, c) => [g.triu(c.args.diagonal as number)] },
};
