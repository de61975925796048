/**
 * Gives `Tensor` methods their op modules (`TensorOps` in tensor.ts). Both entry points
 * (`index.ts`, `testing/index.ts`) import this file for its effect, so a tensor never exists
 * without its methods.
 */
import * as indexing from './indexing.js';
import * as activation from './ops/activation.js';
import * as cast from './ops/cast.js';
import * as combine from './ops/combine.js';
import * as elementwise from './ops/elementwise.js';
import * as inplace from './ops/inplace.js';
import * as matmul from './ops/matmul.js';
import * as reduce from './ops/reduce.js';
import * as scan from './ops/scan.js';
import * as selection from './ops/selection.js';
import * as softmax from './ops/softmax.js';
import * as sorting from './ops/sort.js';
import * as sampling from './sampling.js';
import { installTensorOps } from './tensor.js';

installTensorOps({
  cast,
  elementwise,
  inplace,
  matmul,
  reduce,
  softmax,
  indexing,
  activation,
  scan,
  sorting,
  sampling,
  combine,
  selection,
});
