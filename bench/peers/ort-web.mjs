// The onnxruntime-web contender, one thread.

/** onnxruntime-web set to one thread, or undefined (logged) if it cannot load. */
export async function loadOrtWeb(log) {
  try {
    const ort = await import('onnxruntime-web');
    ort.env.wasm.numThreads = 1;
    ort.env.logLevel = 'error';
    return ort;
  } catch (e) {
    log(`onnxruntime-web unavailable: ${e.message}`);
    return undefined;
  }
}
