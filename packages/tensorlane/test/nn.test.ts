/**
 * nn: Module's parameter discovery and names (PyTorch's state-dict keys), train/eval,
 * zeroGrad; each layer's shapes, forward (against the functional op) and initialization
 * (PyTorch's distributions, from the seeded generator); the state dict through
 * saveSafetensors/loadSafetensors; the typed errors of bad arguments.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import {
  ArgumentError,
  allclose,
  DtypeError,
  dropout,
  embedding,
  layerNorm,
  linear,
  loadSafetensors,
  manualSeed,
  memory,
  nn,
  ones,
  optim,
  randn,
  ShapeError,
  saveSafetensors,
  type Tensor,
  TensorlaneError,
  tensor,
  tidy,
} from '../src/index.js';
import { describeBackends } from './backend-cases.js';

/** Mean and (biased) variance of every element, in float64. */
function moments(t: Tensor): { mean: number; variance: number; min: number; max: number } {
  const v = Array.from(t.data());
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const variance = v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length;
  return { mean, variance, min: Math.min(...v), max: Math.max(...v) };
}

class TwoLayer extends nn.Module {
  fc1 = new nn.Linear(4, 8);
  act = new nn.ReLU();
  fc2 = new nn.Linear(8, 2);
  override forward(x: Tensor) {
    return this.fc2.forward(this.act.forward(this.fc1.forward(x)));
  }
}

describeBackends('nn modules', (it) => {
  it('Linear: shapes, forward = linear(x, weight, bias), PyTorch init U(±1/√in)', () => {
    manualSeed(0);
    const fc = new nn.Linear(784, 50);
    expect(fc.weight.shape).toEqual([50, 784]);
    expect(fc.bias!.shape).toEqual([50]);
    expect(fc.weight.requiresGrad && fc.bias!.requiresGrad).toBe(true);
    expect(fc.weight.isLeaf).toBe(true);
    const bound = 1 / Math.sqrt(784);
    const w = moments(fc.weight);
    // U(−b, b): mean 0 (std of the mean b/√(3n) ≈ 1e-4 here), variance b²/3.
    expect(w.min).toBeGreaterThanOrEqual(-bound);
    expect(w.max).toBeLessThanOrEqual(bound);
    expect(w.min).toBeLessThan(-0.99 * bound);
    expect(w.max).toBeGreaterThan(0.99 * bound);
    expect(Math.abs(w.mean)).toBeLessThan(5 * (bound / Math.sqrt(3 * 39200)));
    expect(w.variance / ((bound * bound) / 3)).toBeCloseTo(1, 1);
    const b = moments(fc.bias!);
    expect(b.min).toBeGreaterThanOrEqual(-bound);
    expect(b.max).toBeLessThanOrEqual(bound);
    const x = randn(3, 784);
    expect(allclose(fc.forward(x), linear(x, fc.weight, fc.bias))).toBe(true);
    expect(fc.forward(randn(2, 5, 784)).shape).toEqual([2, 5, 50]);
    expect(String(fc)).toBe('Linear(in_features=784, out_features=50, bias=True)');
    // Seeded: the same seed gives the same weights, another seed others.
    manualSeed(0);
    const again = new nn.Linear(784, 50);
    expect(allclose(again.weight, fc.weight, { rtol: 0, atol: 0 })).toBe(true);
    manualSeed(1);
    expect(allclose(new nn.Linear(784, 50).weight, fc.weight)).toBe(false);
    const noBias = new nn.Linear(3, 2, { bias: false, dtype: 'float64' });
    expect(noBias.bias).toBe(null);
    expect(noBias.weight.dtype).toBe('float64');
    expect(noBias.parameters().length).toBe(1);
  });

  it('Embedding N(0, 1), LayerNorm ones/zeros, Dropout and ReLU match their functional ops', () => {
    manualSeed(3);
    const emb = new nn.Embedding(1000, 64);
    const e = moments(emb.weight);
    expect(Math.abs(e.mean)).toBeLessThan(5 / Math.sqrt(64000));
    expect(e.variance).toBeCloseTo(1, 1);
    const ids = tensor([[1, 999, 0]]);
    expect(allclose(emb.forward(ids), embedding(ids, emb.weight), { rtol: 0, atol: 0 })).toBe(true);
    expect(String(emb)).toBe('Embedding(1000, 64)');

    const ln = new nn.LayerNorm([2, 3], { eps: 1e-3 });
    expect(Array.from(ln.weight!.data())).toEqual([1, 1, 1, 1, 1, 1]);
    expect(Array.from(ln.bias!.data())).toEqual([0, 0, 0, 0, 0, 0]);
    const x = randn(4, 2, 3);
    expect(allclose(ln.forward(x), layerNorm(x, [2, 3], null, null, 1e-3))).toBe(true);
    expect(new nn.LayerNorm(8, { elementwiseAffine: false }).parameters()).toEqual([]);
    expect(new nn.LayerNorm(8, { bias: false }).namedParameters().map(([n]) => n)).toEqual([
      'weight',
    ]);
    expect(String(new nn.LayerNorm(8))).toBe('LayerNorm((8,), eps=1e-05, elementwise_affine=True)');

    const drop = new nn.Dropout(0.5);
    manualSeed(5);
    const y = drop.forward(ones(1000));
    manualSeed(5);
    expect(allclose(y, dropout(ones(1000), 0.5), { rtol: 0, atol: 0 })).toBe(true);
    expect(drop.eval().forward(x)).toBe(x);
    expect(allclose(new nn.ReLU().forward(x), x.relu(), { rtol: 0, atol: 0 })).toBe(true);
  });

  it('Module: names in assignment order, Sequential indices, tied weights once, train/eval, repr', () => {
    const model = new TwoLayer();
    expect(model.namedParameters().map(([n]) => n)).toEqual([
      'fc1.weight',
      'fc1.bias',
      'fc2.weight',
      'fc2.bias',
    ]);
    expect(model.children().length).toBe(3);
    expect(model.modules().length).toBe(4);
    expect(model.parameters(false)).toEqual([]);
    expect(model.forward(randn(5, 4)).shape).toEqual([5, 2]);

    const seq = new nn.Sequential(new nn.Linear(784, 50), new nn.ReLU(), new nn.Linear(50, 10));
    expect(seq.length).toBe(3);
    expect(seq[1]).toBeInstanceOf(nn.ReLU);
    expect(Object.keys(seq.stateDict())).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    expect(seq.forward(randn(64, 784)).shape).toEqual([64, 10]);
    expect(String(seq)).toBe(
      [
        'Sequential(',
        '  (0): Linear(in_features=784, out_features=50, bias=True)',
        '  (1): ReLU()',
        '  (2): Linear(in_features=50, out_features=10, bias=True)',
        ')',
      ].join('\n'),
    );
    const nested = new nn.Sequential(seq, new nn.Dropout(0.1));
    expect(nested.namedParameters()[3]![0]).toBe('0.2.bias');
    nested.eval();
    expect(nested.modules().every((m) => !m.training)).toBe(true);
    nested.train();
    expect(seq[1]!.training).toBe(true);

    // A tied weight (GPT's lm head) is a parameter once, under its first name…
    class Tied extends nn.Module {
      wte = new nn.Embedding(10, 4);
      head = new nn.Linear(4, 10, { bias: false });
      constructor() {
        super();
        this.head.weight = this.wte.weight;
      }
    }
    const tied = new Tied();
    expect(tied.namedParameters().map(([n]) => n)).toEqual(['wte.weight']);
    expect(tied.parameters().length).toBe(1);
    // …but the state dict has both names, as PyTorch's (nanoGPT's has lm_head.weight too).
    const dict = tied.stateDict();
    expect(Object.keys(dict)).toEqual(['wte.weight', 'head.weight']);
    expect(tied.loadStateDict(dict)).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(tied.namedParameters('model', true, false).map(([n]) => n)).toEqual([
      'model.wte.weight',
      'model.head.weight',
    ]);

    // A plain tensor field is not a parameter; nn.parameter() makes it one.
    class Custom extends nn.Module {
      scale = nn.parameter(ones(3));
      cache = ones(3);
    }
    expect(new Custom().namedParameters().map(([n]) => n)).toEqual(['scale']);
    expect(() => new nn.Module().forward()).toThrow(/Module: the module has no forward method/);
  });

  it('parameters made inside tidy survive it; dispose() frees them', () => {
    const before = memory();
    const model = tidy(() => new TwoLayer());
    expect(model.parameters().every((p) => !p.isDisposed)).toBe(true);
    tidy(() => model.forward(randn(2, 4)).sum().backward());
    expect(model.fc1.weight.grad!.shape).toEqual([8, 4]);
    model.zeroGrad(false);
    expect(Array.from(model.fc1.weight.grad!.data()).every((v) => v === 0)).toBe(true);
    model.zeroGrad();
    expect(model.fc1.weight.grad).toBe(null);
    model.dispose();
    expect(memory().bytes).toBe(before.bytes);
  });

  it('stateDict → saveSafetensors → loadSafetensors → loadStateDict reproduces the model', async () => {
    manualSeed(7);
    const a = new TwoLayer();
    manualSeed(8);
    const b = new TwoLayer();
    const x = randn(3, 4);
    expect(allclose(a.forward(x), b.forward(x))).toBe(false);
    const dict = a.stateDict();
    const bytes = saveSafetensors(dict);
    for (const t of Object.values(dict)) t.dispose(); // views: the parameters stay
    expect(a.fc1.weight.isDisposed).toBe(false);
    const loaded = await loadSafetensors(bytes);
    expect(b.loadStateDict(loaded)).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(allclose(a.forward(x), b.forward(x), { rtol: 0, atol: 0 })).toBe(true);
    // Copied, not shared: training b leaves a alone.
    expect(b.fc1.weight.storageHandle).not.toBe(loaded['fc1.weight']!.storageHandle);
    expect(b.fc1.weight.requiresGrad).toBe(true);
  });

  it('loadStateDict checks keys and shapes before copying anything', () => {
    const m = new TwoLayer();
    const saved = m.fc1.weight.clone();
    const dict = new TwoLayer().stateDict();
    const { 'fc2.bias': _dropped, ...missing } = dict;
    expect(() => m.loadStateDict(missing)).toThrow(/missing keys 'fc2.bias'/);
    expect(() => m.loadStateDict({ ...dict, extra: ones(1) })).toThrow(/unexpected keys 'extra'/);
    expect(() => m.loadStateDict({ ...dict, 'fc2.bias': ones(3) })).toThrow(ShapeError);
    expect(() => m.loadStateDict({ ...dict, 'fc2.bias': tensor([1, 2]) })).toThrow(DtypeError);
    expect(allclose(m.fc1.weight, saved, { rtol: 0, atol: 0 })).toBe(true);
    expect(m.loadStateDict(missing, { strict: false })).toEqual({
      missingKeys: ['fc2.bias'],
      unexpectedKeys: [],
    });
    expect(allclose(m.fc1.weight, dict['fc1.weight']!, { rtol: 0, atol: 0 })).toBe(true);
    expect(() => m.loadStateDict(ones(2) as never)).toThrow(ArgumentError);
    expect(() => m.loadStateDict(dict, { strict: 1 } as never)).toThrow(/strict must be true/);
  });

  it("loadStateDict assign: the dict's tensors become the parameters (torch's assign=True)", () => {
    class Tied extends nn.Module {
      wte = new nn.Embedding(10, 4);
      head = new nn.Linear(4, 10, { bias: false });
      ln = new nn.LayerNorm(4);
      constructor() {
        super();
        this.head.weight = this.wte.weight;
      }
    }
    const m = new Tied();
    m.ln.bias!.requiresGrad_(false);
    const old = [m.wte.weight, m.ln.weight!, m.ln.bias!];
    const w = randn(10, 4);
    const lnW = randn(4, { dtype: 'float64' });
    const lnB = randn(4);
    // one tensor under both tied names keeps the tie: one parameter, two keys
    expect(
      m.loadStateDict(
        { 'wte.weight': w, 'head.weight': w, 'ln.weight': lnW, 'ln.bias': lnB },
        { assign: true },
      ),
    ).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(m.wte.weight).toBe(w);
    expect(m.head.weight).toBe(w);
    const params = m.parameters();
    expect(params.length).toBe(3);
    for (const [i, t] of [w, lnW, lnB].entries()) expect(params[i]).toBe(t);
    expect(Object.keys(m.stateDict())).toEqual([
      'wte.weight',
      'head.weight',
      'ln.weight',
      'ln.bias',
    ]);
    // the dict's dtype, the module's requiresGrad; the replaced parameters are freed
    expect(m.ln.weight!.dtype).toBe('float64');
    expect([w.requiresGrad, lnW.requiresGrad, lnB.requiresGrad]).toEqual([true, true, false]);
    expect(nn.isParameter(w)).toBe(true);
    expect(old.every((t) => t.isDisposed)).toBe(true);
    // the gradient of a tied weight reaches its one tensor once: the sum over both uses
    const ids = tensor([[1, 2]], { dtype: 'int32' });
    m.head.forward(m.wte.forward(ids)).square().sum().backward();
    const [e, h] = [w.detach().clone().requiresGrad_(), w.detach().clone().requiresGrad_()];
    linear(embedding(ids, e), h).square().sum().backward();
    const both = e.grad!.add(h.grad!);
    expect(allclose(w.grad!, both, { rtol: 1e-6, atol: 1e-6 })).toBe(true);
    expect(allclose(w.grad!, h.grad!)).toBe(false);
    w.grad = null;
    for (const t of [e, h]) t.dispose();
    m.dispose();
    for (const t of [ids, both]) t.dispose();
    // checked before anything is assigned
    const n = new nn.Linear(2, 2);
    const nw = n.weight;
    expect(() => n.loadStateDict({ weight: ones(2, 2), bias: ones(3) }, { assign: true })).toThrow(
      ShapeError,
    );
    expect(() =>
      n.loadStateDict(
        { weight: ones(2, 2, { requiresGrad: true }).mul(2), bias: ones(2) },
        {
          assign: true,
        },
      ),
    ).toThrow(/detach\(\) it to assign it/);
    expect(n.weight).toBe(nw);
    expect(nw.isDisposed).toBe(false);
    expect(() => n.loadStateDict(n.stateDict(), { assign: 1 } as never)).toThrow(/assign must be/);
  });

  it("nn.utils.skipInit builds a module without its random draws (torch's skip_init)", () => {
    manualSeed(3);
    const drawn = randn(2).data();
    manualSeed(3);
    const m = nn.utils.skipInit(nn.Sequential, new nn.Linear(3, 2), new nn.Embedding(4, 2));
    // Sequential takes built modules: skipInit covers what its constructor builds, not its arguments
    expect(m.parameters().length).toBe(3);
    manualSeed(3);
    class Net extends nn.Module {
      fc = new nn.Linear(3, 2);
      emb = new nn.Embedding(4, 2);
      ln = new nn.LayerNorm(2);
      constructor() {
        super();
        nn.init.normal_(this.fc.weight, 0, 0.02);
        nn.init.kaimingUniform_(this.emb.weight);
      }
    }
    const skipped = nn.utils.skipInit(Net);
    expect(skipped).toBeInstanceOf(Net);
    expect(Array.from(skipped.fc.weight.data())).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(skipped.fc.bias!.data())).toEqual([0, 0]);
    expect(Array.from(skipped.emb.weight.data())).toEqual(new Array(8).fill(0));
    expect(Array.from(skipped.ln.weight!.data())).toEqual([1, 1]);
    // the generator was not advanced; outside skipInit, init draws again
    expect(Array.from(randn(2).data())).toEqual(Array.from(drawn));
    expect(new Net().fc.weight.abs().sum().item()).toBeGreaterThan(0);
    expect(() => nn.utils.skipInit((() => 1) as never)).toThrow(
      /moduleClass must be a Module subclass/,
    );
    for (const x of [m, skipped]) x.dispose();
  });

  it('dropout with p = 0 is the identity, as torch: the input itself, no draw', () => {
    const x = randn(5, { requiresGrad: true });
    manualSeed(1);
    expect(dropout(x, 0, true)).toBe(x);
    expect(new nn.Dropout(0).forward(x)).toBe(x);
    const next = randn(1).item();
    manualSeed(1);
    expect(randn(1).item()).toBe(next);
  });

  it('junk arguments to every nn and optim entry give TensorlaneErrors, never a TypeError', () => {
    const param = tensor([1, 2], { dtype: 'float32', requiresGrad: true });
    const model = new TwoLayer();
    const junk = fc.oneof(
      fc.constantFrom(undefined, null, Number.NaN, Infinity, -1, 0, 2, 2.5, 'x', true, [], {}),
      fc.constantFrom(() => 1, [1, 2], { lr: 'x' }, { strict: 2 }, [param], ones(2)),
      fc.integer({ min: -3, max: 4 }),
    );
    const calls: ((a: any, b: any, c: any) => unknown)[] = [
      (a, b, c) => new nn.Linear(a, b, c),
      (a, b) => new nn.LayerNorm(a, b),
      (a, b, c) => new nn.Embedding(a, b, c),
      (a) => new nn.Dropout(a),
      (a, b, c) => new nn.Sequential(a, b, c),
      (a, b) => nn.parameter(a, b),
      (a, b, c) => model.namedParameters(a, b, c),
      (a) => model.train(a),
      (a) => model.zeroGrad(a),
      (a) => model.requiresGrad_(a),
      (a, b) => model.loadStateDict(a, b),
      (a) => model.forward(a),
      (a, b) => new optim.SGD(a, b),
      (a, b, c) => new optim.SGD([param], { lr: a, momentum: b, nesterov: c }),
      (a, b, c) => new optim.AdamW([param], { betas: a, eps: b, amsgrad: c }),
      (a, b) => new optim.AdamW([{ params: a, lr: b }]),
      (a) => new optim.SGD([param]).zeroGrad(a),
      (a) => new optim.SGD([param]).step(a),
      (a) => new optim.SGD([param]).addParamGroup(a),
    ];
    const before = Array.from(param.data());
    fc.assert(
      fc.property(fc.nat(calls.length - 1), junk, junk, junk, (i, a, b, c) => {
        try {
          tidy(() => {
            calls[i]!(a, b, c);
          });
        } catch (e) {
          if (!(e instanceof TensorlaneError)) throw e;
        }
      }),
      { numRuns: 2000 },
    );
    expect(Array.from(param.data())).toEqual(before);
  });

  it('layer arguments are checked: typed errors naming the layer', () => {
    expect(() => new nn.Linear(-1, 3)).toThrow(/nn.Linear: inFeatures must be an integer ≥ 0/);
    expect(() => new nn.Linear(2.5, 3)).toThrow(ArgumentError);
    expect(() => new nn.Linear(2, 3, { bias: 'yes' } as never)).toThrow(
      /bias must be true or false/,
    );
    expect(() => new nn.Linear(2, 3, { dtype: 'int32' })).toThrow(DtypeError);
    expect(() => new nn.Linear(2, 3, { in_features: 2 } as never)).toThrow(/unknown option/);
    expect(() => new nn.Embedding(10, -4)).toThrow(ArgumentError);
    expect(() => new nn.LayerNorm(4, { eps: Number.NaN })).toThrow(/eps must be a finite number/);
    expect(() => new nn.Dropout(1.5)).toThrow(/p must be in \[0, 1\]/);
    expect(() => new nn.Sequential(new nn.ReLU(), 3 as never)).toThrow(
      /argument 1 must be a Module/,
    );
    expect(() => nn.parameter(tensor([1, 2]))).toThrow(DtypeError);
    expect(() => new nn.Linear(4, 2).forward(randn(3, 5))).toThrow(ShapeError);
  });
});
