/**
 * `nn`: PyTorch's `torch.nn` in small — `Module`, the layers (`Linear`, `LayerNorm`,
 * `Embedding`, `Dropout`), activations (`ReLU`, `GELU`, `Tanh`, `Sigmoid`, `SiLU`,
 * `Softmax`, `LogSoftmax`), `Identity`, `Flatten`, the containers (`Sequential`,
 * `ModuleList`, `ModuleDict`) and the losses (`CrossEntropyLoss`, `NLLLoss`, `MSELoss`).
 */
export {
  Flatten,
  GELU,
  Identity,
  LogSoftmax,
  Sigmoid,
  SiLU,
  Softmax,
  Tanh,
} from './activations.js';
export { ModuleDict, ModuleList } from './containers.js';
export {
  Dropout,
  Embedding,
  type EmbeddingOptions,
  LayerNorm,
  type LayerNormOptions,
  Linear,
  type LinearOptions,
  ReLU,
  Sequential,
} from './layers.js';
export { CrossEntropyLoss, MSELoss, NLLLoss } from './losses.js';
export {
  type IncompatibleKeys,
  isParameter,
  type LoadStateDictOptions,
  Module,
  parameter,
} from './module.js';
