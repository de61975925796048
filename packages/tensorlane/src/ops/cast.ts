/** dtype conversions: `to(dtype)`, `float()`, `int()`, `bool()`, `double()`. */
import { expectDtype, expectInt32Values } from '../argument-checks.js';
import { recordGrad } from '../autograd/graph.js';
import { type DType, isFloat } from '../dtype.js';
import { outputTensor, type Tensor } from '../tensor.js';

/**
 * `t` as `dtype`: a new handle on the same storage when the dtype already matches, otherwise
 * a converted copy (floats → int32 truncate toward zero; anything → bool is `x != 0`). A float
 * outside int32, or NaN, is a `DtypeError`: PyTorch gives an unspecified value there, and a
 * wrapped one would be a silent wrong answer.
 * @example tensor([1.7, -1.7]).to('int32') // → tensor([ 1, -1], dtype=torch.int32)
 */
export function castTo(t: Tensor, dtype: DType): Tensor {
  t.live('to');
  expectDtype('to', dtype);
  if (t.dtype === dtype)
    return recordGrad('to', [t], t.withLayout(t.shape, t.stride(), t.offset), {
      inputDtype: t.dtype,
    });
  if (dtype === 'int32' && isFloat(t.dtype)) expectInt32Values('to', t.data());
  const out = outputTensor(t.shape, dtype, t.backend);
  t.backend.copy(t.backendView, out.backendView);
  return recordGrad('to', [t], out, { inputDtype: t.dtype });
}
