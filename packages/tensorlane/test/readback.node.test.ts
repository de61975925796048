/**
 * Readback: `dataInto(buf)` moves the elements into the caller's array without allocating
 * an ArrayBuffer, and `data()` of a large tensor (an uninitialized array in Node) returns
 * every element in an array that owns its whole buffer. Node-only: the allocation probe is
 * `process.memoryUsage().arrayBuffers`, which counts every live ArrayBuffer's bytes.
 */
import { expect } from 'vitest';
import { arange, type DType, randn, tensor } from '../src/index.js';
import { describeBackends } from './backend-cases.js';

/** Growth of the live ArrayBuffer bytes across each of `calls` calls of `f`. */
function arrayBufferGrowth(f: () => unknown, calls = 8): number[] {
  const growth: number[] = [];
  for (let i = 0; i < calls; i++) {
    const before = process.memoryUsage().arrayBuffers;
    f();
    growth.push(process.memoryUsage().arrayBuffers - before);
  }
  return growth;
}

describeBackends('readback', (it, backend) => {
  it('dataInto allocates no ArrayBuffer (and the probe sees one data() makes)', () => {
    const n = 1 << 18;
    const x = randn([512, 512]);
    const out = new Float32Array(n);
    // A GC between the two reads can free other buffers (a negative growth), never add one.
    for (const g of arrayBufferGrowth(() => x.dataInto(out))) expect(g).toBeLessThanOrEqual(0);
    // The wasm backend gathers a strided view in wasm memory, which no ArrayBuffer counts.
    if (backend === 'wasm')
      for (const g of arrayBufferGrowth(() => x.T.dataInto(out))) expect(g).toBeLessThanOrEqual(0);
    // The probe can fail: data() makes one 1 MiB array a call (unless a GC freed as much).
    const grew = arrayBufferGrowth(() => x.data()).filter((g) => g >= 4 * n);
    expect(grew.length).toBeGreaterThan(0);
    x.dispose();
  });

  it('data() of large tensors of every dtype: every element, in an array owning its buffer', () => {
    const n = 1 << 15; // 32 Ki elements: 32 KiB of bool, above the uninitialized size for the rest
    const cases: [DType, number][] = [
      ['float32', 1],
      ['float64', 1],
      ['int32', 1],
      ['bool', 4],
    ];
    for (const [dtype, scale] of cases) {
      const m = n * scale;
      const expected = Array.from({ length: m }, (_, i) => (dtype === 'bool' ? +(i % 3 === 0) : i));
      const x =
        dtype === 'bool'
          ? tensor(expected.map((e) => e === 1)).view(m / 256, 256)
          : arange(m, { dtype: 'int32' }).view(m / 256, 256);
      const t = x.to(dtype);
      const d = t.data();
      expect(d.constructor.name).toBe(
        {
          float32: 'Float32Array',
          float64: 'Float64Array',
          int32: 'Int32Array',
          bool: 'Uint8Array',
        }[dtype],
      );
      expect(d.byteOffset).toBe(0);
      expect(d.buffer.byteLength).toBe(d.byteLength);
      expect(Array.from(d)).toEqual(expected);
      // A transposed view goes through the gather first.
      const tt = t.T.data();
      const rows = m / 256;
      expect(tt.length).toBe(m);
      for (const k of [0, 1, rows, m - 1, 12345 % m])
        expect(tt[k]).toBe(expected[(k % rows) * 256 + Math.floor(k / rows)]);
      for (const z of [x, t]) z.dispose();
    }
  });

  it('data() of a small tensor is a plain array of its own', () => {
    const d = tensor([1, 2, 3], { dtype: 'float32' }).data();
    expect(d).toBeInstanceOf(Float32Array);
    expect(d.buffer.byteLength).toBe(12);
    expect(Array.from(d)).toEqual([1, 2, 3]);
  });
});
