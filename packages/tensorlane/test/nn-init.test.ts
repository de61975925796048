/**
 * `normal_`/`uniform_` and `nn.init` against torch.nn.init (fixtures/nn-init-cases.json,
 * written by gen_nn_init.py with torch 1.13): the gains exactly, and the spread of each
 * initializer on real layer shapes (the generators differ, so the samples are compared by
 * statistics with bounds of several standard errors); in-place semantics on views, the
 * seeded stream, and typed errors that leave the tensor as it was.
 */
import { expect } from 'vitest';
import {
  ArgumentError,
  AutogradError,
  DtypeError,
  manualSeed,
  memory,
  nn,
  rand,
  randn,
  tensor,
  zeros,
} from '../src/index.js';
import { describeBackends } from './backend-cases.js';
import cases from './fixtures/nn-init-cases.json' with { type: 'json' };

type InitCase = (typeof cases.cases)[number];

/** Runs the case's initializer with tensorlane's spelling of torch's arguments. */
function initialize(c: InitCase) {
  const t = zeros(...c.shape);
  const o = c.options as Record<string, number | string>;
  const n = nn.init;
  switch (c.name) {
    case 'normal_':
      return n.normal_(t, o.mean as number, o.std as number);
    case 'uniform_':
      return n.uniform_(t, o.a as number, o.b as number);
    case 'xavierUniform_':
      return n.xavierUniform_(t, o.gain as number | undefined);
    case 'xavierNormal_':
      return n.xavierNormal_(t, o.gain as number | undefined);
    case 'kaimingUniform_':
      return n.kaimingUniform_(t, o);
    case 'kaimingNormal_':
      return n.kaimingNormal_(t, o);
  }
  throw new Error(`no initializer ${c.name}`);
}

describeBackends('nn.init and in-place sampling', (it) => {
  it("calculateGain is torch's", () => {
    for (const [name, param, want] of cases.gains)
      expect(
        nn.init.calculateGain(name as nn.init.Nonlinearity, (param ?? undefined) as number),
      ).toBeCloseTo(want as number, 15);
  });

  for (const c of cases.cases)
    it(`${c.name} on [${c.shape}] ${JSON.stringify(c.options)} draws with torch's spread`, () => {
      manualSeed(7);
      const t = initialize(c);
      const n = t.numel();
      const mean = t.mean().item() as number;
      const std = t.std().item() as number;
      // Standard errors: of a mean σ/√n, of a std about σ/√(2n); both samples have them.
      expect(Math.abs(mean - c.mean)).toBeLessThan(6 * Math.SQRT2 * (c.std / Math.sqrt(n)));
      expect(Math.abs(std - c.std) / c.std).toBeLessThan(6 * Math.SQRT2 * (1 / Math.sqrt(2 * n)));
      if (c.name.includes('niform')) {
        // n draws come within (max − min)/n·(a few) of each end of the range.
        const span = c.max - c.min;
        expect(Math.abs((t.min().item() as number) - c.min)).toBeLessThan((20 * span) / n);
        expect(Math.abs((t.max().item() as number) - c.max)).toBeLessThan((20 * span) / n);
      }
      t.dispose();
    });

  it('normal_ draws randn’s stream; uniform_ draws rand’s', () => {
    // In float64, where mean + std·z rounds the same whichever way it is computed.
    manualSeed(3);
    const a = zeros(5, 7, { dtype: 'float64' }).normal_(0.5, 2);
    manualSeed(3);
    const b = randn(5, 7, { dtype: 'float64' }).mul(2).add(0.5);
    expect(a.toArray()).toEqual(b.toArray());
    manualSeed(4);
    const u = zeros(9, { dtype: 'float64' }).uniform_(-1, 3);
    manualSeed(4);
    const r = rand(9, { dtype: 'float64' }).mul(4).sub(1);
    (u.toArray() as number[]).forEach((x, i) => {
      expect(x).toBeCloseTo((r.toArray() as number[])[i]!, 14);
    });
    for (const t of [a, b, u, r]) t.dispose();
  });

  it('fills a strided view only, through the view', () => {
    const w = zeros(4, 6);
    manualSeed(5);
    w.get(':', '1:5:2').T.normal_();
    const rows = w.toArray() as number[][];
    rows.forEach((row) => {
      row.forEach((x, j) => {
        if (j === 1 || j === 3) expect(x).not.toBe(0);
        else expect(x).toBe(0);
      });
    });
    w.dispose();
  });

  it("initializes a layer's parameters (no gradient recorded), as an _init_weights does", () => {
    manualSeed(6);
    const fc = new nn.Linear(64, 32);
    nn.init.normal_(fc.weight, 0, 0.02);
    nn.init.zeros_(fc.bias!);
    expect(fc.weight.requiresGrad).toBe(true);
    expect(fc.weight.gradFn).toBe(null);
    expect(fc.bias!.toArray()).toEqual(new Array(32).fill(0));
    expect(fc.weight.abs().max().item()).toBeLessThan(0.2);
    fc.dispose();
  });

  it('bad arguments are typed errors, before anything is written or allocated', () => {
    const w = tensor([[1, 2, 3]], { dtype: 'float32' });
    const leaf = tensor([1, 2], { dtype: 'float32', requiresGrad: true });
    const ints = tensor([1, 2]);
    const [expanded, vector] = [w.expand(3, 3), tensor([1.5])];
    const before = memory();
    const bad: [() => unknown, new (...a: never[]) => Error, RegExp][] = [
      [() => w.normal_(0, -1), ArgumentError, /normal_: std must be ≥ 0, got -1/],
      [() => w.normal_(Number.NaN), ArgumentError, /normal_: mean must be a finite number/],
      [() => w.uniform_(2, 1), ArgumentError, /uniform_: .*2 > 1/],
      [() => ints.uniform_(), DtypeError, /uniform_: the tensor of shape \[2\] is int32/],
      [() => leaf.normal_(), AutogradError, /normal_/],
      [() => expanded.normal_(), Error, /normal_: cannot write/],
      [() => nn.init.xavierUniform_(vector), ArgumentError, /at least 2 dims, got shape \[1\]/],
      [() => nn.init.kaimingNormal_(w, { mode: 'fan' as 'fan_in' }), ArgumentError, /mode/],
      [() => nn.init.kaimingNormal_(w, { gain: 2 } as object), ArgumentError, /gain/],
      [() => nn.init.calculateGain('gelu' as 'relu'), ArgumentError, /nonlinearity/],
      [() => nn.init.normal_('w' as never), ArgumentError, /nn\.init\.normal_: tensor/],
    ];
    for (const [call, type, message] of bad) {
      expect(call).toThrow(type);
      expect(call).toThrow(message);
    }
    expect(w.toArray()).toEqual([[1, 2, 3]]);
    expect(memory().tensors).toBe(before.tensors);
    for (const t of [w, leaf, ints, expanded, vector]) t.dispose();
  });
});
