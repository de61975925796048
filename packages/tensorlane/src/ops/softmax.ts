/**
 * `softmax` and `logSoftmax` along any dim, as torch: max-subtracted, so large inputs do
 * not overflow; int and bool inputs compute in float32. The backend reduces along the last
 * axis of a view, so another dim is moved last as a permuted view (no copy).
 */
import { expectInt, expectOptionalDtype, expectTensor } from '../argument-checks.js';
import { withGrad } from '../autograd/graph.js';
import { type DType, isFloat } from '../dtype.js';
import { DtypeError } from '../errors.js';
import { normDim } from '../shape/views.js';
import { outputTensor, type Tensor } from '../tensor.js';
import { asTensor, disposeAll } from './operands.js';

function softmaxAlong(op: string, t: Tensor, dim: number, log: boolean, dtype?: DType): Tensor {
  expectTensor(op, 'input', t).live(op);
  const d = normDim(op, expectInt(op, 'dim', dim), t.ndim);
  expectOptionalDtype(op, dtype);
  if (dtype !== undefined && !isFloat(dtype))
    throw new DtypeError(
      `${op}: dtype ${dtype} is not a floating-point dtype (float32 or float64)`,
    );
  const compute: DType = dtype ?? (isFloat(t.dtype) ? t.dtype : 'float32');
  const backend = t.backend;
  const temps: Tensor[] = [];
  try {
    let src = asTensor(t, compute, backend, temps);
    // Every path below writes every element: no zero fill (a whole extra pass).
    const out = outputTensor(t.shape, compute, backend);
    const last = t.ndim - 1;
    if (t.ndim === 0 || (d === last && (t.shape[last] === 1 || src.stride(last) === 1))) {
      backend.softmax(src.backendView, out.backendView, log);
      return out;
    }
    // The kernels reduce along the last axis of a view: hand them `dim` moved last as a
    // permuted view (no copy) of a contiguous input and of the output.
    if (!src.isContiguous()) {
      src = src.contiguous();
      temps.push(src);
    }
    const perm = [...Array(t.ndim).keys()].filter((x) => x !== d).concat(d);
    const [rows, outRows] = [src.permute(perm), out.permute(perm)];
    temps.push(rows, outRows);
    backend.softmax(rows.backendView, outRows.backendView, log);
    return out;
  } finally {
    disposeAll(temps);
  }
}

/**
 * `exp(x) / Σ exp(x)` along `dim` (each slice sums to 1).
 * @example softmax(tensor([[1, 2, 3]]), -1) // → tensor([[0.0900, 0.2447, 0.6652]])
 */
export function softmax(t: Tensor, dim: number, dtype?: DType): Tensor {
  return withGrad('softmax', [t], () => softmaxAlong('softmax', t, dim, false, dtype), { dim });
}

/**
 * `log(softmax(x))` along `dim`, computed as `x − max − log Σ exp(x − max)`.
 * @example logSoftmax(tensor([0, 0]), 0) // → tensor([-0.6931, -0.6931])
 */
export function logSoftmax(t: Tensor, dim: number, dtype?: DType): Tensor {
  return withGrad('logSoftmax', [t], () => softmaxAlong('logSoftmax', t, dim, true, dtype), {
    dim,
  });
}
