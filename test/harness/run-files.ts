/**
 * Collects the bundled test files (in the order the bundler lists them) and runs them.
 * Knows nothing of tensorlane: `conformance.ts` puts the cell on its build first.
 */
import { testFiles } from 'conformance:test-files';
import { collectFile, type RunOptions, runSuite, type SuiteResult } from './suite.js';

/** Imports the test files `options.files` keeps (all by default), then runs their cases. */
export async function runTestFiles(
  options: RunOptions & { files?: (name: string) => boolean } = {},
): Promise<SuiteResult & { files: number }> {
  const { files: keep = () => true, ...runOptions } = options;
  const chosen = testFiles.filter(([name]) => keep(name));
  for (const [name, load] of chosen) await collectFile(name, load);
  return { ...(await runSuite(runOptions)), files: chosen.length };
}
