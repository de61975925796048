/** Startup: `init()` picks and loads a wasm build; `backendInfo()` says what runs. */
import {
  type BackendName,
  currentBackendName,
  resetWasmBackend,
  setBackend,
} from './backend/current.js';
import { detectWasmFeatures, type WasmFeatures } from './wasm-features.js';
import {
  type BuildName,
  kernelsReady,
  loadedKernels,
  loadKernels,
  type SimdChoice,
  type WasmSource,
} from './wasm-module.js';

export interface InitOptions {
  /** Force a build: `'relaxed'`, `'simd128'`, `'none'` (baseline) or `'auto'` (default). */
  simd?: SimdChoice;
  /** Where to load the module from (URL, bytes or compiled module), for bundlers and CDNs. */
  wasm?: WasmSource;
  /** The backend to make current (default `'wasm'`). */
  backend?: BackendName;
}

export interface BackendInfo {
  backend: BackendName;
  /** The wasm build loaded, or null if none is. */
  build: BuildName | null;
  features: WasmFeatures;
  threads: number;
}

/**
 * Loads the wasm kernels. Required in browsers before the first op; optional in Node, Deno
 * and Bun, where the first op loads the best build synchronously.
 * @example await init(); await init({ simd: 'simd128' });
 */
export async function init(options: InitOptions = {}): Promise<BackendInfo> {
  if (options.backend !== 'js') {
    const reload = !kernelsReady() || options.simd !== undefined || options.wasm !== undefined;
    if (reload) {
      await loadKernels(options.simd ?? 'auto', options.wasm);
      resetWasmBackend();
    }
  }
  setBackend(options.backend ?? 'wasm');
  return backendInfo();
}

/** Which backend and build run ops, and what the engine supports. Never loads anything. */
export function backendInfo(): BackendInfo {
  return {
    backend: currentBackendName(),
    build: kernelsReady() ? loadedKernels().build : null,
    features: detectWasmFeatures(),
    threads: 1,
  };
}
