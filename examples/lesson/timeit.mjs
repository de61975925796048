// `%timeit` for the lesson: warm-up, then the median of repeated timings. Fast functions
// are timed in batches long enough for the clock's resolution (browsers coarsen
// performance.now() to 5–100 µs), slow ones one call per sample.

const now = () => performance.now();

/**
 * Times `fn`. `dispose` frees each result inside the timed region, as Python frees `_`
 * inside `%timeit`.
 * @param {() => unknown} fn
 * @param {{ minMs?: number, minSamples?: number, maxSamples?: number, dispose?: (r: unknown) => void, onSample?: (i: number, ms: number) => void | Promise<void>, first?: (r: unknown) => void }} [opts]
 *   `first` receives the warm-up call's result instead of `dispose` (to keep it).
 * @returns {Promise<{ medianMs: number, samples: number, callsPerSample: number }>}
 * @example (await timeit(() => matmul(m1, m2), { dispose: (t) => t.dispose() })).medianMs
 */
export async function timeit(fn, opts = {}) {
  const {
    minMs = 250,
    minSamples = 3,
    maxSamples = 101,
    dispose = () => {},
    onSample,
    first,
  } = opts;
  // Warm-up call, which also sizes the batch: at least ~2 ms of work per sample.
  let t0 = now();
  const firstResult = fn();
  const firstMs = Math.max(now() - t0, 1e-4);
  if (first) first(firstResult);
  else dispose(firstResult);
  const callsPerSample = firstMs >= 2 ? 1 : Math.min(10_000, Math.ceil(2 / firstMs));
  // A call of 100 ms or more gains nothing from JIT warm-up, so it counts as a sample
  // (the lesson's triple loop takes seconds; `%time` timed it once).
  const perCall = firstMs >= 100 ? [firstMs] : [];
  if (perCall.length) await onSample?.(1, firstMs);
  const started = now();
  while (perCall.length < minSamples || (perCall.length < maxSamples && now() - started < minMs)) {
    t0 = now();
    for (let r = 0; r < callsPerSample; r++) dispose(fn());
    perCall.push((now() - t0) / callsPerSample);
    await onSample?.(perCall.length, perCall[perCall.length - 1]);
  }
  perCall.sort((x, y) => x - y);
  const mid = perCall.length >> 1;
  const medianMs = perCall.length % 2 ? perCall[mid] : (perCall[mid - 1] + perCall[mid]) / 2;
  return { medianMs, samples: perCall.length, callsPerSample };
}
