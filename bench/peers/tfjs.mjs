// tfjs-backend-wasm (XNNPACK) as a peer: loaded once, wasm files from its own package folder.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

const require = createRequire(import.meta.url);

/** tfjs-core on the wasm backend with `threads` threads, or undefined (logged) when it fails. */
export async function loadTfjs(log, threads = 1) {
  try {
    const tf = await import('@tensorflow/tfjs-core');
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(
      `${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}/`,
    );
    wasm.setThreadsCount(threads);
    await tf.setBackend('wasm');
    await tf.ready();
    if (threads === 1) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    return tf;
  } catch (e) {
    log(`tfjs-backend-wasm unavailable: ${e.message}`);
    return undefined;
  }
}
