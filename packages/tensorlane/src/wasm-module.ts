/**
 * Finds, compiles and instantiates one of the three kernel builds.
 *
 * In Node, Deno and Bun the `.wasm` file next to the bundle is read synchronously, so the
 * first op can initialise on demand. Browsers must `await init()` (streaming compile).
 */
import { InitError } from './errors.js';
import { detectWasmFeatures, type WasmFeatures } from './wasm-features.js';

export type BuildName = 'relaxed' | 'simd128' | 'baseline';
/** What `init({ simd })` accepts: a build, or `'none'` for the baseline build. */
export type SimdChoice = 'relaxed' | 'simd128' | 'none' | 'auto';
/** Where the module comes from: a URL, its bytes, or an already compiled module. */
export type WasmSource = string | URL | ArrayBuffer | Uint8Array | WebAssembly.Module;

/** The kernel crate's exports, as declared in `crates/kernels/src/lib.rs`. */
export interface KernelExports {
  readonly memory: WebAssembly.Memory;
  tl_alloc(bytes: number): number;
  tl_free(ptr: number, bytes: number): void;
  add_f32(a: number, b: number, out: number, n: number): void;
  // Strided elementwise/unary/reduce/copy kernels: `dims` points at i32 shape + strides;
  // each returns 0 when it has no kernel for the op (the caller then falls back to js).
  binary_f32(op: number, ndim: number, dims: number, a: number, b: number, out: number): number;
  compare_f32(op: number, ndim: number, dims: number, a: number, b: number, out: number): number;
  binary_i32(op: number, ndim: number, dims: number, a: number, b: number, out: number): number;
  compare_i32(op: number, ndim: number, dims: number, a: number, b: number, out: number): number;
  unary_f32(
    op: number,
    ndim: number,
    dims: number,
    a: number,
    out: number,
    lo: number,
    hi: number,
  ): number;
  reduce_f32(op: number, nkept: number, nred: number, dims: number, a: number, out: number): number;
  copy_cast(from: number, to: number, ndim: number, dims: number, a: number, out: number): number;
  readonly [name: string]: unknown;
}

export interface LoadedKernels {
  readonly exports: KernelExports;
  readonly build: BuildName;
  readonly features: WasmFeatures;
}

let loaded: LoadedKernels | undefined;

/** The best build the engine validates, or the forced one (which must validate). */
export function pickBuild(choice: SimdChoice = 'auto', features = detectWasmFeatures()): BuildName {
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

/** The file name of a build inside the package's `wasm/` folder. */
export function wasmFileName(build: BuildName): string {
  return `tensorlane-${build}.wasm`;
}

function defaultUrl(build: BuildName): URL {
  // This module is bundled into dist/*.js and run from src/*.ts in tests: both sit one
  // level below the package root, beside `wasm/`.
  return new URL(`../wasm/${wasmFileName(build)}`, import.meta.url);
}

function readFileSync(url: URL): Uint8Array | undefined {
  const g = globalThis as any;
  if (url.protocol !== 'file:') return undefined;
  if (g.Deno?.readFileSync) return g.Deno.readFileSync(url);
  const fs = g.process?.getBuiltinModule?.('node:fs');
  return fs ? new Uint8Array(fs.readFileSync(url)) : undefined;
}

function instantiateSync(module: WebAssembly.Module): KernelExports {
  return new WebAssembly.Instance(module, {}).exports as unknown as KernelExports;
}

function remember(exports: KernelExports, build: BuildName): LoadedKernels {
  loaded = { exports, build, features: detectWasmFeatures() };
  return loaded;
}

/** The loaded kernels, loading the default build synchronously where the runtime allows. */
export function loadedKernels(): LoadedKernels {
  if (loaded) return loaded;
  const build = pickBuild();
  const bytes = readFileSync(defaultUrl(build));
  if (!bytes)
    throw new InitError(
      'tensorlane is not initialised: call `await init()` before the first op in a browser ' +
        "(or setBackend('js') to run without wasm)",
    );
  return remember(instantiateSync(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>)), build);
}

/** True once a build is instantiated. */
export function kernelsReady(): boolean {
  return loaded !== undefined;
}

/** Loads (or reloads) a build. A given `wasm` source must match the chosen build. */
export async function loadKernels(
  simd: SimdChoice = 'auto',
  wasm?: WasmSource,
): Promise<LoadedKernels> {
  const build = pickBuild(simd);
  const source = wasm ?? defaultUrl(build);
  if (source instanceof WebAssembly.Module) return remember(instantiateSync(source), build);
  if (source instanceof ArrayBuffer || source instanceof Uint8Array) {
    const { instance } = await WebAssembly.instantiate(source as Uint8Array<ArrayBuffer>, {});
    return remember(instance.exports as unknown as KernelExports, build);
  }
  const url = new URL(String(source), (globalThis as any).location?.href ?? import.meta.url);
  const local = readFileSync(url);
  if (local) {
    const { instance } = await WebAssembly.instantiate(local as Uint8Array<ArrayBuffer>, {});
    return remember(instance.exports as unknown as KernelExports, build);
  }
  const response = fetch(url);
  const { instance } =
    typeof WebAssembly.instantiateStreaming === 'function'
      ? await WebAssembly.instantiateStreaming(response, {}).catch(async () =>
          WebAssembly.instantiate(await (await fetch(url)).arrayBuffer(), {}),
        )
      : await WebAssembly.instantiate(await (await response).arrayBuffer(), {});
  return remember(instance.exports as unknown as KernelExports, build);
}
