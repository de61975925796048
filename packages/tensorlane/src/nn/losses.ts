/**
 * The loss modules of `nn`: `criterion = nn.CrossEntropyLoss()` then
 * `criterion.forward(logits, targets)`, each over its functional op with the same options
 * (checked when the module is made). Their repr is the bare class name, as PyTorch's.
 */
import {
  type CrossEntropyOptions,
  crossEntropy,
  crossEntropyOptions,
  type MseLossOptions,
  mseLoss,
  mseLossOptions,
  type NllLossOptions,
  nllLoss,
  nllLossOptions,
} from '../ops/loss.js';
import type { Tensor } from '../tensor.js';
import { Module } from './module.js';

/** A loss module: its options, checked when it is made, and the functional op it calls. */
class LossModule<O> extends Module {
  readonly #loss: (input: Tensor, target: Tensor, options: O) => Tensor;

  constructor(
    readonly options: Required<O>,
    loss: (input: Tensor, target: Tensor, options: O) => Tensor,
  ) {
    super();
    this.#loss = loss;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return this.#loss(input, target, this.options);
  }
}

/**
 * Cross-entropy of logits against class indices (or probabilities), as
 * `torch.nn.CrossEntropyLoss(reduction, ignore_index, label_smoothing)`.
 * @example new nn.CrossEntropyLoss().forward(zeros(2, 4), tensor([0, 3])).item().toFixed(4) // → '1.3863'
 */
export class CrossEntropyLoss extends LossModule<CrossEntropyOptions> {
  constructor(options: CrossEntropyOptions = {}) {
    super(crossEntropyOptions('nn.CrossEntropyLoss', options), crossEntropy);
  }
}

/**
 * Negative log-likelihood of log-probabilities, as `torch.nn.NLLLoss(reduction, ignore_index)`.
 * @example new nn.NLLLoss().forward(tensor([[-1.5, -2.5]]), tensor([1])).item() // → 2.5
 */
export class NLLLoss extends LossModule<NllLossOptions> {
  constructor(options: NllLossOptions = {}) {
    super(nllLossOptions('nn.NLLLoss', options), nllLoss);
  }
}

/**
 * Mean squared error, as `torch.nn.MSELoss(reduction)`.
 * @example new nn.MSELoss().forward(tensor([1.5, 2]), tensor([1.5, 4])).item() // → 2
 */
export class MSELoss extends LossModule<MseLossOptions> {
  constructor(options: MseLossOptions = {}) {
    super(mseLossOptions('nn.MSELoss', options), mseLoss);
  }
}
