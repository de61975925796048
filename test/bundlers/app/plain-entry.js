// Vite and webpack 5: they copy the package's .wasm files into the build and rewrite
// their URLs, so plain `await init()` needs no options.
import { runApp } from './run-app.js';

runApp({});
