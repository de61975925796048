/**
 * The layers of `nn`, each a `Module` over one functional op, with PyTorch's constructor
 * arguments (camelCase, keyword arguments in an options object), default initialization
 * and field names, so a state dict has torch's keys.
 */
import {
  expectBoolean,
  expectInt,
  expectNumber,
  expectOptionalDtype,
  expectOptions,
  expectTensor,
} from '../argument-checks.js';
import { filledTensor } from '../creation.js';
import { type DType, isFloat } from '../dtype.js';
import { ArgumentError, DtypeError } from '../errors.js';
import { dropout } from '../ops/dropout.js';
import { linear } from '../ops/matmul.js';
import { layerNorm } from '../ops/normalization.js';
import { embedding } from '../ops/selection.js';
import { randn, uniform24, uniform53 } from '../random.js';
import { numelOf } from '../shape/strides.js';
import { parseShape } from '../shape/views.js';
import type { Tensor } from '../tensor.js';
import { Module, parameter } from './module.js';
import { pyRepr } from './python-repr.js';
import { initSkipped } from './skip-init.js';

/** The dtype option of a layer: float32 (default) or float64. */
function layerDtype(op: string, dtype: unknown): DType {
  const d = expectOptionalDtype(op, dtype) ?? 'float32';
  if (!isFloat(d)) throw new DtypeError(`${op}: dtype must be float32 or float64, got ${d}`);
  return d;
}

/**
 * A new parameter drawn from U(−bound, bound) with the seeded generator (one `rand` draw
 * per element in row-major order, as `torch.nn.init.uniform_`'s `low + (high − low)·u`).
 */
function uniformParameter(shape: readonly number[], bound: number, dtype: DType): Tensor {
  const n = numelOf(shape);
  const draw = dtype === 'float32' ? uniform24 : uniform53;
  return parameter(
    filledTensor(shape, dtype, (values) => {
      if (initSkipped()) return;
      for (let i = 0; i < n; i++) values[i] = -bound + 2 * bound * draw();
    }),
  );
}

/** Options of `nn.Linear`. */
export interface LinearOptions {
  /** Adds a learnable bias (default true). */
  bias?: boolean;
  dtype?: DType;
}

/**
 * `y = x·weightᵀ + bias`, as `torch.nn.Linear(inFeatures, outFeatures)`: `weight` is
 * `[outFeatures, inFeatures]`, initialized as PyTorch does (Kaiming-uniform with a = √5,
 * which is U(−1/√in, 1/√in)), and `bias` `[outFeatures]` from U(−1/√in, 1/√in), both drawn
 * from the seeded generator (`manualSeed`).
 * @example
 * manualSeed(0);
 * const fc = new nn.Linear(784, 50);
 * fc.weight.shape // → [50, 784]
 * fc.weight.abs().max().item() <= 1 / Math.sqrt(784) // → true
 * fc.forward(randn(64, 784)).shape // → [64, 50]
 */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  weight: Tensor;
  bias: Tensor | null;

  constructor(inFeatures: number, outFeatures: number, options?: LinearOptions) {
    super();
    const op = 'nn.Linear';
    this.inFeatures = expectInt(op, 'inFeatures', inFeatures, 0);
    this.outFeatures = expectInt(op, 'outFeatures', outFeatures, 0);
    const o = expectOptions(op, options, ['bias', 'dtype']);
    const withBias = expectBoolean(op, 'bias', o.bias ?? true);
    const dtype = layerDtype(op, o.dtype);
    const bound = inFeatures > 0 ? 1 / Math.sqrt(inFeatures) : 0;
    this.weight = uniformParameter([outFeatures, inFeatures], bound, dtype);
    this.bias = withBias ? uniformParameter([outFeatures], bound, dtype) : null;
  }

  override forward(input: Tensor): Tensor {
    return linear(input, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.bias ? 'True' : 'False'}`;
  }
}

/**
 * `max(x, 0)` as a module, as `torch.nn.ReLU()`.
 * @example new nn.ReLU().forward(tensor([-1, 2.5])) // → tensor([0.0000, 2.5000])
 */
export class ReLU extends Module {
  override forward(input: Tensor): Tensor {
    return expectTensor('nn.ReLU', 'input', input).relu();
  }
}

/**
 * Modules applied in order, each to the previous one's output, as `torch.nn.Sequential`;
 * their names are `'0'`, `'1'`, … (so `0.weight` in a state dict).
 * @example
 * manualSeed(0);
 * const model = new nn.Sequential(new nn.Linear(784, 50), new nn.ReLU(), new nn.Linear(50, 10));
 * model.forward(randn(64, 784)).shape // → [64, 10]
 * model.parameters().length // → 4
 */
export class Sequential extends Module {
  [index: number]: Module;
  /** How many modules. */
  declare readonly length: number;

  constructor(...modules: Module[]) {
    super();
    modules.forEach((m, i) => {
      if (!(m instanceof Module))
        throw new ArgumentError(
          `nn.Sequential: argument ${i} must be a Module, got ${m === null ? 'null' : typeof m}`,
        );
      this[i] = m;
    });
    // Not enumerable: only the modules are fields a parameter search walks.
    Object.defineProperty(this, 'length', { value: modules.length, enumerable: false });
  }

  override forward(input: Tensor): Tensor {
    let x: unknown = input;
    for (const m of this.children()) x = m.forward(x);
    return x as Tensor;
  }
}

/** Options of `nn.LayerNorm`. */
export interface LayerNormOptions {
  eps?: number;
  /** Learnable `weight` (ones) and `bias` (zeros) of the normalized shape (default true). */
  elementwiseAffine?: boolean;
  /** With `elementwiseAffine`, whether there is a bias (default true). */
  bias?: boolean;
  dtype?: DType;
}

/**
 * Layer normalization over the trailing `normalizedShape` dims, as
 * `torch.nn.LayerNorm(normalizedShape, eps=1e-5)`: `weight` starts at ones, `bias` at zeros.
 * @example new nn.LayerNorm(3).forward(tensor([[1, 2, 3]])) // → tensor([[-1.2247,  0.0000,  1.2247]], grad_fn=<LayerNormBackward>)
 */
export class LayerNorm extends Module {
  readonly normalizedShape: readonly number[];
  readonly eps: number;
  weight: Tensor | null;
  bias: Tensor | null;

  constructor(normalizedShape: number | readonly number[], options?: LayerNormOptions) {
    super();
    const op = 'nn.LayerNorm';
    this.normalizedShape = parseShape(op, [normalizedShape]);
    const o = expectOptions(op, options, ['eps', 'elementwiseAffine', 'bias', 'dtype']);
    this.eps = expectNumber(op, 'eps', o.eps ?? 1e-5, true);
    const affine = expectBoolean(op, 'elementwiseAffine', o.elementwiseAffine ?? true);
    const withBias = expectBoolean(op, 'bias', o.bias ?? true);
    const dtype = layerDtype(op, o.dtype);
    const filled = (v: number) =>
      parameter(filledTensor(this.normalizedShape, dtype, (values) => values.fill(v)));
    this.weight = affine ? filled(1) : null;
    this.bias = affine && withBias ? filled(0) : null;
  }

  override forward(input: Tensor): Tensor {
    return layerNorm(input, this.normalizedShape, this.weight, this.bias, this.eps);
  }

  override extraRepr(): string {
    return `(${this.normalizedShape.join(', ')}${this.normalizedShape.length === 1 ? ',' : ''}), eps=${pyRepr(this.eps)}, elementwise_affine=${this.weight ? 'True' : 'False'}`;
  }
}

/** Options of `nn.Embedding`. */
export interface EmbeddingOptions {
  dtype?: DType;
}

/**
 * A lookup table of `numEmbeddings` vectors of size `embeddingDim`, as
 * `torch.nn.Embedding`: `weight` starts at N(0, 1) from the seeded generator; the input is
 * int32 ids. No `padding_idx`, `max_norm` or sparse gradients.
 * @example
 * const emb = new nn.Embedding(10, 4);
 * emb.forward(tensor([[1, 2, 3]])).shape // → [1, 3, 4]
 */
export class Embedding extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  weight: Tensor;

  constructor(numEmbeddings: number, embeddingDim: number, options?: EmbeddingOptions) {
    super();
    const op = 'nn.Embedding';
    this.numEmbeddings = expectInt(op, 'numEmbeddings', numEmbeddings, 0);
    this.embeddingDim = expectInt(op, 'embeddingDim', embeddingDim, 0);
    const dtype = layerDtype(op, expectOptions(op, options, ['dtype']).dtype);
    this.weight = parameter(
      initSkipped()
        ? filledTensor([numEmbeddings, embeddingDim], dtype, () => {})
        : randn(numEmbeddings, embeddingDim, { dtype }),
    );
  }

  override forward(input: Tensor): Tensor {
    return embedding(input, this.weight);
  }

  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}`;
  }
}

/**
 * Zeroes each element with probability `p` and scales the rest by `1/(1 − p)` in training
 * mode; the identity after `eval()`. As `torch.nn.Dropout(p=0.5)`.
 * @example new nn.Dropout(0.2).eval().forward(tensor([1, 2.5])) // → tensor([1.0000, 2.5000])
 */
export class Dropout extends Module {
  readonly p: number;

  constructor(p = 0.5) {
    super();
    this.p = expectNumber('nn.Dropout', 'p', p);
    if (!(p >= 0 && p <= 1))
      throw new ArgumentError(`nn.Dropout: probability p must be in [0, 1], got ${p}`);
  }

  override forward(input: Tensor): Tensor {
    return dropout(input, this.p, this.training);
  }

  override extraRepr(): string {
    return `p=${pyRepr(this.p)}, inplace=False`;
  }
}
