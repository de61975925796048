// tfjs's gradient functions for the training benches. tfjs-core's Node bundle
// (tf-core.node.js) registers kernels' forward ops only; the gradients live in its ESM
// sources (dist/register_all_gradients.js), whose extensionless imports Node's ESM loader
// cannot resolve. esbuild bundles that one file into a temporary module; importing it
// registers every gradient in tfjs's global registry (kept on globalThis, shared with the
// CommonJS bundle the wasm backend runs on), as the @tensorflow/tfjs union package does.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const require = createRequire(import.meta.url);

/** Registers tfjs-core's gradients once (call after loadTfjs). */
export async function registerTfjsGradients() {
  if (globalThis.__tensorlaneBenchTfjsGradients) return;
  const dir = mkdtempSync(join(tmpdir(), 'tfjs-gradients-'));
  try {
    const outfile = join(dir, 'register_all_gradients.mjs');
    await build({
      entryPoints: [require.resolve('@tensorflow/tfjs-core/dist/register_all_gradients.js')],
      outfile,
      bundle: true,
      format: 'esm',
      platform: 'node',
      logLevel: 'error',
    });
    await import(pathToFileURL(outfile).href);
    globalThis.__tensorlaneBenchTfjsGradients = true;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
