// A single-thread runner of the capacity page (bench/browser/capacity-page.mjs), bundled
// into its own file: tensorlane's relaxed build with 1 thread in a dedicated worker. The
// page's N workers together are what N independent runners get from the machine.
// Messages: { module } → 'ready'; { id, warmupMs, sampleMs, startAt } → ms per call (each
// worker of a turn gets the same wall-clock `startAt`, so their timed windows coincide).
import * as lib from '../../packages/tensorlane/dist/index.js';
import { tensorlaneTask, timeTurn, WORKLOADS, workloadInputs } from './thread-workloads.mjs';

const tasks = {};

self.onmessage = async ({ data }) => {
  try {
    if (data.module) {
      await lib.init({ simd: 'relaxed', threads: 1, wasm: data.module });
      for (const id of data.ids) {
        const w = WORKLOADS.find((x) => x.id === id);
        tasks[id] = tensorlaneTask(lib, w, workloadInputs(w));
      }
      self.postMessage('ready');
      return;
    }
    const fn = tasks[data.id].fn;
    do fn();
    while (Date.now() < data.startAt - data.warmupMs / 4);
    while (Date.now() < data.startAt);
    self.postMessage(await timeTurn(fn, { warmupMs: 0, sampleMs: data.sampleMs }));
  } catch (error) {
    self.postMessage({ error: String(error?.stack ?? error) });
  }
};
