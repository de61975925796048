// Vite with one build chosen at build time: `?url` copies that file and gives its URL.
import wasmUrl from 'tensorlane/wasm/tensorlane-simd128.wasm?url';
import { runApp } from './run-app.js';

runApp({ wasm: wasmUrl });
