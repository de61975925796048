/** `optim`: PyTorch's `torch.optim` optimizers `SGD` and `AdamW`. */
export { AdamW, type AdamWOptions } from './adamw.js';
export { Optimizer, type ParamGroup, type ParamsArgument } from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';
