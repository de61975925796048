/**
 * `cumsum` and `cumprod` along one dim, as torch. Floats accumulate in float64 and round
 * once per output (torch's CPU kernels do the same). int32 and bool inputs give int32 (torch:
 * int64, which tensorlane does not have): they are scanned exactly in float64 and a result
 * outside the int32 range throws instead of wrapping.
 */
import { expectInt, expectTensor } from '../argument-checks.js';
import { withGrad } from '../autograd/graph.js';
import type { ScanOp } from '../backend/backend.js';
import { isFloat } from '../dtype.js';
import { DtypeError, fmtShape } from '../errors.js';
import { normDim } from '../shape/views.js';
import { emptyTensor, outputTensor, type Tensor } from '../tensor.js';
import { asTensor, disposeAll } from './operands.js';

const INT32_MAX = 2 ** 31 - 1;

function scanAlong(name: string, op: ScanOp, t: Tensor, dim: number): Tensor {
  expectTensor(name, 'input', t).live(name);
  const d = normDim(name, expectInt(name, 'dim', dim), t.ndim);
  const backend = t.backend;
  const axis = t.ndim === 0 ? -1 : d;
  if (isFloat(t.dtype))
    return withGrad(
      name,
      [t],
      () => {
        const out = outputTensor(t.shape, t.dtype, backend);
        if (axis < 0) backend.copy(t.backendView, out.backendView);
        else backend.scan(op, t.backendView, axis, out.backendView);
        return out;
      },
      { dim: axis },
    );
  const temps: Tensor[] = [];
  try {
    const src = asTensor(t, 'float64', backend, temps);
    const wide = outputTensor(t.shape, 'float64', backend);
    temps.push(wide);
    if (axis < 0) backend.copy(src.backendView, wide.backendView);
    else backend.scan(op, src.backendView, axis, wide.backendView);
    const values = backend.array(wide.backendView.storage);
    for (let i = 0; i < values.length; i++)
      if (!(Math.abs(values[i]!) <= INT32_MAX + (values[i]! < 0 ? 1 : 0)))
        throw new DtypeError(
          `${name}: the ${t.dtype} result along dim ${d} of shape ${fmtShape(t.shape)} reaches ${values[i]}, ` +
            'outside int32 (torch would give int64); convert with .double() first',
        );
    const out = emptyTensor(t.shape, 'int32', backend);
    backend.copy(wide.backendView, out.backendView);
    return out;
  } finally {
    disposeAll(temps);
  }
}

/**
 * Running sum along `dim`.
 * @example cumsum(tensor([1, 2, 3, 4]), 0) // → tensor([ 1,  3,  6, 10], dtype=torch.int32)
 */
export function cumsum(t: Tensor, dim: number): Tensor {
  return scanAlong('cumsum', 'sum', t, dim);
}

/**
 * Running product along `dim`.
 * @example cumprod(tensor([1, 2, 3, 4], { dtype: 'float32' }), 0) // → tensor([ 1.,  2.,  6., 24.])
 */
export function cumprod(t: Tensor, dim: number): Tensor {
  return scanAlong('cumprod', 'prod', t, dim);
}
