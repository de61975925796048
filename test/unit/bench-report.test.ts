// bench/run.mjs's reporting: cases from different files grouped per workload, ratios of
// tensorlane's best build to every contender, malformed rows reported instead of charted.
import { describe, expect, it } from 'vitest';
import { compareByWorkload, validateCases } from '../../bench/runner/cases.mjs';
import { resultsChart } from '../../bench/runner/svg-chart.mjs';
import { formatMs, resultsTable } from '../../bench/runner/table.mjs';

const CASES = [
  { name: 'gemm 256³', contender: 'js triple loop', medianMs: 120, gflops: 0.28 },
  { name: 'gemm 256³', contender: 'tensorlane wasm simd128', medianMs: 1.2, gflops: 28 },
  { name: 'gemm 256³', contender: 'tensorlane wasm relaxed', medianMs: 0.9, gflops: 35 },
  { name: 'gemm 256³', contender: 'tfjs-backend-wasm', medianMs: 1.5, gflops: 20 },
  { name: 'sum 1M', contender: 'tensorlane js backend', medianMs: 2, gbps: 2 },
  { name: 'sum 1M', contender: 'my kernel', medianMs: 0.5, gbps: 8, subject: true },
];

describe('bench reporting', () => {
  it('drops rows that break the contract and says which', () => {
    const { valid, problems } = validateCases(
      [...CASES, { name: 'x', contender: 'y', medianMs: 1 }, { name: 'x', medianMs: 1, gflops: 1 }],
      'a.bench.mjs',
    );
    expect(valid).toHaveLength(CASES.length);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain('a.bench.mjs: dropped');
  });

  it('divides the best tensorlane rate by each contender, per workload', () => {
    const [gemm, sum] = compareByWorkload(CASES);
    expect(gemm.best?.contender).toBe('tensorlane wasm relaxed');
    expect(gemm.rows.map((r) => r.ratio)).toEqual([35 / 0.28, 35 / 28, undefined, 35 / 20]);
    expect(sum.unit).toBe('GB/s');
    expect(sum.rows.map((r) => r.ratio)).toEqual([4, undefined]);
  });

  it('renders the table and an SVG with one bar per case', () => {
    const groups = compareByWorkload(CASES);
    const table = resultsTable(groups);
    expect(table).toContain('| gemm 256³ | js triple loop | 120 ms | 0.280 GFLOP/s | 125× |');
    expect(table).toContain('|  | **tensorlane wasm relaxed** | 900 µs | 35.0 GFLOP/s | — |');
    const svg = resultsChart(groups, { subtitle: 'test machine' });
    expect(svg.match(/<rect x="330"/g)).toHaveLength(CASES.length);
    expect(svg).toContain('test machine');
    expect(formatMs(0.0004)).toBe('400 ns');
  });
});
