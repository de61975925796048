/**
 * Tensor memory: storages are refcounted (every tensor, view or not, holds one reference),
 * freed by `dispose()`, `[Symbol.dispose]`, `tidy` scopes, or — as a backstop — a
 * FinalizationRegistry when a tensor becomes unreachable. `memory()` reports what is live.
 */

import type { Storage } from './backend/backend.js';
import { createdBackend } from './backend/current.js';
import { BYTES_OF } from './dtype.js';
import { ArgumentError } from './errors.js';

let liveTensors = 0;
let liveBytes = 0;

/** A storage plus the number of live tensors that use it; the last release frees it. */
export class StorageRef {
  private refs = 0;
  readonly bytes: number;
  constructor(readonly storage: Storage) {
    this.bytes = storage.length * BYTES_OF[storage.dtype];
    liveBytes += this.bytes;
  }
  /** Bumped by every in-place write, so autograd can tell a saved tensor was modified. */
  version = 0;
  retain(): void {
    this.refs++;
  }
  release(): void {
    if (--this.refs > 0) return;
    liveBytes -= this.bytes;
    this.storage.backend.free(this.storage);
  }
}

/** Bits of a tensor's memory state. */
const REGISTERED = 1;
const KEPT = 2;
/** Made outside every scope and waiting in `pending` to join the registry. */
const PENDING = 4;

// Set by `Scoped`'s static block: the only code that reads its private state.
let isScoped: (x: object) => x is Scoped;
let hasBit: (t: Scoped, bit: number) => boolean;
let setBit: (t: Scoped, bit: number, on: boolean) => void;

/**
 * What `tidy`, `keep` and the registry need from a tensor; `Tensor` extends it. The
 * bookkeeping is a private field, not WeakSets of tensors: a WeakSet insertion costs as
 * much as the rest of a small op.
 */
export abstract class Scoped {
  #memoryState = 0;
  abstract dispose(): void;

  static {
    isScoped = (x): x is Scoped => #memoryState in x;
    hasBit = (t, bit) => (t.#memoryState & bit) !== 0;
    setBit = (t, bit, on) => {
      t.#memoryState = on ? t.#memoryState | bit : t.#memoryState & ~bit;
    };
  }
}

// The held value is the StorageRef, never the tensor, so the registry keeps nothing alive.
const registry = new FinalizationRegistry<StorageRef>((ref) => {
  liveTensors--;
  ref.release();
});

/** A tidy scope: its tensors, and the storage each holds (for registering one that leaves). */
interface Scope {
  readonly tensors: Scoped[];
  readonly refs: StorageRef[];
}
const scopes: Scope[] = [];

function register(tensor: Scoped, ref: StorageRef): void {
  setBit(tensor, PENDING, false);
  if (hasBit(tensor, REGISTERED)) return;
  setBit(tensor, REGISTERED, true);
  registry.register(tensor, ref, tensor);
}

/**
 * Tensors made outside every scope join the registry in batches, in a microtask after the
 * synchronous code that made them or when this many wait: most per-op results are disposed
 * first, and then never pay for a registration and its removal. The registry could not
 * free anything sooner anyway (finalizers run between tasks).
 */
const PENDING_MAX = 256;
const pending: Scoped[] = [];
const pendingRefs: StorageRef[] = [];
let flushQueued = false;

function flushPending(): void {
  flushQueued = false;
  for (let i = 0; i < pending.length; i++) {
    const t = pending[i]!;
    if (hasBit(t, PENDING)) register(t, pendingRefs[i]!);
  }
  pending.length = 0;
  pendingRefs.length = 0;
}

function registerSoon(tensor: Scoped, ref: StorageRef): void {
  setBit(tensor, PENDING, true);
  pending.push(tensor);
  pendingRefs.push(ref);
  if (pending.length >= PENDING_MAX) flushPending();
  else if (!flushQueued) {
    flushQueued = true;
    Promise.resolve().then(flushPending);
  }
}

/**
 * Registers a new tensor: takes a storage reference and joins the innermost tidy scope.
 * A tensor made inside a scope is disposed when the scope ends unless it is returned or
 * kept, so it joins the FinalizationRegistry (costly on the per-op path) only then.
 */
export function track(tensor: Scoped, ref: StorageRef): void {
  ref.retain();
  liveTensors++;
  const scope = scopes[scopes.length - 1];
  if (scope) {
    scope.tensors.push(tensor);
    scope.refs.push(ref);
  } else registerSoon(tensor, ref);
}

/** Unregisters a disposed tensor and drops its storage reference. */
export function untrack(tensor: Scoped, ref: StorageRef): void {
  setBit(tensor, PENDING, false);
  if (hasBit(tensor, REGISTERED)) {
    setBit(tensor, REGISTERED, false);
    registry.unregister(tensor);
  }
  liveTensors--;
  ref.release();
}

/**
 * Runs `fn` and disposes every tensor created inside it except those it returns (directly
 * or inside arrays and plain objects) and those passed to `keep`. Scopes nest: returned
 * tensors join the enclosing scope. If `fn` throws, its tensors are disposed too.
 * @example const y = tidy(() => x.mul(2).add(1)); // the intermediate x.mul(2) is freed
 */
export function tidy<T>(fn: () => T): T {
  if (typeof fn !== 'function')
    throw new ArgumentError(`tidy: fn must be a function, got ${typeof fn}`);
  const scope: Scope = { tensors: [], refs: [] };
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    scopes.pop();
    for (const t of scope.tensors) if (!hasBit(t, KEPT)) t.dispose();
    throw e;
  }
  scopes.pop();
  if (result instanceof Promise) {
    // Left alive as before the scope existed: only dispose() or the registry frees them.
    scope.tensors.forEach((t, i) => {
      register(t, scope.refs[i]!);
    });
    throw new ArgumentError('tidy: fn returned a Promise; tidy scopes only synchronous code');
  }
  const returned = new Set<object>();
  collectTensors(result, returned, new Set());
  const parent = scopes[scopes.length - 1];
  scope.tensors.forEach((t, i) => {
    if (returned.has(t)) {
      if (!parent) register(t, scope.refs[i]!);
      else {
        parent.tensors.push(t);
        parent.refs.push(scope.refs[i]!);
      }
    } else if (!hasBit(t, KEPT)) t.dispose();
  });
  return result;
}

function collectTensors(x: unknown, into: Set<object>, seen: Set<object>): void {
  if (x === null || typeof x !== 'object' || seen.has(x)) return;
  seen.add(x);
  if (isScoped(x)) {
    into.add(x);
    return;
  }
  if (Array.isArray(x)) for (const v of x) collectTensors(v, into, seen);
  else if (Object.getPrototypeOf(x) === Object.prototype)
    for (const v of Object.values(x)) collectTensors(v, into, seen);
}

/**
 * Internal: runs `fn` with its new tensors outside every `tidy` scope — for handles the
 * autograd graph saves and for `.grad` tensors, which must outlive the scope of the op or
 * the `backward()` call that made them.
 */
export function outsideTidy<T>(fn: () => T): T {
  const saved = scopes.splice(0, scopes.length);
  try {
    return fn();
  } finally {
    scopes.push(...saved);
  }
}

/**
 * Exempts a tensor from every enclosing (and future) `tidy` cleanup; `dispose()` still frees it.
 * @example tidy(() => { cache = keep(x.mul(2)); });
 */
export function keep<T extends Scoped>(tensor: T): T {
  if (tensor === null || typeof tensor !== 'object' || !isScoped(tensor))
    throw new ArgumentError(`keep: expects a tensor, got ${typeof tensor}`);
  setBit(tensor, KEPT, true);
  // A kept tensor outlives its scopes: from now on only dispose() or the registry frees it.
  for (const scope of scopes) {
    const i = scope.tensors.indexOf(tensor);
    if (i >= 0) register(tensor, scope.refs[i]!);
  }
  return tensor;
}

/** Live tensor handles, bytes of live storage, and the size of the wasm heap. */
export interface MemoryInfo {
  /** Tensors created and not yet disposed or collected (views count separately). */
  tensors: number;
  /** Bytes held by live storages (views share their storage's bytes). */
  bytes: number;
  /** Size of the wasm linear memory, which never shrinks (0 before the wasm backend is used). */
  heapBytes: number;
}

/**
 * A snapshot of live memory.
 * @example const before = memory().bytes; x.dispose(); memory().bytes < before; // → true
 */
export function memory(): MemoryInfo {
  return {
    tensors: liveTensors,
    bytes: liveBytes,
    heapBytes: createdBackend('wasm')?.heapBytes() ?? 0,
  };
}
