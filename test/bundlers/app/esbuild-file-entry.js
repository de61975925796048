// esbuild with one build chosen at build time: `--loader:.wasm=file` copies that file and
// gives its path relative to the bundle, so it is resolved against the bundle's URL.
import wasmPath from 'tensorlane/wasm/tensorlane-simd128.wasm';
import { runApp } from './run-app.js';

runApp({ wasm: new URL(wasmPath, import.meta.url) });
