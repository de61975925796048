// Deterministic benchmark inputs, shared by the Node benchmarks and the browser page.

/** `n` floats in [-1, 1) from a linear congruential generator seeded with `seed`. */
export function randomData(n, seed) {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}
