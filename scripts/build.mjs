#!/usr/bin/env node
// `pnpm build`: node dependencies if missing, the three wasm builds (skipped when
// unchanged), then the npm package.
import { buildWasm } from './build-wasm.mjs';
import { ensureDeps } from './ensure-deps.mjs';

try {
  ensureDeps();
  buildWasm();
  // Imported only now: it needs esbuild, which a fresh clone has just installed.
  const { buildPackage } = await import('./build-package.mjs');
  await buildPackage();
} catch (e) {
  console.error(`[build] ${e.message}`);
  process.exit(1);
}
