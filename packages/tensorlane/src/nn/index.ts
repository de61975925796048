/**
 * `nn`: PyTorch's `torch.nn` in small — `Module`, the layers (`Linear`, `LayerNorm`,
 * `Embedding`, `Dropout`), activations (`ReLU`, `GELU`, `Tanh`, `Sigmoid`, `SiLU`,
 * `Softmax`, `LogSoftmax`), `Identity`, `Flatten`, the containers (`Sequential`,
 * `ModuleList`, `ModuleDict`), the losses (`CrossEntropyLoss`, `NLLLoss`, `MSELoss`) and
 * `init` (`normal_`, `uniform_`, `xavierUniform_`, `kaimingNormal_`, …) and `utils`
 * (`clipGradNorm_`, `clipGradValue_`, `skipInit`).
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
export * as init from './init.js';
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
export * as utils from './utils.js';
