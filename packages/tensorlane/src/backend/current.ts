/** Which backend runs ops. The wasm backend is created lazily on first use. */
import type { Backend } from './backend.js';
import { createJsBackend } from './js/js-backend.js';
import { createWasmBackend } from './wasm/wasm-backend.js';

export type BackendName = 'wasm' | 'js';

let current: Backend | undefined;
const instances: Partial<Record<BackendName, Backend>> = {};

/** A backend by name, created once. */
export function backendNamed(name: BackendName): Backend {
  instances[name] ??= name === 'js' ? createJsBackend() : createWasmBackend();
  return instances[name];
}

/** The backend named `name` if it has been created (never creates it). */
export function createdBackend(name: BackendName): Backend | undefined {
  return instances[name];
}

/** The backend new tensors are created on (wasm unless `setBackend('js')` was called). */
export function currentBackend(): Backend {
  current ??= backendNamed('wasm');
  return current;
}

/** The current backend's name, without creating it (so it never triggers a wasm load). */
export function currentBackendName(): BackendName {
  return current?.name ?? 'wasm';
}

/** Switches the backend for tensors created from now on; existing tensors keep theirs. */
export function setBackend(name: BackendName): void {
  current = backendNamed(name);
}

/** Forgets the wasm backend instance, e.g. after `init` loaded a different build. */
export function resetWasmBackend(): void {
  if (current === instances.wasm) current = undefined;
  delete instances.wasm;
}
