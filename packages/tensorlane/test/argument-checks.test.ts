/** The shared run-time argument checks: what they accept, and the typed error otherwise. */
import { describe, expect, it } from 'vitest';
import {
  expectDtype,
  expectInt,
  expectOneOf,
  expectOperand,
  expectOptions,
  expectTensor,
} from '../src/argument-checks.js';
import { ArgumentError, DtypeError, tensor } from '../src/index.js';

describe('argument checks', () => {
  it('expectTensor names the op, the argument and what it got', () => {
    expect(() => expectTensor('matmul', 'other', [[1, 2]])).toThrow(
      new ArgumentError('matmul: other must be a Tensor, got an array of length 1'),
    );
  });

  it('expectOperand accepts tensors, numbers and booleans only', () => {
    const t = tensor([1]);
    expect(expectOperand('add', 'other', t)).toBe(t);
    expect(expectOperand('add', 'other', false)).toBe(false);
    expect(() => expectOperand('add', 'other', '1')).toThrow(/add: other must be .* got "1"/);
  });

  it('expectInt checks integrality and range', () => {
    expect(expectInt('topk', 'k', 0, 0)).toBe(0);
    expect(() => expectInt('topk', 'k', 1.5, 0)).toThrow(/integer ≥ 0, got 1.5/);
    expect(() => expectInt('topk', 'k', -1, 0, 3)).toThrow(/integer in \[0, 3\], got -1/);
    expect(() => expectInt('topk', 'k', Number.NaN)).toThrow(ArgumentError);
  });

  it('expectDtype rejects unknown dtypes with a DtypeError and a hint', () => {
    expect(() => expectDtype('zeros', 'int64')).toThrow(DtypeError);
    expect(() => expectDtype('zeros', 'int64')).toThrow(
      /int64, float16 and bfloat16 are not stored/,
    );
  });

  it('expectOneOf and expectOptions list what is allowed', () => {
    expect(() => expectOneOf('gelu', 'approximate', 'erf', ['none', 'tanh'])).toThrow(
      "gelu: approximate must be one of 'none', 'tanh', got \"erf\"",
    );
    expect(expectOptions('f', undefined, ['a'])).toEqual({});
    expect(() => expectOptions('sdpa', { is_causal: true }, ['isCausal'])).toThrow(
      "sdpa: unknown option 'is_causal' (did you mean 'isCausal'?); expected 'isCausal'",
    );
    expect(() => expectOptions('f', 3 as never, ['a'])).toThrow(
      'f: options must be an object, got 3',
    );
  });
});
