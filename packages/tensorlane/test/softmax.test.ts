import fc from 'fast-check';
import { expect } from 'vitest';
import { IndexError, logSoftmax, softmax, type Tensor, tensor, zeros } from '../src/index.js';
import { describeBackends } from './backend-cases.js';
import { seededValues } from './matmul-reference.js';

/** Softmax of every slice along `dim` of row-major `data`, in double precision. */
function refSoftmax(
  data: readonly number[],
  shape: readonly number[],
  dim: number,
  log: boolean,
): number[] {
  const n = shape[dim]!;
  const inner = shape.slice(dim + 1).reduce((a, b) => a * b, 1);
  const outer = shape.slice(0, dim).reduce((a, b) => a * b, 1);
  const out = new Array<number>(data.length);
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++) {
      const at = (j: number) => o * n * inner + j * inner + i;
      let max = -Infinity;
      for (let j = 0; j < n; j++) max = Math.max(max, data[at(j)]!);
      let sum = 0;
      for (let j = 0; j < n; j++) sum += Math.exp(data[at(j)]! - max);
      for (let j = 0; j < n; j++)
        out[at(j)] = log ? data[at(j)]! - max - Math.log(sum) : Math.exp(data[at(j)]! - max) / sum;
    }
  return out;
}

function expectClose(got: Tensor, want: readonly number[]): void {
  const g = got.data();
  expect(g.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    if (Number.isNaN(w) || !Number.isFinite(w)) {
      expect(g[i]).toBe(w);
      continue;
    }
    const tol = 2e-6 + 1e-5 * Math.abs(w);
    if (!(Math.abs(g[i]! - w) <= tol)) throw new Error(`element ${i}: got ${g[i]}, want ${w}`);
  }
}

const caseArb = fc
  .record({
    shape: fc.array(fc.constantFrom(1, 2, 3, 5, 8, 17), { minLength: 1, maxLength: 4 }),
    dimPick: fc.nat(),
    negative: fc.boolean(),
    log: fc.boolean(),
    transposed: fc.boolean(),
    scale: fc.constantFrom(1, 10, 100),
    seed: fc.integer({ min: 1, max: 2 ** 30 }),
  })
  .map((c) => ({ ...c, dim: c.dimPick % c.shape.length }));

describeBackends('softmax', (it) => {
  it('matches the reference along any dim, for contiguous and transposed inputs', () => {
    fc.assert(
      fc.property(caseArb, ({ shape, dim, negative, log, transposed, scale, seed }) => {
        const n = shape.reduce((a: number, b) => a * b, 1);
        const values = seededValues(n, seed).map((x) => Math.fround(x * scale));
        let t = tensor(new Float32Array(values), { shape });
        let logical = values;
        if (transposed && shape.length >= 2) {
          // Same logical values, stored transposed: build the transpose, then view it back.
          const r = shape.length;
          t = t
            .transpose(0, r - 1)
            .contiguous()
            .transpose(0, r - 1);
          logical = Array.from(t.data());
        }
        const d = negative ? dim - shape.length : dim;
        const got = log ? logSoftmax(t, d) : t.softmax(d);
        expect(got.shape).toEqual(shape);
        expectClose(got, refSoftmax(logical, shape, dim, log));
      }),
      { numRuns: 150 },
    );
  });

  it('subtracts the maximum, so huge inputs do not overflow', () => {
    const x = tensor([1000, 1001, 1002, -Infinity]).float();
    expectClose(softmax(x, 0), refSoftmax([1000, 1001, 1002, -Infinity], [4], 0, false));
    expectClose(logSoftmax(x, 0), refSoftmax([1000, 1001, 1002, -Infinity], [4], 0, true));
    expect(softmax(x, 0).data()[3]).toBe(0);
    expect(logSoftmax(x, 0).data()[3]).toBe(-Infinity);
  });

  it('gives NaN for rows that hold NaN or only -Infinity, leaving other rows alone', () => {
    const x = tensor([
      [1, Number.NaN, 2],
      [-Infinity, -Infinity, -Infinity],
      [0, 0, 0],
    ]).float();
    const y = softmax(x, 1).toArray() as number[][];
    expect(y[0]!.every(Number.isNaN)).toBe(true);
    expect(y[1]!.every(Number.isNaN)).toBe(true);
    expect(y[2]).toEqual([1 / 3, 1 / 3, 1 / 3].map(Math.fround));
    // The same columns down dim 0 (the wasm backend's column kernel): 16+ columns so a
    // full block of the kernel runs beside the tail.
    const cols = zeros(3, 19);
    cols.set([0, 4], Number.NaN);
    for (const r of [0, 1, 2]) cols.set([r, 7], -Infinity);
    cols.set([1, 18], Number.POSITIVE_INFINITY);
    const z = softmax(cols, 0).T.toArray() as number[][];
    for (const c of [4, 7, 18]) expect(z[c]!.every(Number.isNaN), `column ${c}`).toBe(true);
    expect(z[0]).toEqual([1 / 3, 1 / 3, 1 / 3].map(Math.fround));
    expect(z[17]).toEqual([1 / 3, 1 / 3, 1 / 3].map(Math.fround));
  });

  it('computes int input in float32 and keeps float64', () => {
    const y = softmax(tensor([1, 2, 3]), 0);
    expect(y.dtype).toBe('float32');
    expectClose(y, refSoftmax([1, 2, 3], [3], 0, false));
    expect(softmax(tensor([1, 2, 3]).double(), 0).dtype).toBe('float64');
    expect(softmax(tensor(2.5), 0).item()).toBe(1);
  });

  it('rejects a dim out of range with an IndexError naming the op', () => {
    expect(() => softmax(tensor([[1, 2]]).float(), 2)).toThrow(IndexError);
    expect(() => logSoftmax(tensor([[1, 2]]).float(), -3)).toThrow(/logSoftmax: dim -3/);
  });
});
