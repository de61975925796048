// Interleaved medians: tinybench measures every task (after its warm-up) in each of
// `ROUNDS` rounds and the median over rounds is kept, so load that comes and goes on the
// machine hits all contenders alike instead of whichever ran at the time.
import { Bench } from 'tinybench';

const ROUNDS = 5;

/** Median ms of each `[name, fn]` task (one round with `quick`). */
export function medians(tasks, { quick, budgetMs }) {
  const rounds = quick ? 1 : ROUNDS;
  const time = Math.max(50, Math.min(300, budgetMs / (6 * rounds * tasks.length)));
  const perRound = tasks.map(() => []);
  for (let r = 0; r < rounds; r++) {
    const bench = new Bench({ time, iterations: 5, warmupTime: time / 4, warmupIterations: 3 });
    for (const [name, fn] of tasks) bench.add(name, fn);
    bench.runSync();
    bench.tasks.forEach((t, i) => {
      if (!t.result?.latency)
        throw new Error(`task '${t.name}' failed: ${t.result?.error ?? 'no result'}`);
      perRound[i].push(t.result.latency.p50);
    });
  }
  return perRound.map((ts) => ts.sort((a, b) => a - b)[ts.length >> 1]);
}
