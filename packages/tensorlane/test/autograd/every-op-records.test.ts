/**
 * The guard: every Tensor method and every function exported from the package is either
 * checked here to record a gradient (its float result requires grad, has a gradFn, and
 * backward gives every input that requires grad a gradient of its shape), or sits on one of
 * the explicit lists below with the reason. A new method or export that is on no list fails
 * the first test, so an op that silently drops the graph cannot be added unnoticed.
 */
import { describe, expect, it } from 'vitest';
import * as tl from '../../src/index.js';
import {
  AutogradError,
  manualSeed,
  randn,
  type Tensor as T,
  Tensor,
  tensor,
} from '../../src/index.js';
import { describeBackends } from '../backend-cases.js';
import { leaf, positive } from './grad-leaves.js';

/** Makers of leaves that require grad (`p`: positive values); each must receive a gradient. */
type Make = { x: (...shape: number[]) => T; p: (...shape: number[]) => T };
type Result = T | T[] | { values: T; indices: T };
type Case = (m: Make) => Result;
/** A method call: the receiver, then the arguments (the free function of the name, if any, takes the same). */
type Call = (m: Make) => [T, ...unknown[]];

const ids = () => tensor([2, 0, 2]);
const bools = () =>
  tensor([
    [true, false, true, false],
    [false, false, true, true],
    [true, true, false, true],
  ]);

/** Differentiable Tensor methods, called on a [3, 4] leaf (or as their shapes need). */
const methodCases: Record<string, Call> = {
  contiguous: ({ x }) => [x(4, 3).T],
  clone: ({ x }) => [x(3, 4)],
  view: ({ x }) => [x(3, 4), 2, 6],
  reshape: ({ x }) => [x(3, 4), 12],
  unsqueeze: ({ x }) => [x(3, 4), 1],
  squeeze: ({ x }) => [x(3, 1, 4), 1],
  expand: ({ x }) => [x(3, 1), 3, 4],
  expandAs: ({ x }) => [x(1, 4), randn([3, 4])],
  transpose: ({ x }) => [x(3, 4), 0, 1],
  permute: ({ x }) => [x(2, 3, 4), 2, 0, 1],
  T: ({ x }) => [x(3, 4)],
  mT: ({ x }) => [x(2, 3, 4)],
  flatten: ({ x }) => [x(2, 3, 4), 1],
  narrow: ({ x }) => [x(3, 4), 1, 1, 2],
  get: ({ x }) => [x(3, 4), tl.slice(1), [0, 2, 0]],
  split: ({ x }) => [x(5, 4), 2],
  chunk: ({ x }) => [x(3, 4), 2, 1],
  unbind: ({ x }) => [x(3, 4), 1],
  select: ({ x }) => [x(3, 4), 1, 2],
  flip: ({ x }) => [x(3, 4), 0],
  roll: ({ x }) => [x(3, 4), 1, 1],
  repeat: ({ x }) => [x(3, 4), 2, 1],
  tile: ({ x }) => [x(3, 4), 2],
  where: ({ x }) => [x(3, 4), bools(), x(4)],
  maskedFill: ({ x }) => [x(3, 4), bools(), 0],
  tril: ({ x }) => [x(3, 4)],
  triu: ({ x }) => [x(3, 4), 1],
  gather: ({ x }) => [x(3, 4), 1, tensor([[0], [3], [3]])],
  scatter: ({ x }) => [x(3, 4), 1, tensor([[0], [3], [1]]), x(3, 1)],
  scatterAdd: ({ x }) => [x(3, 4), 0, tensor([[0, 1, 1, 2]]), x(1, 4)],
  indexSelect: ({ x }) => [x(3, 4), 0, ids()],
  add: ({ x }) => [x(3, 4), x(4)],
  sub: ({ x }) => [x(3, 4), x(3, 1)],
  mul: ({ x }) => [x(3, 4), x(4)],
  div: ({ x, p }) => [x(3, 4), p(4)],
  pow: ({ x, p }) => [p(3, 4), x(4)],
  maximum: ({ x }) => [x(3, 4), x(4)],
  minimum: ({ x }) => [x(3, 4), x(4)],
  neg: ({ x }) => [x(3, 4)],
  abs: ({ x }) => [x(3, 4)],
  sqrt: ({ p }) => [p(3, 4)],
  exp: ({ x }) => [x(3, 4)],
  log: ({ p }) => [p(3, 4)],
  sin: ({ x }) => [x(3, 4)],
  cos: ({ x }) => [x(3, 4)],
  tanh: ({ x }) => [x(3, 4)],
  sigmoid: ({ x }) => [x(3, 4)],
  relu: ({ x }) => [x(3, 4)],
  square: ({ x }) => [x(3, 4)],
  reciprocal: ({ p }) => [p(3, 4)],
  floor: ({ x }) => [x(3, 4)],
  ceil: ({ x }) => [x(3, 4)],
  round: ({ x }) => [x(3, 4)],
  clamp: ({ x }) => [x(3, 4), x(4), x(3, 1).add(1)],
  clampMin: ({ x }) => [x(3, 4), x(4)],
  clampMax: ({ x }) => [x(3, 4), 0.2],
  sign: ({ x }) => [x(3, 4)],
  erf: ({ x }) => [x(3, 4)],
  log1p: ({ p }) => [p(3, 4)],
  expm1: ({ x }) => [x(3, 4)],
  gelu: ({ x }) => [x(3, 4)],
  silu: ({ x }) => [x(3, 4)],
  leakyRelu: ({ x }) => [x(3, 4)],
  softplus: ({ x }) => [x(3, 4)],
  cumsum: ({ x }) => [x(3, 4), 1],
  cumprod: ({ x }) => [x(3, 4), 0],
  sort: ({ x }) => [x(3, 4), 1],
  topk: ({ x }) => [x(3, 4), 2],
  sum: ({ x }) => [x(3, 4), 0],
  mean: ({ x }) => [x(3, 4)],
  prod: ({ x }) => [x(3, 4), 1],
  amax: ({ x }) => [x(3, 4), 1],
  amin: ({ x }) => [x(3, 4)],
  var: ({ x }) => [x(3, 4), 1],
  std: ({ x }) => [x(3, 4)],
  norm: ({ x }) => [x(3, 4)],
  logsumexp: ({ x }) => [x(3, 4), 1],
  matmul: ({ x }) => [x(3, 4), x(4, 2)],
  mm: ({ x }) => [x(3, 4), x(4, 2)],
  bmm: ({ x }) => [x(2, 3, 4), x(2, 4, 2)],
  mv: ({ x }) => [x(3, 4), x(4)],
  dot: ({ x }) => [x(4), x(4)],
  outer: ({ x }) => [x(3), x(4)],
  addmm: ({ x }) => [x(3, 2), x(3, 4), x(4, 2)],
  baddbmm: ({ x }) => [x(2, 3, 2), x(2, 3, 4), x(2, 4, 2)],
  softmax: ({ x }) => [x(3, 4), 1],
  logSoftmax: ({ x }) => [x(3, 4), 0],
  to: ({ x }) => [x(3, 4), 'float32'],
  float: ({ x }) => [x(3, 4)],
  double: ({ x }) => [x(3, 4).float()],
};

/**
 * Called as written: free functions with no method of the same signature, and the
 * methods with several forms.
 */
const functionCases: Record<string, Case> = {
  max: ({ x }) => [x(3, 4).max(), x(3, 4).max(1).values, x(3, 4).max(x(4))],
  min: ({ x }) => [x(3, 4).min(), x(3, 4).min(0).values, x(3, 4).min(x(3, 1))],
  einsum: ({ x }) => tl.einsum('ij,jk->ik', x(3, 4), x(4, 2)),
  scaledDotProductAttention: ({ x }) =>
    tl.scaledDotProductAttention(x(2, 3, 4), x(2, 5, 4), x(2, 5, 2), { isCausal: true }),
  cat: ({ x }) => tl.cat([x(3, 4), x(1, 4)]),
  concat: ({ x }) => tl.concat([x(3, 4), x(3, 2)], 1),
  concatenate: ({ x }) => tl.concatenate([x(2), x(3)]),
  stack: ({ x }) => tl.stack([x(3, 4), x(3, 4)], 1),
  dropout: ({ x }) => tl.dropout(x(3, 4), 0.5),
  crossEntropy: ({ x }) => tl.crossEntropy(x(3, 4), tensor([1, 0, 3])),
  mseLoss: ({ x }) => tl.mseLoss(x(3, 4), x(3, 4)),
  nllLoss: ({ x }) => tl.nllLoss(x(3, 4).logSoftmax(1), tensor([1, 0, 3])),
  linear: ({ x }) => tl.linear(x(3, 4), x(2, 4), x(2)),
  layerNorm: ({ x }) => tl.layerNorm(x(3, 4), 4, x(4), x(4)),
  rmsNorm: ({ x }) => tl.rmsNorm(x(3, 4), [4], x(4)),
  embedding: ({ x }) =>
    tl.embedding(
      tensor([
        [1, 1],
        [0, 2],
      ]),
      x(3, 4),
    ),
  scatter: ({ x }) => tl.scatter(x(3, 4), 0, tensor([[2, 0, 1, 1]]), x(1, 4)),
  clamp: ({ x }) => tl.clamp(x(3, 4), -0.3, 0.4),
  clampMin: ({ x }) => tl.clampMin(x(3, 4), x(4)),
  clampMax: ({ x }) => tl.clampMax(x(3, 4), x(3, 1)),
  where: ({ x }) => tl.where(bools(), x(3, 4), x(3, 1)),
};

/** Methods that are not ops on the tensor's values (state, conversion out of tensors). */
const notOps = [
  'constructor',
  'withLayout',
  'live',
  'backendView',
  'version',
  'bumpVersion',
  'storageHandle',
  'ndim',
  'dim',
  'isDisposed',
  'numel',
  'stride',
  'size',
  'isContiguous',
  'requiresGrad',
  'requiresGrad_',
  'isLeaf',
  'gradFn',
  'grad',
  'retainGrad',
  'backward',
  'storage',
  'data',
  'dataInto',
  'toArray',
  'item',
  'dispose',
  'toString',
];

/**
 * Not differentiable, by design (as torch): the result is bool or int32 (comparisons,
 * argmax/argmin/argsort, all/any, int/bool casts, isclose), a sample (multinomial,
 * bernoulli draw from the values but have no gradient), or `detach` (leaves the graph on
 * purpose). Each is checked not to require grad.
 */
const nonDifferentiable: Record<string, Case> = {
  eq: ({ x }) => x(3, 4).eq(0),
  ne: ({ x }) => x(3, 4).ne(x(4)),
  lt: ({ x }) => x(3, 4).lt(0),
  le: ({ x }) => x(3, 4).le(0),
  gt: ({ x }) => x(3, 4).gt(0),
  ge: ({ x }) => x(3, 4).ge(0),
  argmax: ({ x }) => x(3, 4).argmax(1),
  argmin: ({ x }) => x(3, 4).argmin(),
  argsort: ({ x }) => x(3, 4).argsort(),
  all: ({ x }) => x(3, 4).all(),
  any: ({ x }) => x(3, 4).any(1),
  int: ({ x }) => x(3, 4).int(),
  bool: ({ x }) => x(3, 4).bool(),
  isclose: ({ x }) => tl.isclose(x(3, 4), x(3, 4)),
  multinomial: ({ p }) => p(2, 4).multinomial(2),
  bernoulli: ({ x }) => x(3, 4).sigmoid().bernoulli(),
  detach: ({ x }) => x(3, 4).detach(),
};

/** In-place writes: each must throw AutogradError under grad mode when the target requires grad. */
const inPlace: Record<string, (t: T) => unknown> = {
  add_: (t) => t.add_(1),
  sub_: (t) => t.sub_(1),
  mul_: (t) => t.mul_(2),
  div_: (t) => t.div_(2),
  fill_: (t) => t.fill_(0),
  zero_: (t) => t.zero_(),
  normal_: (t) => t.normal_(),
  uniform_: (t) => t.uniform_(),
  copy_: (t) => t.copy_(tensor([1, 2, 3, 4], { dtype: 'float64' })),
  set: (t) => t.set([0, ':'], 1),
  maskedFill_: (t) => t.maskedFill_(bools(), 1),
  scatter_: (t) => t.scatter_(1, tensor([[0], [1], [2]]), 1),
  scatterAdd_: (t) =>
    t.scatterAdd_(1, tensor([[0], [1], [2]]), tensor([[1], [1], [1]], { dtype: 'float64' })),
};

/** The same writes with a source that requires grad into a target that does not. */
const inPlaceFromGrad: Record<string, (t: T, src: T) => unknown> = {
  add_: (t, s) => t.add_(s),
  copy_: (t, s) => t.copy_(s),
  set: (t, s) => t.set([0, ':'], s),
  setAdvanced: (t, s) => t.set([[0, 2], ':'], s),
  maskedFill_: (t, s) => t.maskedFill_(bools(), s.sum()),
  scatter_: (t, s) => t.scatter_(0, tensor([[0, 1, 2, 0]]), s.unsqueeze(0)),
  scatterAdd_: (t, s) => t.scatterAdd_(0, tensor([[0, 1, 2, 0]]), s.unsqueeze(0)),
};

/** Exports that are not tensor ops on an input: creation, setup, I/O, errors, utilities. */
const notOpExports = [
  'enableGrad',
  'isGradEnabled',
  'noGrad',
  'setBackend',
  'arange',
  'empty',
  'eye',
  'full',
  'linspace',
  'ones',
  'onesLike',
  'tensor',
  'zeros',
  'zerosLike',
  'einsumPath',
  'ArgumentError',
  'AutogradError',
  'DisposedError',
  'DtypeError',
  'EinsumError',
  'FormatError',
  'IndexError',
  'InitError',
  'KernelTrapError',
  'OutOfMemoryError',
  'ShapeError',
  'TensorlaneError',
  'formatTensor',
  'printOptions',
  'setPrintOptions',
  'Slice',
  'slice',
  'backendInfo',
  'init',
  'shutdown',
  'loadNpy',
  'loadNpz',
  'saveNpy',
  'loadSafetensors',
  'saveSafetensors',
  'keep',
  'memory',
  'tidy',
  'promoteTypes',
  'resultType',
  'manualSeed',
  'rand',
  'randint',
  'randn',
  'randperm',
  'Tensor',
  // allclose answers a JS boolean.
  'allclose',
];

// Where the engine has no Symbol.dispose (Node 20.0), `[Symbol.dispose]()` is a method
// named 'undefined': it is dispose's alias, not an op.
const methodNames = Object.getOwnPropertyNames(Tensor.prototype).filter(
  (name) => !(name === 'undefined' && typeof Symbol.dispose === 'undefined'),
);
const exportNames = Object.entries(tl)
  .filter(([, v]) => typeof v === 'function')
  .map(([k]) => k);

/** Calls `run`, then checks that every float result records and every leaf gets its gradient. */
function expectRecords(name: string, run: Case): void {
  const leaves: T[] = [];
  const made =
    (f: (...shape: number[]) => T) =>
    (...shape: number[]) => {
      const t = f(...shape);
      leaves.push(t);
      return t;
    };
  const result = run({ x: made(leaf), p: made(positive) });
  const outs =
    result instanceof Tensor ? [result] : Array.isArray(result) ? result : [result.values];
  for (const o of outs) {
    expect(o.requiresGrad, `${name}: the result requires grad`).toBe(true);
    expect(o.gradFn ?? leaves.includes(o), `${name}: the result has a gradFn`).toBeTruthy();
  }
  const total = outs
    .map((o) => o.mul(randn(o.shape, { dtype: o.dtype })).sum())
    .reduce((a, b) => a.add(b));
  total.backward();
  for (const l of leaves) {
    expect(l.grad, `${name}: input of shape [${l.shape}] gets a gradient`).not.toBeNull();
    expect(l.grad!.shape, `${name}: the gradient has the input's shape`).toEqual(l.shape);
  }
}

/** A method call as a Case: the member (a getter, too) invoked on the receiver. */
const asMethod =
  (name: string, call: Call): Case =>
  (m) => {
    const [receiver, ...args] = call(m);
    const member = (receiver as unknown as Record<string, unknown>)[name];
    return (typeof member === 'function' ? member.apply(receiver, args) : member) as Result;
  };

/** The same call through the exported function of that name: `f(receiver, ...args)`. */
const asFunction =
  (name: string, call: Call): Case =>
  (m) =>
    (tl as unknown as Record<string, (...a: unknown[]) => Result>)[name]!(...call(m));

describeBackends('every differentiable op records', (it) => {
  for (const [name, call] of Object.entries(methodCases)) {
    it(`t.${name}`, () => {
      manualSeed(81);
      expectRecords(name, asMethod(name, call));
    });
    if (exportNames.includes(name) && !(name in functionCases))
      it(`${name}(t, …)`, () => {
        manualSeed(82);
        expectRecords(name, asFunction(name, call));
      });
  }
  for (const [name, run] of Object.entries(functionCases))
    it(name, () => {
      manualSeed(83);
      expectRecords(name, run);
    });
  for (const [name, run] of Object.entries(nonDifferentiable))
    it(`${name} does not require grad`, () => {
      manualSeed(84);
      const r = run({ x: leaf, p: positive }) as T;
      expect(r.requiresGrad).toBe(false);
    });
  for (const [name, write] of Object.entries(inPlace))
    it(`${name} refuses a target that requires grad`, () => {
      const t = leaf(3, 4);
      const before = t.toArray();
      expect(() => write(t)).toThrow(AutogradError);
      expect(t.toArray()).toEqual(before);
      expect(() => tl.noGrad(() => write(t))).not.toThrow();
    });
  for (const [name, write] of Object.entries(inPlaceFromGrad))
    it(`${name} refuses a source that requires grad`, () => {
      const t = tl.zeros([3, 4], { dtype: 'float64' });
      expect(() => write(t, leaf(4))).toThrow(AutogradError);
      expect(t.abs().sum().item()).toBe(0);
    });
});

describe('every op is on a list', () => {
  it('each Tensor method is checked for gradients, non-differentiable, in place, or not an op', () => {
    const listed = new Set([
      ...Object.keys(methodCases),
      ...Object.keys(functionCases),
      ...Object.keys(nonDifferentiable),
      ...Object.keys(inPlace),
      ...notOps,
    ]);
    expect(methodNames.filter((n) => !listed.has(n))).toEqual([]);
  });
  it('each exported function is checked (here or as the method of its name) or not an op', () => {
    const listed = new Set([
      ...Object.keys(methodCases),
      ...Object.keys(functionCases),
      ...Object.keys(nonDifferentiable),
      ...notOpExports,
    ]);
    expect(exportNames.filter((n) => !listed.has(n))).toEqual([]);
  });
  it('every free function named like a checked method is also called as a function', () => {
    // The free forms route elsewhere than the methods in places (functional.ts, activation.ts).
    const both = exportNames.filter((n) => n in methodCases && !(n in functionCases));
    for (const n of both) expect(typeof (tl as Record<string, unknown>)[n]).toBe('function');
  });
});

describe('in-place writes mark saved tensors stale', () => {
  it('set with an index array bumps the version, so backward refuses the changed tensor', () => {
    const a = tensor([1, 2, 3], { dtype: 'float64' });
    const w = leaf(3);
    const out = a.mul(w);
    a.set([[0, 2]], 5);
    expect(() => out.sum().backward()).toThrow(/modified in place/);
  });
});
