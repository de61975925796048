/**
 * The combine and select ops against PyTorch: every case of
 * fixtures/combine-select-cases.json (written by fixtures/gen_combine_select.py with
 * Debian's python3-torch) on both backends, with the inputs made non-contiguous the same
 * way torch's were. Values, shapes and dtypes must match exactly.
 */
import { expect } from 'vitest';
import {
  arange,
  cat,
  chunk,
  type DType,
  embedding,
  flip,
  gather,
  type IndexItem,
  indexSelect,
  maskedFill,
  roll,
  scatter,
  scatterAdd,
  split,
  stack,
  type Tensor,
  tensor,
  tile,
  tril,
  triu,
  unbind,
  where,
} from '../src/index.js';
import { describeBackends } from './backend-cases.js';
import fixture from './fixtures/combine-select-cases.json' with { type: 'json' };

interface Spec {
  dtype: string;
  shape: number[];
  data: (number | boolean | string)[];
  steps?: (string | number | number[])[][];
}
interface Case {
  name: string;
  op: string;
  inputs: Record<string, Spec>;
  args: Record<string, unknown>;
  out: Spec | Spec[];
}

const num = (x: number | boolean | string): number =>
  typeof x === 'string' ? Number(x.replace('inf', 'Infinity')) : Number(x);

/** The tensor a spec describes, its view steps applied (as `build` in the generator). */
function build(s: Spec): Tensor {
  const dtype = (s.dtype === 'index' ? 'int32' : s.dtype) as DType;
  let t = tensor(s.data.map(num), { dtype }).reshape(s.shape);
  for (const [kind, ...args] of s.steps ?? []) {
    if (kind === 'transpose') t = t.transpose(args[0] as number, args[1] as number);
    else if (kind === 'slice') {
      const [dim, start, stop, step] = args as number[];
      const items: IndexItem[] = t.shape.map(() => ':');
      items[dim!] = `${start}:${stop}:${step}`;
      t = t.get(...items);
    } else if (kind === 'expand') t = t.expand(args[0] as number[]);
    else throw new Error(`unknown step ${kind}`);
  }
  return t;
}

/** A fixture's index item: `{index}` is an int32 tensor. */
function item(x: unknown): IndexItem {
  if (x !== null && typeof x === 'object' && !Array.isArray(x))
    return tensor((x as { index: number | number[] }).index, { dtype: 'int32' });
  return x as IndexItem;
}

function run(c: Case): Tensor | Tensor[] {
  const ins = Object.fromEntries(Object.entries(c.inputs).map(([k, s]) => [k, build(s)]));
  const list = () => Object.keys(c.inputs).map((k) => ins[k]!);
  const a = c.args as Record<string, any>;
  const x = ins.x!;
  switch (c.op) {
    case 'cat':
      return cat(list(), a.dim);
    case 'stack':
      return stack(list(), a.dim);
    case 'split':
      return split(x, a.size, a.dim);
    case 'chunk':
      return chunk(x, a.chunks, a.dim);
    case 'unbind':
      return unbind(x, a.dim);
    case 'select':
      return x.select(a.dim, a.index);
    case 'flip':
      return flip(x, a.dims);
    case 'roll':
      return roll(x, a.shifts, a.dims);
    case 'repeat':
      return x.repeat(a.sizes);
    case 'tile':
      return tile(x, a.dims);
    case 'where':
      return where(ins.c!, ins.a!, ins.b ?? a.b);
    case 'maskedFill':
      return maskedFill(x, ins.m!, ins.v ?? num(a.value as number | string));
    case 'maskedFill_':
      return x.maskedFill_(ins.m!, a.value);
    case 'tril':
      return tril(x, a.k);
    case 'triu':
      return triu(x, a.k);
    case 'gather':
      return gather(x, a.dim, ins.i!);
    case 'scatter':
      return scatter(x, a.dim, ins.i!, ins.src ?? a.value);
    case 'scatterAdd':
      return scatterAdd(x, a.dim, ins.i!, ins.src!);
    case 'indexSelect':
      return indexSelect(x, a.dim, ins.i!);
    case 'embedding':
      return embedding(ins.i!, ins.w!);
    case 'get':
      return x.get(...(a.items as unknown[]).map(item));
    case 'set': {
      const items = (a.items as unknown[]).map(item);
      const target = x.clone();
      const shape = target.get(...items).shape;
      const value =
        a.value === 'arange'
          ? arange(shape.reduce((p, q) => p * q, 1))
              .add(100)
              .reshape(shape as number[])
          : (a.value as number);
      return target.set(items, value);
    }
    default:
      throw new Error(`unknown op ${c.op}`);
  }
}

function expectSame(got: Tensor, want: Spec, what: string): void {
  expect(got.shape, `${what}: shape`).toEqual(want.shape);
  expect(got.dtype, `${what}: dtype`).toBe(want.dtype);
  const data = Array.from(got.data(), (v) => (want.dtype === 'bool' ? v !== 0 : v));
  expect(data, `${what}: values`).toEqual(
    want.data.map((v) => (typeof v === 'string' ? num(v) : v)),
  );
}

describeBackends('combine and select ops match PyTorch', (it) => {
  for (const c of (fixture as unknown as { cases: Case[] }).cases) {
    it(c.name, () => {
      const got = run(c);
      if (Array.isArray(c.out)) {
        expect(Array.isArray(got), 'a list of tensors').toBe(true);
        const list = got as Tensor[];
        expect(list.length).toBe(c.out.length);
        c.out.forEach((o, k) => {
          expectSame(list[k]!, o, `${c.name} [${k}]`);
        });
      } else expectSame(got as Tensor, c.out, c.name);
    });
  }
});
