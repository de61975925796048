// The result contract shared by every bench/*.bench.mjs file, and what the runner derives
// from it: throughput per case and each workload's ratio of tensorlane to every contender.

/**
 * @typedef {object} BenchCase one measurement, as a benchmark file's run() returns it
 * @property {string} name        the workload, e.g. 'gemm 256×256×256'; equal names are compared
 * @property {string} contender   who ran it, e.g. 'tensorlane wasm relaxed', 'js triple loop', 'tfjs-backend-wasm'
 * @property {number} medianMs    median time of one call, after warm-up
 * @property {number} [gflops]    throughput of arithmetic-bound work (GFLOP/s), or
 * @property {number} [gbps]      throughput of memory-bound work (GB/s); one of the two
 * @property {boolean} [subject]  marks tensorlane's own rows; defaults to contenders whose name starts with 'tensorlane wasm'
 * @property {string} [note]      anything the table should show, e.g. '0.81 of FMA peak'
 */

/** Whether a case is one of tensorlane's own wasm rows (the numerator of every ratio). */
export function isSubject(c) {
  return c.subject ?? /^tensorlane wasm/i.test(c.contender);
}

/** A case's throughput and unit ('GFLOP/s' or 'GB/s'); undefined when it reported neither. */
export function rateOf(c) {
  if (Number.isFinite(c.gflops)) return { value: c.gflops, unit: 'GFLOP/s' };
  if (Number.isFinite(c.gbps)) return { value: c.gbps, unit: 'GB/s' };
  return undefined;
}

/**
 * Checks a file's cases against the contract; returns the valid ones and one message per
 * case dropped, so a malformed row is reported instead of silently charted.
 */
export function validateCases(cases, file) {
  const valid = [];
  const problems = [];
  for (const c of cases) {
    const ok =
      c &&
      typeof c.name === 'string' &&
      typeof c.contender === 'string' &&
      Number.isFinite(c.medianMs) &&
      c.medianMs > 0 &&
      rateOf(c);
    if (ok) valid.push({ ...c, file });
    else
      problems.push(
        `${file}: dropped a case without name/contender/medianMs/gflops|gbps: ${JSON.stringify(c)}`,
      );
  }
  return { valid, problems };
}

/**
 * Groups cases by workload (first-seen order) and, in each, sets `ratio` on every row:
 * the best tensorlane rate ÷ this row's rate (so 12.5 = tensorlane 12.5× faster than it).
 * @returns {{ name: string, unit: string, best?: object, rows: object[] }[]}
 */
export function compareByWorkload(cases) {
  const groups = new Map();
  for (const c of cases) {
    if (!groups.has(c.name)) groups.set(c.name, []);
    groups.get(c.name).push(c);
  }
  return [...groups].map(([name, rows]) => {
    const unit = rateOf(rows[0]).unit;
    const subjects = rows.filter(isSubject);
    const best = subjects.reduce(
      (a, b) => (rateOf(b).value > (a ? rateOf(a).value : -1) ? b : a),
      undefined,
    );
    const withRatios = rows.map((r) => ({
      ...r,
      rate: rateOf(r).value,
      ratio: best && r !== best ? rateOf(best).value / rateOf(r).value : undefined,
    }));
    return { name, unit, best, rows: withRatios };
  });
}
