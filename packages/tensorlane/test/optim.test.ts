/**
 * optim.SGD, optim.Adam and optim.AdamW against torch 1.13 (fixtures/optim-cases.json, written by
 * fixtures/gen_optim.py): the same float32 parameters, the same gradients set as `.grad`
 * (a null gradient skips that parameter for the step), the same learning-rate changes
 * between steps, and the parameters after every step compared with torch's, on both
 * backends. Then zeroGrad, the typed errors of bad arguments, and that a failed step
 * leaves every parameter and state untouched.
 */
import { expect } from 'vitest';
import { fromFlat } from '../src/creation.js';
import {
  ArgumentError,
  DtypeError,
  memory,
  noGrad,
  optim,
  type Tensor,
  tensor,
  tidy,
  zeros,
} from '../src/index.js';
import { describeBackends } from './backend-cases.js';
import fixture from './fixtures/optim-cases.json';

interface Case {
  name: string;
  kind: 'SGD' | 'Adam' | 'AdamW';
  groups: { options: Record<string, unknown>; shapes: number[][]; params: number[][] }[];
  lrChanges: Record<string, number[]>;
  grads: (number[] | null)[][];
  after: number[][][];
}

/**
 * Float32 tolerance, relative to 1 + |value|: the update rounds each operation in torch's
 * order, so most elements match torch exactly; torch's vectorized CPU kernels differ in an
 * occasional last bit (measured: at most 1.6e-7 for SGD, 2.3e-8 for AdamW over 5 steps).
 * 5e-7 is about four ulps at 1.
 */
const TOL = 5e-7;

function replay(c: Case): number {
  const groups = c.groups.map((g) => ({
    ...g.options,
    params: g.params.map((v, i) => {
      const p = fromFlat(v, g.shapes[i]!, 'float32');
      p.requiresGrad_(true);
      return p;
    }),
  }));
  const params = groups.flatMap((g) => g.params);
  const opt = new optim[c.kind](groups as never);
  let worst = 0;
  c.grads.forEach((stepGrads, step) => {
    const lrs = c.lrChanges[String(step)];
    lrs?.forEach((lr, gi) => {
      opt.paramGroups[gi]!.lr = lr;
    });
    stepGrads.forEach((g, i) => {
      const p = params[i]!;
      const old = p.grad;
      p.grad = g === null ? null : fromFlat(g, p.shape, 'float32');
      old?.dispose();
    });
    opt.step();
    params.forEach((p, i) => {
      const got = p.data();
      const want = c.after[step]![i]!;
      expect(got.length).toBe(want.length);
      want.forEach((w, j) => {
        const err = Math.abs(got[j]! - w) / (1 + Math.abs(w));
        worst = Math.max(worst, err);
        if (!(err <= TOL))
          expect.fail(`${c.name}: step ${step} param ${i} [${j}] = ${got[j]} vs torch ${w}`);
      });
    });
  });
  for (const p of params) p.grad?.dispose(); // assigned here, so ours to free
  opt.zeroGrad();
  opt.dispose();
  for (const p of params) p.dispose();
  return worst;
}

const cases = fixture.cases as unknown as Case[];

describeBackends('optim vs torch 1.13', (it) => {
  const what = {
    SGD: 'every combination of momentum, dampening, nesterov, weightDecay, maximize; skipped grads; lr changes; two groups',
    AdamW: 'lr, betas, eps, weightDecay, amsgrad, maximize; skipped grads; lr changes; two groups',
    Adam: 'L2 weight decay in the gradient; lr, betas, eps, amsgrad, maximize; skipped grads; two groups',
  } as const;
  for (const [kind, description] of Object.entries(what)) {
    const ofKind = cases.filter((c) => c.kind === kind);
    it(`${kind}: ${description} (${ofKind.length} cases)`, () => {
      const before = memory();
      let worst = 0;
      for (const c of ofKind) worst = Math.max(worst, replay(c));
      console.info(
        `${kind}: largest |tensorlane − torch| / (1 + |torch|) = ${worst.toExponential(2)}`,
      );
      expect(ofKind.length).toBeGreaterThan(0);
      expect(memory().tensors).toBe(before.tensors);
      expect(memory().bytes).toBe(before.bytes);
    });
  }

  it('float64 parameters, strided parameters and strided gradients take the same steps', () => {
    // float64: SGD with momentum against the formula in double precision.
    const p = tensor([1, -2, 0.5], { dtype: 'float64', requiresGrad: true });
    const sgd = new optim.SGD([p], { lr: 0.1, momentum: 0.9 });
    const grads = [
      [0.3, -0.7, 1.1],
      [-0.2, 0.4, 0.9],
    ];
    const want = [1, -2, 0.5];
    const buf = [0, 0, 0];
    grads.forEach((g, step) => {
      p.grad = tensor(g, { dtype: 'float64' });
      sgd.step();
      p.grad.dispose();
      for (let i = 0; i < 3; i++) {
        buf[i] = step === 0 ? g[i]! : 0.9 * buf[i]! + g[i]!;
        want[i] = want[i]! - 0.1 * buf[i]!;
      }
    });
    Array.from(p.data()).forEach((v, i) => {
      expect(v).toBeCloseTo(want[i]!, 14);
    });

    // A transposed (non-contiguous) leaf and a transposed gradient: the same numbers as
    // contiguous ones, written back through the parameter's strides.
    const base = fromFlat([1, 2, 3, 4, 5, 6], [2, 3], 'float32');
    const strided = base.T.requiresGrad_(); // [3, 2], strides [1, 3]
    const dense = base.T.contiguous().requiresGrad_();
    const g = fromFlat([0.5, -1, 2, 0.25, -0.5, 1], [2, 3], 'float32');
    strided.grad = g.T; // strided too
    dense.grad = g.T.contiguous();
    for (const make of [
      (ps: Tensor[]) => new optim.AdamW(ps, { lr: 0.1 }),
      (ps: Tensor[]) => new optim.SGD(ps, { lr: 0.1, momentum: 0.9, weightDecay: 0.1 }),
    ]) {
      const [a, b] = [make([strided]), make([dense])];
      for (let i = 0; i < 3; i++) {
        a.step();
        b.step();
      }
      expect(strided.toArray()).toEqual(dense.toArray());
      a.dispose();
      b.dispose();
    }
    expect(base.toArray()).toEqual(strided.T.toArray()); // the update went into base's storage
  });

  it('zeroGrad drops gradients (setToNone) or zeroes them in place', () => {
    const p = tensor([1, 2], { dtype: 'float32', requiresGrad: true });
    const opt = new optim.SGD([p], { lr: 0.1 });
    p.grad = tensor([3, 4], { dtype: 'float32' });
    const g = p.grad;
    opt.zeroGrad(false);
    expect(p.grad).toBe(g);
    expect(Array.from(g!.data())).toEqual([0, 0]);
    opt.zeroGrad();
    expect(p.grad).toBe(null);
    expect(g!.isDisposed).toBe(false); // assigned by the caller: theirs to dispose
    g!.dispose();
    opt.step(); // no gradient: nothing moves
    expect(Array.from(p.data())).toEqual([1, 2]);
  });

  it('steps under tidy keep their state (momentum buffers, moments) across steps', () => {
    const p = tensor([1, 2], { dtype: 'float32', requiresGrad: true });
    const sgd = new optim.SGD([p], { lr: 0.1, momentum: 0.9 });
    const adam = new optim.AdamW([p], { lr: 0.1 });
    for (let i = 0; i < 3; i++)
      tidy(() => {
        sgd.zeroGrad();
        p.mul(p).sum().backward();
        sgd.step();
        adam.step();
      });
    expect(sgd.state.get(p)!.momentumBuffer).toBeDefined();
    expect((sgd.state.get(p)!.momentumBuffer as Tensor).isDisposed).toBe(false);
    expect((adam.state.get(p)!.expAvg as Tensor).isDisposed).toBe(false);
    expect(adam.state.get(p)!.step).toBe(3);
  });
});

describeBackends('optim argument errors', (it) => {
  const param = () => tensor([1, 2], { dtype: 'float32', requiresGrad: true });

  it('bad params are typed errors naming the optimizer', () => {
    expect(() => new optim.SGD([], { lr: 0.1 })).toThrow(/optim.SGD: got an empty parameter list/);
    expect(() => new optim.SGD(param() as never)).toThrow(ArgumentError);
    expect(() => new optim.SGD([1, 2] as never)).toThrow(/params\[0\] must be a Tensor/);
    expect(() => new optim.AdamW([tensor([1, 2])])).toThrow(DtypeError);
    const p = param();
    expect(() => new optim.SGD([p, p])).toThrow(/appears more than once/);
    expect(() => new optim.SGD([{ params: [p] }, { params: [p] }])).toThrow(/more than once/);
    const nonLeaf = p.mul(2);
    expect(() => new optim.SGD([nonLeaf])).toThrow(/not a leaf/);
    expect(() => new optim.SGD('abc' as never)).toThrow(ArgumentError);
  });

  it('bad options are typed errors naming the option and value', () => {
    const p = param();
    expect(() => new optim.SGD([p], { lr: -1 })).toThrow(/lr must be in \[0, Infinity\], got -1/);
    expect(() => new optim.SGD([p], { lr: Number.NaN })).toThrow(/lr must be a finite number/);
    expect(() => new optim.SGD([p], { lr: '0.1' as never })).toThrow(ArgumentError);
    expect(() => new optim.SGD([p], { nesterov: true })).toThrow(
      /nesterov momentum needs momentum > 0/,
    );
    expect(() => new optim.SGD([p], { momentum: 0.9, dampening: 0.1, nesterov: true })).toThrow(
      /dampening 0/,
    );
    expect(() => new optim.SGD([p], { weight_decay: 0.1 } as never)).toThrow(
      /'weight_decay' \(did you mean 'weightDecay'\?\)/,
    );
    expect(() => new optim.AdamW([p], { betas: [0.9, 1] })).toThrow(
      /betas\[1\] must be in \[0, 1\)/,
    );
    expect(() => new optim.AdamW([p], { betas: [0.9] as never })).toThrow(/pair/);
    expect(() => new optim.AdamW([p], { eps: -1 })).toThrow(ArgumentError);
    expect(() => new optim.AdamW([p], { amsgrad: 1 as never })).toThrow(
      /amsgrad must be true or false/,
    );
    expect(() => new optim.AdamW([{ params: [p], momentum: 0.9 } as never])).toThrow(
      /unknown option 'momentum'/,
    ); // Adam shares AdamW's checks, under its own name.
    expect(() => new optim.Adam([p], { weightDecay: -0.1 })).toThrow(
      /optim\.Adam: .*weightDecay must be in \[0, Infinity\], got -0\.1/,
    );
    expect(() => new optim.Adam([p], { betas: [1.5, 0.9] })).toThrow(ArgumentError);
    expect(() => new optim.Adam([tensor([1, 2])])).toThrow(DtypeError);
  });

  it('a bad option set between steps fails the step before any parameter moves', () => {
    const [a, b] = [param(), param()];
    const opt = new optim.SGD([{ params: [a] }, { params: [b] }], { lr: 0.1, momentum: 0.9 });
    a.grad = tensor([1, 1], { dtype: 'float32' });
    b.grad = tensor([1, 1], { dtype: 'float32' });
    opt.paramGroups[1]!.lr = Number.NaN;
    expect(() => opt.step()).toThrow(/group lr must be a finite number, got NaN/);
    expect(Array.from(a.data())).toEqual([1, 2]);
    expect(opt.state.size).toBe(0);
    opt.paramGroups[1]!.lr = 0.1;
    opt.step();
    expect(Array.from(a.data())).toEqual([0.9, 1.9].map(Math.fround));
  });

  it('step(closure) runs the closure with grad on first and returns its result', () => {
    const p = param();
    const opt = new optim.SGD([p], { lr: 0.5 });
    const loss = noGrad(() =>
      opt.step(() => {
        opt.zeroGrad();
        const l = p.mul(p).sum();
        l.backward();
        return l.item();
      }),
    );
    expect(loss).toBe(5);
    expect(Array.from(p.data())).toEqual([0, 0]);
    expect(() => opt.step(1 as never)).toThrow(/closure must be a function, got 1/);
  });

  it('a step between forward and backward makes backward refuse the stale saved weights', () => {
    const p = param();
    const opt = new optim.SGD([p], { lr: 0.1 });
    p.grad = tensor([1, 1], { dtype: 'float32' });
    const loss = p.mul(p).sum(); // saves p for p's gradient
    opt.step();
    expect(() => loss.backward()).toThrow(/modified in place afterwards \(version 1, saved at 0\)/);
    p.grad.dispose();
  });

  it('in-place updates need no grad mode: step works inside and outside noGrad', () => {
    const p = param();
    const opt = new optim.SGD([p], { lr: 1 });
    p.grad = zeros(2);
    noGrad(() => opt.step());
    opt.step();
    expect(Array.from(p.data())).toEqual([1, 2]);
  });
});
