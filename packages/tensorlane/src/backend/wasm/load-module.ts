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
import {
  abiMismatches,
  isKernelExports,
  type KernelExports,
  type ThreadedKernelExports,
} from './abi.js';
import { detectWasmFeatures, type WasmFeatures } from './features.js';
import { importNodeBuiltins, needsBuiltinImport, nodeBuiltin } from './node-builtins.js';
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
/** Whether `loaded` is one of the package's own files (not a module, bytes or URL passed in). */
let loadedFromPackage = false;

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
  const fs = nodeBuiltin('node:fs');
  return fs ? new Uint8Array(fs.readFileSync(url)) : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** The build without its `-threads`. */
function singleThreadTwin(build: BuildName): BuildName {
  return build.replace('-threads', '') as BuildName;
}

/** The names of the features a `target_features` section (written by wasm-ld) says are used. */
function usedTargetFeatures(section: ArrayBuffer): Set<string> {
  const bytes = new Uint8Array(section);
  let at = 0;
  const leb = (): number => {
    let value = 0;
    for (let shift = 0; at < bytes.length; shift += 7) {
      const byte = bytes[at++]!;
      value |= (byte & 0x7f) << shift;
      if (byte < 0x80) break;
    }
    return value;
  };
  const used = new Set<string>();
  for (let n = leb(); n > 0 && at < bytes.length; n--) {
    const prefix = bytes[at++];
    const length = leb();
    const name = String.fromCharCode(...bytes.subarray(at, at + length));
    at += length;
    if (prefix === 0x2b) used.add(name); // '+'
  }
  return used;
}

/**
 * The build a compiled module is: the SIMD level from its `target_features` section, the
 * threads from its imported memory. Undefined without the section (a stripped module):
 * then the `simd` option is taken at its word.
 */
export function buildOfModule(module: WebAssembly.Module): BuildName | undefined {
  const [section] = WebAssembly.Module.customSections(module, 'target_features');
  if (!section) return undefined;
  const used = usedTargetFeatures(section);
  const level = used.has('relaxed-simd') ? 'relaxed' : used.has('simd128') ? 'simd128' : 'baseline';
  const threaded = WebAssembly.Module.imports(module).some((i) => i.kind === 'memory');
  return threaded && level !== 'baseline' ? `${level}-threads` : level;
}

/** The build of a module passed to `init({ wasm })`, which must agree with a `simd` given. */
function passedBuild(module: WebAssembly.Module, simd: SimdChoice): BuildName {
  const build = buildOfModule(module);
  if (build === undefined) {
    const claimed = pickSingleThreadBuild(simd, detectWasmFeatures());
    const threaded = WebAssembly.Module.imports(module).some((i) => i.kind === 'memory');
    return threaded && claimed !== 'baseline'
      ? (`${singleThreadTwin(claimed)}-threads` as BuildName)
      : claimed;
  }
  const level = singleThreadTwin(build);
  if (simd !== 'auto' && (simd === 'none' ? 'baseline' : simd) !== level)
    throw new InitError(
      `init: simd: '${simd}' was given but the module passed is the '${build}' build (its ` +
        'target_features section says so); leave `simd` out when passing `wasm` (the build ' +
        `is read from the module), or pass ${wasmFileName(simd === 'none' ? 'baseline' : simd)}`,
    );
  return build;
}

/** What `init({ threads })` asks of a passed module; `'build'`: as the module is built. */
type PassedThreads = ThreadsChoice | 'build';

/** The thread count a passed module of `build` runs with, or an InitError saying what to pass. */
function passedThreads(build: BuildName, choice: PassedThreads): number {
  const threaded = isThreaded(build);
  const single = wasmFileName(singleThreadTwin(build));
  if (threaded && !threadsSupported()) {
    const why =
      (globalThis as any).crossOriginIsolated === false
        ? 'this page is not cross-origin isolated: serve it with the headers ' +
          '`Cross-Origin-Opener-Policy: same-origin` and `Cross-Origin-Embedder-Policy: ' +
          'require-corp`'
        : 'this runtime has no SharedArrayBuffer or no workers';
    throw new InitError(
      `init: the module passed is the threaded '${build}' build, which needs shared memory, ` +
        `but ${why}; or pass the single-thread build ${single}`,
    );
  }
  if (choice === 'build') return threaded ? resolveThreads('auto') : 1;
  const n = resolveThreads(choice);
  if (threaded && n === 1)
    throw new InitError(
      `init: threads: ${choice} asks for one thread but the module passed is the threaded ` +
        `'${build}' build; pass the single-thread build ${single}, or threads: 2 or more`,
    );
  if (!threaded && n > 1 && build !== 'baseline')
    throw new InitError(
      `init: threads: ${choice} needs a threaded build but the module passed is the ` +
        `single-thread '${build}' build; pass ${wasmFileName(`${build}-threads` as BuildName)} ` +
        '(on a page, served with COOP/COEP headers), or threads: 1',
    );
  return threaded ? n : 1;
}

/** What to pass instead when the engine rejects a build. */
function engineHint(): string {
  const features = detectWasmFeatures();
  if (features.relaxedSimd) return 'pass the .wasm file shipped with this tensorlane version';
  return features.simd128
    ? 'this engine has no relaxed SIMD: pass tensorlane-simd128.wasm (or its -threads twin)'
    : 'this engine has no wasm SIMD: pass tensorlane-baseline.wasm';
}

/** Instantiates `module` as `build` (with shared memory and a pool for the threaded one). */
function instantiate(module: WebAssembly.Module, build: BuildName, threads: number): LoadedKernels {
  const threaded = isThreaded(build);
  let exports: Record<string, unknown>;
  let memory: WebAssembly.Memory | undefined;
  try {
    if (threaded) {
      memory = new WebAssembly.Memory({
        initial: THREADED_INITIAL_PAGES,
        maximum: THREADED_MAXIMUM_PAGES,
        shared: true,
      });
      // The memory is imported, not exported: put it where the backend looks for it.
      exports = { ...new WebAssembly.Instance(module, { env: { memory } }).exports, memory };
    } else exports = { ...new WebAssembly.Instance(module, {}).exports };
  } catch (error) {
    const imports = WebAssembly.Module.imports(module).map((i) => `${i.module}.${i.name}`);
    throw new InitError(
      `init: instantiating the module as the '${build}' build failed (${messageOf(error)}; ` +
        `it imports ${imports.length ? imports.join(', ') : 'nothing'}); ${engineHint()}`,
    );
  }
  // Only once the new module is instantiated and checked, end the old one's workers.
  if (memory) {
    if (!isKernelExports(exports, true)) throw abiError(build, exports, true);
    loaded?.pool?.shutdown();
    loaded = undefined;
    const guarded = guardTraps(exports, true);
    const pool = startThreadPool(module, memory, guarded, threads);
    loaded = {
      exports: guarded,
      build,
      features: detectWasmFeatures(),
      threads: pool.threads,
      pool,
    };
    return loaded;
  }
  if (!isKernelExports(exports, false)) throw abiError(build, exports, false);
  loaded?.pool?.shutdown();
  loaded = undefined;
  const guarded = guardTraps(exports, false);
  loaded = { exports: guarded, build, features: detectWasmFeatures(), threads: 1, pool: undefined };
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

/** Compiles bytes read from `from` (a URL, or 'the bytes passed'). */
async function compile(
  source: Uint8Array | ArrayBuffer,
  from: string,
): Promise<WebAssembly.Module> {
  try {
    return await WebAssembly.compile(source as Uint8Array<ArrayBuffer>);
  } catch (error) {
    throw new InitError(
      `init: the engine could not compile ${from} (${messageOf(error)}); ${engineHint()}`,
    );
  }
}

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];

/** Where to read about serving the files (the message of every failed fetch ends with it). */
const SERVE_HINT =
  "copy the package's wasm/ files there, or pass `init({ wasm })` the URL your bundler " +
  'gives (see docs/bundlers.md in the tensorlane repository)';

/** Fetches (once) and compiles the module at `url`; every failure is an InitError. */
async function compileUrl(url: URL): Promise<WebAssembly.Module> {
  const local = readFileSync(url);
  if (local) return compile(local, url.href);
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new InitError(
      `init: fetching ${url.href} failed (${messageOf(error)}); check that the URL is right ` +
        `and may be fetched from here (CORS), or ${SERVE_HINT}`,
    );
  }
  if (!response.ok)
    throw new InitError(
      `init: fetching ${url.href} failed: HTTP ${response.status}` +
        `${response.statusText ? ` ${response.statusText}` : ''}; the .wasm file is not served ` +
        `at that URL: ${SERVE_HINT}`,
    );
  const type = response.headers.get('content-type')?.split(';')[0]?.trim() ?? '';
  // Streaming needs the wasm MIME type; any other type compiles from the bytes of this
  // same response, so the file is fetched once either way.
  if (type === 'application/wasm' && typeof WebAssembly.compileStreaming === 'function') {
    try {
      return await WebAssembly.compileStreaming(response);
    } catch (error) {
      throw new InitError(
        `init: the engine could not compile ${url.href} (${messageOf(error)}); ${engineHint()}`,
      );
    }
  }
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (!WASM_MAGIC.every((b, i) => bytes[i] === b)) {
    const start = String.fromCharCode(...bytes.subarray(0, 24)).replace(/[^\x20-\x7e]/g, '.');
    throw new InitError(
      `init: ${url.href} is not a WebAssembly module (${type || 'no content-type'}, ` +
        `${bytes.length} bytes starting ${JSON.stringify(start)}): a server that answers ` +
        `unknown paths with a page does so for a missing file; ${SERVE_HINT}`,
    );
  }
  return compile(bytes, url.href);
}

/** The loaded kernels, loading the default build synchronously where the runtime allows. */
export function loadedKernels(): LoadedKernels {
  if (loaded) return loaded;
  const threads = resolveThreads('auto');
  const build = pickBuild('auto', detectWasmFeatures(), threads);
  const bytes = readFileSync(defaultUrl(build));
  if (!bytes)
    throw new InitError(
      needsBuiltinImport()
        ? 'tensorlane is not initialised: this Node has no process.getBuiltinModule (added ' +
            'in 20.16), so the first op cannot load the kernels by itself: call `await init()` ' +
            "once before it (or setBackend('js') to run without wasm)"
        : 'tensorlane is not initialised: call `await init()` before the first op in a browser ' +
            "(or setBackend('js') to run without wasm)",
    );
  const kernels = instantiate(
    new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>),
    build,
    threads,
  );
  loadedFromPackage = true;
  return kernels;
}

/** True once a build is instantiated. */
export function kernelsReady(): boolean {
  return loaded !== undefined;
}

/**
 * Loads (or reloads) a build. Without `wasm` (or with a folder URL, ending in `/`, that
 * holds copies of the package's files), the file of the build `simd` and `threads` pick;
 * with a module, its bytes or its URL, the build is read from it (`buildOfModule`), and
 * `simd` and `threads`, when given, must agree with it (`'build'`: as the module is).
 * Every failure is an InitError, and leaves the loaded build in place.
 */
export async function loadKernels(
  simd: SimdChoice = 'auto',
  wasm?: WasmSource,
  threadsChoice: PassedThreads = 1,
): Promise<LoadedKernels> {
  await importNodeBuiltins();
  let module: WebAssembly.Module;
  let build: BuildName;
  let threads: number;
  const url =
    typeof wasm === 'string' || wasm instanceof URL
      ? new URL(String(wasm), (globalThis as any).location?.href ?? MODULE_URL)
      : undefined;
  const folder = url?.pathname.endsWith('/') ? url : undefined;
  if (wasm === undefined || folder) {
    // The package's own files, or a folder holding copies of them: pick as usual.
    threads = resolveThreads(threadsChoice === 'build' ? 'auto' : threadsChoice);
    build = pickBuild(simd, detectWasmFeatures(), threads);
    if (wasm === undefined && reusable(build, threads)) return loaded as LoadedKernels;
    module = await compileUrl(folder ? new URL(wasmFileName(build), folder) : defaultUrl(build));
  } else {
    if (wasm instanceof WebAssembly.Module) module = wasm;
    else if (url) module = await compileUrl(url);
    else module = await compile(wasm as Uint8Array, 'the bytes passed as `wasm`');
    build = passedBuild(module, simd);
    threads = passedThreads(build, threadsChoice);
  }
  const kernels = instantiate(module, build, threads);
  loadedFromPackage = wasm === undefined;
  await kernels.pool?.ready;
  return kernels;
}

/**
 * Whether the loaded kernels are already what a load of the package's `build` on `threads`
 * threads would give: then they stay, with their memory (every live tensor) and their
 * workers. Starting workers is the dear part of a load (a new thread and an instance each,
 * tens of milliseconds); code that re-inits between tasks, as the test matrix does after
 * every test, paid it each time. A pool whose worker died is replaced.
 */
function reusable(build: BuildName, threads: number): boolean {
  if (!loaded || !loadedFromPackage || loaded.build !== build || loaded.threads !== threads)
    return false;
  const pooled = loaded.exports as Partial<ThreadedKernelExports>;
  return loaded.pool === undefined || pooled.tl_pool_failed?.() === 0;
}

/** Ends the worker threads, if any; later ops run on the calling thread. */
export function shutdownThreads(): void {
  if (!loaded?.pool) return;
  loaded.pool.shutdown();
  loaded = { ...loaded, threads: 1, pool: undefined };
}
