#!/usr/bin/env node
// Bundles packages/tensorlane/src into ESM for Node and browsers (dist/index.js and
// dist/testing.js sharing one chunk, so `instanceof Tensor` holds across both entries),
// then emits declarations with tsc into dist/types.
import { spawnSync } from 'node:child_process';
import { copyFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '../packages/tensorlane');

export async function buildPackage() {
  rmSync(join(pkg, 'dist'), { recursive: true, force: true });
  await build({
    entryPoints: { index: join(pkg, 'src/index.ts'), testing: join(pkg, 'src/testing/index.ts') },
    outdir: join(pkg, 'dist'),
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    sourcemap: true,
    chunkNames: 'chunk-[hash]',
    logLevel: 'warning',
  });
  const tsc = spawnSync(
    process.execPath,
    [join(pkg, '../../node_modules/typescript/bin/tsc'), '-p', join(pkg, 'tsconfig.json')],
    { stdio: 'inherit' },
  );
  if (tsc.status !== 0) throw new Error('tsc failed to emit declarations');
  // npm shows the package's own README; it is the project's (gitignored copy).
  copyFileSync(join(pkg, '../../README.md'), join(pkg, 'README.md'));
  console.log('[build-package] dist/index.js, dist/testing.js, dist/types');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  buildPackage().catch((e) => {
    console.error(`[build-package] ${e.message}`);
    process.exit(1);
  });
}
