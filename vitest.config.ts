import { defineConfig } from 'vitest/config';
import { detectWasmFeatures } from './packages/tensorlane/src/backend/wasm/features.js';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/unit/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
    // Node 20 validates relaxed-simd only behind a flag; give it to the workers so the
    // relaxed build is tested in-process like the other two (later Nodes need nothing).
    execArgv: detectWasmFeatures().relaxedSimd ? [] : ['--experimental-wasm-relaxed-simd'],
  },
});
