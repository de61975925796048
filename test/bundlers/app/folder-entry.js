// esbuild and Rollup: the package's wasm/ folder is copied next to the bundle, and init is
// told where it is, resolved against the bundle's own URL (not the page's).
import { runApp } from './run-app.js';

runApp(
  { wasm: new URL('./wasm/', import.meta.url) },
  new URL('./wasm/tensorlane-simd128-threads.wasm', import.meta.url),
);
