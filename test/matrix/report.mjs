/**
 * Presents matrix results: the runtime × target table, the first failures of each red
 * cell, and the totals whose plain closing line (`N passed, M failed`) CI reads.
 */

/** Text of one table cell. */
function cellText(cell) {
  if (!cell) return '-';
  if (cell.status === 'error') return 'ERROR';
  if (cell.status === 'fail') return `FAIL ${cell.failed}/${cell.passed + cell.failed}`;
  return `ok ${cell.passed}`;
}

function pad(text, width) {
  return text + ' '.repeat(Math.max(0, width - text.length));
}

/** The table as lines: one row per runtime, one column per target. */
export function formatTable(runtimes, targets, cells) {
  const header = ['runtime', 'version', ...targets];
  const rows = runtimes.map((runtime) => [
    runtime.label,
    runtime.version ?? '?',
    ...targets.map((target) =>
      runtime.error
        ? 'NO START'
        : cellText(cells.find((c) => c.runtime === runtime.id && c.target === target)),
    ),
  ]);
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((row) => row[i].length)));
  const line = (row) =>
    row
      .map((text, i) => pad(text, widths[i]))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}

function firstLines(text, lines = 4, chars = 400) {
  const cut = String(text).split('\n').slice(0, lines).join('\n    ');
  return cut.length > chars ? `${cut.slice(0, chars)}…` : cut;
}

/** What went wrong: runtimes that did not start, cells that errored, first failures per cell. */
export function formatProblems(runtimes, cells, perCell = 3) {
  const out = [];
  for (const runtime of runtimes.filter((r) => r.error))
    out.push(`${runtime.label} could not start: ${firstLines(runtime.error)}`);
  for (const cell of cells) {
    if (cell.status === 'error')
      out.push(`${cell.label} / ${cell.target}: ${firstLines(cell.error)}`);
    if (cell.status !== 'fail') continue;
    out.push(`${cell.label} / ${cell.target}: ${cell.failed} failed`);
    for (const failure of cell.failures.slice(0, perCell))
      out.push(`  ✗ ${failure.name}\n    ${firstLines(failure.message)}`);
    if (cell.failures.length > perCell) out.push(`  … and ${cell.failures.length - perCell} more`);
  }
  return out;
}

/**
 * Test counts over all cells. A cell that could not run, or a runtime that could not
 * start, counts as one failure, so the closing line can never read green without results.
 */
export function totals(runtimes, cells) {
  const sum = (key) => cells.reduce((n, c) => n + (c[key] ?? 0), 0);
  const broken =
    cells.filter((c) => c.status === 'error').length + runtimes.filter((r) => r.error).length;
  return { passed: sum('passed'), failed: sum('failed') + broken, skipped: sum('skipped') };
}

/** The closing line CI reads, e.g. `5508 passed, 0 failed`. */
export function closingLine({ passed, failed, skipped }) {
  return `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
}
