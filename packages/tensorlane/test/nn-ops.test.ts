/**
 * layerNorm, rmsNorm, linear, addmm, baddbmm, crossEntropy, nllLoss and mseLoss against
 * torch (fixtures/nn-ops-cases.json, written by fixtures/gen_nn_ops.py) on both backends,
 * on contiguous and non-contiguous inputs, plus the typed errors of bad arguments.
 */
import { expect } from 'vitest';
import { fromFlat } from '../src/creation.js';
import {
  ArgumentError,
  addmm,
  baddbmm,
  crossEntropy,
  DtypeError,
  IndexError,
  layerNorm,
  linear,
  memory,
  mseLoss,
  nllLoss,
  rmsNorm,
  ShapeError,
  type Tensor,
  tensor,
  zeros,
} from '../src/index.js';
import { describeBackends } from './backend-cases.js';
import cases from './fixtures/nn-ops-cases.json';

const f32 = (values: (number | null)[], shape: number[]) =>
  fromFlat(
    values.map((v) => v ?? Number.NaN),
    shape,
    'float32',
  );

/** A copy of `t` laid out transposed in memory (same values, non-contiguous strides). */
function strided(t: Tensor): Tensor {
  if (t.ndim < 2) return t;
  return t
    .transpose(0, t.ndim - 1)
    .contiguous()
    .transpose(0, t.ndim - 1);
}

function expectNear(
  t: Tensor,
  want: (number | null)[],
  shape: number[],
  tol: number,
  what: string,
) {
  expect(t.shape, what).toEqual(shape);
  const got = Array.from(t.data());
  want.forEach((w, i) => {
    const g = got[i]!;
    if (w === null) expect(Number.isNaN(g), `${what} [${i}] = ${g}, want NaN`).toBe(true);
    else if (!(Math.abs(g - w) <= tol * (1 + Math.abs(w))))
      expect.fail(`${what} [${i}]: ${g} vs torch ${w}`);
  });
}

describeBackends('norms vs torch', (it) => {
  it('layerNorm matches F.layer_norm (contiguous and strided input, with/without weight and bias)', () => {
    for (const c of cases.layerNorm) {
      for (const layout of [(t: Tensor) => t, strided]) {
        const x = layout(f32(c.x, c.shape));
        const w = c.weight && f32(c.weight, c.normalizedShape);
        const b = c.bias && f32(c.bias, c.normalizedShape);
        // Inputs far from zero: an f32 mean carries its ulp over the spread.
        const tol = Math.abs(c.x[0]!) > 100 ? 3e-4 : 2e-5;
        expectNear(
          layerNorm(x, c.normalizedShape, w, b, c.eps),
          c.out,
          c.shape,
          tol,
          JSON.stringify(c.shape),
        );
      }
    }
  });

  it('rmsNorm matches torch 2.4 F.rms_norm (eps default: machine epsilon)', () => {
    for (const c of cases.rmsNorm) {
      for (const layout of [(t: Tensor) => t, strided]) {
        const x = layout(f32(c.x, c.shape));
        const w = c.weight && f32(c.weight, c.normalizedShape);
        const out =
          c.eps === null
            ? rmsNorm(x, c.normalizedShape, w)
            : rmsNorm(x, c.normalizedShape, w, c.eps);
        expectNear(out, c.out, c.shape, 2e-5, `${JSON.stringify(c.shape)} eps ${c.eps}`);
      }
    }
  });

  it('norms accept an int normalizedShape, float64 input, empty input', () => {
    const x = tensor([[1, 2, 3]], { dtype: 'float64' });
    const y = layerNorm(x, 3);
    expect(y.dtype).toBe('float64');
    expectNear(
      y,
      [-Math.sqrt(1.5), 0, Math.sqrt(1.5)].map((v) => v / Math.sqrt(1 + 1.5e-5)),
      [1, 3],
      1e-6,
      'f64',
    );
    expect(rmsNorm(zeros(0, 4), [4]).shape).toEqual([0, 4]);
  });
});

describeBackends('linear, addmm, baddbmm vs torch', (it) => {
  it('linear matches F.linear for 1-D, 2-D and 3-D input, weight read transposed', () => {
    for (const c of cases.linear) {
      const inF = c.xShape[c.xShape.length - 1]!;
      const x = f32(c.x, c.xShape);
      const w = f32(c.weight, [c.out_features, inF]);
      const b = c.bias && f32(c.bias, [c.out_features]);
      expectNear(linear(x, w, b), c.out, c.outShape, 1e-5, JSON.stringify(c.xShape));
      expectNear(linear(strided(x), strided(w), b), c.out, c.outShape, 1e-5, 'strided');
    }
    // No input features: the output is the bias (torch), an empty sum plus beta·bias.
    const bias = tensor([1, 2, 3], { dtype: 'float32' });
    expect(linear(zeros(2, 0), zeros(3, 0), bias).toArray()).toEqual([
      [1, 2, 3],
      [1, 2, 3],
    ]);
    expect(linear(zeros(0, 4), zeros(3, 4)).shape).toEqual([0, 3]);
  });

  it('addmm and baddbmm match torch, beta 0 ignoring NaN in input', () => {
    for (const c of cases.addmm) {
      const input = f32(c.input, c.inputShape);
      const out = addmm(input, f32(c.a, c.aShape), f32(c.b, c.bShape), {
        beta: c.beta,
        alpha: c.alpha,
      });
      expectNear(out, c.out, [c.aShape[0]!, c.bShape[1]!], 1e-5, JSON.stringify(c));
    }
    for (const c of cases.baddbmm) {
      const input = f32(c.input, c.inputShape);
      const a = f32(c.a, c.aShape);
      const out = input.baddbmm(a, f32(c.b, c.bShape), { beta: c.beta, alpha: c.alpha });
      expectNear(out, c.out, [c.aShape[0]!, c.aShape[1]!, c.bShape[2]!], 1e-5, 'baddbmm');
    }
    const nan = tensor([[Number.NaN, Number.POSITIVE_INFINITY]]);
    const m = tensor([[1.5, 2]]);
    expect(addmm(nan, m.T, m, { beta: 0 }).toArray()).toEqual([
      [2.25, 3],
      [3, 4],
    ]);
    expect(
      tensor([1, 2])
        .addmm(
          tensor([[1, 0]]),
          tensor([
            [3, 5],
            [4, 6],
          ]),
          { alpha: 2 },
        )
        .toArray(),
    ).toEqual([[7, 12]]);
  });
});

describeBackends('losses vs torch', (it) => {
  it('crossEntropy matches F.cross_entropy (reduction, ignoreIndex, labelSmoothing, [N, C, d], probabilities)', () => {
    for (const c of cases.crossEntropy) {
      const x = f32(c.x, c.shape);
      const t =
        'probabilities' in c
          ? f32(c.target, c.targetShape)
          : fromFlat(c.target as number[], c.targetShape, 'int32');
      const opts = {
        reduction: c.reduction as 'mean',
        ignoreIndex: c.ignoreIndex,
        labelSmoothing: c.labelSmoothing,
      };
      expectNear(
        crossEntropy(x, t, opts),
        c.out,
        c.outShape,
        2e-5,
        JSON.stringify(c.shape) + c.reduction,
      );
      expectNear(crossEntropy(strided(x), t, opts), c.out, c.outShape, 2e-5, 'strided');
    }
  });

  it('nllLoss matches F.nll_loss', () => {
    for (const c of cases.nllLoss) {
      const t = fromFlat(c.target, c.targetShape, 'int32');
      const out = nllLoss(f32(c.x, c.shape), t, {
        reduction: c.reduction as 'sum',
        ignoreIndex: c.ignoreIndex,
      });
      expectNear(out, c.out, c.outShape, 1e-6, JSON.stringify(c.shape) + c.reduction);
    }
  });

  it('mseLoss matches F.mse_loss, broadcasting target', () => {
    for (const c of cases.mseLoss) {
      const out = mseLoss(f32(c.a, c.aShape), f32(c.b, c.bShape), {
        reduction: c.reduction as 'none',
      });
      expectNear(out, c.out, c.outShape, 1e-6, c.reduction);
    }
  });

  it('crossEntropy on huge logits stays finite (max-subtracted)', () => {
    const x = tensor([[1e30, 0, -1e30]]);
    expect(crossEntropy(x, tensor([1])).item()).toBeCloseTo(1e30, -25);
    expect(crossEntropy(x, tensor([0])).item()).toBe(0);
  });
});

describeBackends('nn ops: typed errors before any allocation', (it) => {
  it('rejects bad shapes, dtypes, options and targets, and leaves memory as it was', () => {
    const x = zeros(2, 3);
    const t = tensor([0, 2]);
    const cases: [() => unknown, new (...a: never[]) => Error, string][] = [
      [
        () => layerNorm(x, [4]),
        ShapeError,
        'normalizedShape [4] does not match the trailing dims of input [2, 3]',
      ],
      [() => layerNorm(x, [2, 3, 1]), ShapeError, 'does not match'],
      [
        () => layerNorm(x, [3], zeros(4)),
        ShapeError,
        'weight has shape [4] but normalizedShape is [3]',
      ],
      [() => layerNorm(x, [3], null, zeros(3, 1)), ShapeError, 'bias has shape [3, 1]'],
      [() => layerNorm(x, [3], null, null, -1), ArgumentError, 'eps must be ≥ 0'],
      [() => layerNorm(x, 'x' as never), ArgumentError, 'normalizedShape must be'],
      [() => rmsNorm(x, [3], 'w' as never), ArgumentError, 'weight must be a Tensor'],
      [
        () => crossEntropy(x, tensor([0, 3])),
        IndexError,
        'target 3 at flat index 1 is out of range for 3 classes',
      ],
      [() => crossEntropy(x, tensor([-1, 0])), IndexError, 'target -1'],
      [
        () => crossEntropy(x, tensor([0.0, 1.5])),
        DtypeError,
        'class-index target must be int32, got float32',
      ],
      [() => crossEntropy(x, tensor([0, 1, 2])), ShapeError, 'needs target shape [2]'],
      [
        () => crossEntropy(x, t, { reduction: 'avg' as never }),
        ArgumentError,
        "reduction must be one of 'none', 'mean', 'sum'",
      ],
      [
        () => crossEntropy(x, t, { label_smoothing: 0.1 } as never),
        ArgumentError,
        "did you mean 'labelSmoothing'",
      ],
      [
        () => crossEntropy(x, t, { labelSmoothing: 1.5 }),
        ArgumentError,
        'labelSmoothing must be in [0, 1]',
      ],
      [
        () => crossEntropy(tensor([[1, 2]]), tensor([0])),
        DtypeError,
        'input must be float32 or float64, got int32',
      ],
      [() => nllLoss(x, tensor([0, 5])), IndexError, 'target 5'],
      [() => mseLoss(x, zeros(4)), ShapeError, 'mseLoss: [2, 3] and [4]'],
      [() => linear(zeros(2, 4), zeros(5, 3)), ShapeError, 'needs a last dim of 3'],
      [
        () => linear(zeros(2, 3), zeros(5, 3), zeros(4)),
        ShapeError,
        'bias [4] must have shape [5]',
      ],
      [() => linear(zeros(2, 3), zeros(3)), ShapeError, 'weight must be 2-D'],
      [() => addmm(zeros(3, 3), zeros(2, 3), zeros(3, 3)), ShapeError, 'does not broadcast'],
      [
        () => addmm(zeros(2, 3), zeros(2, 3), zeros(3, 3), { gamma: 1 } as never),
        ArgumentError,
        "unknown option 'gamma'",
      ],
      [
        () => addmm(tensor([[1]]), tensor([[1]]), tensor([[1]]), { alpha: 0.5 }),
        ArgumentError,
        'integer alpha and beta',
      ],
      [
        () => baddbmm(zeros(2, 2), zeros(2, 2, 3), zeros(3, 3, 2)),
        ShapeError,
        'batch sizes differ',
      ],
    ];
    for (const [f, type, text] of cases) {
      expect(f, text).toThrow(type);
      expect(f).toThrow(text);
    }
  });

  it('a failed call allocates nothing and leaves its inputs intact', () => {
    const x = tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { dtype: 'float32' },
    );
    const bad = tensor([0, 7]);
    const w = zeros(4);
    const w2 = zeros(5, 4);
    const before = memory();
    expect(() => crossEntropy(x, bad)).toThrow(IndexError);
    expect(() => nllLoss(x, bad)).toThrow(IndexError);
    expect(() => layerNorm(x, [3], w)).toThrow(ShapeError);
    expect(() => linear(x, w2)).toThrow(ShapeError);
    expect(memory()).toEqual(before);
    expect(x.toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
  });

  it('crossEntropy with every target ignored is NaN (mean) and 0 (sum), as torch', () => {
    const x = tensor([[1, 2]], { dtype: 'float32' });
    expect(Number.isNaN(crossEntropy(x, tensor([-100])).item() as number)).toBe(true);
    expect(crossEntropy(x, tensor([-100]), { reduction: 'sum' }).item()).toBe(0);
  });
});
