/**
 * `Module`, PyTorch's `nn.Module` in small: a model is a class whose fields are its
 * parameters (tensors marked with `parameter()`) and its submodules (other `Module`s), found
 * in the order the constructor assigned them, so names follow PyTorch's (`0.weight`,
 * `fc1.bias`). No hooks and no buffers: what training and saving weights need.
 */
import { describeValue, expectBoolean, expectOptions, expectTensor } from '../argument-checks.js';
import { noGrad } from '../autograd/grad-mode.js';
import { isFloat } from '../dtype.js';
import { ArgumentError, DtypeError, fmtShape, ShapeError } from '../errors.js';
import { keep } from '../memory.js';
import { Tensor } from '../tensor.js';

const PARAMETERS = new WeakSet<Tensor>();

/**
 * Marks `data` as a module parameter, as `nn.Parameter(data)`: a module lists a field
 * holding it in `parameters()` and `stateDict()`. Sets `requiresGrad` (a float tensor only)
 * and exempts it from `tidy` (a model built inside `tidy` keeps its weights; `dispose()`
 * still frees them). Returns `data` itself.
 * @example nn.parameter(zeros(3)).requiresGrad // → true
 */
export function parameter(data: Tensor, requiresGrad = true): Tensor {
  const op = 'nn.parameter';
  expectTensor(op, 'data', data).live(op);
  expectBoolean(op, 'requiresGrad', requiresGrad);
  if (requiresGrad && !isFloat(data.dtype))
    throw new DtypeError(`${op}: only float tensors can require gradients, got ${data.dtype}`);
  if (requiresGrad && !data.isLeaf)
    throw new ArgumentError(
      `${op}: data (shape ${fmtShape(data.shape)}) is the result of an op that requires grad; detach() it first`,
    );
  data.requiresGrad_(requiresGrad);
  PARAMETERS.add(data);
  return keep(data);
}

/**
 * True when `t` was marked by `parameter()`.
 * @example isParameter(new nn.Linear(2, 3).weight) // → true
 */
export function isParameter(t: unknown): t is Tensor {
  return t instanceof Tensor && PARAMETERS.has(t);
}

/** Options of `Module.loadStateDict`. */
export interface LoadStateDictOptions {
  /** Every parameter must be in the dict and every key a parameter (default true). */
  strict?: boolean;
  /**
   * Make the state dict's tensors the parameters instead of copying into them (default
   * false), as torch's `assign=True`: no second copy of the weights. Each keeps its dtype
   * and the replaced parameter's `requiresGrad`; the replaced parameters are disposed.
   */
  assign?: boolean;
}

/** What `Module.loadStateDict` did not match (empty lists when `strict`). */
export interface IncompatibleKeys {
  missingKeys: string[];
  unexpectedKeys: string[];
}

/**
 * The base class of models and layers, as `torch.nn.Module`: subclass it, assign
 * parameters (`parameter(t)`) and submodules to fields in the constructor, and write
 * `forward`. Call `model.forward(x)` where PyTorch writes `model(x)`.
 * @example
 * class TwoLayer extends nn.Module {
 *   fc1 = new nn.Linear(4, 8);
 *   fc2 = new nn.Linear(8, 2);
 *   forward(x: Tensor) {
 *     return this.fc2.forward(this.fc1.forward(x).relu());
 *   }
 * }
 * const model = new TwoLayer();
 * model.namedParameters().map(([name]) => name) // → ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']
 * model.forward(randn(3, 4)).shape // → [3, 2]
 */
export class Module {
  /** Training mode (dropout active) or evaluation mode; set by `train()` and `eval()`. */
  training = true;

  /**
   * The computation; every subclass defines it.
   * @example new nn.ReLU().forward(tensor([-1, 3.5])) // → tensor([0.0000, 3.5000])
   */
  forward(..._inputs: unknown[]): unknown {
    throw new ArgumentError(`${this.constructor.name}: the module has no forward method`);
  }

  /**
   * The direct submodules with their field names, in assignment order.
   * @example new nn.Sequential(new nn.ReLU(), new nn.Dropout()).namedChildren().map(([n]) => n) // → ['0', '1']
   */
  namedChildren(): [string, Module][] {
    return Object.entries(this).filter((e): e is [string, Module] => e[1] instanceof Module);
  }

  /**
   * The direct submodules, in assignment order.
   * @example String(new nn.Sequential(new nn.ReLU()).children()[0]) // → 'ReLU()'
   */
  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /**
   * This module and every module below it, depth first, each once.
   * @example new nn.Sequential(new nn.Sequential(new nn.ReLU())).modules().length // → 3
   */
  modules(): Module[] {
    const out: Module[] = [];
    const visit = (m: Module) => {
      if (out.includes(m)) return;
      out.push(m);
      for (const c of m.children()) visit(c);
    };
    visit(this);
    return out;
  }

  /**
   * Parameters with their dotted names (`fc1.weight`), this module's first, then each
   * submodule's, in assignment order. A parameter shared by two modules (tied weights) is
   * listed once, under its first name, unless `removeDuplicate` is false (as PyTorch).
   * @example new nn.Linear(3, 2).namedParameters().map(([n, p]) => `${n} ${p.shape}`) // → ['weight 2,3', 'bias 2']
   */
  namedParameters(prefix = '', recurse = true, removeDuplicate = true): [string, Tensor][] {
    const op = 'namedParameters';
    if (typeof prefix !== 'string')
      throw new ArgumentError(`${op}: prefix must be a string, got ${describeValue(prefix)}`);
    expectBoolean(op, 'recurse', recurse);
    expectBoolean(op, 'removeDuplicate', removeDuplicate);
    return parameterSlots(this, prefix, recurse, removeDuplicate).map((s) => [s.name, s.value]);
  }

  /**
   * Every parameter (see `namedParameters`), the list an optimizer takes.
   * @example new nn.Linear(784, 50).parameters().map((p) => p.numel()) // → [39200, 50]
   */
  parameters(recurse = true): Tensor[] {
    return this.namedParameters('', recurse).map(([, p]) => p);
  }

  /**
   * Sets training mode on this module and every submodule (dropout is active only in
   * training). Returns this module.
   * @example new nn.Sequential(new nn.Dropout()).train(false).children()[0].training // → false
   */
  train(mode = true): this {
    expectBoolean('train', 'mode', mode);
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /**
   * Evaluation mode, as `train(false)`. Returns this module.
   * @example new nn.Dropout(0.5).eval().training // → false
   */
  eval(): this {
    return this.train(false);
  }

  /**
   * Sets `requiresGrad` on every parameter (freezes them with `false`). Returns this module.
   * @example new nn.Linear(2, 2).requiresGrad_(false).weight.requiresGrad // → false
   */
  requiresGrad_(requiresGrad = true): this {
    expectBoolean('requiresGrad_', 'requiresGrad', requiresGrad);
    for (const p of this.parameters()) p.requiresGrad_(requiresGrad);
    return this;
  }

  /**
   * Clears every parameter's gradient: `grad = null` (a gradient `backward()` made is
   * disposed) or, with `setToNone = false`, zeroed in place.
   * @example
   * const fc = new nn.Linear(2, 1);
   * fc.forward(ones(1, 2)).sum().backward();
   * fc.zeroGrad();
   * fc.weight.grad // → null
   */
  zeroGrad(setToNone = true): void {
    expectBoolean('zeroGrad', 'setToNone', setToNone);
    clearGrads(this.parameters(), setToNone);
  }

  /**
   * The parameters by dotted name, as detached views of the same storage: what
   * `saveSafetensors` writes and `loadStateDict` reads. A tied parameter appears under each
   * of its names, as in PyTorch. Dispose the views when done (or call it inside `tidy`);
   * the parameters stay.
   * @example Object.keys(new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU()).stateDict()) // → ['0.weight', '0.bias']
   */
  stateDict(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    for (const [name, p] of this.namedParameters('', true, false)) out[name] = p.detach();
    return out;
  }

  /**
   * Copies tensors into the parameters of the same name (cast to each parameter's dtype),
   * as `load_state_dict`. Every key and shape is checked before anything is copied; with
   * `strict` (the default) a missing or unexpected key is an `ArgumentError`, otherwise the
   * keys left unmatched are returned. With `assign` the tensors become the parameters
   * (torch's `assign=True`; with `nn.utils.skipInit`, a model loads without a second copy).
   * @example
   * const a = new nn.Linear(2, 2);
   * const b = new nn.Linear(2, 2);
   * b.loadStateDict(a.stateDict());
   * allclose(b.weight, a.weight) // → true
   */
  loadStateDict(
    stateDict: Readonly<Record<string, Tensor>>,
    options?: LoadStateDictOptions,
  ): IncompatibleKeys {
    const op = 'loadStateDict';
    if (
      stateDict === null ||
      typeof stateDict !== 'object' ||
      Array.isArray(stateDict) ||
      stateDict instanceof Tensor
    )
      throw new ArgumentError(
        `${op}: stateDict must be an object of tensors by name, got ${describeValue(stateDict)}`,
      );
    const o = expectOptions(op, options, ['strict', 'assign']);
    const strict = expectBoolean(op, 'strict', o.strict ?? true);
    const assign = expectBoolean(op, 'assign', o.assign ?? false);
    const slots = parameterSlots(this, '', true, false);
    const params = new Map(slots.map((s) => [s.name, s.value]));
    const missingKeys = [...params.keys()].filter((k) => !Object.hasOwn(stateDict, k));
    const unexpectedKeys = Object.keys(stateDict).filter((k) => !params.has(k));
    if (strict && (missingKeys.length || unexpectedKeys.length))
      throw new ArgumentError(
        `${op}: ${[
          missingKeys.length ? `missing keys ${missingKeys.map((k) => `'${k}'`).join(', ')}` : '',
          unexpectedKeys.length
            ? `unexpected keys ${unexpectedKeys.map((k) => `'${k}'`).join(', ')}`
            : '',
        ]
          .filter(Boolean)
          .join('; ')}`,
      );
    const pairs: [ParameterSlot, Tensor][] = [];
    for (const slot of slots) {
      const { name, value: p } = slot;
      if (!Object.hasOwn(stateDict, name)) continue;
      const src = expectTensor(op, `stateDict['${name}']`, stateDict[name]).live(op);
      if (src.ndim !== p.ndim || src.shape.some((s, i) => s !== p.shape[i]))
        throw new ShapeError(
          `${op}: '${name}' has shape ${fmtShape(src.shape)} in the state dict and ${fmtShape(p.shape)} in the module`,
        );
      if (!isFloat(src.dtype))
        throw new DtypeError(`${op}: '${name}' is ${src.dtype}, the parameter is ${p.dtype}`);
      if (assign && p.requiresGrad && !src.isLeaf)
        throw new ArgumentError(
          `${op}: '${name}' is the result of an op that requires grad; detach() it to assign it`,
        );
      pairs.push([slot, src]);
    }
    if (assign) assignParameters(slots, pairs);
    else
      noGrad(() => {
        for (const [{ value: p }, src] of pairs) p.copy_(src);
      });
    return { missingKeys, unexpectedKeys };
  }

  /**
   * Frees every parameter's storage, and the gradients `backward()` made for them
   * (JavaScript has no refcounting to do it).
   * @example const fc = new nn.Linear(2, 2); fc.dispose(); fc.weight.isDisposed // → true
   */
  dispose(): void {
    for (const p of this.parameters()) p.dispose();
  }

  /**
   * This module's settings inside its `toString()`, as PyTorch's `extra_repr`.
   * @example new nn.Embedding(10, 4).extraRepr() // → '10, 4'
   */
  extraRepr(): string {
    return '';
  }

  /**
   * PyTorch's module repr.
   * @example String(new nn.Linear(784, 50)) // → 'Linear(in_features=784, out_features=50, bias=True)'
   */
  toString(): string {
    const children = this.namedChildren();
    const head = `${this.constructor.name}(${this.extraRepr()}`;
    if (children.length === 0) return `${head})`;
    const lines = children.map(([name, m]) => `  (${name}): ${String(m).replaceAll('\n', '\n  ')}`);
    return `${head}\n${lines.join('\n')}\n)`;
  }
}

/** Where a parameter lives: its dotted name, the module holding it and the field. */
interface ParameterSlot {
  readonly name: string;
  readonly module: Module;
  readonly field: string;
  readonly value: Tensor;
}

/**
 * The parameters of `root` and (with `recurse`) its submodules, this module's first, in
 * assignment order. A parameter or module met again (tied weights, a shared block) is
 * skipped when `removeDuplicate`, as PyTorch's `named_parameters`.
 */
function parameterSlots(
  root: Module,
  prefix: string,
  recurse: boolean,
  removeDuplicate: boolean,
): ParameterSlot[] {
  const out: ParameterSlot[] = [];
  const seen = new Set<Tensor>();
  const modulesSeen = new Set<Module>();
  const visit = (m: Module, at: string, ancestors: readonly Module[]) => {
    // A module inside itself would recurse forever; a shared one is walked again only
    // when duplicates are wanted.
    if (ancestors.includes(m) || (removeDuplicate && modulesSeen.has(m))) return;
    modulesSeen.add(m);
    for (const [field, value] of Object.entries(m)) {
      if (!isParameter(value) || (removeDuplicate && seen.has(value))) continue;
      seen.add(value);
      out.push({ name: at + field, module: m, field, value });
    }
    if (!recurse) return;
    for (const [name, child] of m.namedChildren()) visit(child, `${at}${name}.`, [...ancestors, m]);
  };
  visit(root, prefix === '' ? '' : `${prefix}.`, []);
  return out;
}

/**
 * `loadStateDict(…, { assign: true })`: each slot's field becomes its state-dict tensor (a
 * tensor given under two names stays one parameter), with the old parameter's
 * `requiresGrad`; an old parameter no slot holds any more is disposed.
 */
function assignParameters(slots: ParameterSlot[], pairs: [ParameterSlot, Tensor][]): void {
  const requiresGrad = new Map(pairs.map(([s, src]) => [src, s.value.requiresGrad]));
  for (const [{ module, field }, src] of pairs)
    (module as unknown as Record<string, Tensor>)[field] = parameter(src, requiresGrad.get(src));
  const held = new Set(slots.map((s) => (s.module as unknown as Record<string, Tensor>)[s.field]));
  for (const old of new Set(pairs.map(([s]) => s.value)))
    if (!held.has(old) && !requiresGrad.has(old)) old.dispose();
}

/**
 * `zeroGrad` of modules and optimizers: each gradient set to null (one that `backward()`
 * made is disposed then; one the caller assigned stays theirs) or zeroed in place.
 */
export function clearGrads(params: Iterable<Tensor>, setToNone: boolean): void {
  for (const p of params) {
    const g = p.grad;
    if (g === null) continue;
    if (setToNone) p.grad = null;
    else noGrad(() => g.zero_());
  }
}
