/**
 * Every derivative of the core families (elementwise, views, reductions, products, softmax,
 * losses) against float64 finite differences, on both backends.
 */
import { expect } from 'vitest';
import {
  crossEntropy,
  type IndexItem,
  linear,
  manualSeed,
  mseLoss,
  nllLoss,
  randn,
  slice,
  type Tensor,
  tensor,
} from '../../src/index.js';
import { gradcheck } from '../../src/testing/index.js';
import { describeBackends } from '../backend-cases.js';
import { leaf, positive } from './grad-leaves.js';

describeBackends('gradcheck: elementwise', (it) => {
  for (const op of ['add', 'sub', 'mul', 'div', 'maximum', 'minimum'] as const)
    it(`${op} with broadcasting and scalars`, () => {
      manualSeed(1);
      expect(gradcheck((a, b) => a[op](b), [leaf(3, 1, 4), positive(2, 1)])).toBe(true);
      expect(gradcheck((a) => a[op](1.5), [positive(2, 3)])).toBe(true);
    });
  it('pow: tensor base and exponent, scalar exponent', () => {
    manualSeed(2);
    expect(gradcheck((a, b) => a.pow(b), [positive(3, 2), leaf(2)])).toBe(true);
    expect(gradcheck((a) => a.pow(3), [leaf(5)])).toBe(true);
    expect(gradcheck((a) => a.pow(0.5), [positive(5)])).toBe(true);
  });
  const unary = [
    'neg',
    'abs',
    'exp',
    'sin',
    'cos',
    'tanh',
    'sigmoid',
    'relu',
    'square',
    'erf',
    'silu',
  ] as const;
  for (const op of unary)
    it(op, () => {
      manualSeed(3);
      expect(gradcheck((a) => a[op](), [leaf(2, 5)])).toBe(true);
    });
  for (const op of ['sqrt', 'log', 'reciprocal', 'log1p', 'expm1'] as const)
    it(`${op} (positive input)`, () => {
      manualSeed(4);
      expect(gradcheck((a) => a[op](), [positive(7)])).toBe(true);
    });
  it('gelu (both forms), leakyRelu, softplus, clamp', () => {
    manualSeed(5);
    const x = leaf(9);
    expect(gradcheck((a) => a.gelu(), [x])).toBe(true);
    expect(gradcheck((a) => a.gelu('tanh'), [x])).toBe(true);
    expect(gradcheck((a) => a.leakyRelu(0.2), [x])).toBe(true);
    expect(gradcheck((a) => a.softplus(2, 1), [x])).toBe(true);
    expect(gradcheck((a) => a.clamp(-0.5, 0.7), [x])).toBe(true);
  });
});

describeBackends('gradcheck: views', (it) => {
  it('view, reshape, permute, transpose, expand, narrow, squeeze, unsqueeze, flatten, T', () => {
    manualSeed(6);
    const x = leaf(2, 3, 4);
    const w = leaf(4, 3, 2);
    const fns: ((a: Tensor) => Tensor)[] = [
      (a) => a.view(6, 4),
      (a) => a.permute(2, 0, 1).reshape(4, 6),
      (a) => a.transpose(0, 2).contiguous(),
      (a) => a.narrow(2, 1, 2),
      (a) => a.get(0).unsqueeze(0).expand(5, 3, 4),
      (a) => a.narrow(1, 0, 1).squeeze(1).flatten(),
      (a) => a.get(1).T.clone(),
    ];
    // Weighted sums, so a wrong permutation of the gradient shows.
    for (const f of fns) {
      const weights = randn(f(x).shape, { dtype: 'float64' });
      expect(gradcheck((a) => f(a).mul(weights).sum(), [x])).toBe(true);
    }
    expect(gradcheck((a, b) => a.permute(2, 1, 0).mul(b), [x, w])).toBe(true);
  });
});

describeBackends('gradcheck: reductions', (it) => {
  it('sum, mean, prod over dims and all', () => {
    manualSeed(7);
    const x = leaf(3, 4);
    expect(gradcheck((a) => a.sum(), [x])).toBe(true);
    expect(gradcheck((a) => a.sum(0), [x])).toBe(true);
    expect(gradcheck((a) => a.mean([0, 1], true), [x])).toBe(true);
    expect(gradcheck((a) => a.mean(-1), [x])).toBe(true);
    expect(gradcheck((a) => a.prod(1), [x])).toBe(true);
  });
  it('prod with zeros', () => {
    const x = tensor(
      [
        [0, 2, 3],
        [0, 0, 4],
        [1, 2, 5],
      ],
      { dtype: 'float64', requiresGrad: true },
    );
    expect(gradcheck((a) => a.prod(1), [x])).toBe(true);
    x.prod(1).sum().backward();
    expect(x.grad!.toArray()).toEqual([
      [6, 0, 0],
      [0, 0, 0],
      [10, 5, 2],
    ]);
  });
  it('max/min (values and indices), amax/amin, with ties split', () => {
    manualSeed(8);
    const x = leaf(3, 5);
    expect(gradcheck((a) => a.max(1).values, [x])).toBe(true);
    expect(gradcheck((a) => a.min(0, true).values, [x])).toBe(true);
    expect(gradcheck((a) => a.amax(1), [x])).toBe(true);
    expect(gradcheck((a) => a.max(), [x])).toBe(true);
    const t = tensor([1, 3, 3], { dtype: 'float32', requiresGrad: true });
    t.amax().backward();
    expect(t.grad!.toArray()).toEqual([0, 0.5, 0.5]);
  });
  it('var, std, norm (fro, 1, inf), logsumexp', () => {
    manualSeed(9);
    const x = leaf(4, 3);
    expect(gradcheck((a) => a.var(0), [x])).toBe(true);
    expect(gradcheck((a) => a.var(1, true, { correction: 0 }), [x])).toBe(true);
    expect(gradcheck((a) => a.std(), [x])).toBe(true);
    expect(gradcheck((a) => a.norm(), [x])).toBe(true);
    expect(gradcheck((a) => a.norm(1, 1), [x])).toBe(true);
    expect(gradcheck((a) => a.norm(Infinity, 0), [x])).toBe(true);
    expect(gradcheck((a) => a.logsumexp(1), [x])).toBe(true);
  });
});

describeBackends('gradcheck: products', (it) => {
  it('matmul in every form (1-D, 2-D, broadcast batches), mm, bmm, mv, dot, outer', () => {
    manualSeed(10);
    expect(gradcheck((a, b) => a.matmul(b), [leaf(3, 4), leaf(4, 2)])).toBe(true);
    expect(gradcheck((a, b) => a.matmul(b), [leaf(4), leaf(2, 4, 3)])).toBe(true);
    expect(gradcheck((a, b) => a.matmul(b), [leaf(2, 1, 3, 4), leaf(4, 3)])).toBe(true);
    expect(gradcheck((a, b) => a.matmul(b), [leaf(2, 3, 4), leaf(4)])).toBe(true);
    expect(gradcheck((a, b) => a.matmul(b), [leaf(4), leaf(4)])).toBe(true);
    expect(gradcheck((a, b) => a.bmm(b), [leaf(2, 3, 4), leaf(2, 4, 2)])).toBe(true);
    expect(gradcheck((a, b) => a.mv(b), [leaf(3, 4), leaf(4)])).toBe(true);
    expect(gradcheck((a, b) => a.dot(b), [leaf(4), leaf(4)])).toBe(true);
    expect(gradcheck((a, b) => a.outer(b), [leaf(3), leaf(2)])).toBe(true);
    expect(gradcheck((a, b) => a.mm(b.T), [leaf(3, 4), leaf(2, 4)])).toBe(true);
  });
  it('addmm, baddbmm with alpha and beta; linear with and without bias', () => {
    manualSeed(11);
    expect(
      gradcheck(
        (c, a, b) => c.addmm(a, b, { alpha: 0.5, beta: 2 }),
        [leaf(2), leaf(3, 4), leaf(4, 2)],
      ),
    ).toBe(true);
    expect(
      gradcheck(
        (c, a, b) => c.baddbmm(a, b, { alpha: -1, beta: 0.5 }),
        [leaf(1, 3, 2), leaf(2, 3, 4), leaf(2, 4, 2)],
      ),
    ).toBe(true);
    expect(gradcheck((x, w, b) => linear(x, w, b), [leaf(2, 3, 4), leaf(5, 4), leaf(5)])).toBe(
      true,
    );
    expect(gradcheck((x, w) => linear(x, w), [leaf(3, 4), leaf(2, 4)])).toBe(true);
  });
});

describeBackends('gradcheck: softmax and losses', (it) => {
  it('softmax and logSoftmax on every dim', () => {
    manualSeed(12);
    const x = leaf(2, 3, 4);
    for (const dim of [0, 1, 2, -1]) {
      const w = randn(2, 3, 4, { dtype: 'float64' });
      expect(gradcheck((a) => a.softmax(dim).mul(w).sum(), [x])).toBe(true);
      expect(gradcheck((a) => a.logSoftmax(dim).mul(w).sum(), [x])).toBe(true);
    }
  });
  it('crossEntropy with class indices: reductions, ignoreIndex, label smoothing, [N, C, d] input', () => {
    manualSeed(13);
    const t = tensor([0, 2, -100, 1]);
    for (const reduction of ['mean', 'sum', 'none'] as const)
      expect(gradcheck((x) => crossEntropy(x, t, { reduction }), [leaf(4, 3)])).toBe(true);
    expect(gradcheck((x) => crossEntropy(x, t, { labelSmoothing: 0.2 }), [leaf(4, 3)])).toBe(true);
    expect(
      gradcheck(
        (x) =>
          crossEntropy(
            x,
            tensor([
              [0, 1],
              [2, 2],
            ]),
          ),
        [leaf(2, 3, 2)],
      ),
    ).toBe(true);
    expect(gradcheck((x) => crossEntropy(x, tensor(1)), [leaf(3)])).toBe(true);
  });
  it('crossEntropy with probability targets, nllLoss, mseLoss', () => {
    manualSeed(14);
    const p = randn(3, 4, { dtype: 'float64' }).softmax(1);
    expect(gradcheck((x) => crossEntropy(x, p), [leaf(3, 4)])).toBe(true);
    expect(gradcheck((x) => nllLoss(x.logSoftmax(1), tensor([3, 0, -100])), [leaf(3, 4)])).toBe(
      true,
    );
    expect(gradcheck((x, y) => mseLoss(x, y), [leaf(3, 4), leaf(4)])).toBe(true);
  });
});

describeBackends('gradcheck: indexing', (it) => {
  it('get with ints, slices, None, ellipsis, and an index array or tensor with repeats', () => {
    manualSeed(15);
    const x = leaf(3, 4, 2);
    const items: IndexItem[][] = [
      [1],
      [slice(0, 3, 2), null, '...', 1],
      [':', [0, 2, 2, -1]],
      [
        tensor([
          [0, 1],
          [1, 1],
        ]),
        ':',
        0,
      ],
    ];
    for (const it of items) {
      const weights = randn(x.get(...it).shape, { dtype: 'float64' });
      expect(
        gradcheck(
          (a) =>
            a
              .get(...it)
              .mul(weights)
              .sum(),
          [x],
        ),
      ).toBe(true);
    }
  });
});
