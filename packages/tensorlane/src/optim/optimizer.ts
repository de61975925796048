/**
 * What `SGD` and `AdamW` share, as `torch.optim.Optimizer`: parameter groups (a list of
 * parameters, or of `{ params, ...options }` objects whose options override the
 * optimizer's), per-parameter state, `zeroGrad`, and the checks of every option before a
 * step touches a parameter.
 */
import {
  describeValue,
  expectBoolean,
  expectIterable,
  expectNumber,
  expectOptions,
  expectTensor,
} from '../argument-checks.js';
import { enableGrad, noGrad } from '../autograd/grad-mode.js';
import type { View } from '../backend/backend.js';
import { isFloat } from '../dtype.js';
import { ArgumentError, DtypeError, fmtShape, ShapeError } from '../errors.js';
import { keep } from '../memory.js';
import { clearGrads } from '../nn/module.js';
import { disposeAll } from '../ops/operands.js';
import { hasInternalOverlap } from '../shape/strides.js';
import { emptyTensor, Tensor } from '../tensor.js';

/** A parameter group: its parameters and the options that apply to them. */
export type ParamGroup<O> = O & { params: Tensor[] };

/** What an optimizer takes: parameters, or groups of parameters with their own options. */
export type ParamsArgument<O> =
  | Iterable<Tensor>
  | Iterable<{ params: Iterable<Tensor> } & Partial<O>>;

/** How one option is checked: a number in a range, or a boolean. */
export type OptionRule =
  | { kind: 'number'; min: number; max?: number; maxOpen?: boolean }
  | { kind: 'boolean' };

/** The base class of optimizers: parameter groups, state, `zeroGrad`, `step`. */
export abstract class Optimizer<O extends object> {
  /** The groups, each with its parameters and every option (defaults filled in); options may be changed between steps, as a scheduler does with `lr`. */
  readonly paramGroups: ParamGroup<O>[] = [];
  /** Per-parameter state (momentum buffers, moments, step counts), created on a parameter's first step. */
  readonly state = new Map<Tensor, Record<string, Tensor | number>>();
  readonly #defaults: O;
  readonly #rules: Readonly<Record<keyof O & string, OptionRule>>;
  readonly #name: string;

  protected constructor(
    name: string,
    params: ParamsArgument<O>,
    defaults: O,
    rules: Readonly<Record<keyof O & string, OptionRule>>,
  ) {
    this.#name = name;
    this.#defaults = defaults;
    this.#rules = rules;
    this.checkOptions(defaults, 'options');
    if (params instanceof Tensor)
      throw new ArgumentError(
        `${name}: params must be an iterable of tensors, got one tensor (pass [t] or model.parameters())`,
      );
    const items = expectIterable(name, 'params', params, 'tensors or of parameter groups');
    if (items.length === 0) throw new ArgumentError(`${name}: got an empty parameter list`);
    const isGroup = (p: unknown) =>
      p !== null && typeof p === 'object' && !(p instanceof Tensor) && 'params' in p;
    const groups = items.some(isGroup) ? items : [{ params: items }];
    for (const g of groups) this.addParamGroup(g as { params: Iterable<Tensor> } & Partial<O>);
  }

  /**
   * Adds a group of parameters with its own options (the rest from the optimizer's
   * defaults), as `add_param_group` (to train layers unfrozen later, say).
   * @example
   * const opt = new optim.SGD([ones(2, { requiresGrad: true })], { lr: 0.1 });
   * opt.addParamGroup({ params: [ones(3, { requiresGrad: true })], lr: 0.01 });
   * opt.paramGroups.map((g) => g.lr) // → [0.1, 0.01]
   */
  addParamGroup(group: { params: Iterable<Tensor> } & Partial<O>): void {
    const op = `${this.#name}.addParamGroup`;
    if (
      group === null ||
      typeof group !== 'object' ||
      group instanceof Tensor ||
      Array.isArray(group)
    )
      throw new ArgumentError(
        `${op}: a parameter group must be an object { params, ...options }, got ${describeValue(group)}`,
      );
    const { params, ...options } = group as { params: unknown } & Record<string, unknown>;
    const allowed = Object.keys(this.#rules);
    const unknown = Object.keys(options).filter((k) => !allowed.includes(k));
    if (unknown.length)
      throw new ArgumentError(
        `${op}: unknown option${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `'${k}'`).join(', ')}; expected 'params', ${allowed.map((k) => `'${k}'`).join(', ')}`,
      );
    const list =
      params instanceof Tensor ? [params] : expectIterable(op, 'params', params, 'tensors');
    const known = new Set(this.paramGroups.flatMap((g) => g.params));
    list.forEach((p, i) => {
      const t = expectTensor(op, `params[${i}]`, p).live(op);
      if (!isFloat(t.dtype))
        throw new DtypeError(
          `${op}: params[${i}] is ${t.dtype}; only float tensors can be optimized`,
        );
      if (!t.isLeaf)
        throw new ArgumentError(
          `${op}: params[${i}] (shape ${fmtShape(t.shape)}) is not a leaf tensor (the result of an op); optimize the tensors it was computed from`,
        );
      if (known.has(t) || list.indexOf(t) !== i)
        throw new ArgumentError(
          `${op}: params[${i}] (shape ${fmtShape(t.shape)}) appears more than once; every parameter may be in one group only`,
        );
    });
    const full = { ...this.#defaults, ...options, params: list as Tensor[] } as ParamGroup<O>;
    this.checkOptions(full, 'group');
    this.paramGroups.push(full);
  }

  /** Checks each option of `o` against its rule, then the optimizer's own cross-checks. */
  protected checkOptions(o: O, what: string): void {
    for (const [key, rule] of Object.entries(this.#rules) as [string, OptionRule][]) {
      const v = (o as Record<string, unknown>)[key];
      const name = `${what === 'group' ? 'group ' : ''}${key}`;
      if (rule.kind === 'boolean') {
        expectBoolean(this.#name, name, v);
        continue;
      }
      if (key === 'betas') {
        if (!Array.isArray(v) || v.length !== 2)
          throw new ArgumentError(
            `${this.#name}: ${name} must be a pair [beta1, beta2], got ${describeValue(v)}`,
          );
        v.forEach((b, i) => {
          this.checkNumber(`${name}[${i}]`, b, rule);
        });
      } else this.checkNumber(name, v, rule);
    }
    this.checkCombination(o);
  }

  private checkNumber(name: string, v: unknown, rule: OptionRule & { kind: 'number' }): void {
    const x = expectNumber(this.#name, name, v, true);
    const above = rule.max === undefined || (rule.maxOpen ? x < rule.max : x <= rule.max);
    if (x < rule.min || !above)
      throw new ArgumentError(
        `${this.#name}: ${name} must be in [${rule.min}, ${rule.max ?? 'Infinity'}${rule.maxOpen ? ')' : ']'}, got ${x}`,
      );
  }

  /** Rules between options (nesterov needs momentum…); throws an `ArgumentError`. */
  protected checkCombination(_options: O): void {}

  /**
   * Clears the gradient of every parameter: `grad = null` (a gradient `backward()` made is
   * disposed), or zeroed in place with `setToNone = false`, as `zero_grad`.
   * @example
   * const w = ones(2, { requiresGrad: true });
   * const opt = new optim.SGD([w]);
   * w.sum().backward();
   * opt.zeroGrad(false);
   * w.grad // → tensor([0., 0.])
   */
  zeroGrad(setToNone = true): void {
    expectBoolean(`${this.#name}.zeroGrad`, 'setToNone', setToNone);
    for (const g of this.paramGroups) clearGrads(g.params, setToNone);
  }

  /**
   * One update of every parameter that has a gradient (a parameter whose `grad` is null
   * is skipped, as PyTorch), in place and without recording gradients. Every option,
   * parameter and gradient is checked before the first parameter moves. A `closure` (as
   * torch's `step(closure)`) runs first, with gradients recorded, and its result is returned.
   * @example
   * const w = tensor([3], { dtype: 'float32', requiresGrad: true });
   * const opt = new optim.SGD([w], { lr: 0.25 });
   * w.square().sum().backward(); // grad 6
   * opt.step();
   * w.item() // → 1.5
   */
  step<T = undefined>(closure?: () => T): T | undefined {
    const op = `${this.#name}.step`;
    if (closure !== undefined && typeof closure !== 'function')
      throw new ArgumentError(`${op}: closure must be a function, got ${describeValue(closure)}`);
    const result = closure === undefined ? undefined : enableGrad(closure);
    for (const g of this.paramGroups) this.checkOptions(g, 'group');
    const params = this.paramGroups.flatMap((g) => g.params);
    params.forEach((p, i) => {
      p.live(op);
      const grad = p.grad;
      if (grad === null) return;
      if (hasInternalOverlap(p.shape, p.stride()))
        throw new ShapeError(
          `${op}: parameter ${i} (shape ${fmtShape(p.shape)}, strides ${fmtShape(p.stride())}) is an expanded view whose elements share memory; it cannot be updated in place`,
        );
      grad.live(op);
      if (grad.ndim !== p.ndim || grad.shape.some((s, d) => s !== p.shape[d]))
        throw new ShapeError(
          `${op}: parameter ${i} has shape ${fmtShape(p.shape)} but its grad ${fmtShape(grad.shape)}`,
        );
      if (grad.backend !== p.backend)
        throw new ArgumentError(
          `${op}: parameter ${i} lives on the ${p.backend.name} backend, its grad on ${grad.backend.name}`,
        );
    });
    noGrad(() => {
      for (const group of this.paramGroups)
        for (const p of group.params) {
          const grad = p.grad;
          if (grad !== null) this.updateParameter(group, p, grad);
        }
    });
    return result;
  }

  /** The update of one parameter, after `step` checked everything. */
  protected abstract updateParameter(group: O, p: Tensor, grad: Tensor): void;

  /**
   * Runs `kernel` on contiguous views of `p` and of its gradient in `p`'s dtype, copying
   * either when it is strided or cast (and writing `p` back), then marks `p` modified.
   */
  protected fused(p: Tensor, grad: Tensor, kernel: (param: View, grad: View) => void): void {
    const temps: Tensor[] = [];
    try {
      let g = grad;
      if (g.dtype !== p.dtype) {
        g = g.to(p.dtype);
        temps.push(g);
      }
      if (!g.isContiguous()) {
        g = g.clone();
        temps.push(g);
      }
      const target = p.isContiguous() ? p : p.clone();
      if (target !== p) temps.push(target);
      kernel(target.backendView, g.backendView);
      if (target !== p) p.backend.copy(target.backendView, p.backendView);
      // Autograd's saved copies of p are stale now, as after any in-place write.
      p.bumpVersion();
    } finally {
      disposeAll(temps);
    }
  }

  /** A new zero-filled state tensor shaped as `p`, kept out of every `tidy`. */
  protected stateLike(p: Tensor): Tensor {
    const t = emptyTensor(p.shape, p.dtype, p.backend);
    t.backend.array(t.backendView.storage).fill(0);
    return keep(t);
  }

  /**
   * Frees the optimizer's state tensors (momentum buffers, moments).
   * @example const opt = new optim.AdamW([ones(2, { requiresGrad: true })]); opt.dispose(); opt.state.size // → 0
   */
  dispose(): void {
    for (const s of this.state.values())
      for (const v of Object.values(s)) if (v instanceof Tensor) v.dispose();
    this.state.clear();
  }
}

/** The options object of an optimizer's constructor, checked for unknown keys. */
export function checkedOptions<O extends object>(
  name: string,
  options: Partial<O> | undefined,
  allowed: readonly string[],
): Partial<O> {
  return expectOptions(name, options, allowed, { weight_decay: 'weightDecay' });
}
