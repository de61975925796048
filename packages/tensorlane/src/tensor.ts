/**
 * `Tensor`: a dtype, a shape, strides and an element offset over a refcounted storage that
 * views share. Methods follow PyTorch's names and semantics; the work lives in the op files
 * (`ops/`, `shape/views.ts`, `indexing.ts`), this class only routes to them.
 */
import type * as argumentChecks from './argument-checks.js';
import type * as autogradBackward from './autograd/backward.js';
import type { BackwardOptions } from './autograd/backward.js';
import { noGrad } from './autograd/grad-mode.js';
import {
  type AutogradMeta,
  type GradNode,
  gradsMadeByBackward,
  recordGrad,
  TENSOR_BRAND,
} from './autograd/graph.js';
import type { Backend, Storage, View } from './backend/backend.js';
import { currentBackend } from './backend/current.js';
import { ARRAY_OF, type DType, isFloat, type TypedArray, uninitializedArray } from './dtype.js';
import { ArgumentError, AutogradError, DisposedError, fmtShape, ShapeError } from './errors.js';
import { formatTensor } from './format/format-tensor.js';
import type * as indexing from './indexing.js';
import type { IndexItem } from './indexing.js';
import { Scoped, StorageRef, track, untrack } from './memory.js';
import type * as activation from './ops/activation.js';
import type * as cast from './ops/cast.js';
import type * as combine from './ops/combine.js';
import type { DimArgs } from './ops/combine.js';
import type * as elementwise from './ops/elementwise.js';
import type { ClampBound } from './ops/elementwise.js';
import type * as inplace from './ops/inplace.js';
import type * as matmul from './ops/matmul.js';
import type { AddmmOptions } from './ops/matmul.js';
import type { Operand } from './ops/operands.js';
import type * as randomFill from './ops/random-fill.js';
import type * as reduce from './ops/reduce.js';
import type { Dims } from './ops/reduce.js';
import type * as scan from './ops/scan.js';
import type * as selection from './ops/selection.js';
import type * as softmax from './ops/softmax.js';
import type * as sorting from './ops/sort.js';
import type * as sampling from './sampling.js';
import { contiguousStrides, isContiguousLayout, numelOf } from './shape/strides.js';
import type { ShapeArgs } from './shape/views.js';
import * as views from './shape/views.js';

/**
 * The op modules Tensor methods route to. They build tensors, so they import this file;
 * `index.ts` hands them over with `installTensorOps` and this file imports them only as types,
 * which keeps module loading free of cycles.
 */
export interface TensorOps {
  readonly argumentChecks: typeof argumentChecks;
  readonly autograd: typeof autogradBackward;
  readonly cast: typeof cast;
  readonly elementwise: typeof elementwise;
  readonly inplace: typeof inplace;
  readonly matmul: typeof matmul;
  readonly reduce: typeof reduce;
  readonly softmax: typeof softmax;
  readonly indexing: typeof indexing;
  readonly sampling: typeof sampling;
  readonly activation: typeof activation;
  readonly scan: typeof scan;
  readonly sorting: typeof sorting;
  readonly combine: typeof combine;
  readonly selection: typeof selection;
  readonly randomFill: typeof randomFill;
}

const op = {} as TensorOps;

/** Called once by `index.ts`: gives Tensor methods the op modules. */
export function installTensorOps(table: TensorOps): void {
  Object.assign(op, table);
}

/** A nested array of numbers or booleans, as `toArray()` returns and `tensor()` accepts. */
export type NestedArray = number | boolean | NestedArray[];

export class Tensor extends Scoped {
  readonly shape: readonly number[];
  readonly dtype: DType;
  /** Element offset of `[0, …, 0]` in the storage. */
  readonly offset: number;
  readonly backend: Backend;
  readonly #strides: readonly number[];
  readonly #ref: StorageRef;
  #disposed = false;
  #view: View | undefined;
  /** Internal: gradient state (autograd/graph.ts); null until the tensor requires grad. */
  autograd: AutogradMeta | null = null;

  /** Internal: other op files make tensors with `emptyTensor` or `Tensor.fromStorage`. */
  constructor(
    ref: StorageRef,
    shape: readonly number[],
    strides: readonly number[],
    offset: number,
  ) {
    super();
    this.#ref = ref;
    // A frozen array cannot change under the tensor, so it is shared rather than copied
    // (ops pass one tensor's shape to the next).
    this.shape = Object.isFrozen(shape) ? shape : Object.freeze(shape.slice());
    this.#strides = Object.isFrozen(strides) ? strides : Object.freeze(strides.slice());
    this.offset = offset;
    this.dtype = ref.storage.dtype;
    this.backend = ref.storage.backend;
    track(this, ref);
  }

  /** Internal: a tensor over a freshly allocated storage (contiguous unless told). */
  static fromStorage(
    storage: Storage,
    shape: readonly number[],
    strides: readonly number[] = Object.freeze(contiguousStrides(shape)),
    offset = 0,
  ): Tensor {
    return new Tensor(new StorageRef(storage), shape, strides, offset);
  }

  /** Internal: another tensor over the same storage (a view); the storage lives on. */
  withLayout(shape: readonly number[], strides: readonly number[], offset: number): Tensor {
    this.live('view');
    return new Tensor(this.#ref, shape, strides, offset);
  }

  /** Internal: throws `DisposedError` naming `op` if this tensor was disposed. */
  live(op: string): this {
    if (this.#disposed)
      throw new DisposedError(
        `${op}: tensor of shape ${fmtShape(this.shape)} (${this.dtype}) was used after dispose()`,
      );
    return this;
  }

  /**
   * Internal: the backend `View` (storage, offset, shape, strides) that kernels take. Named
   * `backendView` because `view(...shape)` is PyTorch's reshaping view.
   */
  get backendView(): View {
    this.live('backendView');
    // Made once: every field of a tensor's layout is fixed for its life.
    this.#view ??= {
      storage: this.#ref.storage,
      offset: this.offset,
      shape: this.shape,
      strides: this.#strides,
    };
    return this.#view;
  }

  /** Internal: how many in-place writes its storage has had (autograd checks saved tensors). */
  get version(): number {
    return this.#ref.version;
  }
  /** Internal: called by every in-place write into this tensor's storage. */
  bumpVersion(): void {
    this.#ref.version++;
  }

  /** Internal: the storage this tensor reads (shared by its views). */
  get storageHandle(): Storage {
    return this.#ref.storage;
  }

  /** Number of dims. */
  get ndim(): number {
    return this.shape.length;
  }
  /** Number of dims, as `torch.Tensor.dim()`. */
  dim(): number {
    return this.shape.length;
  }
  /** True once `dispose()` ran (or the tensor was collected). */
  get isDisposed(): boolean {
    return this.#disposed;
  }
  /** Number of elements. */
  numel(): number {
    return numelOf(this.shape);
  }
  /** Strides in elements (`stride(dim)` for one dim, negative dims allowed). */
  stride(): number[];
  stride(dim: number): number;
  stride(dim?: number): number[] | number {
    if (dim === undefined) return this.#strides.slice();
    return this.#strides[views.normDim('stride', dim, this.ndim)]!;
  }
  /** The shape (`size(dim)` for one dim), as `torch.Tensor.size`. */
  size(): number[];
  size(dim: number): number;
  size(dim?: number): number[] | number {
    if (dim === undefined) return this.shape.slice();
    return this.shape[views.normDim('size', dim, this.ndim)]!;
  }
  /** True when elements are laid out row-major without gaps (size-1 dims ignored). */
  isContiguous(): boolean {
    return isContiguousLayout(this.shape, this.#strides);
  }
  /** This tensor if already contiguous (as a new handle on the same storage), else a copy. */
  contiguous(): Tensor {
    this.live('contiguous');
    if (!this.isContiguous()) return this.clone();
    return recordGrad(
      'contiguous',
      [this],
      this.withLayout(this.shape, this.#strides, this.offset),
    );
  }
  /** A contiguous copy with its own storage. */
  clone(): Tensor {
    this.live('clone');
    const out = outputTensor(this.shape, this.dtype, this.backend);
    this.backend.copy(this.backendView, out.backendView);
    return recordGrad('clone', [this], out);
  }

  // Autograd (autograd/): the graph ops record while grad mode is on.

  /**
   * Whether gradients flow to this tensor (as `torch.Tensor.requires_grad`). Settable on leaf
   * float tensors only.
   * @example const w = ones(3, { requiresGrad: true }); w.mul(2).requiresGrad // → true
   */
  get requiresGrad(): boolean {
    return this.autograd?.requiresGrad === true;
  }
  set requiresGrad(flag: boolean) {
    this.requiresGrad_(flag);
  }
  /**
   * Sets `requiresGrad` in place and returns this tensor (as `requires_grad_`).
   * @example const w = randn(3, 2).requiresGrad_(); w.isLeaf // → true
   */
  requiresGrad_(flag = true): this {
    this.live('requiresGrad_');
    if (typeof flag !== 'boolean')
      throw new AutogradError(`requiresGrad_: flag must be a boolean, got ${typeof flag}`);
    if (this.autograd?.gradFn && !flag)
      throw new AutogradError(
        `requiresGrad_: this tensor (shape ${fmtShape(this.shape)}) is the result of ${this.autograd.gradFn.name}; ` +
          'only leaves can stop requiring grad: use detach()',
      );
    if (flag && !isFloat(this.dtype))
      throw new AutogradError(
        `requiresGrad_: only float tensors can require gradients, this one is ${this.dtype} ${fmtShape(this.shape)}`,
      );
    if (this.autograd) this.autograd.requiresGrad = flag;
    else if (flag)
      this.autograd = { requiresGrad: true, grad: null, gradFn: null, retainsGrad: false };
    return this;
  }
  /** True for tensors made by the user (no `gradFn`), as `torch.Tensor.is_leaf`. */
  get isLeaf(): boolean {
    return !this.autograd?.gradFn;
  }
  /**
   * The recorded op that made this tensor (`{ name: 'MulBackward', … }`), or null for leaves.
   * @example const w = ones(2, { requiresGrad: true }); w.mul(3).gradFn?.name // → 'MulBackward'
   */
  get gradFn(): GradNode | null {
    return this.autograd?.gradFn ?? null;
  }
  /**
   * The gradient `backward()` accumulated into this leaf (or a tensor that called
   * `retainGrad()`); null before the first backward. Assign a tensor of the same shape and
   * dtype, or null to clear it; a gradient that backward() made is disposed when replaced
   * (take a `clone()` first to keep it).
   * @example const w = ones(2, { requiresGrad: true }); w.mul(3).sum().backward(); w.grad // → tensor([3., 3.])
   */
  get grad(): Tensor | null {
    const g = this.autograd?.grad ?? null;
    return g && !g.isDisposed ? g : null;
  }
  set grad(value: Tensor | null) {
    this.live('grad');
    if (value !== null && !(value instanceof Tensor))
      throw new AutogradError(`grad: assign a Tensor or null, got ${typeof value}`);
    if (value) {
      value.live('grad');
      if (
        value.dtype !== this.dtype ||
        value.shape.length !== this.ndim ||
        value.shape.some((d, i) => d !== this.shape[i])
      )
        throw new AutogradError(
          `grad: assigned ${value.dtype} ${fmtShape(value.shape)} to a ${this.dtype} ${fmtShape(this.shape)} tensor; ` +
            'shape and dtype must match',
        );
    }
    if (!this.autograd) {
      if (!value) return;
      this.autograd = { requiresGrad: false, grad: null, gradFn: null, retainsGrad: false };
    }
    const previous = this.autograd.grad;
    // A gradient backward() made belongs to this tensor: replacing it frees it.
    if (previous && previous !== value && gradsMadeByBackward.has(previous)) previous.dispose();
    this.autograd.grad = value;
  }
  /**
   * Keeps this non-leaf tensor's gradient in `.grad` at the next `backward()` (leaves always do).
   * @example const h = ones(2, { requiresGrad: true }).mul(2); h.retainGrad(); h.sum().backward(); h.grad // → tensor([1., 1.])
   */
  retainGrad(): void {
    this.live('retainGrad');
    const meta = this.autograd;
    if (!meta?.requiresGrad)
      throw new AutogradError(
        `retainGrad: this ${this.dtype} ${fmtShape(this.shape)} tensor does not require grad`,
      );
    if (!meta.gradFn || meta.retainsGrad) return;
    meta.retainsGrad = true;
    meta.gradFn.retainers.push(new WeakRef(this));
  }
  /**
   * A new handle on the same storage, outside the graph (as `torch.Tensor.detach`).
   * @example const w = ones(2, { requiresGrad: true }); w.mul(2).detach().requiresGrad // → false
   */
  detach(): Tensor {
    this.live('detach');
    return this.withLayout(this.shape, this.#strides, this.offset);
  }
  /**
   * Computes the gradient of this tensor with respect to every leaf that requires grad and
   * adds it into their `.grad` (as `torch.Tensor.backward`). A non-scalar tensor needs
   * `gradient` (same shape). The graph's saved tensors are freed unless `retainGraph`
   * (`backward({ retainGraph: true })` or `backward(gradient, { retainGraph: true })`).
   * @example const x = tensor([1, 2, 3], { dtype: 'float32', requiresGrad: true }); x.pow(2).sum().backward(); x.grad // → tensor([2., 4., 6.])
   */
  backward(gradient?: Tensor | null | BackwardOptions, options?: BackwardOptions): void {
    // `backward({ retainGraph: true })` reads as torch's `backward(retain_graph=True)`.
    if (gradient !== null && typeof gradient === 'object' && !(gradient instanceof Tensor))
      op.autograd.backward(this, null, gradient);
    else op.autograd.backward(this, gradient, options);
  }
  /**
   * Every element of the underlying storage as a flat copy, as `torch.Tensor.storage()`:
   * `tensor([1, 2, 3]).expand(3, 3).storage()` has 3 elements.
   */
  storage(): TypedArray {
    this.live('storage');
    return this.backend.array(this.backendView.storage).slice();
  }
  /** The elements in row-major (logical) order, as a new typed array. */
  data(): TypedArray {
    this.live('data');
    return this.#copyOut(uninitializedArray(this.dtype, this.numel()));
  }
  /**
   * Copies the elements in row-major order into `out` — a typed array of this dtype's kind
   * (Float32Array, Float64Array, Int32Array, Uint8Array for bool) with at least `numel()`
   * elements — and returns it: a readback that allocates no JS memory, for loops that read
   * results every step.
   * @example const buf = new Float32Array(3); tensor([1, 2, 3], { dtype: 'float32' }).dataInto(buf)[2] // → 3
   */
  dataInto<T extends TypedArray>(out: T): T {
    this.live('dataInto');
    const n = this.numel();
    const Ctor = ARRAY_OF[this.dtype];
    if (!(out instanceof Ctor))
      throw new ArgumentError(
        `dataInto: a ${this.dtype} tensor reads into a ${Ctor.name}, got ${op.argumentChecks.describeValue(out)}`,
      );
    if (out.length < n)
      throw new ArgumentError(
        `dataInto: the tensor of shape ${fmtShape(this.shape)} has ${n} elements, the ${Ctor.name} only ${out.length}`,
      );
    return this.#copyOut(out);
  }
  /** Copies the elements in row-major order into the front of `out` (checked by the caller). */
  #copyOut<T extends TypedArray>(out: T): T {
    const n = this.numel();
    if (this.isContiguous()) {
      const v = this.backendView;
      out.set(this.backend.array(v.storage).subarray(v.offset, v.offset + n) as never);
      return out;
    }
    // A strided view is gathered by the backend's copy kernel first; one set() then moves it.
    const tmp = noGrad(() => this.clone());
    try {
      out.set(this.backend.array(tmp.backendView.storage).subarray(0, n) as never);
      return out;
    } finally {
      tmp.dispose();
    }
  }
  /** Nested arrays of numbers (booleans for bool tensors), as `tolist()`. */
  toArray(): NestedArray {
    this.live('toArray');
    const flat = this.data();
    const isBool = this.dtype === 'bool';
    let i = 0;
    const build = (d: number): NestedArray => {
      if (d === this.ndim) {
        const x = flat[i++]!;
        return isBool ? x !== 0 : x;
      }
      return Array.from({ length: this.shape[d]! }, () => build(d + 1));
    };
    return build(0);
  }
  /** The single element as a number (boolean for bool tensors). */
  item(): number | boolean {
    const n = this.live('item').numel();
    if (n !== 1)
      throw new ShapeError(
        `item: a tensor of shape ${fmtShape(this.shape)} has ${n} elements, item() needs exactly 1`,
      );
    const x = this.data()[0]!;
    return this.dtype === 'bool' ? x !== 0 : x;
  }
  /** Frees this handle; the storage is freed when no view uses it. Idempotent. */
  override dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    untrack(this, this.#ref);
    const meta = this.autograd;
    if (meta) {
      meta.gradFn?.drop();
      meta.gradFn = null;
      // A gradient backward() made belongs to this tensor; one the user assigned is theirs.
      if (meta.grad && gradsMadeByBackward.has(meta.grad)) meta.grad.dispose();
      meta.grad = null;
    }
  }
  [Symbol.dispose](): void {
    this.dispose();
  }
  /**
   * The sub-tensors along dim 0, as views (`for (const row of m)`, `[...m]`), as iterating
   * a torch tensor; a 0-d tensor cannot be iterated (a `ShapeError`, as torch's TypeError).
   * Jest/Vitest deep equality (`toEqual`, a negated `toBe`) walks iterables, so it reaches
   * 0-d elements and throws: compare tensors with `testEq`/`testNear`.
   * @example [...tensor([[1, 2], [3, 4]])].length // → 2
   */
  [Symbol.iterator](): IterableIterator<Tensor> {
    this.live('iterate');
    if (this.ndim === 0) throw new ShapeError('iterate: iteration over a 0-d tensor');
    const n = this.shape[0]!;
    const rows = function* (t: Tensor): IterableIterator<Tensor> {
      for (let i = 0; i < n; i++) yield t.get(i);
    };
    return rows(this);
  }
  /** PyTorch's repr, e.g. `tensor([[1., 2.],\n        [3., 4.]])`. */
  override toString(): string {
    this.live('String(tensor)');
    return formatTensor(this);
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.isDisposed ? `tensor(<disposed> ${fmtShape(this.shape)})` : this.toString();
  }

  // Views: no element is copied (reshape/flatten copy only when they must).

  /** Same elements, new shape (one entry may be -1). @example t.view(2, 3); t.view([-1]) */
  view(...shape: ShapeArgs): Tensor {
    return views.view(this, shape);
  }
  /** Like `view`, but copies when the strides cannot express the new shape. */
  reshape(...shape: ShapeArgs): Tensor {
    return views.reshape(this, shape);
  }
  /** Inserts a size-1 dim. @example tensor([1, 2, 3]).unsqueeze(0).shape // → [1, 3] */
  unsqueeze(dim: number): Tensor {
    return views.unsqueeze(this, dim);
  }
  /** Removes size-1 dims (all, or those listed). */
  squeeze(dim?: number | readonly number[]): Tensor {
    return views.squeeze(this, dim);
  }
  /** Broadcasts size-1 dims to `sizes` with stride 0 (-1 keeps a dim). @example c.expand(3, -1) */
  expand(...sizes: ShapeArgs): Tensor {
    return views.expand(this, sizes);
  }
  /** `expand` to another tensor's shape. */
  expandAs(other: Tensor): Tensor {
    const t = op.argumentChecks.expectTensor('expandAs', 'other', other);
    return views.expand(this, [t.live('expandAs').shape]);
  }
  /** Swaps two dims (a view). @example m.transpose(0, 1) */
  transpose(dim0: number, dim1: number): Tensor {
    return views.transpose(this, dim0, dim1);
  }
  /** Reorders dims. @example zeros(2, 3, 4).permute(2, 0, 1).shape // → [4, 2, 3] */
  permute(...dims: ShapeArgs): Tensor {
    return views.permute(this, dims);
  }
  /** All dims reversed (the transpose of a matrix). */
  get T(): Tensor {
    return views.permute(this, [this.shape.map((_, i) => this.ndim - 1 - i)]);
  }
  /** The last two dims swapped (a batch of transposed matrices). */
  get mT(): Tensor {
    if (this.ndim < 2)
      throw new ShapeError(`mT: needs at least 2 dims, got shape ${fmtShape(this.shape)}`);
    return views.transpose(this, -2, -1);
  }
  /** Merges dims `startDim..endDim` into one (a view when possible). @example t.flatten(1) */
  flatten(startDim = 0, endDim = -1): Tensor {
    return views.flatten(this, startDim, endDim);
  }
  /** `length` entries of `dim` from `start`. */
  narrow(dim: number, start: number, length: number): Tensor {
    return views.narrow(this, dim, start, length);
  }

  // Indexing.

  /**
   * Python's `t[...]` as a view: numbers, `null` (None), `'...'`, `':'`, `'a:b:c'`, `slice()`.
   * @example c.get(null, ':') // c[None, :]; m.get(0) // m[0]; m.get(':', '1:') // m[:, 1:]
   */
  get(...items: IndexItem[]): Tensor {
    return op.indexing.getIndexed(this, items);
  }
  /**
   * `t[index] = value`, writing through the view; returns `this`. The index is a list, or
   * the leading arguments as in `get` (the last argument is always the value).
   * @example t.set([0, ':'], 5); t.set(0, ':', 5); t.set(1, tensor([1, 2, 3]))
   */
  set(index: IndexItem | readonly IndexItem[], value: Operand): this;
  set(...indexThenValue: (IndexItem | Operand)[]): this;
  set(...args: unknown[]): this {
    const { index, value } = op.indexing.setArguments(args);
    op.indexing.setIndexed(this, index, value);
    return this;
  }

  // Splitting, reordering and selecting (ops/combine.ts, ops/selection.ts).

  /** Views split along `dim`: pieces of one size, or of each size listed. @example x.split(2, -1) */
  split(sizeOrSections: number | readonly number[], dim = 0): Tensor[] {
    return op.combine.split(this, sizeOrSections, dim);
  }
  /** `chunks` views along `dim` (fewer when the dim is short). */
  chunk(chunks: number, dim = 0): Tensor[] {
    return op.combine.chunk(this, chunks, dim);
  }
  /** Every slice along `dim`, that dim removed (views). */
  unbind(dim = 0): Tensor[] {
    return op.combine.unbind(this, dim);
  }
  /** The slice `index` of `dim`, that dim removed (a view). */
  select(dim: number, index: number): Tensor {
    return op.combine.select(this, dim, index);
  }
  /** A copy reversed along `dims`. @example x.flip(0); x.flip([0, 1]) */
  flip(...dims: DimArgs): Tensor {
    return op.combine.flip(this, ...dims);
  }
  /** A copy rotated by `shifts` along `dims` (flattened when no dims). */
  roll(shifts: number | readonly number[], dims?: number | readonly number[] | null): Tensor {
    return op.combine.roll(this, shifts, dims);
  }
  /** Repeated `sizes[i]` times along each dim (torch's `repeat`, not `repeat_interleave`). */
  repeat(...sizes: DimArgs): Tensor {
    return op.combine.repeat(this, ...sizes);
  }
  /** As `repeat`, padding fewer sizes than dims with leading 1s. */
  tile(...dims: DimArgs): Tensor {
    return op.combine.tile(this, ...dims);
  }
  /** `cond ? this : other` (torch's `Tensor.where`). */
  where(condition: Tensor, other: Operand): Tensor {
    return op.selection.where(condition, this, other);
  }
  /** A copy with `value` where `mask` (bool, broadcast) is true. @example logits.maskedFill(logits.lt(0), -Infinity) */
  maskedFill(mask: Tensor, value: Operand): Tensor {
    return op.selection.maskedFill(this, mask, value);
  }
  /** `maskedFill` in place; returns `this`. */
  maskedFill_(mask: Tensor, value: Operand): this {
    op.selection.maskedFillInPlace(this, mask, value);
    return this;
  }
  /** The lower triangle (`j - i <= k`) of the last two dims, the rest 0. */
  tril(k = 0): Tensor {
    return op.selection.tril(this, k);
  }
  /** The upper triangle (`j - i >= k`) of the last two dims, the rest 0. */
  triu(k = 0): Tensor {
    return op.selection.triu(this, k);
  }
  /** Values along `dim` at the int32 `index` (torch.gather). */
  gather(dim: number, index: Tensor): Tensor {
    return op.selection.gather(this, dim, index);
  }
  /** A copy with `src` written along `dim` at the int32 `index`. */
  scatter(dim: number, index: Tensor, src: Operand): Tensor {
    return op.selection.scatter(this, dim, index, src);
  }
  /** `scatter` in place; returns `this`. */
  scatter_(dim: number, index: Tensor, src: Operand): this {
    op.selection.scatterInPlace(this, dim, index, src);
    return this;
  }
  /** A copy with `src` added along `dim` at the int32 `index`. */
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor {
    return op.selection.scatterAdd(this, dim, index, src);
  }
  /** `scatterAdd` in place; returns `this`. */
  scatterAdd_(dim: number, index: Tensor, src: Tensor): this {
    op.selection.scatterAddInPlace(this, dim, index, src);
    return this;
  }
  /** The slices along `dim` at the 1-D int32 `index` (torch.index_select). */
  indexSelect(dim: number, index: Tensor): Tensor {
    return op.selection.indexSelect(this, dim, index);
  }

  // In place (torch's trailing-underscore names); each returns `this`.

  /** `this += other`, broadcasting `other` to this shape. */
  add_(other: Operand): this {
    op.inplace.inplaceBinary('add', this, other);
    return this;
  }
  /** `this -= other`. */
  sub_(other: Operand): this {
    op.inplace.inplaceBinary('sub', this, other);
    return this;
  }
  /** `this *= other`. */
  mul_(other: Operand): this {
    op.inplace.inplaceBinary('mul', this, other);
    return this;
  }
  /** `this /= other` (float tensors only: int results would need a cast). */
  div_(other: Operand): this {
    op.inplace.inplaceBinary('div', this, other);
    return this;
  }
  /** Sets every element to `value`. */
  fill_(value: number | boolean): this {
    op.inplace.fillInto(this, value);
    return this;
  }
  /** Sets every element to 0. */
  zero_(): this {
    op.inplace.fillInto(this, 0);
    return this;
  }
  /** Copies `src` (broadcast, cast) into this tensor. */
  copy_(src: Operand): this {
    op.inplace.copyInto(this, src);
    return this;
  }
  /** Refills this float tensor with N(mean, std²) samples from the seeded generator. */
  normal_(mean = 0, std = 1): this {
    op.randomFill.normalInto(this, mean, std);
    return this;
  }
  /** Refills this float tensor with U(from, to) samples from the seeded generator. */
  uniform_(from = 0, to = 1): this {
    op.randomFill.uniformInto(this, from, to);
    return this;
  }

  // Elementwise math with broadcasting; `other` may be a tensor or a number.

  /** `this + other` with broadcasting. @example m.add(c) // [3, 3] + [3] */
  add(other: Operand): Tensor {
    return op.elementwise.binaryOp('add', this, other);
  }
  /** `this - other` with broadcasting. */
  sub(other: Operand): Tensor {
    return op.elementwise.binaryOp('sub', this, other);
  }
  /** `this * other` with broadcasting. */
  mul(other: Operand): Tensor {
    return op.elementwise.binaryOp('mul', this, other);
  }
  /** True division: int and bool tensors give float32. */
  div(other: Operand): Tensor {
    return op.elementwise.binaryOp('div', this, other);
  }
  /** `this ** other` with broadcasting. */
  pow(other: Operand): Tensor {
    return op.elementwise.binaryOp('pow', this, other);
  }
  /** Elementwise larger value (NaN propagates). */
  maximum(other: Operand): Tensor {
    return op.elementwise.binaryOp('maximum', this, other);
  }
  /** Elementwise smaller value (NaN propagates). */
  minimum(other: Operand): Tensor {
    return op.elementwise.binaryOp('minimum', this, other);
  }
  /** `this == other` as a bool tensor. */
  eq(other: Operand): Tensor {
    return op.elementwise.binaryOp('eq', this, other);
  }
  /** `this != other` as a bool tensor. */
  ne(other: Operand): Tensor {
    return op.elementwise.binaryOp('ne', this, other);
  }
  /** `this < other` as a bool tensor. @example a.lt(b).float().mean() */
  lt(other: Operand): Tensor {
    return op.elementwise.binaryOp('lt', this, other);
  }
  /** `this <= other` as a bool tensor. */
  le(other: Operand): Tensor {
    return op.elementwise.binaryOp('le', this, other);
  }
  /** `this > other` as a bool tensor. @example a.gt(0) */
  gt(other: Operand): Tensor {
    return op.elementwise.binaryOp('gt', this, other);
  }
  /** `this >= other` as a bool tensor. */
  ge(other: Operand): Tensor {
    return op.elementwise.binaryOp('ge', this, other);
  }
  /** `-this` (not for bool). */
  neg(): Tensor {
    return op.elementwise.unaryOp('neg', this);
  }
  /** `|this|`. */
  abs(): Tensor {
    return op.elementwise.unaryOp('abs', this);
  }
  /** Square root (ints compute as float32). */
  sqrt(): Tensor {
    return op.elementwise.unaryOp('sqrt', this);
  }
  /** `e ** this` (ints compute as float32). */
  exp(): Tensor {
    return op.elementwise.unaryOp('exp', this);
  }
  /** Natural log (ints compute as float32). */
  log(): Tensor {
    return op.elementwise.unaryOp('log', this);
  }
  /** Sine (ints compute as float32). */
  sin(): Tensor {
    return op.elementwise.unaryOp('sin', this);
  }
  /** Cosine (ints compute as float32). */
  cos(): Tensor {
    return op.elementwise.unaryOp('cos', this);
  }
  /** Hyperbolic tangent (ints compute as float32). */
  tanh(): Tensor {
    return op.elementwise.unaryOp('tanh', this);
  }
  /** `1 / (1 + exp(-this))` (ints compute as float32). */
  sigmoid(): Tensor {
    return op.elementwise.unaryOp('sigmoid', this);
  }
  /** `max(this, 0)`, NaN kept. */
  relu(): Tensor {
    return op.elementwise.unaryOp('relu', this);
  }
  /** `this * this`. */
  square(): Tensor {
    return op.elementwise.unaryOp('square', this);
  }
  /** `1 / this` (ints compute as float32). */
  reciprocal(): Tensor {
    return op.elementwise.unaryOp('reciprocal', this);
  }
  /** Rounds down. */
  floor(): Tensor {
    return op.elementwise.unaryOp('floor', this);
  }
  /** Rounds up. */
  ceil(): Tensor {
    return op.elementwise.unaryOp('ceil', this);
  }
  /** Rounds half to even, as torch. */
  round(): Tensor {
    return op.elementwise.unaryOp('round', this);
  }
  /** Clamps into `[min, max]`; either bound may be null, a number or a tensor (broadcast). */
  clamp(min?: ClampBound, max?: ClampBound): Tensor {
    return op.elementwise.clampOp(this, min, max);
  }
  /** `clamp(min)`. */
  clampMin(min: Operand): Tensor {
    return op.elementwise.clampOp(this, min, null);
  }
  /** `clamp(null, max)`. */
  clampMax(max: Operand): Tensor {
    return op.elementwise.clampOp(this, null, max);
  }
  /** -1, 0 or 1 by sign (NaN gives 0); keeps the dtype. */
  sign(): Tensor {
    return op.activation.sign(this);
  }
  /** The error function (ints compute as float32). */
  erf(): Tensor {
    return op.activation.erf(this);
  }
  /** `log(1 + this)` (ints compute as float32). */
  log1p(): Tensor {
    return op.activation.log1p(this);
  }
  /** `e ** this − 1` (ints compute as float32). */
  expm1(): Tensor {
    return op.activation.expm1(this);
  }
  /** GELU, exact (`'none'`) or tanh-approximated. */
  gelu(approximate: 'none' | 'tanh' = 'none'): Tensor {
    return op.activation.gelu(this, approximate);
  }
  /** `this · sigmoid(this)`. */
  silu(): Tensor {
    return op.activation.silu(this);
  }
  /** `this` where positive, `negativeSlope · this` elsewhere. */
  leakyRelu(negativeSlope = 0.01): Tensor {
    return op.activation.leakyRelu(this, negativeSlope);
  }
  /** `log(1 + e^{β·this})/β`, linear past `threshold`. */
  softplus(beta = 1, threshold = 20): Tensor {
    return op.activation.softplus(this, beta, threshold);
  }

  // Scans and sorting (ops/scan.ts, ops/sort.ts).

  /** Running sum along `dim` (ints give int32, overflow throws). */
  cumsum(dim: number): Tensor {
    return op.scan.cumsum(this, dim);
  }
  /** Running product along `dim` (ints give int32, overflow throws). */
  cumprod(dim: number): Tensor {
    return op.scan.cumprod(this, dim);
  }
  /** Stable sort along `dim` (NaN largest): `{ values, indices }`. */
  sort(dim = -1, descending = false): { values: Tensor; indices: Tensor } {
    return op.sorting.sort(this, dim, descending);
  }
  /** The int32 indices that sort along `dim`. */
  argsort(dim = -1, descending = false): Tensor {
    return op.sorting.argsort(this, dim, descending);
  }
  /** The `k` largest (or smallest) along `dim`: `{ values, indices }`. */
  topk(k: number, dim = -1, largest = true, sorted = true): { values: Tensor; indices: Tensor } {
    return op.sorting.topk(this, k, dim, largest, sorted);
  }

  // Reductions; `dim` is a number, a list, or absent for all dims.

  /** @example m.sum(); m.sum(0); m.sum([0, 1], true); m.sum(-1) */
  sum(dim?: Dims, keepdim = false): Tensor {
    return op.reduce.sum(this, dim, keepdim);
  }
  /** Floats only (as torch). */
  mean(dim?: Dims, keepdim = false): Tensor {
    return op.reduce.mean(this, dim, keepdim);
  }
  /** Product over `dim` (all by default); ints and bools give int32. */
  prod(dim?: Dims, keepdim = false): Tensor {
    return op.reduce.prod(this, dim, keepdim);
  }
  /** True where every element over `dim` is nonzero. */
  all(dim?: Dims, keepdim = false): Tensor {
    return op.reduce.all(this, dim, keepdim);
  }
  /** True where some element over `dim` is nonzero. */
  any(dim?: Dims, keepdim = false): Tensor {
    return op.reduce.any(this, dim, keepdim);
  }
  /**
   * `max()` → the largest element; `max(dim, keepdim?)` → `{ values, indices }`;
   * `max(other)` → elementwise maximum.
   */
  max(): Tensor;
  max(dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
  max(other: Tensor): Tensor;
  max(arg?: number | Tensor, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
    if (arg instanceof Tensor) return op.elementwise.binaryOp('maximum', this, arg);
    if (arg === undefined) return op.reduce.extreme('max', this);
    return op.reduce.extremeWithIndices('max', this, arg, keepdim);
  }
  /** As `max`, for the smallest. */
  min(): Tensor;
  min(dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
  min(other: Tensor): Tensor;
  min(arg?: number | Tensor, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
    if (arg instanceof Tensor) return op.elementwise.binaryOp('minimum', this, arg);
    if (arg === undefined) return op.reduce.extreme('min', this);
    return op.reduce.extremeWithIndices('min', this, arg, keepdim);
  }
  /** The largest values over dims (torch.amax). */
  amax(dim?: Dims, keepdim = false): Tensor {
    return op.reduce.extreme('max', this, dim, keepdim);
  }
  /** The smallest values over dims (torch.amin). */
  amin(dim?: Dims, keepdim = false): Tensor {
    return op.reduce.extreme('min', this, dim, keepdim);
  }
  /** int32 index of the first maximum (into the flattened tensor when `dim` is absent). */
  argmax(dim?: number | null, keepdim = false): Tensor {
    return op.reduce.argExtreme('argmax', this, dim, keepdim);
  }
  /** int32 index of the first minimum (into the flattened tensor when `dim` is absent). */
  argmin(dim?: number | null, keepdim = false): Tensor {
    return op.reduce.argExtreme('argmin', this, dim, keepdim);
  }
  /**
   * Variance with Bessel's correction by default.
   * @example t.var(); t.var(0, true); t.var(0, { correction: 0 }); t.var({ correction: 0 })
   */
  var(...args: VarianceArgs): Tensor {
    const { dim, keepdim, options } = varianceArgs(args);
    return op.reduce.variance(this, dim, keepdim, options);
  }
  /** Standard deviation; arguments as `var`. */
  std(...args: VarianceArgs): Tensor {
    const { dim, keepdim, options } = varianceArgs(args);
    return op.reduce.std(this, dim, keepdim, options);
  }
  /** Frobenius norm by default (`sqrt((t*t).sum())`); `p` may be 'fro', 2, 1 or Infinity. */
  norm(p: 'fro' | number = 'fro', dim?: Dims, keepdim = false): Tensor {
    return op.reduce.norm(this, p, dim, keepdim);
  }
  /** `log(sum(exp(t), dim))`, computed stably. */
  logsumexp(dim: Dims, keepdim = false): Tensor {
    return op.reduce.logsumexp(this, dim, keepdim);
  }

  // Linear algebra and softmax (ops/matmul.ts, ops/softmax.ts).

  /** torch.matmul: 1-D operands promoted, batch dims broadcast. @example a.matmul(b) */
  matmul(other: Tensor): Tensor {
    return op.matmul.matmul(this, other);
  }
  /** 2-D matrix product. */
  mm(other: Tensor): Tensor {
    return op.matmul.mm(this, other);
  }
  /** 3-D batched matrix product (equal batch sizes). */
  bmm(other: Tensor): Tensor {
    return op.matmul.bmm(this, other);
  }
  /** Matrix (2-D) times vector (1-D). */
  mv(vec: Tensor): Tensor {
    return op.matmul.mv(this, vec);
  }
  /** Dot product of two 1-D tensors (a 0-d tensor). */
  dot(other: Tensor): Tensor {
    return op.matmul.dot(this, other);
  }
  /** Outer product of two 1-D tensors. */
  outer(other: Tensor): Tensor {
    return op.matmul.outer(this, other);
  }
  /** `beta·this + alpha·(a @ b)` in one GEMM, as `torch.addmm` (this is the input). */
  addmm(a: Tensor, b: Tensor, options?: AddmmOptions): Tensor {
    return op.matmul.addmm(this, a, b, options);
  }
  /** `beta·this + alpha·(a @ b)` per batch in one batched GEMM, as `torch.baddbmm`. */
  baddbmm(a: Tensor, b: Tensor, options?: AddmmOptions): Tensor {
    return op.matmul.baddbmm(this, a, b, options);
  }
  /** Softmax along `dim` (max-subtracted). @example logits.softmax(-1) */
  softmax(dim: number, dtype?: DType): Tensor {
    return op.softmax.softmax(this, dim, dtype);
  }
  /** Log-softmax along `dim`. */
  logSoftmax(dim: number, dtype?: DType): Tensor {
    return op.softmax.logSoftmax(this, dim, dtype);
  }

  // Sampling on the seeded generator (sampling.ts).

  /** Category indices drawn with these weights per row, as `torch.multinomial`. */
  multinomial(numSamples: number, replacement = false): Tensor {
    return op.sampling.multinomial(this, numSamples, replacement);
  }
  /** 0/1 draws with these probabilities, as `torch.bernoulli`. */
  bernoulli(): Tensor {
    return op.sampling.bernoulli(this);
  }

  // Casts.

  /** This tensor as `dtype` (a new handle on the same storage when it already is). */
  to(dtype: DType): Tensor {
    return op.cast.castTo(this, dtype);
  }
  /** As float32. */
  float(): Tensor {
    return op.cast.castTo(this, 'float32');
  }
  /** As float64. */
  double(): Tensor {
    return op.cast.castTo(this, 'float64');
  }
  /** As int32 (floats truncate toward zero). */
  int(): Tensor {
    return op.cast.castTo(this, 'int32');
  }
  /** As bool (`x != 0`; NaN is true). */
  bool(): Tensor {
    return op.cast.castTo(this, 'bool');
  }
}

Object.defineProperty(Tensor.prototype, TENSOR_BRAND, { value: true });

/** `var`/`std` arguments: `(dim?, keepdim?, options?)`, options possibly in any trailing slot. */
export type VarianceArgs = (Dims | boolean | reduce.VarianceOptions)[];

function varianceArgs(args: VarianceArgs): {
  dim: Dims;
  keepdim?: boolean;
  options: reduce.VarianceOptions;
} {
  const last = args[args.length - 1];
  const isOptions = last !== null && typeof last === 'object' && !Array.isArray(last);
  const options = isOptions ? (last as reduce.VarianceOptions) : {};
  const rest = isOptions ? args.slice(0, -1) : args;
  const keepdim = rest[1];
  return {
    dim: rest[0] as Dims,
    keepdim: typeof keepdim === 'boolean' ? keepdim : undefined,
    options,
  };
}

/** Internal: a contiguous tensor of zeroed storage on `backend`. */
export function emptyTensor(
  shape: readonly number[],
  dtype: DType,
  backend: Backend = currentBackend(),
): Tensor {
  return Tensor.fromStorage(backend.alloc(dtype, numelOf(shape)), shape);
}

/**
 * Internal: a contiguous output tensor whose storage may hold stale values (wasm reuses
 * freed blocks); only for ops whose kernel writes every element.
 */
export function outputTensor(
  shape: readonly number[],
  dtype: DType,
  backend: Backend = currentBackend(),
): Tensor {
  return Tensor.fromStorage(backend.alloc(dtype, numelOf(shape), false), shape);
}
