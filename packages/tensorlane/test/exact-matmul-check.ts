/**
 * A matmul of small-integer matrices checked against the literal triple loop: the sums are
 * exact in float32, so any wrong, missing or doubled term shows. Used after a trap to prove
 * later ops still run right.
 */
import { expect } from 'vitest';
import { matmul, tensor } from '../src/index.js';

/** `[m, k] @ [k, n]` through the public `matmul`, every element compared exactly. */
export function expectExactMatmul(m: number, k: number, n: number): void {
  const l = Float32Array.from({ length: m * k }, (_, i) => (i % 7) - 3);
  const r = Float32Array.from({ length: k * n }, (_, i) => (i % 5) - 2);
  const got = matmul(tensor(l, { shape: [m, k] }), tensor(r, { shape: [k, n] })).data();
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) sum += l[i * k + p]! * r[p * n + j]!;
      if (got[i * n + j] !== sum) expect(got[i * n + j], `element (${i}, ${j})`).toBe(sum);
    }
}
