/**
 * Finds, compiles and instantiates one of the five kernel builds.
 *
 * In Node, Deno and Bun the `.wasm` file next to the bundle is read synchronously, so the
 * first op can initialise on demand. Browsers must `await init()` (streaming compile).
 * The threaded builds (`relaxed-threads`, `simd128-threads`) import a shared memory created
 * here and get a worker pool (`thread-pool.ts`); one is chosen wherever SIMD,
 * SharedArrayBuffer and workers exist and more than one thread is asked for (the default
 * asks for every core).
 */
import { InitError } from '../../errors.js';
import { MODULE_URL, packageWasmUrl } from '../../package-url.js';
import { abiMismatches, isKernelExports, type KernelExports } from './abi.js';
import { detectWasmFeatures, type WasmFeatures } from './features.js';
import {
  availableCores,
  startThreadPool,
  type ThreadPool,
  threadsSupported,
} from './thread-pool.js';
import { guardTraps } from './trap-recovery.js';

export type BuildName = 'relaxed' | 'relaxed-threads' | 'simd128' | 'simd128-threads' | 'baseline';
/** What `init({ threads })` accepts: a count (1 = no workers) or every core. */
export type ThreadsChoice = number | 'auto';
/** What `init({ simd })` accepts: a build, or `'none'` for the baseline build. */
export type SimdChoice = 'relaxed' | 'simd128' | 'none' | 'auto';
/** Where the module comes from: a URL, its bytes, or an already compiled module. */
export type WasmSource = string | URL | ArrayBuffer | Uint8Array | WebAssembly.Module;

export interface LoadedKernels {
  readonly exports: KernelExports;
  readonly build: BuildName;
  readonly features: WasmFeatures;
  /** Threads the kernels split work over (1 without a pool). */
  readonly threads: number;
  readonly pool: ThreadPool | undefined;
}

let loaded: LoadedKernels | undefined;

/** The threaded build's memory starts at its linked size (`--initial-memory` in build-wasm). */
const THREADED_INITIAL_PAGES = 64;
/** wasm32's whole 4 GiB, as for the other builds (`--max-memory` in build-wasm). */
const THREADED_MAXIMUM_PAGES = 65536;

/** The thread count `choice` resolves to here: 1 where threads cannot run, silently. */
export function resolveThreads(choice: ThreadsChoice = 'auto'): number {
  if (!threadsSupported()) return 1;
  const n = choice === 'auto' ? availableCores() : Math.floor(choice);
  if (!Number.isFinite(n) || n < 1)
    throw new InitError(`init: threads must be a positive integer or 'auto', got ${choice}`);
  return Math.min(n, 64);
}

/**
 * The best build the engine validates, or the forced one (which must validate); the
 * relaxed and simd128 builds become their `-threads` twins when more than one thread is
 * asked for.
 */
export function pickBuild(
  choice: SimdChoice = 'auto',
  features = detectWasmFeatures(),
  threads = 1,
): BuildName {
  const build = pickSingleThreadBuild(choice, features);
  if (threads <= 1 || build === 'baseline') return build;
  return build === 'relaxed' ? 'relaxed-threads' : 'simd128-threads';
}

function pickSingleThreadBuild(choice: SimdChoice, features: WasmFeatures): BuildName {
  if (choice === 'none') return 'baseline';
  if (choice === 'relaxed' && !features.relaxedSimd)
    throw new InitError(
      "init: simd 'relaxed' was requested but this engine does not validate relaxed-simd " +
        '(Node 20 needs --experimental-wasm-relaxed-simd)',
    );
  if (choice === 'simd128' && !features.simd128)
    throw new InitError("init: simd 'simd128' was requested but this engine has no wasm SIMD");
  if (choice !== 'auto') return choice;
  if (features.relaxedSimd) return 'relaxed';
  return features.simd128 ? 'simd128' : 'baseline';
}

/** Whether a build is one of the threaded twins (shared memory, a worker pool). */
export function isThreaded(build: BuildName): boolean {
  return build.endsWith('-threads');
}

/** The file name of a build inside the package's `wasm/` folder. */
export function wasmFileName(build: BuildName): string {
  return `tensorlane-${build}.wasm`;
}

function defaultUrl(build: BuildName): URL {
  return packageWasmUrl(wasmFileName(build));
}

function readFileSync(url: URL): Uint8Array | undefined {
  const g = globalThis as any;
  if (url.protocol !== 'file:') return undefined;
  if (g.Deno?.readFileSync) return g.Deno.readFileSync(url);
  const fs = g.process?.getBuiltinModule?.('node:fs');
  return fs ? new Uint8Array(fs.readFileSync(url)) : undefined;
}

/** Instantiates `module` as `build` (with shared memory and a pool for the threaded one). */
function instantiate(module: WebAssembly.Module, build: BuildName, threads: number): LoadedKernels {
  loaded?.pool?.shutdown();
  loaded = undefined;
  if (!isThreaded(build)) {
    const exports = { ...new WebAssembly.Instance(module, {}).exports };
    if (!isKernelExports(exports, false)) throw abiError(build, exports, false);
    loaded = {
      exports: guardTraps(exports, false),
      build,
      features: detectWasmFeatures(),
      threads: 1,
      pool: undefined,
    };
    return loaded;
  }
  const memory = new WebAssembly.Memory({
    initial: THREADED_INITIAL_PAGES,
    maximum: THREADED_MAXIMUM_PAGES,
    shared: true,
  });
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  // The memory is imported, not exported: put it where the backend looks for it.
  const exports = { ...instance.exports, memory };
  if (!isKernelExports(exports, true)) throw abiError(build, exports, true);
  const guarded = guardTraps(exports, true);
  const pool = startThreadPool(module, memory, guarded, threads);
  loaded = { exports: guarded, build, features: detectWasmFeatures(), threads: pool.threads, pool };
  return loaded;
}

/** The error for a module whose exports are not this package's kernel ABI. */
function abiError(
  build: BuildName,
  exports: Record<string, unknown>,
  threaded: boolean,
): InitError {
  const problems = abiMismatches(exports, threaded);
  return new InitError(
    `init: the module given as the '${build}' build is not this version's kernel module ` +
      `(${problems.slice(0, 3).join('; ')}${problems.length > 3 ? '; …' : ''}); ` +
      'pass the .wasm file shipped with this tensorlane version',
  );
}

async function compile(source: Uint8Array | ArrayBuffer): Promise<WebAssembly.Module> {
  return WebAssembly.compile(source as Uint8Array<ArrayBuffer>);
}

/** The loaded kernels, loading the default build synchronously where the runtime allows. */
export function loadedKernels(): LoadedKernels {
  if (loaded) return loaded;
  const threads = resolveThreads('auto');
  const build = pickBuild('auto', detectWasmFeatures(), threads);
  const bytes = readFileSync(defaultUrl(build));
  if (!bytes)
    throw new InitError(
      'tensorlane is not initialised: call `await init()` before the first op in a browser ' +
        "(or setBackend('js') to run without wasm)",
    );
  return instantiate(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>), build, threads);
}

/** True once a build is instantiated. */
export function kernelsReady(): boolean {
  return loaded !== undefined;
}

/**
 * Loads (or reloads) a build. A given `wasm` source must match the chosen build. With
 * `threads` above 1 (where threads can run) it loads the chosen build's threaded twin.
 */
export async function loadKernels(
  simd: SimdChoice = 'auto',
  wasm?: WasmSource,
  threadsChoice: ThreadsChoice = 1,
): Promise<LoadedKernels> {
  const threads = resolveThreads(threadsChoice);
  const build = pickBuild(simd, detectWasmFeatures(), threads);
  const done = async (module: WebAssembly.Module) => {
    const kernels = instantiate(module, build, threads);
    await kernels.pool?.ready;
    return kernels;
  };
  const source = wasm ?? defaultUrl(build);
  if (source instanceof WebAssembly.Module) return done(source);
  if (source instanceof ArrayBuffer || source instanceof Uint8Array)
    return done(await compile(source));
  const url = new URL(String(source), (globalThis as any).location?.href ?? MODULE_URL);
  const local = readFileSync(url);
  if (local) return done(await compile(local));
  const response = fetch(url);
  const module =
    typeof WebAssembly.compileStreaming === 'function'
      ? await WebAssembly.compileStreaming(response).catch(async () =>
          compile(await (await fetch(url)).arrayBuffer()),
        )
      : await compile(await (await response).arrayBuffer());
  return done(module);
}

/** Ends the worker threads, if any; later ops run on the calling thread. */
export function shutdownThreads(): void {
  if (!loaded?.pool) return;
  loaded.pool.shutdown();
  loaded = { ...loaded, threads: 1, pool: undefined };
}
