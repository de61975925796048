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
}
