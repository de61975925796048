/** `nn`: PyTorch's `torch.nn` in small (`Module`, `Linear`, `ReLU`, `Sequential`, `LayerNorm`, `Embedding`, `Dropout`). */
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
export {
  type IncompatibleKeys,
  isParameter,
  type LoadStateDictOptions,
  Module,
  parameter,
} from './module.js';
