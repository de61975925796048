/**
 * Matrix products with PyTorch's rules: `matmul` (1-D operands promoted to a row or a
 * column and the added dim removed again, batch dims broadcast: `(j,1,n,m) @ (k,m,p) →
 * (j,k,n,p)`), `mm` (2-D only), `bmm` (3-D only, equal batch), `mv`, `dot`, `outer`.
 * Every product becomes one strided batched GEMM on the backend: transposed and expanded
 * operands are passed by strides, never copied. Shapes are checked before anything is
 * allocated, so a failed call leaves every tensor intact.
 */

import { expectNumber, expectOptions, expectTensor } from '../argument-checks.js';
import { withGrad } from '../autograd/graph.js';
import type { View } from '../backend/backend.js';
import { type DType, isFloat } from '../dtype.js';
import { ArgumentError, DtypeError, fmtShape, ShapeError } from '../errors.js';
import { promoteTypes } from '../promote.js';
import { broadcastAll, broadcastStrides } from '../shape/broadcast.js';
import { coalesceDims } from '../shape/coalesce-dims.js';
import { forEachRow } from '../shape/strided-rows.js';
import { contiguousStrides } from '../shape/strides.js';
import * as views from '../shape/views.js';
import { emptyTensor, outputTensor, type Tensor } from '../tensor.js';
import { asTensor, broadcastView, disposeAll } from './operands.js';

/** One operand as a batch of matrices: batch shape/strides plus row and column strides. */
interface MatrixOperand {
  readonly batch: readonly number[];
  readonly batchStrides: readonly number[];
  readonly rows: number;
  readonly cols: number;
  readonly rs: number;
  readonly cs: number;
}

/** `t` read as matrices; a 1-D tensor becomes one row (`asRow`) or one column. */
function asMatrices(t: Tensor, asRow: boolean): MatrixOperand {
  const s = t.backendView.strides;
  if (t.ndim === 1) {
    const [n, st] = [t.shape[0]!, s[0]!];
    return asRow
      ? { batch: [], batchStrides: [], rows: 1, cols: n, rs: 0, cs: st }
      : { batch: [], batchStrides: [], rows: n, cols: 1, rs: st, cs: 0 };
  }
  const nd = t.ndim;
  return {
    batch: t.shape.slice(0, -2),
    batchStrides: s.slice(0, -2),
    rows: t.shape[nd - 2]!,
    cols: t.shape[nd - 1]!,
    rs: s[nd - 2]!,
    cs: s[nd - 1]!,
  };
}

/** 1-D tensors as one row (the left operand of matmul). */
const asRows = (t: Tensor): MatrixOperand => asMatrices(t, true);
/** 1-D tensors as one column (the right operand of matmul). */
const asColumns = (t: Tensor): MatrixOperand => asMatrices(t, false);

function describePair(op: string, a: Tensor, b: Tensor, sep = '@'): string {
  return `${op}: ${fmtShape(a.shape)} ${sep} ${fmtShape(b.shape)}`;
}

/** Checks that both operands are live tensors (plain-JS callers may pass arrays). */
function liveOperands(op: string, a: Tensor, b: Tensor): void {
  expectTensor(op, 'input', a).live(op);
  expectTensor(op, 'other', b).live(op);
}

/** The dtype both operands compute in; bool has no product (as torch on CPU). */
function productDtype(op: string, a: Tensor, b: Tensor): DType {
  a.live(op);
  b.live(op);
  const dtype = promoteTypes(a.dtype, b.dtype);
  if (dtype === 'bool')
    throw new DtypeError(
      `${describePair(op, a, b)}: bool tensors have no matrix product; convert with .int() or .float() first`,
    );
  return dtype;
}

/** `alpha·product + beta·input` (addmm's form): the GEMM's own alpha and beta. */
interface Accumulate {
  /** Broadcasts to the output's shape. */
  readonly input: Tensor;
  readonly alpha: number;
  readonly beta: number;
}

/**
 * The batched product of `a` and `b` seen as matrices, into a new tensor of `outShape`
 * (the batch, then `m` unless `dropM`, then `n` unless `dropN`). With `acc` the output is
 * first filled with the broadcast `input` (skipped when `beta = 0`, so NaN there does not
 * propagate) and the GEMM accumulates onto it.
 */
function batchedProduct(
  op: string,
  a: Tensor,
  b: Tensor,
  layoutA: (t: Tensor) => MatrixOperand,
  layoutB: (t: Tensor) => MatrixOperand,
  drop: { m: boolean; n: boolean },
  acc?: Accumulate,
): Tensor {
  const dtype = acc ? accumulateDtype(op, a, b, acc) : productDtype(op, a, b);
  // Shapes are checked on the arguments; strides are read after any dtype cast (a copy).
  let ma = layoutA(a);
  let mb = layoutB(b);
  if (ma.cols !== mb.rows)
    throw new ShapeError(
      `${describePair(op, a, b)}: inner dimensions differ (${ma.cols} vs ${mb.rows})`,
    );
  const batch = broadcastAll(
    [ma.batch, mb.batch],
    ({ sizes }) =>
      `${describePair(op, a, b)}: batch dimensions ${fmtShape(ma.batch)} and ${fmtShape(mb.batch)} cannot broadcast (${sizes[0]} vs ${sizes[1]})`,
  );
  const [m, n, k] = [ma.rows, mb.cols, ma.cols];
  const outShape = [...batch, ...(drop.m ? [] : [m]), ...(drop.n ? [] : [n])];
  if (acc) checkAccumulateShape(op, acc.input, outShape);
  const backend = a.backend;
  const temps: Tensor[] = [];
  try {
    const ta = asTensor(a, dtype, backend, temps);
    const tb = asTensor(b, dtype, backend, temps);
    if (ta !== a) ma = layoutA(ta);
    if (tb !== b) mb = layoutB(tb);
    // With k > 0 the gemm (beta 0) writes every element, so the zero fill would be wasted.
    const out = (k === 0 ? emptyTensor : outputTensor)(outShape, dtype, backend);
    const [alpha, beta] = acc ? [acc.alpha, acc.beta] : [1, 0];
    if (acc && beta !== 0 && out.numel() > 0) {
      const input = asTensor(acc.input, dtype, backend, temps);
      backend.copy(broadcastView(input, outShape), out.backendView);
    }
    if (out.numel() === 0 || (k === 0 && beta === 0)) return out; // zeroed: the empty sum
    const os = contiguousStrides(outShape);
    const nb = batch.length;
    const rso = drop.m ? 0 : os[nb]!;
    const cso = drop.n ? 0 : os[nb + (drop.m ? 0 : 1)]!;
    const sa = broadcastStrides(ma.batch, ma.batchStrides, batch);
    const sb = broadcastStrides(mb.batch, mb.batchStrides, batch);
    // Batch dims that step evenly in all three operands merge into one GEMM batch stride.
    const c = coalesceDims(batch, [sa, sb, os.slice(0, nb)]);
    const [va, vb, vo] = [ta.backendView, tb.backendView, out.backendView];
    const last = c.shape.length - 1;
    const run = (offs: readonly number[], count: number): void => {
      const bs = (i: number) => (last >= 0 ? c.strides[i]![last]! : 0);
      const view = (v: View, off: number, shape: number[], strides: number[]): View => ({
        storage: v.storage,
        offset: v.offset + off,
        shape,
        strides,
      });
      backend.gemm(
        view(va, offs[0]!, [count, m, k], [bs(0), ma.rs, ma.cs]),
        view(vb, offs[1]!, [count, k, n], [bs(1), mb.rs, mb.cs]),
        view(vo, offs[2]!, [count, m, n], [bs(2), rso, cso]),
        alpha,
        beta,
      );
    };
    if (last < 0) run([0, 0, 0], 1);
    else forEachRow(c.shape, c.strides, [0, 0, 0], run);
    return out;
  } finally {
    disposeAll(temps);
  }
}

/**
 * `torch.matmul`: dot product for 1-D·1-D (a 0-d tensor), matrix product for 2-D, and a
 * broadcast batched product beyond; a 1-D operand gets a dim (prepended on the left,
 * appended on the right) that is removed from the result.
 * @example matmul(zeros(2, 1, 3, 4), zeros(5, 4, 6)).shape // → [2, 5, 3, 6]
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  liveOperands('matmul', a, b);
  if (a.ndim === 0 || b.ndim === 0)
    throw new ShapeError(
      `${describePair('matmul', a, b)}: both arguments need at least 1 dimension`,
    );
  return withGrad('matmul', [a, b], () =>
    batchedProduct('matmul', a, b, asRows, asColumns, {
      m: a.ndim === 1,
      n: b.ndim === 1,
    }),
  );
}

/**
 * Matrix product of two 2-D tensors (no broadcasting).
 * @example mm(ones(2, 3), ones(3, 4)).shape // → [2, 4]
 */
export function mm(a: Tensor, b: Tensor): Tensor {
  liveOperands('mm', a, b);
  if (a.ndim !== 2 || b.ndim !== 2)
    throw new ShapeError(`${describePair('mm', a, b)}: both arguments must be 2-D`);
  return withGrad('mm', [a, b], () =>
    batchedProduct('mm', a, b, asRows, asColumns, { m: false, n: false }),
  );
}

/**
 * Batched matrix product of two 3-D tensors with the same batch size (no broadcasting).
 * @example bmm(ones(8, 2, 3), ones(8, 3, 4)).shape // → [8, 2, 4]
 */
export function bmm(a: Tensor, b: Tensor): Tensor {
  liveOperands('bmm', a, b);
  if (a.ndim !== 3 || b.ndim !== 3)
    throw new ShapeError(`${describePair('bmm', a, b)}: both arguments must be 3-D`);
  if (a.shape[0] !== b.shape[0])
    throw new ShapeError(
      `${describePair('bmm', a, b)}: batch sizes differ (${a.shape[0]} vs ${b.shape[0]})`,
    );
  return withGrad('bmm', [a, b], () =>
    batchedProduct('bmm', a, b, asRows, asColumns, { m: false, n: false }),
  );
}

/**
 * Matrix-vector product: a 2-D `a` times a 1-D `v`.
 * @example mv(ones(2, 3), ones(3)).shape // → [2]
 */
export function mv(a: Tensor, v: Tensor): Tensor {
  liveOperands('mv', a, v);
  if (a.ndim !== 2 || v.ndim !== 1)
    throw new ShapeError(`${describePair('mv', a, v)}: expects a 2-D matrix and a 1-D vector`);
  return withGrad('mv', [a, v], () =>
    batchedProduct('mv', a, v, asRows, asColumns, { m: false, n: true }),
  );
}

/**
 * Dot product of two 1-D tensors of the same length, as a 0-d tensor.
 * @example dot(tensor([1, 2]), tensor([3, 4])).item() // → 11
 */
export function dot(a: Tensor, b: Tensor): Tensor {
  liveOperands('dot', a, b);
  if (a.ndim !== 1 || b.ndim !== 1)
    throw new ShapeError(`${describePair('dot', a, b, '·')}: both arguments must be 1-D`);
  if (a.shape[0] !== b.shape[0])
    throw new ShapeError(
      `${describePair('dot', a, b, '·')}: sizes differ (${a.shape[0]} vs ${b.shape[0]})`,
    );
  return withGrad('dot', [a, b], () =>
    batchedProduct('dot', a, b, asRows, asColumns, { m: true, n: true }),
  );
}

/**
 * Outer product of two 1-D tensors: `outer(a, b)[i][j] = a[i]·b[j]`.
 * @example outer(tensor([1, 2]), tensor([3, 4, 5])).shape // → [2, 3]
 */
export function outer(a: Tensor, b: Tensor): Tensor {
  liveOperands('outer', a, b);
  if (a.ndim !== 1 || b.ndim !== 1)
    throw new ShapeError(`${describePair('outer', a, b, '⊗')}: both arguments must be 1-D`);
  // a as an n×1 column times b as a 1×m row: a GEMM with k = 1.
  return withGrad('outer', [a, b], () =>
    batchedProduct('outer', a, b, asColumns, asRows, { m: false, n: false }),
  );
}

/** The dtype of `beta·input + alpha·(a @ b)`; int32 takes integer alpha and beta (as torch). */
function accumulateDtype(op: string, a: Tensor, b: Tensor, acc: Accumulate): DType {
  acc.input.live(op);
  const dtype = promoteTypes(productDtype(op, a, b), acc.input.dtype);
  if (dtype === 'bool')
    throw new DtypeError(`${op}: bool tensors have no matrix product; convert with .float() first`);
  if (!isFloat(dtype) && !(Number.isInteger(acc.alpha) && Number.isInteger(acc.beta)))
    throw new ArgumentError(
      `${op}: ${dtype} operands need integer alpha and beta, got alpha ${acc.alpha}, beta ${acc.beta}`,
    );
  return dtype;
}

function checkAccumulateShape(op: string, input: Tensor, outShape: readonly number[]): void {
  const fits =
    input.ndim <= outShape.length &&
    input.shape.every((s, i) => s === 1 || s === outShape[outShape.length - input.ndim + i]);
  if (!fits)
    throw new ShapeError(
      `${op}: input of shape ${fmtShape(input.shape)} does not broadcast to the product's shape ${fmtShape(outShape)}`,
    );
}

/** The `{ beta, alpha }` options of addmm and baddbmm, checked. */
function scaleOptions(
  op: string,
  options: AddmmOptions | undefined,
): [alpha: number, beta: number] {
  const o = expectOptions(op, options, ['beta', 'alpha']);
  return [expectNumber(op, 'alpha', o.alpha ?? 1), expectNumber(op, 'beta', o.beta ?? 1)];
}

/** Options of `addmm` and `baddbmm`: `beta·input + alpha·(a @ b)`, both default 1. */
export interface AddmmOptions {
  readonly beta?: number;
  readonly alpha?: number;
}

/**
 * `beta·input + alpha·(a @ b)` for 2-D `a` `[n, m]` and `b` `[m, p]`, `input` broadcasting
 * to `[n, p]`, as `torch.addmm`: one GEMM with its own alpha and beta (no separate add);
 * `beta = 0` ignores `input`, NaN and infinity included.
 * @example
 * console.log(String(addmm(tensor([1, 2], { dtype: 'float32' }), eye(2), tensor([[1, 1], [0, 1]]))));
 * // → tensor([[2., 3.],
 * //           [1., 3.]])
 */
export function addmm(input: Tensor, a: Tensor, b: Tensor, options?: AddmmOptions): Tensor {
  return accumulatedProduct('addmm', ['input', 'mat1', 'mat2'], input, a, b, options);
}

/**
 * `beta·input + alpha·(a @ b)` per batch for 3-D `a` `[B, n, m]` and `b` `[B, m, p]`,
 * `input` broadcasting to `[B, n, p]`, as `torch.baddbmm` (one batched GEMM).
 * @example baddbmm(zeros(2, 1, 1), ones(2, 1, 3), ones(2, 3, 1), { alpha: 2 }).flatten() // → tensor([6., 6.])
 */
export function baddbmm(input: Tensor, a: Tensor, b: Tensor, options?: AddmmOptions): Tensor {
  return accumulatedProduct('baddbmm', ['input', 'batch1', 'batch2'], input, a, b, options);
}

/** addmm (2-D) and baddbmm (3-D, same batch): the checks, then one GEMM recorded as one op. */
function accumulatedProduct(
  op: 'addmm' | 'baddbmm',
  names: readonly [string, string, string],
  input: Tensor,
  a: Tensor,
  b: Tensor,
  options: AddmmOptions | undefined,
): Tensor {
  const operands = [input, a, b];
  names.forEach((name, k) => {
    expectTensor(op, name, operands[k]).live(op);
  });
  const [alpha, beta] = scaleOptions(op, options);
  const rank = op === 'addmm' ? 2 : 3;
  if (a.ndim !== rank || b.ndim !== rank)
    throw new ShapeError(
      `${describePair(op, a, b)}: both ${rank === 2 ? 'matrices' : 'batches'} must be ${rank}-D`,
    );
  if (rank === 3 && a.shape[0] !== b.shape[0])
    throw new ShapeError(
      `${describePair(op, a, b)}: batch sizes differ (${a.shape[0]} vs ${b.shape[0]})`,
    );
  return withGrad(
    op,
    [input, a, b],
    () =>
      batchedProduct(op, a, b, asRows, asColumns, { m: false, n: false }, { input, alpha, beta }),
    { alpha, beta },
  );
}

/**
 * `x @ weightᵀ + bias` for `x` `[..., in]`, `weight` `[out, in]` and `bias` `[out]`, as
 * `F.linear`: one GEMM over all leading rows of `x` reading `weight` transposed by its
 * strides, with the bias prefilled into the output and accumulated onto (beta 1), never a
 * separate add.
 * @example
 * console.log(String(linear(ones(2, 3), ones(4, 3), arange(4))));
 * // → tensor([[3., 4., 5., 6.],
 * //           [3., 4., 5., 6.]])
 */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  const op = 'linear';
  expectTensor(op, 'input', x).live(op);
  expectTensor(op, 'weight', weight).live(op);
  if (bias !== undefined && bias !== null) expectTensor(op, 'bias', bias).live(op);
  if (weight.ndim !== 2)
    throw new ShapeError(`linear: weight must be 2-D [out, in], got ${fmtShape(weight.shape)}`);
  const [outFeatures, inFeatures] = weight.shape as [number, number];
  if (x.ndim === 0 || x.shape[x.ndim - 1] !== inFeatures)
    throw new ShapeError(
      `linear: input ${fmtShape(x.shape)} needs a last dim of ${inFeatures} (weight ${fmtShape(weight.shape)})`,
    );
  if (bias && (bias.ndim > 1 || (bias.ndim === 1 && bias.shape[0] !== outFeatures)))
    throw new ShapeError(
      `linear: bias ${fmtShape(bias.shape)} must have shape [${outFeatures}] (weight ${fmtShape(weight.shape)})`,
    );
  return withGrad('linear', [x, weight, bias ?? null], () => linearRows(x, weight, bias));
}

function linearRows(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  const op = 'linear';
  const [outFeatures, inFeatures] = weight.shape as [number, number];
  const lead = x.shape.slice(0, -1);
  const temps: Tensor[] = [];
  try {
    // All leading dims as the rows of one GEMM: a view when x's strides allow, else a copy.
    const count = lead.reduce((a, b) => a * b, 1);
    const rows = views.reshape(x, [[count, inFeatures]], op);
    if (rows !== x) temps.push(rows);
    const wT = views.transpose(weight, 0, 1);
    temps.push(wT);
    const product = bias
      ? batchedProduct(
          op,
          rows,
          wT,
          asRows,
          asColumns,
          { m: false, n: false },
          { input: bias, alpha: 1, beta: 1 },
        )
      : batchedProduct(op, rows, wT, asRows, asColumns, { m: false, n: false });
    if (lead.length === 1) return product;
    temps.push(product);
    return views.reshape(product, [[...lead, outFeatures]], op);
  } finally {
    disposeAll(temps);
  }
}
