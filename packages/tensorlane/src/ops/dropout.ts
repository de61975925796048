/**
 * `dropout` as `F.dropout`: in training, each element is zeroed with probability `p` and
 * the survivors are scaled by `1/(1 − p)`. The keep mask comes from the seeded generator
 * (one `rand` draw of x's dtype per element in row-major order, kept when u < 1 − p), so a
 * seed gives the same mask in every runtime and on both backends.
 */
import { expectBoolean, expectNumber, expectTensor } from '../argument-checks.js';
import { withGrad } from '../autograd/graph.js';
import { fromFlat } from '../creation.js';
import { isFloat } from '../dtype.js';
import { ArgumentError, DtypeError } from '../errors.js';
import { uniform24, uniform53 } from '../random.js';
import { emptyTensor, type Tensor } from '../tensor.js';
import { binaryOp } from './elementwise.js';

/**
 * Zeroes elements of `x` with probability `p` and scales the rest by `1/(1 − p)` when
 * `training`; otherwise, or with `p = 0`, returns `x` itself, as torch. `p = 1` gives zeros; `p` outside
 * [0, 1] is an `ArgumentError`.
 * @example manualSeed(0); dropout(ones(8), 0.5).sum().item() % 2 // → 0
 */
export function dropout(x: Tensor, p = 0.5, training = true): Tensor {
  const op = 'dropout';
  expectTensor(op, 'input', x).live(op);
  expectNumber(op, 'p', p);
  expectBoolean(op, 'training', training);
  if (!(p >= 0 && p <= 1))
    throw new ArgumentError(`${op}: probability p must be in [0, 1], got ${p}`);
  if (!isFloat(x.dtype))
    throw new DtypeError(`${op}: input must be float32 or float64, got ${x.dtype}`);
  // p = 0 is the identity, as torch (no mask drawn, the generator untouched)
  if (!training || p === 0) return x;
  if (p === 1)
    return withGrad(op, [x], () => emptyTensor(x.shape, x.dtype, x.backend), { mask: 0 });
  const n = x.numel();
  const scale = 1 / (1 - p);
  const draw = x.dtype === 'float32' ? uniform24 : uniform53;
  const mask = new Float64Array(n);
  for (let i = 0; i < n; i++) mask[i] = draw() < 1 - p ? scale : 0;
  const m = fromFlat(mask, x.shape, x.dtype);
  try {
    // The gradient is the incoming one times the same mask (kept by the node).
    return withGrad(op, [x], () => binaryOp('mul', x, m), { mask: m });
  } finally {
    m.dispose();
  }
}
