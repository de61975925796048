// The tfjs-backend-wasm contender, loaded from node_modules with its .wasm files beside it.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

const require = createRequire(import.meta.url);

/** tfjs-core on tfjs-backend-wasm with `threads` threads, or undefined (logged) if missing. */
export async function loadTfjsWasm(log, threads = 1) {
  try {
    const tf = await import('@tensorflow/tfjs-core');
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(
      `${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}/`,
    );
    wasm.setThreadsCount(threads);
    await tf.setBackend('wasm');
    await tf.ready();
    return tf;
  } catch (e) {
    log(`tfjs-backend-wasm unavailable: ${e.message}`);
    return undefined;
  }
}
