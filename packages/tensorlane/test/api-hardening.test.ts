/**
 * Issue 19, the tensor API edge for plain-JavaScript callers: every case here was a raw
 * TypeError/RangeError, a wrong-class error or a silent wrong answer before. Each throwing
 * case also checks that nothing was left allocated.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { resetWasmBackend, setBackend } from '../src/backend/current.js';
import * as tl from '../src/index.js';
import {
  ArgumentError,
  arange,
  DisposedError,
  DtypeError,
  einsum,
  full,
  IndexError,
  linspace,
  matmul,
  memory,
  OutOfMemoryError,
  ones,
  rand,
  randint,
  randn,
  ShapeError,
  scaledDotProductAttention,
  sum,
  type TensorlaneError,
  tensor,
  zeros,
  zerosLike,
} from '../src/index.js';
import { describeBackends } from './backend-cases.js';
import { BUILDS_UNDER_TEST, buildSupported, loadBuild } from './wasm-builds.js';

/** Plain-JS calls: arguments a type checker would have refused. */
const js = (x: unknown) => x as any;

/** `f` throws an instance of `type` whose message matches `message`, allocating nothing. */
function expectTyped(
  f: () => unknown,
  type: new (...a: any[]) => TensorlaneError,
  message: RegExp,
): void {
  const before = memory();
  let thrown: unknown;
  try {
    f();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, String(f)).toBeInstanceOf(type);
  expect((thrown as Error).message).toMatch(message);
  expect((thrown as Error).message).not.toMatch(/backendView|toString:|is not a function/);
  expect(memory().tensors).toBe(before.tensors);
  expect(memory().bytes).toBe(before.bytes);
}

describeBackends('item 1: dtype strings are checked', (it) => {
  it('unknown dtypes are a DtypeError naming the op, not an OutOfMemoryError', () => {
    expectTyped(() => zeros(2, js({ dtype: 'int64' })), DtypeError, /^zeros: dtype .*"int64"/);
    expectTyped(() => tensor([1], js({ dtype: 'float16' })), DtypeError, /^tensor: .*"float16"/);
    const x = ones(2);
    expectTyped(() => x.to(js('float16')), DtypeError, /^to: /);
    expectTyped(() => full([2], 1, js({ dtype: 'f32' })), DtypeError, /^full: /);
    expectTyped(() => arange(3, js({ dtype: 'uint8' })), DtypeError, /^arange: /);
    expectTyped(() => rand(2, js({ dtype: 7 })), DtypeError, /^rand: /);
    expectTyped(() => zerosLike(x, js({ dtype: 'half' })), DtypeError, /^zerosLike: /);
    expectTyped(() => x.softmax(0, js('double')), DtypeError, /^softmax: /);
    expectTyped(() => zeros(2, js({ dtyp: 'int32' })), ArgumentError, /unknown option 'dtyp'/);
    x.dispose();
  });
});

describeBackends('items 4 and 8: operands, dims and options are checked', (it) => {
  it('wrong argument kinds are typed errors naming the public op', () => {
    const x = ones(2);
    const m = ones(2, 2);
    expectTyped(() => x.add(js([1, 2])), ArgumentError, /^add: other must be .*array of length 2/);
    expectTyped(() => x.add(js('1')), ArgumentError, /^add: other .* got "1"/);
    const ints = tensor([1, 2]);
    expectTyped(() => ints.eq(js([1, 3])), ArgumentError, /^eq: /);
    expectTyped(() => x.clamp(js({ min: 0 })), ArgumentError, /^clamp: min must be a number/);
    expectTyped(() => x.sum(js('1')), ArgumentError, /^sum: dim must be/);
    expectTyped(() => m.max(js({ dim: 1 })), ArgumentError, /^max: dim must be/);
    expectTyped(() => x.sum(0, js('yes')), ArgumentError, /^sum: keepdim must be true or false/);
    expectTyped(
      () => einsum('ij,jk->ik', js([m, m])),
      ArgumentError,
      /^einsum: operand 0 must be a Tensor/,
    );
    expectTyped(() => matmul(m, js([[1, 2]])), ArgumentError, /^matmul: other must be a Tensor/);
    expectTyped(() => m.matmul(js([[1], [2]])), ArgumentError, /^matmul: other must be a Tensor/);
    expectTyped(() => sum(js([1, 2])), ArgumentError, /^sum: input must be a Tensor/);
    expectTyped(() => x.add_(js(null)), ArgumentError, /^add_: other/);
    expectTyped(() => x.fill_(js('3')), ArgumentError, /^fill_: value/);
    expectTyped(() => x.expandAs(js([2, 2])), ArgumentError, /^expandAs: other must be a Tensor/);
    expectTyped(
      () => x.var(js({ unbiased: false })),
      ArgumentError,
      /^var: unknown option 'unbiased'/,
    );
    expectTyped(
      () => scaledDotProductAttention(m, m, m, js({ attn_mask: null, is_causal: true })),
      ArgumentError,
      /'attn_mask' \(did you mean 'mask'\?\), 'is_causal' \(did you mean 'isCausal'\?\)/,
    );
    expectTyped(() => x.softmax(js('0')), ArgumentError, /^softmax: dim must be an integer/);
    expectTyped(() => tensor(js([1, '2'])), ShapeError, /^tensor: expected a number/);
    expect(x.toArray()).toEqual([1, 1]);
    expect(m.toArray()).toEqual([
      [1, 1],
      [1, 1],
    ]);
  });

  it('the helpers found by the fuzz test check their arguments too', () => {
    expectTyped(
      () => tl.resultType(js(2)),
      ArgumentError,
      /^resultType: operands must be an array/,
    );
    expectTyped(() => tl.promoteTypes('float32', js('int64')), DtypeError, /^promoteTypes: /);
    expectTyped(() => tl.keep(js(2)), ArgumentError, /^keep: /);
    expectTyped(() => tl.tidy(js('x')), ArgumentError, /^tidy: fn must be a function/);
    expectTyped(() => tl.formatTensor(js(null)), ArgumentError, /^formatTensor: /);
    expectTyped(() => tl.einsumPath('i->', js(null)), ArgumentError, /^einsumPath: operand 0/);
    expectTyped(() => einsum('i->', js(undefined)), ArgumentError, /^einsum: operand 0/);
    const m = ones(2, 2);
    expectTyped(() => m.squeeze(js('0')), ArgumentError, /^squeeze: dim must be/);
    m.dispose();
  });

  it('reductions of empty tensors along a dim give empty results, not an overlap error', () => {
    const e = zeros(2, 0, 3);
    for (const r of [e.var(2), e.std(-1), e.mean(2, true), e.logsumexp(2)]) {
      expect(r.numel()).toBe(0);
      r.dispose();
    }
  });

  it('a disposed tensor names the public op, never an internal one', () => {
    const x = ones(2);
    x.dispose();
    expectTyped(() => x.clone(), DisposedError, /^clone: .*after dispose/);
    expectTyped(() => String(x), DisposedError, /^String\(tensor\): .*after dispose/);
    expectTyped(() => x.data(), DisposedError, /^data: /);
  });

  it('randn of a huge shape is an OutOfMemoryError like zeros, not a RangeError', () => {
    expectTyped(() => randn(1e6, 1e6), OutOfMemoryError, /cannot allocate/);
    expectTyped(() => rand(1e6, 1e6), OutOfMemoryError, /cannot allocate/);
    expectTyped(() => arange(0.5, 1e13), OutOfMemoryError, /cannot allocate/);
    expectTyped(() => linspace(0, 1, 1e13), OutOfMemoryError, /cannot allocate/);
  });
});

describeBackends('item 3: int32 creation is range-checked, int32 sum/prod never wrap', (it) => {
  it('out-of-range int32 values are a DtypeError, as PyTorch refuses them', () => {
    expectTyped(
      () => tensor([3e9], { dtype: 'int32' }),
      DtypeError,
      /3000000000 cannot be converted to int32/,
    );
    expectTyped(() => full([4], 2 ** 31, { dtype: 'int32' }), DtypeError, /int32 without overflow/);
    expectTyped(() => arange(0, 4e9, 1e9, { dtype: 'int32' }), DtypeError, /3000000000/);
    expectTyped(() => randint(0, 2 ** 32, [2]), DtypeError, /int32/);
    expectTyped(() => tensor([Number.NaN], { dtype: 'int32' }), DtypeError, /NaN/);
    const f = tensor([3e9, 1], { dtype: 'float32' });
    expectTyped(() => f.to('int32'), DtypeError, /^to: value 3000000000/);
    f.dispose();
    // A JS number computed as int32 must fit too (PyTorch's fill_ refuses; its `+` wraps).
    const i32 = tensor([1, 2]);
    expectTyped(() => i32.add(3e9), DtypeError, /^add: value 3000000000/);
    expectTyped(() => i32.fill_(Number.NaN), DtypeError, /^fill_: value NaN/);
    expectTyped(() => i32.set(0, 2 ** 31), DtypeError, /^set: value 2147483648/);
    expectTyped(() => i32.mul_(-(2 ** 32)), DtypeError, /^mul_: /);
    expect(i32.add(1.5).toArray()).toEqual([2.5, 3.5]);
    expect(i32.toArray()).toEqual([1, 2]);
    // In range (torch gives the same): the largest values and truncation toward zero.
    expect(tensor([2 ** 31 - 1, -(2 ** 31), 1.9], { dtype: 'int32' }).toArray()).toEqual([
      2147483647, -2147483648, 1,
    ]);
    expect(arange(0, 3e9, 1e9, { dtype: 'int32' }).toArray()).toEqual([0, 1e9, 2e9]);
  });

  it('int32 sum/prod are exact when the result fits and a DtypeError when it does not', () => {
    const big = full([4], 2 ** 30, { dtype: 'int32' });
    expectTyped(() => big.sum(), DtypeError, /^sum: the sum of int32 \[4\] is 4294967296/);
    expectTyped(() => big.sum(0, true), DtypeError, /4294967296/);
    expect(
      full([3], 2 ** 30 - 1, { dtype: 'int32' })
        .view(1, 3)
        .narrow(1, 0, 2)
        .sum()
        .item(),
    ).toBe(2 ** 31 - 2);
    expect(
      tensor([2 ** 30, 2 ** 30, -(2 ** 30)])
        .sum()
        .item(),
    ).toBe(2 ** 30);
    const p16 = tensor([65536, 65536]);
    expectTyped(() => p16.prod(), DtypeError, /^prod: the product .* 4294967296/);
    expect(tensor([-65536, 32768]).prod().item()).toBe(-(2 ** 31));
    expect(
      tensor([
        [46341, 1],
        [46340, 1],
      ])
        .prod(1)
        .toArray(),
    ).toEqual([46341, 46340]);
    const p = tensor([46341, 46341]);
    expectTyped(() => p.prod(), DtypeError, /2147488281/);
    expect(ones([3], { dtype: 'bool' }).sum().item()).toBe(3);
  });
});

describeBackends('item 5: set takes the index as get does', (it) => {
  it('set(i, j, value) writes one element, as t[i, j] = value; set([i, j], value) too', () => {
    const t = zeros(2, 3);
    t.set(0, 1, 5);
    t.set([1, 2], 7);
    t.set(1, ':', js(tensor([1, 2, 3]).float())).set(1, 0, 9);
    expect(t.toArray()).toEqual([
      [0, 5, 0],
      [9, 2, 3],
    ]);
    for (let i = -2; i < 2; i++)
      for (let j = -3; j < 3; j++) {
        t.set(i, j, i * 10 + j);
        expect(t.get(i, j).item()).toBe(i * 10 + j);
        expect(t.get(...[i, j]).item()).toBe(t.get(i).get(j).item());
      }
  });

  it('a call without both an index and a value is an ArgumentError, nothing written', () => {
    const t = zeros(2, 3);
    expectTyped(() => t.set(js([0, 1])), ArgumentError, /^set: needs an index and a value/);
    expectTyped(() => js(t).set(), ArgumentError, /^set: needs an index and a value, got 0/);
    expectTyped(() => t.set(0, 1, js('5')), ArgumentError, /^set: value must be/);
    expect(t.toArray()).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
  });
});

describeBackends('item 11: an OutOfMemoryError explains the loop', (it) => {
  it('names the bytes live tensors hold and points to tidy/dispose', () => {
    const held = ones(1000);
    const { bytes } = memory();
    let thrown: unknown;
    try {
      zeros(2 ** 31);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(OutOfMemoryError);
    const e = thrown as OutOfMemoryError;
    expect(e.message).toContain(`${e.bytesLive} bytes are held by live tensors`);
    expect(e.bytesLive).toBeGreaterThanOrEqual(4000);
    expect(e.message).toMatch(/tidy\(\) or dispose\(\).*only between event-loop turns/);
    expect(memory().bytes).toBe(bytes);
    held.dispose();
  });
});

/** tensor([1.5]).expand(1e5, 1e5): 1e10 elements, more than a 32-bit count holds. */
function checkHugeReductions(): void {
  const x = tensor([1.5]).expand(1e5, 1e5);
  const s = x.sum().item() as number;
  // float32 holds 1.5e10 to within half an ulp (2^33 · 2^-24 = 1024).
  expect(Math.abs(s - 1.5e10)).toBeLessThanOrEqual(1024);
  expect(x.mean().item()).toBe(1.5);
  expect(tensor([1.5], { dtype: 'float64' }).expand(1e5, 1e5).sum().item()).toBe(1.5e10);
  expect(x.amax().item()).toBe(1.5);
  expect(x.all().item()).toBe(true);
  const y = tensor([[1, 2, 3]], { dtype: 'float32' }).expand(3e9, 3);
  expect(Math.abs((y.sum([0, 1]).item() as number) - 1.8e10)).toBeLessThanOrEqual(1024);
  // Each mean is one float32 rounding of the sum (an ulp of 9e9 is 1024) divided by 3e9.
  (y.mean(0).toArray() as number[]).forEach((v, i) => {
    expect(Math.abs(v - (i + 1))).toBeLessThanOrEqual(2 ** -22);
  });
  const minusOne = tensor([-1], { dtype: 'float32' });
  expect(
    minusOne
      .expand(2 ** 31 + 1)
      .prod()
      .item(),
  ).toBe(-1);
  expect(
    minusOne
      .expand(2 ** 32)
      .prod()
      .item(),
  ).toBe(1);
  const ones32 = tensor([1]).expand(1e5, 1e5);
  expectTyped(() => ones32.sum(), DtypeError, /outside int32/);
  expectTyped(() => x.argmax(), IndexError, /may not fit int32/);
}

describe('item 2: reductions over more than 2^32 broadcast elements', () => {
  it('[js] sum and mean are right', () => {
    setBackend('js');
    checkHugeReductions();
  });
  for (const build of BUILDS_UNDER_TEST)
    it.skipIf(!buildSupported(build))(`[wasm ${build}] sum and mean are right`, async () => {
      await loadBuild(build);
      resetWasmBackend();
      setBackend('wasm');
      checkHugeReductions();
    });
  afterAll(() => setBackend('wasm'));
});
