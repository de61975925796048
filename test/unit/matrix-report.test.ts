/** The matrix report: what counts as a failure, and the closing line CI reads. */
import { describe, expect, it } from 'vitest';
import { closingLine, formatProblems, formatTable, totals } from '../matrix/report.mjs';

const runtimes = [
  { id: 'node22', label: 'Node 22', version: '22.1.0' },
  {
    id: 'deno',
    label: 'Deno',
    version: '?',
    error: 'npm install @deno/linux-x64-glibc@2 failed: E404',
  },
];
const pass = {
  runtime: 'node22',
  label: 'Node 22',
  target: 'relaxed',
  status: 'pass',
  passed: 10,
  failed: 0,
  skipped: 1,
  failures: [],
};
const fail = {
  runtime: 'node22',
  label: 'Node 22',
  target: 'simd128',
  status: 'fail',
  passed: 8,
  failed: 2,
  skipped: 1,
  failures: [
    { name: 'a.test.ts > add > broadcasts', message: 'AssertionError: expected 3 to be 4' },
    { name: 'a.test.ts > add > odd sizes', message: 'AssertionError: expected 1 to be 2' },
  ],
};
const crashed = {
  runtime: 'node22',
  label: 'Node 22',
  target: 'js',
  status: 'error',
  error: 'exited with SIGILL before reporting',
  passed: 0,
  failed: 0,
  skipped: 0,
};

describe('matrix report', () => {
  it('counts failed tests, crashed cells and runtimes that could not start', () => {
    expect(totals(runtimes, [pass, fail, crashed])).toEqual({
      passed: 18,
      failed: 2 + 1 + 1,
      skipped: 2,
    });
  });

  it('ends with the plain closing line', () => {
    expect(closingLine({ passed: 18, failed: 4, skipped: 0 })).toBe('18 passed, 4 failed');
    expect(closingLine({ passed: 18, failed: 0, skipped: 2 })).toBe(
      '18 passed, 0 failed, 2 skipped',
    );
  });

  it('shows each cell and a runtime that did not start', () => {
    const lines = formatTable(runtimes, ['relaxed', 'simd128', 'js'], [pass, fail, crashed]);
    expect(lines[2]).toMatch(/^Node 22\s+22\.1\.0\s+ok 10\s+FAIL 2\/10\s+ERROR$/);
    expect(lines[3]).toMatch(/^Deno\s+\?\s+NO START\s+NO START\s+NO START$/);
  });

  it('names the first failures and why a runtime did not start', () => {
    const text = formatProblems(runtimes, [pass, fail, crashed]).join('\n');
    expect(text).toContain(
      'Deno could not start: npm install @deno/linux-x64-glibc@2 failed: E404',
    );
    expect(text).toContain('Node 22 / simd128: 2 failed');
    expect(text).toContain(
      '✗ a.test.ts > add > broadcasts\n    AssertionError: expected 3 to be 4',
    );
    expect(text).toContain('Node 22 / js: exited with SIGILL before reporting');
  });
});
