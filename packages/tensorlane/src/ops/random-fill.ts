/**
 * `normal_` and `uniform_`: refill a float tensor (or a view of one) in place with samples
 * from the seeded generator, drawn in the view's row-major order, as torch's in-place
 * samplers that `nn.init` is built on.
 */
import { expectNumber, expectTensor } from '../argument-checks.js';
import { filledTensor } from '../creation.js';
import { isFloat } from '../dtype.js';
import { ArgumentError, DtypeError, fmtShape } from '../errors.js';
import { fillNormal, fillUniform } from '../random.js';
import { numelOf } from '../shape/strides.js';
import type { Tensor } from '../tensor.js';
import { checkWritable, copyInto } from './inplace.js';

function checkFloatTarget(op: string, t: Tensor): void {
  expectTensor(op, 'tensor', t).live(op);
  if (!isFloat(t.dtype))
    throw new DtypeError(
      `${op}: the tensor of shape ${fmtShape(t.shape)} is ${t.dtype}; it must be float32 or float64`,
    );
}

/** Writes a contiguous sample of `t`'s shape into `t` (strided views included). */
function refill(op: string, t: Tensor, fill: (values: Float32Array | Float64Array) => void) {
  checkWritable(op, t);
  const sample = filledTensor(t.shape, t.dtype, (values) =>
    fill(values as Float32Array | Float64Array),
  );
  try {
    copyInto(t, sample, op);
  } finally {
    sample.dispose();
  }
  return t;
}

/**
 * Fills `t` in place with samples of N(mean, std²), as `torch.Tensor.normal_`. Returns `t`.
 * @example manualSeed(0); zeros(2, 3).normal_(0, 0.02).abs().max().item() < 0.1 // → true
 */
export function normalInto(t: Tensor, mean = 0, std = 1): Tensor {
  const op = 'normal_';
  checkFloatTarget(op, t);
  expectNumber(op, 'mean', mean, true);
  expectNumber(op, 'std', std, true);
  if (std < 0) throw new ArgumentError(`${op}: std must be ≥ 0, got ${std}`);
  return refill(op, t, (values) => fillNormal(values, numelOf(t.shape), mean, std));
}

/**
 * Fills `t` in place with samples of U(from, to), as `torch.Tensor.uniform_`. Returns `t`.
 * @example manualSeed(0); zeros(1000).uniform_(-2, 2).abs().max().item() <= 2 // → true
 */
export function uniformInto(t: Tensor, from = 0, to = 1): Tensor {
  const op = 'uniform_';
  checkFloatTarget(op, t);
  expectNumber(op, 'from', from, true);
  expectNumber(op, 'to', to, true);
  if (from > to)
    throw new ArgumentError(
      `${op}: expects a range [from, to) with from ≤ to, got ${from} > ${to}`,
    );
  return refill(op, t, (values) => fillUniform(values, numelOf(t.shape), t.dtype, from, to));
}
