/**
 * Proves the relaxed-simd build on engines that only validate it behind a flag (Node 20):
 * reruns `wasm-backend.test.ts` for the relaxed build in a vitest whose workers get
 * `--experimental-wasm-relaxed-simd`. Where the engine validates relaxed-simd by default,
 * `wasm-backend.test.ts` already covers it and this file has nothing to add.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { detectWasmFeatures } from '../src/wasm-features.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));

describe('relaxed-simd build', () => {
  it.skipIf(detectWasmFeatures().relaxedSimd)(
    'passes the wasm-vs-js property tests under --experimental-wasm-relaxed-simd',
    () => {
      const r = spawnSync(
        process.execPath,
        [
          'node_modules/vitest/vitest.mjs',
          'run',
          'packages/tensorlane/test/wasm-backend.test.ts',
          '--execArgv=--experimental-wasm-relaxed-simd',
          '--reporter=verbose',
        ],
        {
          cwd: root,
          env: { ...process.env, TL_WASM_BUILDS: 'relaxed', NO_COLOR: '1' },
          encoding: 'utf8',
        },
      );
      const output = `${r.stdout}\n${r.stderr}`;
      expect(r.status, output).toBe(0);
      // Every property ran (none skipped for lack of engine support) and passed.
      expect(output).toMatch(/Tests\s+8 passed \(8\)/);
      expect(output).toContain('wasm backend vs js [relaxed]');
    },
    120_000,
  );
});
