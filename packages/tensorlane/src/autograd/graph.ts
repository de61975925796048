/**
 * The recorded graph. An op whose tensor inputs require grad (while grad mode is on) gives
 * its result a `GradNode`: the op's name, handles on the tensors its derivative reads, and an
 * edge per input — to the input's own node, or to the leaf whose `.grad` it accumulates
 * into. Derivatives live in `derivatives/` and are installed by name, so ops record without
 * importing them. This file imports no op: tensor.ts, shape/ and every op use it.
 */
import { isFloat } from '../dtype.js';
import { AutogradError, fmtShape } from '../errors.js';
import { outsideTidy } from '../memory.js';
import type { Tensor } from '../tensor.js';
import { isGradEnabled, noGrad } from './grad-mode.js';

/** Marks `Tensor.prototype`, so this file can tell tensors apart without importing the class. */
export const TENSOR_BRAND: unique symbol = Symbol('tensorlane.tensor');

/** True for a Tensor (any object carrying the brand tensor.ts sets). */
export function isTensor(x: unknown): x is Tensor {
  return typeof x === 'object' && x !== null && TENSOR_BRAND in x;
}

/** What a tensor knows about gradients; `null` on a tensor that never required one. */
export interface AutogradMeta {
  requiresGrad: boolean;
  grad: Tensor | null;
  gradFn: GradNode | null;
  retainsGrad: boolean;
}

/** The `.grad` tensors backward() created: their leaf disposes them with itself. */
export const gradsMadeByBackward = new WeakSet<Tensor>();

/** What a derivative formula is given. */
export interface BackwardContext {
  /** The op's inputs in call order: tensors as saved handles (undefined if not saved), other values as given. */
  readonly inputs: readonly unknown[];
  /** The op's result, if the derivative asked to save it. */
  readonly output: Tensor | undefined;
  /** Extra values the op recorded (dims, options, index tensors as saved handles). */
  readonly args: Readonly<Record<string, unknown>>;
  /** Per input: whether a gradient is wanted (a tensor that requires grad). */
  readonly needsGrad: readonly boolean[];
  /** Per input: its shape when it is a tensor. */
  readonly inputShapes: readonly (readonly number[] | undefined)[];
}

/** The backward formula of one op, as a row of PyTorch's derivatives.yaml. */
export interface Derivative {
  /**
   * Which tensor inputs the formula reads: all (default), none, these positions, or the
   * positions a function picks from which inputs need a gradient (`mul` keeps `b` only
   * when `a` needs one), so a graph holds no more than torch's would.
   */
  readonly saveInputs?:
    | boolean
    | readonly number[]
    | ((needsGrad: readonly boolean[]) => readonly number[]);
  /** Whether the formula reads the op's result (exp, tanh, softmax …). */
  readonly saveOutput?: boolean;
  /** Gradients per input, each with that input's shape; null where none is wanted. */
  backward(grad: Tensor, ctx: BackwardContext): readonly (Tensor | null | undefined)[];
}

const derivatives = new Map<string, Derivative>();

/** Called once by tensor-methods.ts with every derivative formula. */
export function installDerivatives(table: Readonly<Record<string, Derivative>>): void {
  for (const [name, d] of Object.entries(table)) derivatives.set(name, d);
}

/** A tensor kept for backward, with the storage version it had, to detect in-place changes. */
class SavedTensor {
  readonly handle: Tensor;
  readonly version: number;
  constructor(t: Tensor) {
    this.handle = outsideTidy(() => t.withLayout(t.shape, t.stride(), t.offset));
    this.version = t.version;
  }
  unpack(op: string): Tensor {
    if (this.handle.version !== this.version)
      throw new AutogradError(
        `backward: a tensor of shape ${fmtShape(this.handle.shape)} that ${op} saved for its gradient ` +
          `was modified in place afterwards (version ${this.handle.version}, saved at ${this.version}); ` +
          'use an out-of-place op (e.g. add instead of add_) or clone() it first',
      );
    return this.handle;
  }
}

/** Where an input's gradient goes: its node, or the leaf tensor that accumulates it. */
export type Edge = { readonly node: GradNode } | { readonly leaf: Tensor };

const pascal = (op: string) => op.replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase());

/**
 * One recorded op (`t.gradFn`). Held by its result tensor and by the nodes that consume it;
 * when the last holder lets go (disposed, or after `backward()`), its saved handles are freed.
 */
export class GradNode {
  /** PyTorch-style name, e.g. `MulBackward`. */
  readonly name: string;
  /** Tensors whose gradient `retainGrad()` asked for: this node's result. */
  readonly retainers: WeakRef<Tensor>[] = [];
  #saved: (SavedTensor | undefined)[];
  /** The non-tensor inputs as given (scalars, options); tensors are only in `#saved`. */
  #plain: unknown[];
  readonly inputShapes: readonly (readonly number[] | undefined)[];
  #output: SavedTensor | undefined;
  #args: Record<string, unknown>;
  #holders = 0;
  #released = false;

  constructor(
    readonly op: string,
    readonly edges: readonly (Edge | null)[],
    inputs: readonly unknown[],
    output: Tensor,
    args: Readonly<Record<string, unknown>>,
    readonly derivative: Derivative | undefined,
  ) {
    this.name = `${pascal(op)}Backward`;
    const rule = derivative?.saveInputs ?? true;
    const save = typeof rule === 'function' ? rule(edges.map((e) => e !== null)) : rule;
    this.#saved = inputs.map((x, i) =>
      isTensor(x) && (save === true || (Array.isArray(save) && save.includes(i)))
        ? new SavedTensor(x)
        : undefined,
    );
    this.#plain = inputs.map((x) => (isTensor(x) ? undefined : x));
    this.inputShapes = inputs.map((x) => (isTensor(x) ? x.shape : undefined));
    this.#output = derivative?.saveOutput ? new SavedTensor(output) : undefined;
    this.#args = {};
    for (const [k, v] of Object.entries(args)) this.#args[k] = isTensor(v) ? new SavedTensor(v) : v;
    for (const e of edges) if (e && 'node' in e) e.node.hold();
    this.outShape = output.shape;
    this.outDtype = output.dtype;
  }
  readonly outShape: readonly number[];
  readonly outDtype: Tensor['dtype'];

  /** The shape of tensor input `i`. */
  inputShapeOf(i: number): readonly number[] {
    return this.inputShapes[i] ?? [];
  }

  /** True once backward ran through this node without `retainGraph`, or nothing holds it. */
  get released(): boolean {
    return this.#released;
  }

  hold(): void {
    this.#holders++;
  }
  /** A holder let go; the last one frees what the node saved. */
  drop(): void {
    if (--this.#holders <= 0) this.release();
  }
  /** Frees the saved handles and lets go of the input nodes. Idempotent. */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    for (const s of this.#saved) s?.handle.dispose();
    this.#output?.handle.dispose();
    for (const v of Object.values(this.#args)) if (v instanceof SavedTensor) v.handle.dispose();
    this.#saved = [];
    this.#output = undefined;
    this.#args = {};
    for (const e of this.edges) if (e && 'node' in e) e.node.drop();
  }

  /** Runs the derivative: a gradient (or null) per input. */
  apply(grad: Tensor): readonly (Tensor | null | undefined)[] {
    if (this.#released)
      throw new AutogradError(
        `backward: trying to go through ${this.name} a second time, but its saved tensors were freed ` +
          'after the first backward(); pass { retainGraph: true } to the first call to keep them',
      );
    if (!this.derivative)
      throw new AutogradError(
        `backward: ${this.op} has no gradient formula in tensorlane yet (shape ${fmtShape(this.outShape)}); ` +
          'compute it with differentiable ops or detach() its input',
      );
    const ctx: BackwardContext = {
      inputs: this.#plain.map((x, i) => this.#saved[i]?.unpack(this.op) ?? x),
      output: this.#output?.unpack(this.op),
      args: Object.fromEntries(
        Object.entries(this.#args).map(([k, v]) => [
          k,
          v instanceof SavedTensor ? v.unpack(this.op) : v,
        ]),
      ),
      needsGrad: this.edges.map((e) => e !== null),
      inputShapes: this.inputShapes,
    };
    return noGrad(() => this.derivative!.backward(grad, ctx));
  }
}

/** True when `t` is a tensor that requires grad. */
export function requiresGrad(t: unknown): boolean {
  return isTensor(t) && t.autograd?.requiresGrad === true;
}

/** True when an op over `inputs` must record its result (grad mode on, some input requires grad). */
export function needsRecording(inputs: readonly unknown[]): boolean {
  return isGradEnabled() && inputs.some(requiresGrad);
}

function edgeOf(x: unknown): Edge | null {
  if (!requiresGrad(x)) return null;
  const t = x as Tensor;
  return t.autograd!.gradFn ? { node: t.autograd!.gradFn } : { leaf: t };
}

/**
 * Gives `out` a node for `op` over `inputs` when recording is needed. Call it on a result
 * computed with grad mode off (see `withGrad`). Non-float results never require grad.
 */
export function recordGrad<T extends Tensor>(
  op: string,
  inputs: readonly unknown[],
  out: T,
  args: Readonly<Record<string, unknown>> = {},
): T {
  if (!needsRecording(inputs) || !isFloat(out.dtype)) return out;
  const node = new GradNode(op, inputs.map(edgeOf), inputs, out, args, derivatives.get(op));
  node.hold();
  out.autograd = { requiresGrad: true, grad: null, gradFn: node, retainsGrad: false };
  return out;
}

/**
 * Computes `compute()` and records it as one op: with grad mode off inside, so an op built
 * from other ops is one node with its own (fused) derivative, not many.
 */
export function withGrad<T extends Tensor>(
  op: string,
  inputs: readonly unknown[],
  compute: () => T,
  args?: Readonly<Record<string, unknown>>,
): T {
  if (!needsRecording(inputs)) return compute();
  return recordGrad(op, inputs, noGrad(compute), args);
}

/**
 * Refuses an in-place write into `target` (or from `sources`) that autograd cannot follow:
 * while grad mode is on, no tensor that requires grad may be written in place or be the
 * source of an in-place write (optimizers update parameters inside `noGrad`).
 */
export function checkInplaceGrad(op: string, target: Tensor, ...sources: unknown[]): void {
  if (!isGradEnabled()) return;
  if (requiresGrad(target))
    throw new AutogradError(
      `${op}: the tensor of shape ${fmtShape(target.shape)} requires grad, and tensorlane does not ` +
        'record in-place ops: use the out-of-place op, or wrap the update in noGrad(() => …)',
    );
  if (sources.some(requiresGrad))
    throw new AutogradError(
      `${op}: writing a tensor that requires grad into one that does not, in place, would lose its ` +
        'gradient: use the out-of-place op, or detach() the source',
    );
}
