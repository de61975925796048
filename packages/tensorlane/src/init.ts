/**
 * Startup: `init()` picks and loads a wasm build; `backendInfo()` says what runs.
 *
 * The rule for its errors: an option of the wrong kind or value (a typo, an unknown key,
 * `threads: 0`) is an `ArgumentError`, thrown before anything loads, as for every other
 * public function; an `InitError` means the options were fine but the module could not be
 * fetched, compiled or instantiated as asked (its message says what to pass or serve).
 */
import { describeValue, expectOneOf, expectOptions } from './argument-checks.js';
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
import { ArgumentError } from './errors.js';

export interface InitOptions {
  /**
   * Force a build: `'relaxed'`, `'simd128'`, `'none'` (baseline) or `'auto'` (default).
   * With `wasm` it may be left out: the build is read from the module, and must agree.
   */
  simd?: SimdChoice;
  /**
   * Where to load the module from, for bundlers and CDNs: a URL, bytes or a compiled
   * module of one build, or the URL of a folder (ending in `/`) holding the package's
   * `.wasm` files, from which the build is picked as without `wasm`. A relative URL
   * resolves against the page in a browser, else against this module.
   */
  wasm?: WasmSource;
  /** The backend to make current (default `'wasm'`). */
  backend?: BackendName;
  /**
   * Threads for the kernels (default `'auto'`: every core; 1 when `wasm` is given). Above 1
   * this loads the threaded twin of the SIMD build (`relaxed-threads`, `simd128-threads`)
   * where SharedArrayBuffer and workers exist (Node, Deno, Bun, cross-origin-isolated
   * pages); elsewhere, and for the baseline build, it is one thread, without an error.
   * With `wasm`, the default follows the module: every core for a threaded build, else 1.
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
 * Loads the wasm kernels. Required in browsers (and Node 20.0–20.15) before the first op;
 * optional in Node ≥ 20.16, Deno and Bun, where the first op loads the best build
 * synchronously. Bad options are an `ArgumentError`; a module that cannot be loaded as
 * asked is an `InitError` saying why, and the build loaded before stays. Called again with
 * options that pick the package build already loaded, on as many threads, it keeps that
 * module, its tensors and its worker threads (a pool whose worker died is started anew).
 * @example await init(); await init({ simd: 'simd128' });
 */
export async function init(options?: InitOptions): Promise<BackendInfo> {
  const { simd, wasm, backend, threads } = checkInitOptions(options);
  if (backend !== 'js') {
    const reload =
      !kernelsReady() || simd !== undefined || wasm !== undefined || threads !== undefined;
    // A module passed in runs as the build it is; without `threads`, as that build threads.
    if (reload) {
      const before = kernelsReady() ? loadedKernels() : undefined;
      const after = await loadKernels(
        simd ?? 'auto',
        wasm,
        threads ?? (wasm !== undefined ? 'build' : 'auto'),
      );
      // Options naming the build already loaded keep it (and its tensors and workers).
      if (after !== before) resetWasmBackend();
    }
  }
  setBackend(backend ?? 'wasm');
  return backendInfo();
}

const SIMD_CHOICES: readonly SimdChoice[] = ['auto', 'relaxed', 'simd128', 'none'];
const BACKENDS: readonly BackendName[] = ['wasm', 'js'];

/** `options` with each field checked (an `ArgumentError` naming the first bad one). */
function checkInitOptions(options: InitOptions | undefined): InitOptions {
  const o = expectOptions('init', options, ['simd', 'wasm', 'backend', 'threads']);
  if (o.simd !== undefined) expectOneOf('init', 'simd', o.simd, SIMD_CHOICES);
  if (o.backend !== undefined) expectOneOf('init', 'backend', o.backend, BACKENDS);
  const t: unknown = o.threads;
  if (t !== undefined && t !== 'auto' && !(typeof t === 'number' && Number.isInteger(t) && t >= 1))
    throw new ArgumentError(
      `init: threads must be an integer ≥ 1 or 'auto', got ${describeValue(t)}`,
    );
  const w = o.wasm;
  if (
    w !== undefined &&
    !(
      typeof w === 'string' ||
      w instanceof URL ||
      w instanceof ArrayBuffer ||
      w instanceof Uint8Array ||
      w instanceof WebAssembly.Module
    )
  )
    throw new ArgumentError(
      'init: wasm must be a URL, a string, an ArrayBuffer, a Uint8Array or a ' +
        `WebAssembly.Module, got ${describeValue(w)}`,
    );
  return o;
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
