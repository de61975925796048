/** Startup: `init()` picks and loads a wasm build; `backendInfo()` says what runs. */
import {
  type BackendName,
  currentBackendName,
  resetWasmBackend,
  setBackend,
} from './backend/current.js';
import { detectWasmFeatures, type WasmFeatures } from './backend/wasm/features.js';
import {
  type BuildName,
  kernelsReady,
  loadedKernels,
  loadKernels,
  type SimdChoice,
  shutdownThreads,
  type ThreadsChoice,
  type WasmSource,
} from './backend/wasm/load-module.js';

export interface InitOptions {
  /** Force a build: `'relaxed'`, `'simd128'`, `'none'` (baseline) or `'auto'` (default). */
  simd?: SimdChoice;
  /** Where to load the module from (URL, bytes or compiled module), for bundlers and CDNs. */
  wasm?: WasmSource;
  /** The backend to make current (default `'wasm'`). */
  backend?: BackendName;
  /**
   * Threads for the kernels (default `'auto'`: every core; 1 when `wasm` is given). Above 1
   * this loads the threaded twin of the SIMD build (`relaxed-threads`, `simd128-threads`)
   * where SharedArrayBuffer and workers exist (Node, Deno, Bun, cross-origin-isolated
   * pages); elsewhere, and for the baseline build, it is one thread, without an error.
   */
  threads?: ThreadsChoice;
}

export interface BackendInfo {
  backend: BackendName;
  /** The wasm build loaded, or null if none is. */
  build: BuildName | null;
  features: WasmFeatures;
  /** Threads the kernels split large ops over (1 without a pool). */
  threads: number;
}

/**
 * Loads the wasm kernels. Required in browsers before the first op; optional in Node, Deno
 * and Bun, where the first op loads the best build synchronously.
 * @example await init(); await init({ simd: 'simd128' });
 */
export async function init(options: InitOptions = {}): Promise<BackendInfo> {
  if (options.backend !== 'js') {
    const reload =
      !kernelsReady() ||
      options.simd !== undefined ||
      options.wasm !== undefined ||
      options.threads !== undefined;
    if (reload) {
      // A module passed in is the build `simd` names: single-threaded unless asked otherwise.
      const threads = options.threads ?? (options.wasm !== undefined ? 1 : 'auto');
      await loadKernels(options.simd ?? 'auto', options.wasm, threads);
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
    threads: kernelsReady() ? loadedKernels().threads : 1,
  };
}

/**
 * Ends the kernel worker threads (later ops run on the calling thread). Node, Bun and
 * Deno scripts exit without it; call it to free the threads early.
 * @example await init({ threads: 2 }); matmul(randn(512, 512), randn(512, 512)); shutdown();
 */
export function shutdown(): void {
  shutdownThreads();
}
