import { describe, expect, it } from 'vitest';
import { formatTensor } from '../src/format/format-tensor.js';
import type { PrintOptions } from '../src/format/print-options.js';
import { pyExp, pyFixed } from '../src/format/python-float.js';
import { arange, tensor } from '../src/index.js';
import cases from './fixtures/format-cases.json' with { type: 'json' };

// Fixtures come from fixtures/gen-format-cases.py, a Python re-derivation of torch's
// printing rules that spells numbers with Python's own format(); see that file.

type JsonNumber = number | 'nan' | 'inf' | '-inf';

interface TensorCase {
  name: string;
  shape: number[];
  dtype: 'float32' | 'float64' | 'int32' | 'bool';
  data: JsonNumber[];
  options: Partial<PrintOptions>;
  expected: string;
}

function num(v: JsonNumber): number {
  if (v === 'nan') return Number.NaN;
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  return v;
}

/** A duck-typed tensor: the formatter only sees shape, dtype and row-major data. */
function fakeTensor(c: TensorCase) {
  const values = c.data.map(num);
  const data = {
    float32: () => Float32Array.from(values),
    float64: () => Float64Array.from(values),
    int32: () => Int32Array.from(values),
    bool: () => Uint8Array.from(values, (v) => (v ? 1 : 0)),
  }[c.dtype];
  return { shape: c.shape, dtype: c.dtype, data };
}

describe('formatTensor matches PyTorch', () => {
  for (const c of cases.tensors as TensorCase[]) {
    it(c.name, () => {
      expect(formatTensor(fakeTensor(c), c.options)).toBe(c.expected);
    });
  }

  it('reads data() once', () => {
    let calls = 0;
    const t = {
      shape: [2, 2],
      dtype: 'float32',
      data: () => {
        calls++;
        return new Float32Array([1, 2, 3, 4]);
      },
    };
    formatTensor(t);
    expect(calls).toBe(1);
  });
});

describe("Python's float formatting", () => {
  for (const { x, fixed4, exp4, fixed0, exp2 } of cases.numbers as {
    x: JsonNumber;
    fixed4: string;
    exp4: string;
    fixed0: string;
    exp2: string;
  }[]) {
    it(`${x}`, () => {
      const v = num(x);
      expect([pyFixed(v, 4), pyExp(v, 4), pyFixed(v, 0), pyExp(v, 2)]).toEqual([
        fixed4,
        exp4,
        fixed0,
        exp2,
      ]);
    });
  }

  it('spells non-finite values as Python does', () => {
    expect([pyFixed(Number.NaN, 4), pyFixed(Infinity, 4), pyExp(-Infinity, 4)]).toEqual([
      'nan',
      'inf',
      '-inf',
    ]);
  });
});

describe('real tensors print through formatTensor', () => {
  it('toString and the Node inspect hook give the PyTorch string', () => {
    const t = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { dtype: 'float32' },
    );
    expect(t.toString()).toBe('tensor([[1., 2.],\n        [3., 4.]])');
    expect(String(t)).toBe(t.toString());
    const inspect = (t as unknown as Record<symbol, () => string>)[
      Symbol.for('nodejs.util.inspect.custom')
    ]!;
    expect(inspect.call(t)).toBe(t.toString());
  });

  it('views print in logical order: transposed, expanded, sliced', () => {
    const t = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { dtype: 'float32' },
    );
    expect(t.T.toString()).toBe('tensor([[1., 3.],\n        [2., 4.]])');
    expect(tensor([1, 2, 3], { dtype: 'int32' }).expand(2, 3).toString()).toBe(
      'tensor([[1, 2, 3],\n        [1, 2, 3]], dtype=torch.int32)',
    );
    expect(arange(10, { dtype: 'float32' }).get('1:8:3').toString()).toBe('tensor([1., 4., 7.])');
  });

  it('bool and float64 tensors', () => {
    expect(tensor([true, false]).toString()).toBe('tensor([ True, False])');
    expect(tensor([0.5], { dtype: 'float64' }).toString()).toBe(
      'tensor([0.5000], dtype=torch.float64)',
    );
  });
});
