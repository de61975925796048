/**
 * setPrintOptions against torch.set_printoptions output (strings printed by torch 1.13),
 * testClose (fastcore's test_close), and iterating a tensor over dim 0.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  ArgumentError,
  arange,
  printOptions,
  ShapeError,
  setPrintOptions,
  type Tensor,
  tensor,
} from '../src/index.js';
import { TestFailure, testClose } from '../src/testing/index.js';

const f32 = (v: number[]) => tensor(v, { dtype: 'float32' });

describe('setPrintOptions (torch.set_printoptions)', () => {
  afterEach(() => setPrintOptions({ profile: 'default', sciMode: null }));

  it('sciMode forces or forbids scientific notation, keeping torch’s column width', () => {
    setPrintOptions({ sciMode: true });
    expect(String(f32([1.5, 2.25, 3]))).toBe('tensor([1.5000e+00, 2.2500e+00, 3.0000e+00])');
    expect(String(f32([1, 2, 3]))).toBe('tensor([1.0000e+00, 2.0000e+00, 3.0000e+00])');
    setPrintOptions({ sciMode: false });
    expect(String(f32([1e-6, 1, 1000]))).toBe('tensor([    0.0000,     1.0000,  1000.0000])');
    expect(String(f32([1e10, 1]))).toBe('tensor([10000000000.,         1.])');
  });

  it('precision, threshold and edgeitems summarise as torch does', () => {
    setPrintOptions({ precision: 2, linewidth: 30, threshold: 5, edgeitems: 1 });
    expect(String(arange(10).float())).toBe('tensor([0.,  ..., 9.])');
    expect(String(f32([1, 2, 3, 4, 5, 6, 7, 8].map((v) => v / 3)).reshape(1, 8))).toBe(
      'tensor([[0.33,  ..., 2.67]])',
    );
  });

  it("profile 'short' sets precision 2 and edgeitems 2; only the options given change", () => {
    setPrintOptions({ profile: 'short' });
    expect(String(f32([1 / 3, 2 / 3]))).toBe('tensor([0.33, 0.67])');
    expect(String(arange(2000).float())).toBe(
      'tensor([0.00e+00, 1.00e+00,  ..., 2.00e+03, 2.00e+03])',
    );
    setPrintOptions({ linewidth: 100 });
    expect(printOptions()).toEqual({
      precision: 2,
      threshold: 1000,
      edgeitems: 2,
      linewidth: 100,
      sciMode: null,
    });
  });

  it('rejects unknown options and bad values with ArgumentError, changing nothing', () => {
    const before = printOptions();
    expect(() => setPrintOptions({ sci_mode: true } as never)).toThrow("did you mean 'sciMode'");
    expect(() => setPrintOptions({ width: 3 } as never)).toThrow(ArgumentError);
    expect(() => setPrintOptions({ precision: -1 })).toThrow('precision must be an integer');
    expect(() => setPrintOptions({ threshold: -1 })).toThrow('threshold must be ≥ 0');
    expect(() => setPrintOptions({ sciMode: 'yes' as never })).toThrow(
      'sciMode must be true or false',
    );
    expect(() => setPrintOptions({ profile: 'long' as never })).toThrow(ArgumentError);
    expect(printOptions()).toEqual(before);
  });
});

describe('testClose (fastcore test_close)', () => {
  it('passes within eps (absolute) and fails beyond it, naming the worst element', () => {
    testClose(f32([1.000001, 2]), [1, 2]);
    testClose(3.05, 3, 0.1);
    expect(() => testClose(f32([1, 2.001]), [1, 2])).toThrow(TestFailure);
    expect(() => testClose(f32([1, 2.001]), [1, 2])).toThrow('close (eps=0.00001)');
    expect(() => testClose([1, 2], [1, 2, 3])).toThrow('shapes differ');
    expect(() => testClose(1, 1, -1)).toThrow(ArgumentError);
  });
});

describe('Tensor[Symbol.iterator] over dim 0', () => {
  it('yields views along dim 0, as iterating a torch tensor', () => {
    const m = tensor([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const rows: Tensor[] = [...m];
    expect(rows.map((r) => r.toArray())).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    rows[1]!.set(0, 9);
    expect(m.toArray()).toEqual([
      [1, 2],
      [9, 4],
      [5, 6],
    ]);
    expect([...tensor([7, 8])].map((t) => t.shape)).toEqual([[], []]);
    let n = 0;
    for (const _ of tensor([[1]]).get(':', '0:0')) n++;
    expect(n).toBe(1);
  });

  it('a 0-d tensor cannot be iterated (a ShapeError, as torch’s TypeError)', () => {
    expect(() => [...tensor(3)]).toThrow(ShapeError);
    expect(() => tensor(3)[Symbol.iterator]()).toThrow('iteration over a 0-d tensor');
  });
});
