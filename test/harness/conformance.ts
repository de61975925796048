/**
 * Entry of the conformance bundle. A matrix cell calls `runConformance({ target })`: it
 * forces the wasm build (or the js backend) first, then imports the project's unit tests
 * (so even top-level code in a test file runs on the forced build), runs them, and checks
 * after every test that the cell still runs on what it claims to.
 */
import * as fc from 'fast-check';
import { type BackendInfo, backendInfo, init } from '../../packages/tensorlane/src/init.js';
import { runTestFiles } from './run-files.js';
import type { SuiteResult } from './suite.js';

/** The column of the matrix: a wasm build, or the pure TypeScript backend. */
export type Target =
  | 'relaxed'
  | 'relaxed-threads'
  | 'simd128'
  | 'simd128-threads'
  | 'baseline'
  | 'js';

export interface ConformanceOptions {
  target: Target;
  /** Default fast-check runs per property (tests that pass `numRuns` keep theirs). */
  numRuns?: number;
  /** Only tests whose full name contains this. */
  filter?: string;
  /** Also return every test's name and outcome. */
  listTests?: boolean;
  /** Write each test's name to stderr as it starts, so a cell that hangs shows where. */
  trace?: boolean;
  /**
   * Which files: `'soak'` only the soak suites (`*.soak.test.ts`: long repetitions such as
   * a 1,000-step training loop), `'conformance'` every other file; both when absent.
   */
  suite?: 'conformance' | 'soak';
}

/** A soak suite repeats one scenario at length; the matrix runs it once per runtime. */
export const isSoakFile = (name: string): boolean => name.endsWith('.soak.test.ts');

/** A cell's result: the suite's counts plus what actually ran. */
export interface ConformanceResult extends SuiteResult {
  target: Target;
  info: BackendInfo | null;
  files: number;
  /** How many tests left the cell on another backend or build (it was put back each time). */
  restored: number;
}

/** How each wasm column is loaded: its SIMD level and thread count. */
const LOAD = {
  relaxed: { simd: 'relaxed', threads: 1 },
  'relaxed-threads': { simd: 'relaxed', threads: 2 },
  simd128: { simd: 'simd128', threads: 1 },
  'simd128-threads': { simd: 'simd128', threads: 2 },
  baseline: { simd: 'none', threads: 1 },
} as const;

function describeInfo(info: BackendInfo): string {
  return info.backend === 'js'
    ? `js backend (wasm build ${info.build})`
    : `wasm build ${info.build}`;
}

/**
 * Puts the cell on its target. The js cell still loads the engine's default wasm build:
 * tests written per backend (`[js]`/`[wasm]` blocks) switch to wasm themselves, and in
 * a browser that needs the module loaded beforehand.
 */
async function forceTarget(target: Target): Promise<BackendInfo> {
  if (target !== 'js') return init(LOAD[target]);
  await init({ threads: 1 });
  return init({ backend: 'js' });
}

function runsTarget(info: BackendInfo, target: Target): boolean {
  return target === 'js' ? info.backend === 'js' : info.backend === 'wasm' && info.build === target;
}

/** Runs the whole conformance suite on one build or backend. */
export async function runConformance(options: ConformanceOptions): Promise<ConformanceResult> {
  const { target } = options;
  const info = await forceTarget(target);
  if (!runsTarget(info, target))
    throw new Error(`asked for ${target} but init() reports ${describeInfo(info)}`);
  if (options.numRuns !== undefined) fc.configureGlobal({ numRuns: options.numRuns });
  // Per-build test blocks (wasm-backend.test.ts) read this and test only the cell's build,
  // so a broken build turns its own column red and no other.
  (globalThis as any).TL_WASM_BUILDS = info.build;
  let restored = 0;
  const { suite } = options;
  const result = await runTestFiles({
    ...(suite ? { files: (name: string) => isSoakFile(name) === (suite === 'soak') } : {}),
    ...(options.filter !== undefined ? { filter: options.filter } : {}),
    listTests: options.listTests === true,
    ...(options.trace ? { onTestStart: (name: string) => console.error(`started: ${name}`) } : {}),
    // Tests may switch the backend (per-backend blocks) or load another build (per-build
    // blocks); in vitest each file starts afresh, here they share one module state. Put
    // the cell back on its target after every test so the next one starts where vitest's
    // would: on the cell's build and default backend.
    afterEachTest: async () => {
      const now = backendInfo();
      if (runsTarget(now, target)) return;
      restored++;
      await forceTarget(target);
    },
  });
  return { ...result, target, info: backendInfo(), restored };
}
