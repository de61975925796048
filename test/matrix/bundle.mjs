/**
 * Builds the conformance bundle: every `packages/*\/test/**\/*.test.ts` (except
 * `*.node.test.ts`, which may use node: modules) bundled with the tensorlane source into
 * one ESM file, `vitest` aliased to the runtime-neutral harness. Output layout mirrors the
 * package (`lib/` beside `wasm/`), so the loader's default `../wasm/` lookup is what runs.
 *
 *   node test/matrix/bundle.mjs        # writes test/matrix/dist/ (ignored by git and biome as every dist/)
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = join(here, '..', '..');
export const outDir = join(here, 'dist');
/** Where `node scripts/build.mjs` puts the five wasm builds. */
export const packageWasmDir = join(repoRoot, 'packages', 'tensorlane', 'wasm');
/** The wasm builds a cell can force; each must exist before the matrix runs. */
export const WASM_BUILDS = ['relaxed', 'relaxed-threads', 'simd128', 'simd128-threads', 'baseline'];

function walk(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? walk(path) : [path];
  });
}

/** The conformance test files, repo-relative with forward slashes, in a stable order. */
export function conformanceTestFiles() {
  const packages = join(repoRoot, 'packages');
  return readdirSync(packages, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => walk(join(packages, entry.name, 'test')))
    .filter((path) => path.endsWith('.test.ts') && !path.endsWith('.node.test.ts'))
    .map((path) => relative(repoRoot, path).split('\\').join('/'))
    .sort();
}

function testFilesPlugin(files) {
  return {
    name: 'conformance-test-files',
    setup(build) {
      build.onResolve({ filter: /^conformance:test-files$/ }, () => ({
        path: 'test-files',
        namespace: 'conformance',
      }));
      build.onLoad({ filter: /.*/, namespace: 'conformance' }, () => ({
        resolveDir: repoRoot,
        loader: 'js',
        contents: `export const testFiles = [\n${files
          .map(
            (file) => `  [${JSON.stringify(file)}, () => import(${JSON.stringify(`./${file}`)})],`,
          )
          .join('\n')}\n];\n`,
      }));
    },
  };
}

/** Refuses to go on when a wasm build is missing, saying how to make it. */
export function checkWasmBuilds(wasmDir = packageWasmDir) {
  const missing = WASM_BUILDS.filter(
    (build) => !existsSync(join(wasmDir, `tensorlane-${build}.wasm`)),
  );
  if (missing.length > 0)
    throw new Error(
      `missing wasm build(s) ${missing.join(', ')} in ${relative(repoRoot, wasmDir)}/: run \`node scripts/build.mjs\` (or \`pnpm matrix\`, which does)`,
    );
}

/**
 * Bundles `files` (repo-relative test files) with a harness entry into one ESM file at
 * `outfile`, `vitest` aliased to the shim. The default entry is the conformance entry;
 * the harness's own tests use `test/harness/run-files.ts`, which needs no tensorlane.
 */
export async function bundleTests(files, outfile, entry = 'test/harness/conformance.ts') {
  const result = await esbuild
    .build({
      entryPoints: [join(repoRoot, entry)],
      outfile,
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      mainFields: ['module', 'main'],
      target: 'es2022',
      sourcemap: 'inline',
      alias: { vitest: join(repoRoot, 'test', 'harness', 'vitest-shim.ts') },
      plugins: [testFilesPlugin(files)],
      logLevel: 'silent',
    })
    .catch((error) => {
      const nodeOnly = (error.errors ?? []).some((e) => /"node:/.test(e.text));
      const hint = nodeOnly
        ? '\n(a test file that needs node: modules must be named *.node.test.ts so the matrix leaves it out)'
        : '';
      throw new Error(`conformance bundle failed:\n${error.message}${hint}`);
    });
  for (const warning of result.warnings) console.warn(`bundle warning: ${warning.text}`);
  return pathToFileURL(outfile).href;
}

/**
 * Bundles the suite and copies the wasm builds (from the package, or from `wasmDir`, e.g.
 * a deliberately broken build); returns what went in.
 */
export async function buildConformanceBundle({ wasmDir = packageWasmDir } = {}) {
  checkWasmBuilds(wasmDir);
  const files = conformanceTestFiles();
  if (files.length === 0) throw new Error('no conformance test files found under packages/*/test/');
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(join(outDir, 'wasm'), { recursive: true });
  for (const build of WASM_BUILDS)
    copyFileSync(
      join(wasmDir, `tensorlane-${build}.wasm`),
      join(outDir, 'wasm', `tensorlane-${build}.wasm`),
    );
  copyFileSync(join(here, 'page.html'), join(outDir, 'index.html'));
  const bundle = join(outDir, 'lib', 'conformance.js');
  const bundleUrl = await bundleTests(files, bundle);
  return { files, bundle, bundleUrl };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { files, bundle } = await buildConformanceBundle();
  console.log(`bundled ${files.length} test files into ${relative(repoRoot, bundle)}`);
}
