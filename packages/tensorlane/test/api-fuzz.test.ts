/**
 * Random public calls with random argument kinds, as a plain-JavaScript caller may make
 * them: wrong types, NaN, ±Infinity, huge, negative and fractional numbers, unknown dtypes,
 * disposed tensors, empty and 0-d tensors, views. Every failure must be a TensorlaneError
 * (a KernelTrapError counts as a failure: it is a kernel bug), a result may hold NaN only
 * when an input could explain it, a failed call leaves no tensor allocated, and the
 * tensors the calls read are unchanged afterwards. On the wasm backend every call is also
 * made on the js backend (the reference) with a mirror of the tensors, and the two must
 * agree: both throw the same error class, or both return the same shapes, dtypes and values
 * (within 1e-5 relative for the SIMD transcendentals).
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { setBackend } from '../src/backend/current.js';
import * as tl from '../src/index.js';
import { KernelTrapError, memory, Tensor, TensorlaneError } from '../src/index.js';
import { describeBackends } from './backend-cases.js';

/** Calls per backend: many rounds of a batch of calls over one pool of tensors. */
const ROUNDS = 500;
const CALLS_PER_ROUND = 84;

/** The tensors calls read: every dtype, 0-d, empty, views, and some with NaN/Inf. */
function makePool(): Tensor[] {
  const m = tl.tensor(
    [
      [1.5, -2, 0],
      [3, 0.25, -1],
    ],
    { dtype: 'float32' },
  );
  return [
    m,
    m.T,
    m.get(':', '1:'),
    tl.tensor([1, -2, 3, 4]),
    tl.tensor([true, false, true]),
    tl.tensor([0.5, 2], { dtype: 'float64' }),
    tl.tensor(2.5),
    tl.tensor(7),
    tl.zeros(0),
    tl.zeros(2, 0, 3),
    tl.tensor([1, 2, 3], { dtype: 'float32' }).expand(2, 3),
    tl.tensor([Number.NaN, Infinity, -Infinity, 1], { dtype: 'float32' }),
    tl.arange(24, { dtype: 'float32' }).view(2, 3, 4),
    tl.ones(2, 3, 4),
  ];
}

const NUMBERS = [
  0,
  -0,
  1,
  2,
  3,
  -1,
  -2,
  0.5,
  1.5,
  -2.5,
  Number.NaN,
  Infinity,
  -Infinity,
  1e300,
  -1e300,
  1e-300,
  2 ** 32 + 1,
  2 ** 53,
];
const OTHERS = [
  true,
  false,
  null,
  undefined,
  '1',
  ':',
  '0:2',
  '...',
  'float16',
  'int64',
  'float32',
  'int32',
  'bool',
  'fro',
  'ij,jk->ik',
  'i->',
  [],
  [0],
  [1, 2],
  [[1, 2]],
  [0, -1],
  ['1'],
  {},
  { dim: 1 },
  { dtype: 'int64' },
  { dtype: 'float64' },
  { keepdim: true },
  { correction: 0 },
  { min: 0 },
  { isCausal: true },
  { attn_mask: null },
  { rtol: '1' },
];

/** Element values beyond float32's range (they overflow to ±Infinity when cast). */
const overflows = (x: number) => !Number.isFinite(x) || Math.abs(x) > 3.4e38;

/** Ops that may produce NaN from finite inputs (sqrt(-1), 0/0, var of one element, …). */
const NAN_FROM_FINITE = new Set([
  'sqrt',
  'log',
  'pow',
  'div',
  'mean',
  'var',
  'std',
  'reciprocal',
  'logsumexp',
  'softmax',
  'logSoftmax',
  'scaledDotProductAttention',
  'norm',
  'sub',
  'add',
  'mul',
  'matmul',
  'einsum',
  'linspace',
  'arange',
  'add_',
  'sub_',
  'mul_',
  'div_',
]);

const METHODS = [
  'add',
  'sub',
  'mul',
  'div',
  'pow',
  'maximum',
  'minimum',
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
  'neg',
  'abs',
  'sqrt',
  'exp',
  'log',
  'sin',
  'tanh',
  'sigmoid',
  'relu',
  'square',
  'reciprocal',
  'floor',
  'round',
  'clamp',
  'sum',
  'mean',
  'prod',
  'all',
  'any',
  'max',
  'min',
  'amax',
  'amin',
  'argmax',
  'argmin',
  'var',
  'std',
  'norm',
  'logsumexp',
  'matmul',
  'mm',
  'bmm',
  'mv',
  'dot',
  'outer',
  'softmax',
  'logSoftmax',
  'to',
  'float',
  'double',
  'int',
  'bool',
  'view',
  'reshape',
  'unsqueeze',
  'squeeze',
  'expand',
  'expandAs',
  'transpose',
  'permute',
  'flatten',
  'narrow',
  'get',
  'clone',
  'contiguous',
  'item',
  'toArray',
  'size',
  'stride',
  'storage',
  'toString',
] as const;

const FUNCTIONS = [
  'tensor',
  'zeros',
  'ones',
  'full',
  'empty',
  'arange',
  'linspace',
  'eye',
  'zerosLike',
  'onesLike',
  'rand',
  'randn',
  'randint',
  'einsum',
  'matmul',
  'scaledDotProductAttention',
  'isclose',
  'allclose',
  'softmax',
  'add',
  'sum',
  'clamp',
  'logsumexp',
  'norm',
  'einsumPath',
  'tidy',
  'keep',
  'manualSeed',
  'slice',
  'promoteTypes',
  'resultType',
  'formatTensor',
] as const;

/** In-place methods run on a clone, so the pool stays as it was. */
const IN_PLACE = ['add_', 'sub_', 'mul_', 'div_', 'fill_', 'copy_', 'set', 'zero_'] as const;

type Arg = { kind: 'tensor'; i: number } | { kind: 'disposed' } | { kind: 'value'; v: unknown };

const argArb = (poolSize: number): fc.Arbitrary<Arg> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.nat(poolSize - 1).map((i) => ({ kind: 'tensor', i }) as Arg) },
    { weight: 1, arbitrary: fc.constant({ kind: 'disposed' } as Arg) },
    { weight: 3, arbitrary: fc.constantFrom(...NUMBERS).map((v) => ({ kind: 'value', v }) as Arg) },
    { weight: 3, arbitrary: fc.constantFrom(...OTHERS).map((v) => ({ kind: 'value', v }) as Arg) },
  );

const callArb = (poolSize: number) =>
  fc.record({
    kind: fc.constantFrom('method', 'function', 'inplace'),
    method: fc.constantFrom(...METHODS),
    fn: fc.constantFrom(...FUNCTIONS),
    inplace: fc.constantFrom(...IN_PLACE),
    target: fc.nat(poolSize - 1),
    args: fc.array(argArb(poolSize), { maxLength: 4 }),
  });

/** Tensors inside a call's result (a tensor, `{ values, indices }`, or nothing). */
function tensorsIn(x: unknown): Tensor[] {
  if (x instanceof Tensor) return [x];
  if (x && typeof x === 'object' && !Array.isArray(x))
    return Object.values(x).filter((v): v is Tensor => v instanceof Tensor);
  return [];
}

function hasNaN(t: Tensor): boolean {
  if (t.isDisposed || (t.dtype !== 'float32' && t.dtype !== 'float64')) return false;
  return t.data().some(Number.isNaN);
}

/** True when an argument could explain a NaN: a NaN/Inf element or a non-float32 number. */
function explainsNaN(x: unknown): boolean {
  if (x instanceof Tensor)
    return !x.isDisposed && (x.dtype === 'float32' || x.dtype === 'float64')
      ? x.data().some((v) => overflows(v))
      : false;
  if (typeof x === 'number') return overflows(x);
  if (Array.isArray(x)) return x.some(explainsNaN);
  return false;
}

describeBackends('api fuzz', (bit, backend) => {
  bit(`${ROUNDS * CALLS_PER_ROUND} random public calls: typed errors only, inputs intact`, () => {
    const pool = makePool();
    setBackend('js');
    const mirror = backend === 'wasm' ? makePool() : undefined;
    setBackend(backend);
    const snapshot = pool.map((t) => Array.from(t.data()));
    const disposed = tl.ones(2);
    disposed.dispose();
    const calls = fc.sample(
      fc.array(callArb(pool.length), {
        minLength: CALLS_PER_ROUND,
        maxLength: CALLS_PER_ROUND,
      }),
      { numRuns: ROUNDS, seed: Number(globalThis.process?.env?.TL_FUZZ_SEED ?? 19) },
    );
    const failures = new Map<string, string>();
    let count = 0;
    for (const batch of calls)
      for (const c of batch) {
        count++;
        const args = c.args.map((a) =>
          a.kind === 'tensor' ? pool[a.i]! : a.kind === 'disposed' ? disposed : a.v,
        );
        const name0 = c.kind === 'method' ? c.method : c.kind === 'function' ? c.fn : c.inplace;
        const reference =
          mirror && !UNCOMPARED.has(name0) ? onJs(c, args, pool, mirror) : undefined;
        const before = memory();
        let clone: Tensor | undefined;
        let name: string;
        let call: () => unknown;
        if (c.kind === 'method') {
          name = c.method;
          const target = pool[c.target]!;
          call = () => (target as any)[name](...args);
        } else if (c.kind === 'function') {
          name = c.fn;
          call = () => (tl as any)[name](...args);
        } else {
          name = c.inplace;
          clone = pool[c.target]!.clone();
          const target = clone;
          call = () => (target as any)[name](...args);
        }
        const label = `${name}(${args.map(describe).join(', ')})`;
        let result: unknown;
        try {
          result = call();
          if (reference && 'error' in reference)
            failures.set(`${name}: only js threw`, `${label} → js ${String(reference.error)}`);
          else if (reference && !sameValue(summary(clone ?? result), reference.value))
            failures.set(`${name}: differs`, `${label} → wasm and js results differ`);
        } catch (e) {
          if (reference && !('error' in reference && sameClass(reference.error, e)))
            failures.set(
              `${name}: error differs`,
              `${label} → wasm ${String(e)}, js ${'error' in reference ? String(reference.error) : 'ok'}`,
            );
          const typed = e instanceof TensorlaneError && !(e instanceof KernelTrapError);
          const internal =
            e instanceof Error && /backendView|toString:|is not a function/.test(e.message);
          if (!typed || internal)
            failures.set(`${name}: ${(e as Error)?.name}`, `${label} → ${String(e)}`);
          clone?.dispose();
          const after = memory();
          if (after.tensors !== before.tensors || after.bytes !== before.bytes)
            failures.set(
              `${name}: leak`,
              `${label} leaked ${after.tensors - before.tensors} tensors`,
            );
          continue;
        }
        const out = tensorsIn(result).filter((t) => !pool.includes(t));
        for (const t of out) {
          if (
            hasNaN(t) &&
            !NAN_FROM_FINITE.has(name) &&
            !args.some(explainsNaN) &&
            !(c.kind !== 'function' && explainsNaN(pool[c.target]))
          )
            failures.set(`${name}: NaN`, `${label} → unexplained NaN`);
          t.dispose();
        }
        clone?.dispose();
        const after = memory();
        if (after.tensors !== before.tensors || after.bytes !== before.bytes)
          failures.set(`${name}: leak`, `${label} kept ${after.tensors - before.tensors} tensors`);
      }
    pool.forEach((t, i) => {
      expect(Array.from(t.data()), `pool tensor ${i}`).toEqual(snapshot[i]);
    });
    expect(count).toBe(ROUNDS * CALLS_PER_ROUND);
    expect([...failures.values()]).toEqual([]);
  });
});

function describe(x: unknown): string {
  if (x instanceof Tensor)
    return x.isDisposed ? 'disposed' : `${x.dtype}${JSON.stringify(x.shape)}`;
  try {
    return JSON.stringify(x) ?? String(x);
  } catch {
    return typeof x;
  }
}

/** Calls whose result depends on global state (the RNG) or holds functions: not compared. */
const UNCOMPARED = new Set([
  'rand',
  'randn',
  'randint',
  'manualSeed',
  'tidy',
  'keep',
  'storage',
  'einsumPath',
]);

type Reference = { value: unknown } | { error: unknown };

/** The same call on the js backend with the mirror pool; its results are freed here. */
function onJs(
  c: { kind: string; method: string; fn: string; inplace: string; target: number },
  args: unknown[],
  pool: Tensor[],
  mirror: Tensor[],
): Reference {
  setBackend('js');
  const margs = args.map((a) =>
    a instanceof Tensor && pool.includes(a) ? mirror[pool.indexOf(a)] : a,
  );
  const clone = c.kind === 'inplace' ? mirror[c.target]!.clone() : undefined;
  try {
    if (c.kind === 'function') {
      const r = (tl as any)[c.fn](...margs);
      const value = summary(r);
      for (const t of tensorsIn(r)) if (!mirror.includes(t)) t.dispose();
      return { value };
    }
    const target = clone ?? mirror[c.target]!;
    const r = (target as any)[c.kind === 'method' ? c.method : c.inplace](...margs);
    const value = summary(clone ?? r);
    for (const t of tensorsIn(r)) if (!mirror.includes(t) && t !== clone) t.dispose();
    return { value };
  } catch (error) {
    return { error };
  } finally {
    clone?.dispose();
    setBackend('wasm');
  }
}

/** A comparable copy of a result: tensors become shape, dtype and values. */
function summary(x: unknown): unknown {
  if (x instanceof Tensor)
    return x.isDisposed
      ? 'disposed'
      : { shape: x.shape, dtype: x.dtype, values: Array.from(x.data()) };
  if (x && typeof x === 'object' && !Array.isArray(x))
    return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, summary(v)]));
  return x;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number')
    return (
      Object.is(a, b) ||
      (Number.isNaN(a) && Number.isNaN(b)) ||
      Math.abs(a - b) <= 1e-5 * Math.abs(b)
    );
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((v, i) => sameValue(v, b[i]));
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a);
    return (
      ka.length === Object.keys(b).length &&
      ka.every((k) => sameValue((a as any)[k], (b as any)[k]))
    );
  }
  return a === b;
}

function sameClass(a: unknown, b: unknown): boolean {
  return a instanceof Error && b instanceof Error && a.constructor === b.constructor;
}
