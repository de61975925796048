/**
 * nn.utils.clipGradNorm_ / clipGradValue_ against torch.nn.utils (fixtures/clip-grad-cases.json,
 * written by gen_clip_grad.py with torch 1.13): the same gradients, the returned total norm
 * and the clipped gradients; parameters without a gradient are skipped; typed errors.
 */
import { expect } from 'vitest';
import { fromFlat } from '../src/creation.js';
import { ArgumentError, memory, nn, type Tensor, tensor, zeros } from '../src/index.js';
import { describeBackends } from './backend-cases.js';
import fixture from './fixtures/clip-grad-cases.json' with { type: 'json' };

/** Float32 norms and products: a few ulps of the largest value. */
const TOL = 1e-6;

describeBackends('nn.utils gradient clipping vs torch 1.13', (it) => {
  for (const c of fixture.cases)
    it(`${c.kind} ${c.arg}${c.normType ? ` (norm ${c.normType})` : ''}`, () => {
      const before = memory().tensors;
      const params = c.shapes.map((s, i) => {
        const p = zeros(...s).requiresGrad_();
        const g = c.grads[i];
        if (g) p.grad = fromFlat(g, s, 'float32');
        return p;
      });
      const normType = c.normType === 'inf' ? Infinity : (c.normType as number);
      if (c.kind === 'norm') {
        const total = nn.utils.clipGradNorm_(params, c.arg, normType);
        expect(total.shape).toEqual([]);
        expect(Math.abs((total.item() as number) - c.total!)).toBeLessThanOrEqual(TOL * c.total!);
        total.dispose();
      } else nn.utils.clipGradValue_(params, c.arg);
      params.forEach((p, i) => {
        const want = c.after[i];
        if (want === null) {
          expect(p.grad).toBe(null);
          return;
        }
        const got = [p.grad!.toArray()].flat(3) as number[];
        got.forEach((x, j) => {
          expect(Math.abs(x - want[j]!)).toBeLessThanOrEqual(TOL * Math.max(1, Math.abs(want[j]!)));
        });
      });
      // Gradients assigned by the caller stay the caller's to free.
      for (const p of params) {
        p.grad?.dispose();
        p.grad = null;
        p.dispose();
      }
      expect(memory().tensors).toBe(before);
    });

  it('no gradients give a zero norm; bad arguments are typed errors that change nothing', () => {
    const p = zeros(3).requiresGrad_();
    const none = nn.utils.clipGradNorm_([p], 1);
    expect(none.item()).toBe(0);
    none.dispose();
    p.grad = tensor([3, 4, Number.NaN], { dtype: 'float32' });
    const bad: [() => unknown, RegExp][] = [
      [() => nn.utils.clipGradNorm_([p], 1, 3), /normType must be 1, 2 or Infinity, got 3/],
      [
        () => nn.utils.clipGradNorm_(5 as never, 1),
        /parameters must be an iterable of Tensors \(or one Tensor\)/,
      ],
      [() => nn.utils.clipGradNorm_([p, 'w'] as never, 1), /parameters\[1\] must be a Tensor/],
      [() => nn.utils.clipGradNorm_([p], '1' as never), /maxNorm must be a number/],
      [
        () => nn.utils.clipGradNorm_([p], 1, 2, { errorIfNonfinite: true }),
        /total norm of order 2 .* is NaN/,
      ],
      [() => nn.utils.clipGradValue_([p], Number.POSITIVE_INFINITY), /clipValue must be a finite/],
    ];
    const tensors = memory().tensors;
    for (const [call, message] of bad) {
      expect(call).toThrow(ArgumentError);
      expect(call).toThrow(message);
    }
    expect(memory().tensors).toBe(tensors);
    expect((p.grad as Tensor).toArray()).toEqual([3, 4, Number.NaN]);
    p.grad?.dispose();
    p.grad = null;
    p.dispose();
  });
});
