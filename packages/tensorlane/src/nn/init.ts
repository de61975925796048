/**
 * `nn.init`: PyTorch's `torch.nn.init` initializers. Each refills a float tensor in place
 * from the seeded generator, without recording a gradient (as torch's run under
 * `no_grad`), and returns it — so `nn.init.normal_(linear.weight, 0, 0.02)` in a model's
 * `_init_weights` ports as is. Fans and gains follow torch's formulas.
 */
import { expectNumber, expectOneOf, expectOptions, expectTensor } from '../argument-checks.js';
import { noGrad } from '../autograd/grad-mode.js';
import { ArgumentError, fmtShape } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { initSkipped } from './skip-init.js';

/** The nonlinearities `calculateGain` knows, as torch's `calculate_gain`. */
export type Nonlinearity =
  | 'linear'
  | 'conv1d'
  | 'conv2d'
  | 'conv3d'
  | 'conv_transpose1d'
  | 'conv_transpose2d'
  | 'conv_transpose3d'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'leaky_relu'
  | 'selu';

const NONLINEARITIES: readonly Nonlinearity[] = [
  'linear',
  'conv1d',
  'conv2d',
  'conv3d',
  'conv_transpose1d',
  'conv_transpose2d',
  'conv_transpose3d',
  'sigmoid',
  'tanh',
  'relu',
  'leaky_relu',
  'selu',
];

/**
 * The recommended gain for a nonlinearity, as `torch.nn.init.calculate_gain`; `param` is
 * leaky_relu's negative slope (default 0.01).
 * @example nn.init.calculateGain('relu') === Math.SQRT2 // → true
 * @example nn.init.calculateGain('tanh') // → 1.6666666666666667
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  const op = 'calculateGain';
  const kind = expectOneOf(op, 'nonlinearity', nonlinearity, NONLINEARITIES);
  switch (kind) {
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu': {
      const slope = param === undefined ? 0.01 : expectNumber(op, 'param', param, true);
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu':
      return 3 / 4;
    default:
      return 1;
  }
}

/** `[fanIn, fanOut]` of a weight `[out, in, ...kernel]`, as torch's (needs ≥ 2 dims). */
function fans(op: string, t: Tensor): [number, number] {
  if (t.ndim < 2)
    throw new ArgumentError(
      `${op}: fan in and fan out need a tensor with at least 2 dims, got shape ${fmtShape(t.shape)}`,
    );
  const receptive = t.shape.slice(2).reduce((a, b) => a * b, 1);
  return [t.shape[1]! * receptive, t.shape[0]! * receptive];
}

const target = (op: string, t: Tensor) => expectTensor(op, 'tensor', t);

/**
 * Fills `t` with samples of N(mean, std²), as `torch.nn.init.normal_` (GPT-2's init:
 * `normal_(w, 0, 0.02)`).
 * @example manualSeed(0); nn.init.normal_(zeros(768, 768), 0, 0.02).std().item().toFixed(3) // → '0.020'
 */
export function normal_(t: Tensor, mean = 0, std = 1): Tensor {
  if (initSkipped()) return target('nn.init.normal_', t);
  return noGrad(() => target('nn.init.normal_', t).normal_(mean, std));
}

/**
 * Fills `t` with samples of U(a, b), as `torch.nn.init.uniform_`.
 * @example nn.init.uniform_(zeros(100), -1, 1).abs().max().item() <= 1 // → true
 */
export function uniform_(t: Tensor, a = 0, b = 1): Tensor {
  if (initSkipped()) return target('nn.init.uniform_', t);
  return noGrad(() => target('nn.init.uniform_', t).uniform_(a, b));
}

/**
 * Fills `t` with `value`, as `torch.nn.init.constant_`.
 * @example nn.init.constant_(zeros(3), 0.5) // → tensor([0.5000, 0.5000, 0.5000])
 */
export function constant_(t: Tensor, value: number): Tensor {
  return noGrad(() =>
    target('nn.init.constant_', t).fill_(expectNumber('nn.init.constant_', 'value', value)),
  );
}

/**
 * Fills `t` with zeros, as `torch.nn.init.zeros_`.
 * @example nn.init.zeros_(ones(2)) // → tensor([0., 0.])
 */
export function zeros_(t: Tensor): Tensor {
  return noGrad(() => target('nn.init.zeros_', t).zero_());
}

/**
 * Fills `t` with ones, as `torch.nn.init.ones_`.
 * @example nn.init.ones_(zeros(2)) // → tensor([1., 1.])
 */
export function ones_(t: Tensor): Tensor {
  return noGrad(() => target('nn.init.ones_', t).fill_(1));
}

/**
 * Glorot uniform: U(−a, a) with a = gain·√(6 / (fanIn + fanOut)), as
 * `torch.nn.init.xavier_uniform_`.
 * @example nn.init.xavierUniform_(zeros(20, 30)).abs().max().item() <= Math.sqrt(6 / 50) // → true
 */
export function xavierUniform_(t: Tensor, gain = 1): Tensor {
  const op = 'nn.init.xavierUniform_';
  const [fanIn, fanOut] = fans(op, target(op, t));
  const a = expectNumber(op, 'gain', gain, true) * Math.sqrt(6 / (fanIn + fanOut));
  return uniform_(t, -a, a);
}

/**
 * Glorot normal: N(0, std²) with std = gain·√(2 / (fanIn + fanOut)), as
 * `torch.nn.init.xavier_normal_`.
 * @example manualSeed(0); nn.init.xavierNormal_(zeros(400, 600)).std().item().toFixed(3) // → '0.045'
 */
export function xavierNormal_(t: Tensor, gain = 1): Tensor {
  const op = 'nn.init.xavierNormal_';
  const [fanIn, fanOut] = fans(op, target(op, t));
  return normal_(t, 0, expectNumber(op, 'gain', gain, true) * Math.sqrt(2 / (fanIn + fanOut)));
}

/** Options of `kaimingUniform_` and `kaimingNormal_`, as torch's keyword arguments. */
export interface KaimingOptions {
  /** leaky_relu's negative slope (default 0). */
  a?: number;
  /** Which fan keeps the variance: `'fan_in'` (default, the forward pass) or `'fan_out'`. */
  mode?: 'fan_in' | 'fan_out';
  /** Default `'leaky_relu'` (with `a = 0`, the gain of relu). */
  nonlinearity?: Nonlinearity;
}

/** He et al.'s std = gain / √fan for `t` and the options. */
function kaimingStd(op: string, t: Tensor, options: KaimingOptions | undefined): number {
  const o = expectOptions(op, options, ['a', 'mode', 'nonlinearity']);
  const a = expectNumber(op, 'a', o.a ?? 0, true);
  const mode = expectOneOf(op, 'mode', o.mode ?? 'fan_in', ['fan_in', 'fan_out'] as const);
  const [fanIn, fanOut] = fans(op, target(op, t));
  const gain = calculateGain(o.nonlinearity ?? 'leaky_relu', a);
  return gain / Math.sqrt(mode === 'fan_in' ? fanIn : fanOut);
}

/**
 * He uniform: U(−b, b) with b = √3·gain/√fan, as `torch.nn.init.kaiming_uniform_`
 * (`nn.Linear`'s own init is this with `a = √5`).
 * @example nn.init.kaimingUniform_(zeros(50, 784), { a: Math.sqrt(5) }).abs().max().item() <= 1 / Math.sqrt(784) // → true
 */
export function kaimingUniform_(t: Tensor, options?: KaimingOptions): Tensor {
  const bound = Math.sqrt(3) * kaimingStd('nn.init.kaimingUniform_', t, options);
  return uniform_(t, -bound, bound);
}

/**
 * He normal: N(0, std²) with std = gain/√fan, as `torch.nn.init.kaiming_normal_`.
 * @example manualSeed(0); nn.init.kaimingNormal_(zeros(256, 512), { nonlinearity: 'relu' }).std().item().toFixed(3) // → '0.062'
 */
export function kaimingNormal_(t: Tensor, options?: KaimingOptions): Tensor {
  return normal_(t, 0, kaimingStd('nn.init.kaimingNormal_', t, options));
}
