/**
 * 10,000 mixed ops across three threads (two workers and the caller, running tasks at
 * once), each big enough to be split, hashed output by output and compared with the same
 * sequence on one thread. Attention's tasks allocate scratch and keep arrays on their
 * shadow stacks, so workers sharing a stack or racing in the allocator would show here. Node only: it takes a few
 * seconds, which the matrix's 35 cells should not pay each.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadedKernels } from '../src/backend/wasm/load-module.js';
import {
  backendInfo,
  init,
  manualSeed,
  randn,
  scaledDotProductAttention,
  type Tensor,
  tidy,
} from '../src/index.js';
import { bitsOf } from './thread-ops.js';

const OPS = 10_000;

/** FNV-1a over the output's 32-bit words. */
function hash(t: Tensor): number {
  let h = 0x811c9dc5;
  const words = bitsOf(t);
  for (let i = 0; i < words.length; i++) h = Math.imul(h ^ words[i]!, 0x01000193);
  return h >>> 0;
}

/** Runs the op mix on fixed inputs; returns one hash per op. */
function runMix(): Uint32Array {
  manualSeed(99);
  const a = randn([96, 96]);
  const b = randn([96, 96]);
  const big = randn([400, 400]);
  const row = randn([400]);
  // 4 × 96 × 96 × (64 + 64) multiply-adds: above the size attention splits at (4 tasks).
  const q = randn([4, 96, 64]);
  const hashes = new Uint32Array(OPS);
  const mix: (() => Tensor)[] = [
    () => a.matmul(b),
    () => big.add(row),
    () => big.mul(big).sum(-1),
    () => big.softmax(-1),
    () => big.exp(),
    () => a.T.matmul(b),
    () => scaledDotProductAttention(q, q, q),
    () => big.gt(row),
    () => big.T.clone(),
  ];
  for (let i = 0; i < OPS; i++)
    hashes[i] = tidy(() => hash(mix[(i * 7 + (i >> 3)) % mix.length]!()));
  for (const t of [a, b, big, row, q]) t.dispose();
  return hashes;
}

beforeAll(async () => {
  await init({ simd: 'relaxed', threads: 3 });
});
afterAll(async () => {
  await init({ threads: 1 });
});

it('10,000 mixed ops on three threads hash the same as on one', () => {
  expect(backendInfo().threads).toBe(3);
  const exports = loadedKernels().exports as unknown as Record<string, (...a: number[]) => number>;
  const before = exports.tl_worker_tasks!();
  const threaded = runMix();
  expect(exports.tl_worker_tasks!() - before).toBeGreaterThan(OPS / 2);
  exports.tl_set_threads!(1, 1);
  const serial = runMix();
  exports.tl_set_threads!(3, 1);
  const first = threaded.findIndex((h, i) => h !== serial[i]);
  expect(first, 'first op whose output differs').toBe(-1);
});
