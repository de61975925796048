/**
 * Gives `Tensor` methods their op modules and autograd its derivative formulas (`TensorOps` in tensor.ts). Both entry points
 * (`index.ts`, `testing/index.ts`) import this file for its effect, so a tensor never exists
 * without its methods.
 */
import * as argumentChecks from './argument-checks.js';
import * as autograd from './autograd/backward.js';
import { attentionDerivatives } from './autograd/derivatives/attention.js';
import { combineDerivatives } from './autograd/derivatives/combine.js';
import { einsumDerivatives } from './autograd/derivatives/einsum.js';
import { elementwiseDerivatives } from './autograd/derivatives/elementwise.js';
import { gatherScatterDerivatives } from './autograd/derivatives/gather-scatter.js';
import { linearAlgebraDerivatives } from './autograd/derivatives/linear-algebra.js';
import { maskingDerivatives } from './autograd/derivatives/masking.js';
import { normalizationDerivatives } from './autograd/derivatives/normalization.js';
import { reductionDerivatives } from './autograd/derivatives/reductions.js';
import { scanAndSortDerivatives } from './autograd/derivatives/scan-and-sort.js';
import { softmaxAndLossDerivatives } from './autograd/derivatives/softmax-and-losses.js';
import { indexingDerivatives, viewDerivatives } from './autograd/derivatives/views.js';
import { installDerivatives } from './autograd/graph.js';
import * as indexing from './indexing.js';
import * as activation from './ops/activation.js';
import * as cast from './ops/cast.js';
import * as combine from './ops/combine.js';
import * as elementwise from './ops/elementwise.js';
import * as inplace from './ops/inplace.js';
import * as matmul from './ops/matmul.js';
import * as randomFill from './ops/random-fill.js';
import * as reduce from './ops/reduce.js';
import * as scan from './ops/scan.js';
import * as selection from './ops/selection.js';
import * as softmax from './ops/softmax.js';
import * as sorting from './ops/sort.js';
import * as sampling from './sampling.js';
import { installTensorOps } from './tensor.js';

installTensorOps({
  argumentChecks,
  autograd,
  cast,
  elementwise,
  inplace,
  matmul,
  reduce,
  softmax,
  indexing,
  sampling,
  activation,
  scan,
  sorting,
  combine,
  selection,
  randomFill,
});

installDerivatives({
  ...elementwiseDerivatives,
  ...viewDerivatives,
  ...indexingDerivatives,
  ...reductionDerivatives,
  ...linearAlgebraDerivatives,
  ...softmaxAndLossDerivatives,
  ...normalizationDerivatives,
  ...gatherScatterDerivatives,
  ...combineDerivatives,
  ...maskingDerivatives,
  ...attentionDerivatives,
  ...scanAndSortDerivatives,
  ...einsumDerivatives,
});
