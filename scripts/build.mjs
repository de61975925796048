#!/usr/bin/env node
// `pnpm build`: the three wasm builds (skipped when unchanged), then the npm package.
import { buildPackage } from './build-package.mjs';
import { buildWasm } from './build-wasm.mjs';

try {
  buildWasm();
  await buildPackage();
} catch (e) {
  console.error(`[build] ${e.message}`);
  process.exit(1);
}
