// The results as a Markdown table (printed to the terminal and saved beside the JSON).

/** Three significant digits without exponent notation for the sizes benchmarks produce. */
export function sig3(x) {
  if (x === 0) return '0';
  const digits = Math.max(0, 2 - Math.floor(Math.log10(Math.abs(x))));
  return x.toFixed(Math.min(digits, 6));
}

/** A duration in the unit that keeps it readable: ns, µs, ms or s. */
export function formatMs(ms) {
  if (ms < 1e-3) return `${sig3(ms * 1e6)} ns`;
  if (ms < 1) return `${sig3(ms * 1e3)} µs`;
  if (ms < 1e3) return `${sig3(ms)} ms`;
  return `${sig3(ms / 1e3)} s`;
}

/**
 * Renders compareByWorkload()'s groups: one row per contender, its median time,
 * throughput, and how many times faster tensorlane's best build is than it.
 * @example resultsTable(compareByWorkload(cases)) // '| workload | contender | …'
 */
export function resultsTable(groups) {
  const lines = [
    '| workload | contender | median | throughput | tensorlane ÷ contender | note |',
    '| --- | --- | ---: | ---: | ---: | --- |',
  ];
  for (const g of groups) {
    g.rows.forEach((r, i) => {
      const who =
        r === g.best || (g.best && r.contender === g.best.contender)
          ? `**${r.contender}**`
          : r.contender;
      const ratio = r.ratio === undefined ? '—' : `${sig3(r.ratio)}×`;
      lines.push(
        `| ${i === 0 ? g.name : ''} | ${who} | ${formatMs(r.medianMs)} | ${sig3(r.rate)} ${g.unit} | ${ratio} | ${r.note ?? ''} |`,
      );
    });
  }
  return lines.join('\n');
}
