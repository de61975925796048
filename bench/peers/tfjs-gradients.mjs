<<<<<<< HEAD

// tfjs's gradient functions for tfjs-core on its own: the union package `@tensorflow/tfjs`
// registers them, tfjs-core's Node bundle does not, and its ESM file
// `dist/register_all_gradients.js` uses extensionless imports that Node cannot load. So it
// is bundled once with esbuild into the temp dir and imported. Its copies of the ops reach
// the one tfjs engine and the one gradient registry through tfjs's global namespace, so the
// gradients registered are the ones `tf.variableGrads` finds.
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

/** Registers every tfjs gradient (call after `loadTfjs`). */
export async function registerTfjsGradients() {
  const esbuild = createRequire(import.meta.url)('esbuild');
  const outfile = join(mkdtempSync(join(tmpdir(), 'tl-tfjs-grads-')), 'register-all-gradients.mjs');
  esbuild.buildSync({
    stdin: {
      contents: "import '@tensorflow/tfjs-core/dist/register_all_gradients';",
      resolveDir: root,
    },
    bundle: true,
    format: 'esm',
    platform: 'node',
    outfile,
    logLevel: 'warning',
  });
  await import(pathToFileURL(outfile).href);
=======
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
>>>>>>> s6-gptgrad
}
