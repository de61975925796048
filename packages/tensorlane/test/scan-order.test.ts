/**
 * Scans, sorting and activations against torch 1.13 (fixtures/scan-order-cases.json, written
 * by fixtures/gen-scan-order-cases.py), on both backends; their argument errors.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import {
  ArgumentError,
  amax,
  amin,
  argsort,
  clamp,
  cumprod,
  cumsum,
  DtypeError,
  erf,
  expm1,
  gelu,
  IndexError,
  leakyRelu,
  log1p,
  logsumexp,
  maximum,
  minimum,
  sign,
  silu,
  softplus,
  sort,
  type Tensor,
  tensor,
  topk,
} from '../src/index.js';
import { describeBackends } from './backend-cases.js';
import fixture from './fixtures/scan-order-cases.json' with { type: 'json' };
import { ulpDistance } from './float-compare.js';

type Enc = number | 'nan' | 'inf' | '-inf';
interface Case {
  op: string;
  dtype: 'float32' | 'int32' | 'bool';
  shape: number[];
  input: (Enc | boolean)[];
  args: unknown[];
  out?: [number[], Enc[]];
  values?: [number[], Enc[]];
  indices?: [number[], Enc[]];
}
const { cases } = fixture as unknown as { cases: Case[] };

const dec = (v: Enc | boolean): number =>
  typeof v === 'boolean'
    ? Number(v)
    : v === 'nan'
      ? NaN
      : v === 'inf'
        ? Infinity
        : v === '-inf'
          ? -Infinity
          : v;

function input(c: Case): Tensor {
  const flat = c.input.map(dec);
  const t = tensor(c.dtype === 'bool' ? flat.map((v) => v !== 0) : flat, { dtype: c.dtype });
  return t.reshape(c.shape);
}

const vec = (xs: Enc[]) => tensor(xs.map(dec), { dtype: 'float32' });

function expectExactly(got: Tensor, want: [number[], Enc[]], what: string): void {
  expect(got.shape, what).toEqual(want[0]);
  const g = Array.from(got.data(), Number);
  const w = want[1].map(dec);
  for (let i = 0; i < w.length; i++)
    if (!Object.is(g[i], w[i]) && !(g[i] === w[i]))
      expect.fail(`${what}: element ${i}: got ${g[i]}, torch ${w[i]}`);
}

/** Float32 results against torch's float64, rounded to float32, in ulps. */
const ACTIVATION_ULPS: Record<string, number> = {
  erf: 2,
  gelu: 7,
  geluTanh: 6,
  silu: 4,
  // float32 tensors take the slope as a float32 (as torch's float32 kernel); torch's row here
  // is float64.
  leakyRelu: 1,
  softplus: 1,
  log1p: 1,
  expm1: 1,
};

function runActivation(c: Case, x: Tensor): Tensor {
  switch (c.op) {
    case 'erf':
      return erf(x);
    case 'gelu':
      return gelu(x);
    case 'geluTanh':
      return gelu(x, 'tanh');
    case 'silu':
      return silu(x);
    case 'leakyRelu':
      return leakyRelu(x, 0.2);
    case 'softplus':
      return softplus(x, 2, 3);
    case 'log1p':
      return log1p(x.abs());
    default:
      return expm1(x);
  }
}

describeBackends('scan, order and activations against torch', (it) => {
  it('sort is stable and orders NaN as torch, along every dim, for float32, int32 and bool', () => {
    let n = 0;
    for (const c of cases.filter((c) => c.op === 'sort')) {
      const [dim, desc] = c.args as [number, boolean];
      const { values, indices } = sort(input(c), dim, desc);
      expectExactly(values, c.values!, `sort ${c.dtype} ${c.shape} dim ${dim} desc ${desc}`);
      expectExactly(indices, c.indices!, `sort indices ${c.shape} dim ${dim} desc ${desc}`);
      const again = argsort(input(c), dim, desc);
      expectExactly(again, c.indices!, `argsort ${c.shape} dim ${dim}`);
      n++;
    }
    expect(n).toBeGreaterThan(20);
  });

  it('topk values equal torch; its indices point at them (and equal torch where no ties)', () => {
    for (const c of cases.filter((c) => c.op === 'topk')) {
      const [k, dim, largest] = c.args as [number, number, boolean];
      const x = input(c);
      const { values, indices } = topk(x, k, dim, largest);
      expectExactly(values, c.values!, `topk ${c.shape} k ${k} largest ${largest}`);
      if (k === 0) continue;
      // Each index reads its value back from the input row.
      const rows = x.reshape(-1, x.shape[x.ndim - 1] ?? 1);
      const data = rows.toArray() as number[][];
      const idx = indices.reshape(-1, k).toArray() as number[][];
      const val = values.reshape(-1, k).toArray() as number[][];
      for (const [r, row] of idx.entries())
        for (const [q, j] of row.entries()) {
          const [have, want] = [data[r]![j], val[r]![q]];
          expect(Object.is(have, want) || have === want, `topk index ${j}`).toBe(true);
        }
      const distinct = new Set(data.flat().map(String)).size === data.flat().length;
      if (distinct) expectExactly(indices, c.indices!, `topk indices ${c.shape} k ${k}`);
    }
  });

  it('cumsum and cumprod equal torch exactly (float64 running values), ints as int32', () => {
    for (const c of cases.filter((c) => c.op === 'cumsum' || c.op === 'cumprod')) {
      const [dim] = c.args as [number];
      const x = input(c);
      const got = c.op === 'cumsum' ? cumsum(x, dim) : x.cumprod(dim);
      expect(got.dtype).toBe(c.dtype === 'float32' ? 'float32' : 'int32');
      expectExactly(got, c.out!, `${c.op} ${c.dtype} ${c.shape} dim ${dim}`);
    }
  });

  it('amax/amin over lists of dims propagate NaN; logsumexp handles ±Infinity as torch', () => {
    for (const c of cases.filter((c) => ['amax', 'amin', 'logsumexp'].includes(c.op))) {
      const [dims, keep] = c.args as [number[], boolean];
      const x = input(c);
      const f = c.op === 'amax' ? amax : c.op === 'amin' ? amin : logsumexp;
      const got = f(x, dims, keep);
      if (c.op === 'logsumexp') {
        const w = c.out![1].map(dec);
        const g = Array.from(got.data());
        for (const [i, v] of w.entries())
          expect(ulpDistance(g[i]!, Math.fround(v)), `lse ${i}`).toBeLessThanOrEqual(1);
      } else expectExactly(got, c.out!, `${c.op} ${dims} ${keep}`);
    }
  });

  it('minimum, maximum, clamp (tensor, one-sided, min > max) and sign equal torch', () => {
    for (const c of cases.filter((c) => ['maximum', 'minimum', 'clamp', 'sign'].includes(c.op))) {
      const x = input(c);
      const arg = (v: unknown) => (Array.isArray(v) ? vec(v as Enc[]) : (v as number | null));
      let got: Tensor;
      if (c.op === 'maximum') got = maximum(x, arg(c.args[0]) as Tensor);
      else if (c.op === 'minimum') got = minimum(x, arg(c.args[0]) as Tensor);
      else if (c.op === 'clamp') got = clamp(x, arg(c.args[0]), arg(c.args[1]));
      else got = sign(x);
      expectExactly(got, c.out!, `${c.op} ${JSON.stringify(c.args)}`);
    }
  });

  it('activations are within their documented ulps of torch in float64', () => {
    for (const c of cases.filter((c) => c.op in ACTIVATION_ULPS)) {
      const got = Array.from(runActivation(c, input(c)).data());
      const want = c.out![1].map(dec);
      const ulps = c.args[0] === 'nonfinite' ? 0 : ACTIVATION_ULPS[c.op]!;
      want.forEach((w, i) => {
        const d = ulpDistance(got[i]!, Math.fround(w));
        if (d > ulps)
          expect.fail(`${c.op}(${dec(c.input[i]!)}) = ${got[i]}, torch ${w}: ${d} ulps`);
      });
    }
  });
});

describeBackends('sort and topk properties', (it) => {
  /** The reference order: a stable sort of positions by a naive comparison, NaN largest. */
  const naiveOrder = (xs: number[], desc: boolean) =>
    xs
      .map((_, i) => i)
      .sort((i, j) => {
        const [a, b] = [xs[i]!, xs[j]!];
        const key = (v: number) => (Number.isNaN(v) ? 2 : 0);
        let c = key(a) - key(b) || (a < b ? -1 : a > b ? 1 : 0);
        if (desc) c = -c;
        return c || i - j;
      });

  it('sort is the stable order and topk(k) is its first k, with ties, NaN and ±Infinity', () => {
    const value = fc.oneof(
      fc.integer({ min: -3, max: 3 }),
      fc.constantFrom(Number.NaN, Infinity, -Infinity, -0),
    );
    fc.assert(
      fc.property(
        fc.array(value, { minLength: 1, maxLength: 40 }),
        fc.nat(),
        fc.boolean(),
        // float32 sorts by packed keys, float64 by a comparator: both paths.
        fc.constantFrom('float32' as const, 'float64' as const),
        (xs, kk, desc, dtype) => {
          const t = tensor(xs, { dtype });
          const want = naiveOrder(xs, desc);
          const { values, indices } = t.sort(-1, desc);
          expect(Array.from(indices.data())).toEqual(want);
          expect(Array.from(values.data())).toEqual(want.map((i) => Math.fround(xs[i]!)));
          const k = kk % (xs.length + 1);
          const top = t.topk(k, -1, desc);
          expect(Array.from(top.indices.data())).toEqual(want.slice(0, k));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describeBackends('scan, order and activation errors', (it) => {
  it('topk: k larger than the dim names k and the size; bool is rejected as torch', () => {
    const x = tensor([1, 2, 3]);
    expect(() => topk(x, 4)).toThrow(IndexError);
    expect(() => topk(x, 4)).toThrow(/k = 4 is larger than dim 0 of size 3/);
    expect(() => topk(x, -1)).toThrow(ArgumentError);
    expect(() => topk(tensor([true, false]), 1)).toThrow(DtypeError);
  });

  it('bad dims, non-float activations and bad options throw typed errors', () => {
    const x = tensor([
      [1, 2],
      [3, 4],
    ]);
    expect(() => sort(x, 2)).toThrow(IndexError);
    expect(() => cumsum(x, -3)).toThrow(IndexError);
    expect(() => cumsum(x, 0.5)).toThrow(ArgumentError);
    expect(() => gelu(x)).toThrow(DtypeError);
    expect(() => silu(x)).toThrow(DtypeError);
    expect(() => gelu(x.float(), 'fast' as 'tanh')).toThrow(ArgumentError);
    expect(() => sort(x, 0, 'yes' as unknown as boolean)).toThrow(ArgumentError);
    expect(() => clamp(x)).toThrow(ArgumentError);
    expect(() => clamp(x, tensor([1, 2, 3]))).toThrow(/clamp/);
  });

  it('an int32 cumsum or cumprod that leaves int32 throws instead of wrapping', () => {
    const big = tensor([2147483647, 1]);
    expect(() => cumsum(big, 0)).toThrow(DtypeError);
    expect(() => cumprod(tensor([65536, 65536]), 0)).toThrow(/outside int32/);
    expect(cumsum(tensor([2147483647, -1]), 0).toArray()).toEqual([2147483647, 2147483646]);
  });
});
