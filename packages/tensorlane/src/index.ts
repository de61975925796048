/** tensorlane: PyTorch-style tensors for JavaScript, with Rust kernels compiled to WebAssembly SIMD. */
import './tensor-methods.js';

export type { BackwardOptions } from './autograd/backward.js';
export { enableGrad, isGradEnabled, noGrad } from './autograd/grad-mode.js';
export type { GradNode } from './autograd/graph.js';
export type { Backend, Storage, View } from './backend/backend.js';
export { type BackendName, setBackend } from './backend/current.js';
export {
  arange,
  type CreationOptions,
  empty,
  eye,
  full,
  linspace,
  ones,
  onesLike,
  tensor,
  zeros,
  zerosLike,
} from './creation.js';
export type { DType, TypedArray } from './dtype.js';
export { type EinsumOptions, einsum } from './einsum/einsum.js';
export {
  type EinsumPathInfo,
  type EinsumPathOptions,
  einsumPath,
  type ShapeLike,
} from './einsum/einsum-path.js';
export type { OptimizeStrategy } from './einsum/einsum-plan.js';
export {
  ArgumentError,
  AutogradError,
  DisposedError,
  DtypeError,
  EinsumError,
  FormatError,
  IndexError,
  InitError,
  KernelTrapError,
  OutOfMemoryError,
  ShapeError,
  TensorlaneError,
} from './errors.js';
export { type FormattableTensor, formatTensor } from './format/format-tensor.js';
export type { PrintOptions } from './format/print-options.js';
export {
  printOptions,
  type SetPrintOptions,
  setPrintOptions,
} from './format/set-print-options.js';
export { type IndexItem, Slice, slice } from './indexing.js';
export { type BackendInfo, backendInfo, type InitOptions, init, shutdown } from './init.js';
export { loadNpy, saveNpy } from './io/npy.js';
export { loadNpz } from './io/npz.js';
export type { WeightsSource } from './io/read-source.js';
export { loadSafetensors, saveSafetensors } from './io/safetensors.js';
export { keep, type MemoryInfo, memory, tidy } from './memory.js';
export * as nn from './nn/index.js';
export {
  erf,
  expm1,
  gelu,
  leakyRelu,
  log1p,
  sign,
  silu,
  softplus,
} from './ops/activation.js';
export { type AttentionOptions, scaledDotProductAttention } from './ops/attention.js';
export type { CloseOptions } from './ops/close-values.js';
export {
  cat,
  chunk,
  concat,
  concatenate,
  type DimArgs,
  flip,
  roll,
  split,
  stack,
  tile,
  unbind,
} from './ops/combine.js';
export { dropout } from './ops/dropout.js';
export type { ClampBound } from './ops/elementwise.js';
export * from './ops/functional.js';
export { allclose, isclose } from './ops/isclose.js';
export {
  type CrossEntropyOptions,
  crossEntropy,
  type MseLossOptions,
  mseLoss,
  type NllLossOptions,
  nllLoss,
  type Reduction,
} from './ops/loss.js';
export {
  type AddmmOptions,
  addmm,
  baddbmm,
  bmm,
  dot,
  linear,
  matmul,
  mm,
  mv,
  outer,
} from './ops/matmul.js';
export { layerNorm, rmsNorm } from './ops/normalization.js';
export type { Operand } from './ops/operands.js';
export type { Dims, VarianceOptions } from './ops/reduce.js';
export { cumprod, cumsum } from './ops/scan.js';
export {
  embedding,
  gather,
  indexSelect,
  maskedFill,
  scatter,
  scatterAdd,
  tril,
  triu,
  where,
} from './ops/selection.js';
export { logSoftmax, softmax } from './ops/softmax.js';
export { argsort, sort, topk } from './ops/sort.js';
export * as optim from './optim/index.js';
export { promoteTypes, resultType } from './promote.js';
export { manualSeed, rand, randint, randn } from './random.js';
export { bernoulli, multinomial, randperm } from './sampling.js';
export { type NestedArray, Tensor } from './tensor.js';
