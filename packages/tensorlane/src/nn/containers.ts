/**
 * `nn.ModuleList` and `nn.ModuleDict`: submodules held by index or by key, so a model like
 * nanoGPT's (`transformer = nn.ModuleDict(dict(wte=…, h=nn.ModuleList([Block() …])))`)
 * ports with the same structure and the same state-dict keys (`transformer.h.0.ln_1.weight`).
 */
import { describeValue, expectIterable } from '../argument-checks.js';
import { ArgumentError } from '../errors.js';
import { Module } from './module.js';

function expectModule(op: string, what: string, m: unknown): Module {
  if (!(m instanceof Module))
    throw new ArgumentError(`${op}: ${what} must be a Module, got ${describeValue(m)}`);
  return m;
}

/**
 * Submodules in a list, as `torch.nn.ModuleList`: registered under `'0'`, `'1'`, … (so
 * `h.0.weight` in a state dict), indexed with `list[i]` or `list.at(-1)`, iterable with
 * `for … of`. It has no `forward`: the model that holds it calls its modules.
 * @example
 * const layers = new nn.ModuleList([new nn.Linear(4, 4), new nn.Linear(4, 2)]);
 * layers.append(new nn.ReLU()).length // → 3
 * new nn.Sequential(...layers).forward(randn(3, 4)).shape // → [3, 2]
 * Object.keys(layers.stateDict()) // → ['0.weight', '0.bias', '1.weight', '1.bias']
 */
export class ModuleList<M extends Module = Module> extends Module {
  [index: number]: M;

  constructor(modules: Iterable<M> = []) {
    super();
    this.extend(modules);
  }

  /** How many modules. */
  get length(): number {
    return this.namedChildren().length;
  }

  /** Adds a module at the end; returns this list. */
  append(module: M): this {
    const i = this.length;
    this[i] = expectModule('nn.ModuleList.append', 'module', module) as M;
    return this;
  }

  /** Adds each module of `modules` at the end; returns this list. */
  extend(modules: Iterable<M>): this {
    // Checked as a whole first, so a bad element leaves the list as it was.
    const list = expectIterable('nn.ModuleList', 'modules', modules, 'Modules').map(
      (m, i) => expectModule('nn.ModuleList', `modules[${i}]`, m) as M,
    );
    for (const m of list) this.append(m);
    return this;
  }

  /**
   * The module at `index`, counting from the end when negative, as Python's `list[-1]`.
   * @example new nn.ModuleList([new nn.ReLU(), new nn.Tanh()]).at(-1).toString() // → 'Tanh()'
   */
  at(index: number): M {
    const n = this.length;
    if (!Number.isInteger(index) || index < -n || index >= n)
      throw new ArgumentError(
        `nn.ModuleList.at: index ${describeValue(index)} is out of range for ${n} modules`,
      );
    return this[index < 0 ? index + n : index]!;
  }

  *[Symbol.iterator](): IterableIterator<M> {
    for (const [, m] of this.namedChildren()) yield m as M;
  }
}

/** What a ModuleDict key may not be: a name its methods, or Module's, already use. */
function checkKey(op: string, dict: Module, key: string): void {
  if (typeof key !== 'string' || key === '' || key.includes('.'))
    throw new ArgumentError(
      `${op}: a key must be a non-empty string without '.', got ${describeValue(key)}`,
    );
  if (key in dict && !(dict[key as keyof Module] instanceof Module))
    throw new ArgumentError(`${op}: the key '${key}' is already an attribute of the ModuleDict`);
}

/**
 * Submodules by key, as `torch.nn.ModuleDict`: each is a field (`transformer.wte`) and a
 * state-dict prefix (`wte.weight`), in insertion order.
 * @example
 * const transformer = new nn.ModuleDict({ wte: new nn.Embedding(10, 4), ln_f: new nn.LayerNorm(4) });
 * transformer.wte.embeddingDim // → 4
 * Object.keys(transformer.stateDict()) // → ['wte.weight', 'ln_f.weight', 'ln_f.bias']
 * transformer.keys() // → ['wte', 'ln_f']
 */
class ModuleDictClass extends Module {
  constructor(modules: Readonly<Record<string, Module>> = {}) {
    super();
    if (modules === null || typeof modules !== 'object' || modules instanceof Module)
      throw new ArgumentError(
        `nn.ModuleDict: modules must be an object of Modules by key, got ${describeValue(modules)}`,
      );
    for (const [key, m] of Object.entries(modules)) {
      checkKey('nn.ModuleDict', this, key);
      expectModule('nn.ModuleDict', `modules['${key}']`, m);
    }
    for (const [key, m] of Object.entries(modules)) this.set(key, m);
  }

  /** Adds or replaces the module under `key`; returns this dict. */
  set(key: string, module: Module): this {
    checkKey('nn.ModuleDict.set', this, key);
    (this as Record<string, unknown>)[key] = expectModule('nn.ModuleDict.set', 'module', module);
    return this;
  }

  /** The module under `key`, or undefined. */
  get(key: string): Module | undefined {
    return this.namedChildren().find(([k]) => k === key)?.[1];
  }

  /** The keys, in insertion order. */
  keys(): string[] {
    return this.namedChildren().map(([k]) => k);
  }

  /** The modules, in insertion order. */
  values(): Module[] {
    return this.children();
  }

  /** `[key, module]` pairs, in insertion order. */
  items(): [string, Module][] {
    return this.namedChildren();
  }

  /** How many modules. */
  get size(): number {
    return this.namedChildren().length;
  }
}
Object.defineProperty(ModuleDictClass, 'name', { value: 'ModuleDict' });

/** A ModuleDict whose fields are the modules it was made with. */
export type ModuleDict<T extends Readonly<Record<string, Module>> = Record<string, Module>> =
  ModuleDictClass & T;

/** `nn.ModuleDict`, typed so that `new nn.ModuleDict({ wte })` has a `wte` field. */
export const ModuleDict = ModuleDictClass as unknown as new <
  T extends Readonly<Record<string, Module>> = Record<string, Module>,
>(
  modules?: T,
) => ModuleDict<T>;
