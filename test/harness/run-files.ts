/**
 * Collects the bundled test files (in the order the bundler lists them) and runs them.
 * Knows nothing of tensorlane: `conformance.ts` puts the cell on its build first.
 */
import { testFiles } from 'conformance:test-files';
import { collectFile, type RunOptions, runSuite, type SuiteResult } from './suite.js';

/** Imports every test file (registering its cases), then runs them all. */
export async function runTestFiles(
  options: RunOptions = {},
): Promise<SuiteResult & { files: number }> {
  for (const [name, load] of testFiles) await collectFile(name, load);
  return { ...(await runSuite(options)), files: testFiles.length };
}
