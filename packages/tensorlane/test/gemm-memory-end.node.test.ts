/**
 * With few rows (m ≤ 16) the GEMM reads a row-major B where it lies, its last columns too:
 * the last vector of a row may run up to 3 floats past B's last column, into the next row,
 * and the last row of each depth block is added apart so that nothing is read past B's end.
 * The M = 1 path (y in registers, 16 columns of B at a time) does the same.
 * Here B ends at the last byte of wasm memory, so one read past it would trap. Raw module
 * instances of each single-thread build (Node only: it reads the .wasm files).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectWasmFeatures } from '../src/backend/wasm/features.js';

type Exports = Record<string, (...a: number[]) => number> & { memory: WebAssembly.Memory };

const features = detectWasmFeatures();
const BUILDS = ['relaxed', 'simd128', 'baseline'].filter(
  (b) => b === 'baseline' || (b === 'simd128' ? features.simd128 : features.relaxedSimd),
);

function instance(build: string): Exports {
  const bytes = readFileSync(new URL(`../wasm/tensorlane-${build}.wasm`, import.meta.url));
  return new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports as unknown as Exports;
}

describe.each(BUILDS)('GEMM with B at the end of memory [%s]', (build) => {
  it('reads no float past B, for every column count mod 4 and depth block', () => {
    const x = instance(build);
    for (const [m, k, n] of [
      [5, 784, 10],
      [1, 3, 5],
      [4, 7, 3],
      [16, 1025, 7],
      [3, 2, 9],
      [7, 1, 6],
      [1, 784, 10], // M = 1: the matrix-vector path, y in registers
      [1, 5, 33],
      [1, 2, 3],
    ] as const) {
      const a = x.tl_alloc!(m * k * 4);
      const c = x.tl_alloc!(m * n * 4);
      x.tl_alloc!(1 << 20); // B goes after every allocation, at the very end
      const b = x.memory.buffer.byteLength - k * n * 4;
      const f = new Float32Array(x.memory.buffer);
      for (let i = 0; i < m * k; i++) f[a / 4 + i] = (i % 7) - 3;
      for (let i = 0; i < k * n; i++) f[b / 4 + i] = (i % 5) - 2;
      f.fill(Number.NaN, c / 4, c / 4 + m * n); // beta = 0 must overwrite it
      x.gemm_f32!(1, m, n, k, 1, 0, a, k, 1, 0, b, n, 1, 0, c, n, 1, 0);
      const got = new Float32Array(x.memory.buffer, c, m * n);
      for (let i = 0; i < m; i++)
        for (let j = 0; j < n; j++) {
          let sum = 0;
          for (let p = 0; p < k; p++) sum += f[a / 4 + i * k + p]! * f[b / 4 + p * n + j]!;
          if (got[i * n + j] !== sum)
            expect(got[i * n + j], `${m}×${k}×${n} C[${i}, ${j}]`).toBe(sum);
        }
    }
  });
});
