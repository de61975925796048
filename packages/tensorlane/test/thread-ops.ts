/**
 * Ops large enough for the kernels to split them over the pool (above every threshold),
 * shared by the threads tests. Each returns its output's raw bits, so two runs compare
 * exactly; inputs come from the seeded generator.
 */
import {
  crossEntropy,
  layerNorm,
  linear,
  manualSeed,
  rand,
  randint,
  randn,
  rmsNorm,
  scaledDotProductAttention,
  type Tensor,
  tidy,
} from '../src/index.js';

/** The output's bytes as 32-bit words (bool outputs padded), copied out of wasm memory. */
export function bitsOf(t: Tensor): Uint32Array {
  const data = t.data() as Float64Array | Float32Array | Int32Array | Uint8Array;
  if (data.BYTES_PER_ELEMENT >= 4) {
    const words = (data.length * data.BYTES_PER_ELEMENT) / 4;
    return new Uint32Array(data.buffer, data.byteOffset, words).slice();
  }
  return Uint32Array.from(data as Uint8Array);
}

export const SPLIT_OPS: [string, () => Tensor][] = [
  // GEMM: split into row/column blocks (k > 256 crosses a depth block, so beta = 1 stores).
  ['matmul 200×257 @ 257×300', () => randn([200, 257]).matmul(randn([257, 300]))],
  ['matmul with a transposed A', () => randn([300, 130]).T.matmul(randn([300, 190]))],
  ['bmm 3×(100×300 @ 300×77)', () => randn([3, 100, 300]).bmm(randn([3, 300, 77]))],
  ['bmm over a batch of 12', () => randn([12, 96, 96]).bmm(randn([12, 96, 96]))],
  ['broadcast batch matmul', () => randn([2, 1, 150, 80]).matmul(randn([3, 80, 120]))],
  // The benchmark shapes of the threads capacity row: four column blocks of one matrix, a
  // batch split by items; and odd edges on every block with a depth past one block.
  ['matmul 512×512 @ 512×512', () => randn([512, 512]).matmul(randn([512, 512]))],
  ['bmm 12×(512×64 @ 64×512)', () => randn([12, 512, 64]).bmm(randn([12, 64, 512]))],
  ['matmul 1030×260 @ 260×1041', () => randn([1030, 260]).matmul(randn([260, 1041]))],
  // The shape-picked paths, split by rows (tall, ≤ 16 columns) or columns (≤ 16 rows).
  ['tall matmul 5000×130 @ 130×10', () => randn([5000, 130]).matmul(randn([130, 10]))],
  [
    'one-row linear, 2300 outputs',
    () => linear(randn([1, 770]), randn([2300, 770]), randn([2300])),
  ],
  ['3-row matmul, row-major B', () => randn([3, 700]).matmul(randn([700, 1500]))],
  [
    'attention, causal',
    () =>
      scaledDotProductAttention(randn([3, 300, 40]), randn([3, 300, 40]), randn([3, 300, 24]), {
        isCausal: true,
      }),
  ],
  [
    'attention with an additive mask',
    () =>
      scaledDotProductAttention(randn([2, 260, 32]), randn([2, 200, 32]), randn([2, 200, 32]), {
        mask: randn([260, 200]),
      }),
  ],
  [
    'attention, one head (split into half tiles)',
    () => scaledDotProductAttention(randn([1, 250, 64]), randn([1, 250, 64]), randn([1, 250, 64])),
  ],
  [
    // 12 × 70 × 90 × (40 + 24) multiply-adds: above the size attention splits at.
    'attention over 12 heads (full tiles)',
    () => scaledDotProductAttention(randn([12, 70, 40]), randn([12, 90, 40]), randn([12, 90, 24])),
  ],
  ['softmax over rows', () => randn([300, 500]).softmax(-1)],
  ['logSoftmax over a strided dim', () => randn([500, 300]).logSoftmax(0)],
  ['broadcast add', () => randn([600, 400]).add(randn([400]))],
  ['exp of a 1-d tensor', () => randn([300001]).exp()],
  ['comparison', () => randn([700, 300]).gt(randn([700, 1]))],
  ['int32 add', () => randint(-1000, 1000, [400, 500]).add(randint(-5, 5, [500]))],
  ['cast of a transposed view', () => randn([500, 400]).T.int()],
  ['sum over the last dim', () => rand([600, 400]).sum(-1)],
  ['max over the middle dim', () => rand([40, 300, 30]).max(1).values],
  ['argmax over the last dim', () => randn([500, 300]).argmax(-1)],
  ['float64 sum down columns', () => randn([600, 400]).double().sum(0)],
  ['int32 argmin down columns', () => randint(-50, 50, [600, 400]).argmin(0)],
  ['any over the rows of a bool', () => randn([600, 400]).gt(2.5).any(-1)],
  [
    'logsumexp over rows and down columns',
    () =>
      randn([500, 300])
        .logsumexp([0])
        .add(randn([500, 300]).logsumexp(-1).sum()),
  ],
  // Fused row kernels: rows split over the pool.
  ['layerNorm of 300×768', () => layerNorm(randn([300, 768]), [768], randn([768]), randn([768]))],
  ['rmsNorm of 300×768', () => rmsNorm(randn([300, 768]), [768], randn([768]))],
  [
    'crossEntropy per row of 300×1000',
    () =>
      crossEntropy(randn([300, 1000]), randint(0, 1000, [300]), {
        reduction: 'none',
        labelSmoothing: 0.1,
      }),
  ],
  [
    'linear with bias (GEMM with beta = 1)',
    () => linear(randn([200, 300]), randn([150, 300]), randn([150])),
  ],
];

/** Every split op's output bits, from the same seed. */
export function runSplitOps(): Uint32Array[] {
  manualSeed(2024);
  return SPLIT_OPS.map(([, op]) => tidy(() => bitsOf(op())));
}
