/**
 * Derivatives of combining and splitting (`cat`, `stack`, `select`; `split`/`chunk`/`unbind`
 * record their pieces as `narrow`/`select` views) and of the reordering copies (`flip`,
 * `roll`, `repeat`/`tile`): the gradient is cut, moved or summed back the same way.
 */
import { emptyTensor } from '../../tensor.js';
import type { BackwardContext, Derivative } from '../graph.js';
import { placedIn } from './views.js';

/** The forward's dim, normalised against a rank of `ndim`. */
const dimIn = (c: BackwardContext, ndim: number) => {
  const d = c.args.dim as number;
  return d < 0 ? d + ndim : d;
};

export const combineDerivatives: Record<string, Derivative> = {
  cat: {
    saveInputs: false,
    backward: (g, c) => {
      const d = dimIn(c, g.ndim);
      let start = 0;
      return c.inputShapes.map((shape, i) => {
        // torch's legacy rule: a 1-D empty input was skipped, whatever the others' rank.
        if (shape!.length === 1 && shape![0] === 0 && g.ndim !== 1)
          return c.needsGrad[i] ? emptyTensor([0], g.dtype, g.backend) : null;
        const size = shape![d]!;
        const piece = c.needsGrad[i] ? g.narrow(d, start, size) : null;
        start += size;
        return piece;
      });
    },
  },
  stack: {
    saveInputs: false,
    backward: (g, c) => {
      const d = dimIn(c, g.ndim);
      return c.needsGrad.map((need, i) => (need ? g.select(d, i) : null));
    },
  },
  select: {
    saveInputs: false,
    backward: (g, c) => {
      const { dim, index } = c.args as { dim: number; index: number };
      return [placedIn(g, c.inputShapes[0]!, (z) => z.select(dim, index))];
    },
  },
  flip: { saveInputs: false, backward: (g, c) => [g.flip(c.args.dims as number[])] },
  roll: {
    saveInputs: false,
    backward: (g, c) => {
      const { shifts, dims } = c.args as { shifts: number[]; dims: number[] | null };
      const back = shifts.map((s) => -s);
      return [dims ? g.roll(back, dims) : g.roll(back[0]!)];
    },
  },
  repeat: {
    saveInputs: false,
    backward: (g, c) => {
      // g viewed as [r0, s0, r1, s1, …] and summed over the repeat dims.
      const { reps } = c.args as { reps: number[] };
      const shape = c.inputShapes[0]!;
      const inShape = [...new Array<number>(reps.length - shape.length).fill(1), ...shape];
      const pairs = inShape.flatMap((s, i) => [reps[i]!, s]);
      const summed = g.reshape(pairs).sum(reps.map((_, i) => 2 * i));
      return [summed.reshape([...shape])];
    },
  },
};
