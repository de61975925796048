// Interleaved medians by this process's CPU time (user + system), for A/B runs on the shared
// machine: each of 15 rounds runs every task in turn, repeating its call for about 20 ms of
// CPU time, after a few warm-up calls. Time the process spends descheduled does not count,
// so a slower contender is not penalised more by load than a faster one.

/** This process's CPU time in ms. */
export function cpuMs() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * Median CPU ms per call of each task (a list of functions), after `warmup` calls of each
 * and then `warmupMs` of CPU time on each (long enough, when set, for V8 to tier a kernel up).
 */
export function cpuMedians(tasks, { warmup = 3, warmupMs = 0, rounds = 15, sampleMs = 20 } = {}) {
  for (let w = 0; w < warmup; w++) for (const f of tasks) f();
  for (const f of tasks) for (const t0 = cpuMs(); cpuMs() - t0 < warmupMs; ) f();
  const samples = tasks.map(() => []);
  for (let r = 0; r < rounds; r++) {
    tasks.forEach((f, i) => {
      const t = cpuMs();
      let n = 0;
      do {
        f();
        n++;
      } while (cpuMs() - t < sampleMs);
      samples[i].push((cpuMs() - t) / n);
    });
  }
  return samples.map((s) => s.sort((a, b) => a - b)[s.length >> 1]);
}
