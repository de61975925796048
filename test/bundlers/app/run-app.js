// The tiny app every bundler test builds: init with the recipe's options, a matmul big
// enough to be split over threads, then two failures that must be InitErrors saying what
// to do. It reports on `globalThis.__bundlerResult` for the runner to read.
import { backendInfo, init, matmul, ones } from 'tensorlane';

/** Runs the app; `threadedFile` is the URL of a threaded build, for the COOP/COEP probe. */
export async function runApp(initOptions, threadedFile) {
  const result = { crossOriginIsolated: globalThis.crossOriginIsolated === true };
  try {
    await init(initOptions);
    // 256³ multiply-adds: above the split threshold, so a threaded build uses its workers.
    result.sum = matmul(ones(256, 256), ones(256, 256)).sum().item();
    result.info = backendInfo();
  } catch (error) {
    result.error = String(error);
  }
  // A folder with no .wasm files in it: the fetch 404s.
  result.missing = await initError({ wasm: new URL('./no-such-folder/', location.href) });
  if (threadedFile && !result.crossOriginIsolated)
    result.threadedWithoutIsolation = await initError({ wasm: threadedFile, threads: 2 });
  globalThis.__bundlerResult = result;
}

async function initError(options) {
  try {
    await init(options);
    return 'init resolved';
  } catch (error) {
    return `${error.name}: ${error.message}`;
  }
}
