// The lesson's own timings (fast.ai course v3 part 2, 2019: Python + PyTorch on CPU), as
// its notebook cells compute the speedups: `890.1/5`, `885000/277`, `885000/55`,
// `885000/18` (times in µs over the triple loop's ~885 ms).

/** Python figures beside each of tensorlane's rows, keyed by method id. */
export const LESSON_FIGURES = {
  tripleLoop: { ms: 885, speedup: 1, cell: '%time t1=matmul(m1, m2)' },
  elementwise: { ms: 5, speedup: 890.1 / 5, cell: '890.1/5' },
  broadcast: { ms: 0.277, speedup: 885000 / 277, cell: '885000/277' },
  einsum: { ms: 0.055, speedup: 885000 / 55, cell: '885000/55' },
  matmul: { ms: 0.018, speedup: 885000 / 18, cell: '885000/18' },
};
