/**
 * The conformance harness against real vitest: the same case file runs under both, and
 * every case must get the same name and outcome. Cases marked "(fails)" must fail in
 * both, so a harness that passes everything (or nothing) is caught.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleTests, repoRoot } from '../matrix/bundle.mjs';

const CASES = 'test/unit/fixtures/harness-cases.ts';
type Outcomes = Record<string, 'passed' | 'failed' | 'skipped'>;

let harness: Outcomes;
let vitest: Outcomes;

/** Bundles the cases as the matrix does and runs them in a fresh node process. */
async function viaHarness(): Promise<Outcomes> {
  const out = join(mkdtempSync(join(tmpdir(), 'tl-harness-')), 'cases.js');
  await bundleTests([CASES], out, 'test/harness/run-files.ts');
  const script = `const m = await import(${JSON.stringify(pathToFileURL(out).href)});
console.log(JSON.stringify(await m.runTestFiles({ listTests: true })));`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (run.status !== 0) throw new Error(`harness run failed: ${run.stderr}`);
  const report = JSON.parse(run.stdout.trim().split('\n').pop()!);
  const outcomes: Outcomes = {};
  for (const { name, status } of report.tests) outcomes[name.replace(`${CASES} > `, '')] = status;
  return outcomes;
}

function viaVitest(): Outcomes {
  const json = join(mkdtempSync(join(tmpdir(), 'tl-vitest-')), 'report.json');
  spawnSync(
    process.execPath,
    [
      join(repoRoot, 'node_modules/vitest/vitest.mjs'),
      'run',
      '--config',
      'test/unit/fixtures/vitest.harness-cases.config.ts',
      '--reporter=json',
      `--outputFile=${json}`,
    ],
    { cwd: repoRoot, encoding: 'utf8', timeout: 120_000 },
  );
  const report = JSON.parse(readFileSync(json, 'utf8'));
  const outcomes: Outcomes = {};
  for (const t of report.testResults[0].assertionResults) {
    const name = [...t.ancestorTitles, t.title].join(' > ');
    outcomes[name] =
      t.status === 'passed' ? 'passed' : t.status === 'failed' ? 'failed' : 'skipped';
  }
  return outcomes;
}

beforeAll(async () => {
  harness = await viaHarness();
  vitest = viaVitest();
}, 180_000);

describe('conformance harness vs vitest', () => {
  it('names the same cases', () => {
    expect(Object.keys(harness).sort()).toEqual(Object.keys(vitest).sort());
    expect(Object.keys(harness).length).toBeGreaterThanOrEqual(50);
  });

  it('gives every case the same outcome', () => {
    expect(harness).toEqual(vitest);
  });

  it('fails exactly the cases marked "(fails)"', () => {
    const marked = Object.keys(vitest).filter((name) => name.endsWith('(fails)'));
    const failedIn = (o: Outcomes) => Object.keys(o).filter((name) => o[name] === 'failed');
    expect(failedIn(vitest).sort()).toEqual(marked.sort());
    expect(failedIn(harness).sort()).toEqual(marked.sort());
  });

  it('skips the skipped, todo and runIf(false) cases', () => {
    const skipped = Object.keys(harness).filter((name) => harness[name] === 'skipped');
    expect(skipped.sort()).toEqual(
      [
        'modifiers > context.skip()',
        'modifiers > runIf false',
        'modifiers > skipIf true',
        'modifiers > skipped',
        'modifiers > skipped suite > inside',
        'modifiers > todo',
      ].sort(),
    );
  });
});
