/** `optim`: PyTorch's `torch.optim` optimizers `SGD`, `Adam` and `AdamW`. */
export { Adam } from './adam.js';
export type { AdamOptions } from './adam-family.js';
export { AdamW, type AdamWOptions } from './adamw.js';
export { Optimizer, type ParamGroup, type ParamsArgument } from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';
