/**
 * `scaledDotProductAttention(q, k, v, { mask, isCausal, scale })` with PyTorch's semantics:
 * `softmax(q·kᵀ·scale + mask)·v` over the last two dims, batch dims broadcast. A bool mask
 * keeps the positions where it is true; a float mask is added to the scores; `isCausal`
 * keeps key `j` for query `i` only when `j ≤ i`. On the wasm backend float32 runs a fused
 * kernel that never materialises the L × S score matrix (memory O(L·E + S·E)).
 */

import {
  expectBoolean,
  expectOptionalNumber,
  expectOptions,
  expectTensor,
} from '../argument-checks.js';
import { noGrad } from '../autograd/grad-mode.js';
import { needsRecording, recordGrad } from '../autograd/graph.js';
import type { Backend, View } from '../backend/backend.js';
import { full } from '../creation.js';
import { type DType, isFloat } from '../dtype.js';
import { fmtShape, ShapeError } from '../errors.js';
import { promoteTypes } from '../promote.js';
import { broadcastAll, broadcastStrides } from '../shape/broadcast.js';
import { coalesceDims } from '../shape/coalesce-dims.js';
import { forEachRow } from '../shape/strided-rows.js';
import { contiguousStrides } from '../shape/strides.js';
import { emptyTensor, outputTensor, type Tensor } from '../tensor.js';
import { matmul } from './matmul.js';
import { asTensor, disposeAll } from './operands.js';
import { where } from './selection.js';

/** Options of `scaledDotProductAttention`, named as in PyTorch. */
export interface AttentionOptions {
  /** bool: true keeps a position; float: added to the scores. Broadcasts to `[..., L, S]`. */
  readonly mask?: Tensor | null;
  /** Lower-triangular (top-left aligned) causal mask; excludes `mask`. */
  readonly isCausal?: boolean;
  /** Multiplies `q·kᵀ`; defaults to `1/sqrt(E)`. */
  readonly scale?: number | null;
}

const OP = 'scaledDotProductAttention';

/**
 * Scaled dot-product attention: q `[..., L, E]`, k `[..., S, E]`, v `[..., S, Ev]` →
 * `[..., L, Ev]`. A query whose keys are all masked out gives NaN (as torch).
 * @example scaledDotProductAttention(q, k, v, { isCausal: true })
 */
export function scaledDotProductAttention(
  q: Tensor,
  k: Tensor,
  v: Tensor,
  options: AttentionOptions = {},
): Tensor {
  expectTensor(OP, 'q', q).live(OP);
  expectTensor(OP, 'k', k).live(OP);
  expectTensor(OP, 'v', v).live(OP);
  expectOptions(OP, options, ['mask', 'isCausal', 'scale'], { attn_mask: 'mask' });
  if (options.isCausal !== undefined) expectBoolean(OP, 'isCausal', options.isCausal);
  expectOptionalNumber(OP, 'scale', options.scale);
  const mask = options.mask ?? undefined;
  if (mask !== undefined) expectTensor(OP, 'mask', mask).live(OP);
  const describe = () =>
    `q ${fmtShape(q.shape)}, k ${fmtShape(k.shape)}, v ${fmtShape(v.shape)}` +
    (mask ? `, mask ${fmtShape(mask.shape)}` : '');
  if (q.ndim < 2 || k.ndim < 2 || v.ndim < 2)
    throw new ShapeError(`${OP}: ${describe()}: q, k and v need at least 2 dims ([..., seq, dim])`);
  const [L, E] = q.shape.slice(-2) as [number, number];
  const [S, Ek] = k.shape.slice(-2) as [number, number];
  const [Sv, Ev] = v.shape.slice(-2) as [number, number];
  if (Ek !== E)
    throw new ShapeError(`${OP}: ${describe()}: q and k embedding dims differ (${E} vs ${Ek})`);
  if (Sv !== S)
    throw new ShapeError(`${OP}: ${describe()}: k and v sequence lengths differ (${S} vs ${Sv})`);
  if (mask && options.isCausal)
    throw new ShapeError(`${OP}: ${describe()}: pass either mask or isCausal, not both (as torch)`);
  const batchOf = (t: Tensor) => t.shape.slice(0, -2);
  const maskShape = mask ? mask.shape : [];
  if (mask && mask.ndim >= 1) {
    const ml = mask.ndim >= 2 ? mask.shape[mask.ndim - 2]! : 1;
    const ms = mask.shape[mask.ndim - 1]!;
    if ((ml !== 1 && ml !== L) || (ms !== 1 && ms !== S))
      throw new ShapeError(`${OP}: ${describe()}: mask must broadcast to [..., ${L}, ${S}]`);
  }
  const batch = broadcastAll(
    [batchOf(q), batchOf(k), batchOf(v), mask && mask.ndim > 2 ? maskShape.slice(0, -2) : []],
    ({ sizes }) =>
      `${OP}: ${describe()}: batch dimensions cannot broadcast (${sizes[0]} vs ${sizes[1]})`,
  );
  let dtype: DType = promoteTypes(promoteTypes(q.dtype, k.dtype), v.dtype);
  if (!isFloat(dtype)) dtype = 'float32';
  const scale = options.scale ?? 1 / Math.sqrt(E);
  const inputs = [q, k, v, mask ?? null];
  if (needsRecording(inputs)) {
    // For backward: the probabilities are computed and kept (one node; see derivatives/attention.ts).
    const { out, probs } = noGrad(() =>
      attentionWithProbs(q, k, v, mask, options.isCausal === true, scale, dtype),
    );
    const recorded = recordGrad(OP, inputs, out, { probs, scale });
    probs.dispose();
    return recorded;
  }
  const backend = q.backend;
  const temps: Tensor[] = [];
  try {
    const [tq, tk, tv] = [q, k, v].map((t) => asTensor(t, dtype, backend, temps)) as [
      Tensor,
      Tensor,
      Tensor,
    ];
    const tm = mask ? additiveMask(mask, dtype, backend, temps) : undefined;
    // The kernel writes every element; only an empty weighted sum (no keys) needs the zeros.
    const out = (S === 0 ? emptyTensor : outputTensor)([...batch, L, Ev], dtype, backend);
    if (out.numel() === 0 || S === 0) return out;
    const nb = batch.length;
    const full = [...batch, L, S];
    const views = [tq, tk, tv].map((t) => t.backendView);
    const strides3 = (v: View) => {
      const n = v.shape.length;
      return {
        batch: broadcastStrides(v.shape.slice(0, -2), v.strides.slice(0, -2), batch),
        mat: v.strides.slice(n - 2),
      };
    };
    const ops = views.map(strides3);
    const ov = out.backendView;
    const os = contiguousStrides(out.shape);
    const mv = tm?.backendView;
    const mStrides = mv ? broadcastStrides(mv.shape, mv.strides, full) : undefined;
    const all = [
      ...ops.map((o) => o.batch),
      os.slice(0, nb),
      mStrides ? mStrides.slice(0, nb) : new Array(nb).fill(0),
    ];
    const c = coalesceDims(batch, all);
    const last = c.shape.length - 1;
    const run = (offs: readonly number[], count: number): void => {
      const bs = (i: number) => (last >= 0 ? c.strides[i]![last]! : 0);
      const at = (
        v: View,
        i: number,
        rows: number,
        cols: number,
        mat: readonly number[],
      ): View => ({
        storage: v.storage,
        offset: v.offset + offs[i]!,
        shape: [count, rows, cols],
        strides: [bs(i), mat[0]!, mat[1]!],
      });
      backend.attention(
        at(views[0]!, 0, L, E, ops[0]!.mat),
        at(views[1]!, 1, S, E, ops[1]!.mat),
        at(views[2]!, 2, S, Ev, ops[2]!.mat),
        at(ov, 3, L, Ev, os.slice(nb)),
        {
          scale,
          causal: options.isCausal === true,
          mask: mv && mStrides ? at(mv, 4, L, S, mStrides.slice(nb)) : undefined,
        },
      );
    };
    if (last < 0) run([0, 0, 0, 0, 0], 1);
    else forEachRow(c.shape, c.strides, [0, 0, 0, 0, 0], run);
    return out;
  } finally {
    disposeAll(temps);
  }
}

/** The mask as scores to add: a bool mask becomes 0 (keep) / −∞ (drop). */
function additiveMask(mask: Tensor, dtype: DType, backend: Backend, temps: Tensor[]): Tensor {
  if (mask.dtype !== 'bool') return asTensor(mask, dtype, backend, temps);
  const keep = mask.data();
  const scores = outputTensor(mask.shape, dtype, backend);
  temps.push(scores);
  const dst = backend.array(scores.backendView.storage);
  for (let i = 0; i < keep.length; i++) dst[i] = keep[i] ? 0 : -Infinity;
  return scores;
}

/**
 * The attention as `softmax(q·kᵀ·scale + mask)·v` with the probabilities materialised
 * (`[..., L, S]`): the path taken when the result records a gradient, whose backward needs
 * them. The same semantics as the fused kernel (a fully masked row gives NaN).
 */
function attentionWithProbs(
  q: Tensor,
  k: Tensor,
  v: Tensor,
  mask: Tensor | undefined,
  isCausal: boolean,
  scale: number,
  dtype: DType,
): { out: Tensor; probs: Tensor } {
  const temps: Tensor[] = [];
  try {
    const [tq, tk, tv] = [q, k, v].map((t) => asTensor(t, dtype, q.backend, temps)) as [
      Tensor,
      Tensor,
      Tensor,
    ];
    const step = (t: Tensor) => {
      temps.push(t);
      return t;
    };
    let scores = step(step(matmul(tq, step(tk.mT))).mul(scale));
    if (mask)
      scores = step(
        mask.dtype === 'bool' ? where(mask, scores, -Infinity) : scores.add(mask.to(dtype)),
      );
    if (isCausal) {
      const [L, S] = scores.shape.slice(-2) as [number, number];
      const above = step(step(full([L, S], true)).triu(1));
      scores = step(where(above, -Infinity, scores));
    }
    const probs = scores.softmax(-1);
    try {
      return { out: matmul(probs, tv), probs };
    } catch (e) {
      probs.dispose();
      throw e;
    }
  } finally {
    disposeAll(temps);
  }
}
