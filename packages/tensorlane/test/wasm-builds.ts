/**
 * Which wasm builds a per-build test block covers, and how to load one. The cross-runtime
 * matrix sets `TL_WASM_BUILDS` (a global in browsers) to its cell's build, so a broken
 * build turns its own column red and no other; vitest, without it, covers all five.
 */
import { detectWasmFeatures } from '../src/backend/wasm/features.js';
import {
  type BuildName,
  type LoadedKernels,
  loadKernels,
} from '../src/backend/wasm/load-module.js';

const requested = ((globalThis as any).process?.env?.TL_WASM_BUILDS ??
  (globalThis as any).TL_WASM_BUILDS) as string | undefined;

/** The builds under test here. */
export const BUILDS_UNDER_TEST: BuildName[] = requested
  ? (requested.split(',') as BuildName[])
  : ['relaxed', 'relaxed-threads', 'simd128', 'simd128-threads', 'baseline'];

const LOAD = {
  relaxed: ['relaxed', 1],
  'relaxed-threads': ['relaxed', 2],
  simd128: ['simd128', 1],
  'simd128-threads': ['simd128', 2],
  baseline: ['none', 1],
} as const;

const features = detectWasmFeatures();

/** Whether this engine validates `build` (Node 20 needs a flag for the relaxed ones). */
export function buildSupported(build: BuildName): boolean {
  return (
    build === 'baseline' || (build.startsWith('simd128') ? features.simd128 : features.relaxedSimd)
  );
}

/** Loads `build` (its SIMD level and thread count). */
export function loadBuild(build: BuildName): Promise<LoadedKernels> {
  const [simd, threads] = LOAD[build];
  return loadKernels(simd, undefined, threads);
}
