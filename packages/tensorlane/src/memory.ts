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

/** What `tidy` and `keep` need from a tensor. */
export interface Scoped {
  dispose(): void;
}

// The held value is the StorageRef, never the tensor, so the registry keeps nothing alive.
const registry = new FinalizationRegistry<StorageRef>((ref) => {
  liveTensors--;
  ref.release();
});

const tracked = new WeakSet<object>();
const kept = new WeakSet<object>();
/** Tensors in the registry (made outside every scope, or that left the last one). */
const registered = new WeakSet<object>();

/** A tidy scope: its tensors, and the storage each holds (for registering one that leaves). */
interface Scope {
  readonly tensors: Scoped[];
  readonly refs: StorageRef[];
}
const scopes: Scope[] = [];

function register(tensor: Scoped, ref: StorageRef): void {
  if (registered.has(tensor)) return;
  registered.add(tensor);
  registry.register(tensor, ref, tensor);
}

/**
 * Registers a new tensor: takes a storage reference and joins the innermost tidy scope.
 * A tensor made inside a scope is disposed when the scope ends unless it is returned or
 * kept, so it joins the FinalizationRegistry (costly on the per-op path) only then.
 */
export function track(tensor: Scoped, ref: StorageRef): void {
  ref.retain();
  liveTensors++;
  tracked.add(tensor);
  const scope = scopes[scopes.length - 1];
  if (scope) {
    scope.tensors.push(tensor);
    scope.refs.push(ref);
  } else register(tensor, ref);
}

/** Unregisters a disposed tensor and drops its storage reference. */
export function untrack(tensor: Scoped, ref: StorageRef): void {
  if (registered.delete(tensor)) registry.unregister(tensor);
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
    for (const t of scope.tensors) if (!kept.has(t)) t.dispose();
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
    } else if (!kept.has(t)) t.dispose();
  });
  return result;
}

function collectTensors(x: unknown, into: Set<object>, seen: Set<object>): void {
  if (x === null || typeof x !== 'object' || seen.has(x)) return;
  seen.add(x);
  if (tracked.has(x)) {
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
  if (!tracked.has(tensor as object))
    throw new ArgumentError(`keep: expects a tensor, got ${typeof tensor}`);
  kept.add(tensor);
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
