/**
 * nn's containers, activation and loss modules against torch.nn (fixtures/nn-modules-cases.json,
 * written by gen_nn_modules.py with torch 1.13): a nanoGPT-shaped model built from
 * ModuleDict/ModuleList has torch's state-dict keys, shapes and repr; each activation module
 * gives torch's output and repr; bad arguments are typed errors that change nothing.
 */
import { expect } from 'vitest';
import {
  ArgumentError,
  crossEntropy,
  DtypeError,
  manualSeed,
  memory,
  nn,
  randn,
  type Tensor,
  tensor,
} from '../src/index.js';
import { describeBackends } from './backend-cases.js';
import cases from './fixtures/nn-modules-cases.json' with { type: 'json' };

class Block extends nn.Module {
  ln_1 = new nn.LayerNorm(4);
  attn = new nn.Linear(4, 12);
  mlp = new nn.Sequential(
    new nn.Linear(4, 16),
    new nn.GELU(),
    new nn.Linear(16, 4),
    new nn.Dropout(0.1),
  );
}

const nanoGptShaped = () =>
  new nn.ModuleDict({
    wte: new nn.Embedding(10, 4),
    wpe: new nn.Embedding(8, 4),
    h: new nn.ModuleList([new Block(), new Block()]),
    ln_f: new nn.LayerNorm(4),
  });

/** The modules of the fixture's `activations` and `reprs`, by the same keys. */
const modules: Record<string, () => nn.Module> = {
  'GELU()': () => new nn.GELU(),
  "GELU('tanh')": () => new nn.GELU('tanh'),
  'Tanh()': () => new nn.Tanh(),
  'Sigmoid()': () => new nn.Sigmoid(),
  'SiLU()': () => new nn.SiLU(),
  'Softmax(-1)': () => new nn.Softmax(-1),
  'Softmax(0)': () => new nn.Softmax(0),
  'LogSoftmax(1)': () => new nn.LogSoftmax(1),
  'Identity()': () => new nn.Identity(),
  'Flatten(0)': () => new nn.Flatten(0),
  'Flatten()': () => new nn.Flatten(),
  'CrossEntropyLoss()': () => new nn.CrossEntropyLoss(),
  'CrossEntropyLoss({ ignoreIndex: -1, labelSmoothing: 0.1 })': () =>
    new nn.CrossEntropyLoss({ ignoreIndex: -1, labelSmoothing: 0.1 }),
  "NLLLoss({ reduction: 'sum' })": () => new nn.NLLLoss({ reduction: 'sum' }),
  'MSELoss()': () => new nn.MSELoss(),
  'ModuleList([ReLU(), Tanh()])': () => new nn.ModuleList([new nn.ReLU(), new nn.Tanh()]),
};

describeBackends('nn containers, activations and losses', (it) => {
  it("a ModuleDict/ModuleList model has torch's state-dict keys, shapes and repr", () => {
    manualSeed(0);
    const model = nanoGptShaped();
    const dict = model.stateDict();
    expect(Object.entries(dict).map(([k, v]) => [k, v.shape])).toEqual(cases.model.state_dict);
    expect(String(model)).toBe(cases.model.repr);
    // Fields are typed and reachable as in PyTorch: transformer.h[0].ln_1, len(h), iteration.
    expect(model.h.length).toBe(2);
    expect(model.h[1]).toBeInstanceOf(Block);
    expect([...model.h].map((b) => b.attn.outFeatures)).toEqual([12, 12]);
    expect(model.keys()).toEqual(['wte', 'wpe', 'h', 'ln_f']);
    expect(model.get('ln_f')).toBe(model.ln_f);
    for (const t of Object.values(dict)) t.dispose();
    model.dispose();
  });

  it("activation modules give torch's outputs", () => {
    const x = tensor(cases.input, { dtype: 'float32' });
    for (const [name, want] of Object.entries(cases.activations)) {
      const y = modules[name]!().forward(x) as Tensor;
      const got = y.toArray() as number[] | number[][];
      expect(y.shape, name).toEqual(
        Array.isArray(want[0]) ? [want.length, (want[0] as number[]).length] : [want.length],
      );
      (got.flat() as number[]).forEach((g, i) => {
        const w = (want.flat() as number[])[i]!;
        expect(Math.abs(g - w), `${name}[${i}]: ${g} vs torch ${w}`).toBeLessThanOrEqual(
          2e-6 * Math.max(1, Math.abs(w)),
        );
      });
      if (y !== x) y.dispose();
    }
    x.dispose();
  });

  it("every module's repr is torch's", () => {
    for (const [name, want] of Object.entries(cases.reprs))
      expect(String(modules[name]!()), name).toBe(want);
  });

  it('loss modules compute their functional op with their options', () => {
    manualSeed(1);
    const logits = randn(6, 5);
    const target = tensor([0, 4, -1, 2, -1, 1]);
    const criterion = new nn.CrossEntropyLoss({ ignoreIndex: -1, labelSmoothing: 0.1 });
    const [a, b] = [
      criterion.forward(logits, target),
      crossEntropy(logits, target, { ignoreIndex: -1, labelSmoothing: 0.1 }),
    ];
    expect(a.item()).toBe(b.item());
    for (const t of [logits, target, a, b]) t.dispose();
  });

  it('ModuleList indexing, append, extend and at follow Python lists', () => {
    const list = new nn.ModuleList<nn.Module>();
    expect(list.length).toBe(0);
    list.append(new nn.ReLU()).extend([new nn.Tanh(), new nn.Sigmoid()]);
    expect(list.length).toBe(3);
    expect(String(list.at(-1))).toBe('Sigmoid()');
    expect(list.at(0)).toBe(list[0]);
    expect(list.namedChildren().map(([k]) => k)).toEqual(['0', '1', '2']);
  });

  it('bad arguments are typed errors naming the module, and change nothing', () => {
    const ints = tensor([1, 2]);
    const before = memory().tensors;
    const list = new nn.ModuleList<nn.Module>([new nn.ReLU()]);
    const bad: [() => unknown, typeof ArgumentError | typeof DtypeError, RegExp][] = [
      [() => new nn.GELU('exact' as 'none'), ArgumentError, /nn\.GELU: approximate/],
      [() => new nn.Softmax(1.5), ArgumentError, /nn\.Softmax: dim/],
      [() => new nn.Flatten('1' as unknown as number), ArgumentError, /nn\.Flatten: startDim/],
      [() => new nn.ModuleList(5 as unknown as []), ArgumentError, /nn\.ModuleList: modules/],
      [
        () => list.extend([new nn.Tanh(), 'x' as unknown as nn.Module]),
        ArgumentError,
        /modules\[1\]/,
      ],
      [() => list.at(1), ArgumentError, /index 1 is out of range for 1 modules/],
      [() => new nn.ModuleDict({ a: 3 as unknown as nn.Module }), ArgumentError, /modules\['a'\]/],
      [() => new nn.ModuleDict({ forward: new nn.ReLU() }), ArgumentError, /'forward' is already/],
      [() => new nn.ModuleDict({ 'a.b': new nn.ReLU() }), ArgumentError, /without '\.'/],
      [
        () => new nn.CrossEntropyLoss({ reduction: 'avg' as 'mean' }),
        ArgumentError,
        /nn\.CrossEntropyLoss: reduction/,
      ],
      [() => new nn.CrossEntropyLoss({ labelSmoothing: 2 }), ArgumentError, /labelSmoothing/],
      [() => new nn.MSELoss({ weight: 1 } as object), ArgumentError, /nn\.MSELoss/],
      [() => new nn.GELU().forward(ints), DtypeError, /gelu/],
      [() => new nn.Tanh().forward([1, 2] as unknown as Tensor), ArgumentError, /nn\.Tanh: input/],
    ];
    for (const [call, type, message] of bad) {
      expect(call).toThrow(type);
      expect(call).toThrow(message);
    }
    // The failed extend left the list as it was.
    expect(list.length).toBe(1);
    expect(memory().tensors).toBe(before);
    ints.dispose();
  });
});
