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
export type Target = 'relaxed' | 'simd128' | 'baseline' | 'js';

export interface ConformanceOptions {
  target: Target;
  /** Default fast-check runs per property (tests that pass `numRuns` keep theirs). */
  numRuns?: number;
  /** Only tests whose full name contains this. */
  filter?: string;
  /** Also return every test's name and outcome. */
  listTests?: boolean;
}

/** A cell's result: the suite's counts plus what actually ran. */
export interface ConformanceResult extends SuiteResult {
  target: Target;
  info: BackendInfo | null;
  files: number;
}

const SIMD_CHOICE = { relaxed: 'relaxed', simd128: 'simd128', baseline: 'none' } as const;

function describeInfo(info: BackendInfo): string {
  return info.backend === 'js' ? 'js backend' : `wasm build ${info.build}`;
}

async function forceTarget(target: Target): Promise<BackendInfo> {
  return target === 'js' ? init({ backend: 'js' }) : init({ simd: SIMD_CHOICE[target] });
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
  const result = await runTestFiles({
    ...(options.filter !== undefined ? { filter: options.filter } : {}),
    listTests: options.listTests === true,
    // In vitest each file has its own module state; here they share one, so a test that
    // switches the backend or build and does not switch back would make every later test
    // run on the wrong column. Name it, and put the cell back on its target.
    afterEachTest: async () => {
      const now = backendInfo();
      if (runsTarget(now, target)) return;
      await forceTarget(target);
      throw new Error(
        `left the cell on ${describeInfo(now)} (cell target: ${target}); restore it in afterEach`,
      );
    },
  });
  return { ...result, target, info: backendInfo() };
}
