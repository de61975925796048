/**
 * The activation and shape modules of `nn` that hold no parameters: each wraps one
 * functional op, with PyTorch's constructor arguments and repr, so `nn.GELU()` in a ported
 * model reads as it does in `torch.nn`.
 */
import { expectInt, expectOneOf, expectTensor } from '../argument-checks.js';
import { gelu, silu } from '../ops/activation.js';
import { sigmoid, tanh } from '../ops/functional.js';
import { logSoftmax, softmax } from '../ops/softmax.js';
import type { Tensor } from '../tensor.js';
import { Module } from './module.js';

/**
 * GELU, `x·Φ(x)`, as `torch.nn.GELU(approximate='none')`; `'tanh'` takes the tanh form.
 * @example String(new nn.GELU('tanh')) // → 'GELU(approximate='tanh')'
 * @example new nn.GELU().forward(tensor([-1, 0, 1], { dtype: 'float32' })) // → tensor([-0.1587,  0.0000,  0.8413])
 */
export class GELU extends Module {
  readonly approximate: 'none' | 'tanh';

  constructor(approximate: 'none' | 'tanh' = 'none') {
    super();
    this.approximate = expectOneOf('nn.GELU', 'approximate', approximate, [
      'none',
      'tanh',
    ] as const);
  }

  override forward(input: Tensor): Tensor {
    return gelu(expectTensor('nn.GELU', 'input', input), this.approximate);
  }

  override extraRepr(): string {
    return `approximate='${this.approximate}'`;
  }
}

/**
 * `tanh` as a module, as `torch.nn.Tanh()`.
 * @example new nn.Tanh().forward(tensor([0, 1])) // → tensor([0.0000, 0.7616])
 */
export class Tanh extends Module {
  override forward(input: Tensor): Tensor {
    return tanh(expectTensor('nn.Tanh', 'input', input));
  }
}

/**
 * The logistic sigmoid as a module, as `torch.nn.Sigmoid()`.
 * @example new nn.Sigmoid().forward(tensor([0, 2])) // → tensor([0.5000, 0.8808])
 */
export class Sigmoid extends Module {
  override forward(input: Tensor): Tensor {
    return sigmoid(expectTensor('nn.Sigmoid', 'input', input));
  }
}

/**
 * SiLU (swish), `x·sigmoid(x)`, as `torch.nn.SiLU()`.
 * @example new nn.SiLU().forward(tensor([-1, 0, 1], { dtype: 'float32' })) // → tensor([-0.2689,  0.0000,  0.7311])
 */
export class SiLU extends Module {
  override forward(input: Tensor): Tensor {
    return silu(expectTensor('nn.SiLU', 'input', input));
  }
}

/** A module over a function of one tensor along one dim (`nn.Softmax`, `nn.LogSoftmax`). */
class AlongDim extends Module {
  readonly dim: number;
  readonly #fn: (t: Tensor, dim: number) => Tensor;

  constructor(op: string, dim: number, fn: (t: Tensor, dim: number) => Tensor) {
    super();
    this.dim = expectInt(op, 'dim', dim);
    this.#fn = fn;
  }

  override forward(input: Tensor): Tensor {
    return this.#fn(expectTensor(`nn.${this.constructor.name}`, 'input', input), this.dim);
  }

  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/**
 * Softmax along `dim`, as `torch.nn.Softmax(dim)`. PyTorch's implicit dim (`dim=None`) is
 * deprecated there, so the dim is required here.
 * @example new nn.Softmax(-1).forward(tensor([0, Math.log(3)])) // → tensor([0.2500, 0.7500])
 */
export class Softmax extends AlongDim {
  constructor(dim: number) {
    super('nn.Softmax', dim, softmax);
  }
}

/**
 * Log-softmax along `dim`, as `torch.nn.LogSoftmax(dim)` (the dim is required, as in
 * `nn.Softmax`).
 * @example new nn.LogSoftmax(0).forward(tensor([0, 0])).exp() // → tensor([0.5000, 0.5000])
 */
export class LogSoftmax extends AlongDim {
  constructor(dim: number) {
    super('nn.LogSoftmax', dim, logSoftmax);
  }
}

/**
 * Returns its input, as `torch.nn.Identity()` (a placeholder where a layer is optional).
 * @example const x = tensor([1, 2]); new nn.Identity().forward(x) === x // → true
 */
export class Identity extends Module {
  override forward(input: Tensor): Tensor {
    return expectTensor('nn.Identity', 'input', input);
  }
}

/**
 * Merges dims `startDim..endDim` (default 1..−1: all but the batch dim), as
 * `torch.nn.Flatten()`; a view when the layout allows.
 * @example new nn.Flatten().forward(zeros(64, 1, 28, 28)).shape // → [64, 784]
 */
export class Flatten extends Module {
  readonly startDim: number;
  readonly endDim: number;

  constructor(startDim = 1, endDim = -1) {
    super();
    this.startDim = expectInt('nn.Flatten', 'startDim', startDim);
    this.endDim = expectInt('nn.Flatten', 'endDim', endDim);
  }

  override forward(input: Tensor): Tensor {
    return expectTensor('nn.Flatten', 'input', input).flatten(this.startDim, this.endDim);
  }

  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}
