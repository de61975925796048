/**
 * Activations and special functions, as `torch.nn.functional` and `torch`: erf, gelu (exact
 * and tanh forms), silu, leakyRelu, softplus, log1p, expm1, sign. The activations need a
 * float input (torch raises for integers); erf, log1p and expm1 compute ints as float32;
 * sign keeps the dtype. The wasm backend runs erf, gelu, silu, sign and leakyRelu in its
 * SIMD unary kernel.
 */
import { expectNumber, expectOneOf, expectTensor } from '../argument-checks.js';
import { isFloat } from '../dtype.js';
import { DtypeError, fmtShape } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { unaryOp } from './elementwise.js';

function floatInput(op: string, t: Tensor): Tensor {
  expectTensor(op, 'input', t).live(op);
  if (!isFloat(t.dtype))
    throw new DtypeError(
      `${op}: input dtype ${t.dtype} (shape ${fmtShape(t.shape)}) is not floating point, as torch requires; convert with .float() first`,
    );
  return t;
}

/**
 * The Gauss error function.
 * @example erf(tensor([0, 0.5, -3])) // → tensor([ 0.0000,  0.5205, -1.0000])
 */
export function erf(t: Tensor): Tensor {
  return unaryOp('erf', expectTensor('erf', 'input', t));
}

/**
 * GELU: `x·Φ(x)` (`approximate: 'none'`), or torch's tanh approximation (`'tanh'`).
 * @example gelu(tensor([-1, 0, 1], { dtype: 'float32' })) // → tensor([-0.1587,  0.0000,  0.8413])
 * @example gelu(tensor([1.5]), 'tanh') // → tensor([1.3996])
 */
export function gelu(t: Tensor, approximate: 'none' | 'tanh' = 'none'): Tensor {
  const mode = expectOneOf('gelu', 'approximate', approximate, ['none', 'tanh'] as const);
  return unaryOp(mode === 'tanh' ? 'geluTanh' : 'gelu', floatInput('gelu', t));
}

/**
 * SiLU (swish): `x·sigmoid(x)`.
 * @example silu(tensor([-1, 0, 2], { dtype: 'float32' })) // → tensor([-0.2689,  0.0000,  1.7616])
 */
export function silu(t: Tensor): Tensor {
  return unaryOp('silu', floatInput('silu', t));
}

/**
 * `x` where positive, `negativeSlope·x` elsewhere.
 * @example leakyRelu(tensor([-2, 3.5])) // → tensor([-0.0200,  3.5000])
 */
export function leakyRelu(t: Tensor, negativeSlope = 0.01): Tensor {
  const slope = expectNumber('leakyRelu', 'negativeSlope', negativeSlope);
  const x = floatInput('leakyRelu', t);
  // A float32 tensor takes the slope as a float32, as torch's float32 kernel (and ours in
  // wasm) does, so both backends agree exactly.
  return unaryOp('leakyRelu', x, [x.dtype === 'float32' ? Math.fround(slope) : slope]);
}

/**
 * `log(1 + e^{βx})/β`, or `x` where `βx > threshold` (torch's linear cut-over).
 * @example softplus(tensor([-1, 0, 30], { dtype: 'float32' })) // → tensor([ 0.3133,  0.6931, 30.0000])
 */
export function softplus(t: Tensor, beta = 1, threshold = 20): Tensor {
  const b = expectNumber('softplus', 'beta', beta);
  const th = expectNumber('softplus', 'threshold', threshold);
  return unaryOp('softplus', floatInput('softplus', t), [b, th]);
}

/**
 * `log(1 + x)`, accurate for small x.
 * @example log1p(tensor([1e-10], { dtype: 'float64' })).item() // → 9.999999999500001e-11
 */
export function log1p(t: Tensor): Tensor {
  return unaryOp('log1p', expectTensor('log1p', 'input', t));
}

/**
 * `e^x − 1`, accurate for small x.
 * @example expm1(tensor([1e-10], { dtype: 'float64' })).item() // → 1.00000000005e-10
 */
export function expm1(t: Tensor): Tensor {
  return unaryOp('expm1', expectTensor('expm1', 'input', t));
}

/**
 * -1, 0 or 1 by sign (NaN gives 0, as torch); keeps the dtype, bool included.
 * @example sign(tensor([-2, 0, 5])) // → tensor([-1,  0,  1], dtype=torch.int32)
 */
export function sign(t: Tensor): Tensor {
  expectTensor('sign', 'input', t).live('sign');
  // A bool is its own sign.
  if (t.dtype === 'bool') return t.clone();
  return unaryOp('sign', t);
}
