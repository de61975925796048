#!/usr/bin/env node
/**
 * The recipes of docs/bundlers.md, each exercised: a tiny app (`app/`) that imports
 * `tensorlane` from node_modules (a link to the built package, as an install gives) is
 * bundled with Vite, webpack 5, esbuild and Rollup, then loaded in headless Chromium twice,
 * served with COOP/COEP (a threaded build must run) and without (one thread; a threaded
 * module passed is an InitError naming the headers). Every page also checks that a
 * missing file is an InitError with the URL and the HTTP status. Needs `node
 * scripts/build.mjs` first (the package's dist/ and wasm/). Ends with `N passed, M failed`.
 *
 *   node test/bundlers/run.mjs [--bundlers vite,webpack,esbuild,rollup]
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import puppeteer from 'puppeteer-core';
import { CHROMIUM_FLAGS } from '../matrix/browser-driver.mjs';
import { repoRoot } from '../matrix/bundle.mjs';
import { RUNTIMES } from '../matrix/runtimes.mjs';
import { serveStatic } from '../matrix/static-server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = join(repoRoot, 'packages/tensorlane');
const COOP_COEP = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};
/** ones(256, 256) @ ones(256, 256), summed. */
const WANT_SUM = 256 ** 3;

const page = (script, module = true) =>
  `<!doctype html><meta charset="utf-8"><title>tensorlane bundler test</title>\n` +
  `<script ${module ? 'type="module"' : 'defer'} src="${script}"></script>\n`;

/**
 * A fresh app folder: the sources, and node_modules/tensorlane holding a copy of the files
 * the package publishes (as an install gives: a linked package would be treated as source,
 * e.g. not pre-bundled by Vite's dev server).
 */
function makeApp(work) {
  const app = join(work, 'app');
  cpSync(join(here, 'app'), join(app, 'src'), { recursive: true });
  const installed = join(app, 'node_modules/tensorlane');
  const { files } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
  cpSync(join(packageDir, 'package.json'), join(installed, 'package.json'));
  for (const entry of files) {
    const folder = entry.split('/')[0];
    if (folder !== 'README.md')
      cpSync(join(packageDir, folder), join(installed, folder), { recursive: true });
  }
  return app;
}

/** The recipe's step for esbuild and Rollup: the package's wasm/ folder beside the bundle. */
function copyWasmFolder(app, out) {
  cpSync(join(app, 'node_modules/tensorlane/wasm'), join(out, 'wasm'), { recursive: true });
}

/**
 * Each bundler: builds `app` into `out`; returns the pages to load and what each must run
 * (or `{ pages, serve(isolate) }` when it serves them itself).
 */
const BUNDLERS = {
  async vite(app, out) {
    const { build } = await import('vite');
    writeFileSync(join(app, 'index.html'), page('./src/plain-entry.js'));
    writeFileSync(join(app, 'url.html'), page('./src/vite-url-entry.js'));
    await build({
      root: app,
      configFile: false,
      logLevel: 'warn',
      build: {
        outDir: out,
        emptyOutDir: true,
        rollupOptions: { input: [join(app, 'index.html'), join(app, 'url.html')] },
      },
    });
    return [
      { path: 'index.html', recipe: 'plain await init()', threaded: true },
      { path: 'url.html', recipe: '?url of the simd128 build', build: 'simd128' },
    ];
  },
  /** Vite's dev server: the page is served by Vite itself, not built. */
  async 'vite-dev'(app) {
    const { createServer } = await import('vite');
    writeFileSync(join(app, 'index.html'), page('./src/plain-entry.js'));
    return {
      pages: [
        {
          path: 'index.html',
          recipe: 'plain await init(), dev server',
          threaded: true,
        },
      ],
      async serve(isolate) {
        const server = await createServer({
          root: app,
          configFile: false,
          logLevel: 'warn',
          server: { host: '127.0.0.1', port: 0, headers: isolate ? COOP_COEP : {} },
        });
        await server.listen();
        return {
          origin: server.resolvedUrls.local[0].replace(/\/$/, ''),
          close: () => server.close(),
        };
      },
    };
  },
  async webpack(app, out) {
    const { default: webpack } = await import('webpack');
    const compiler = webpack({
      mode: 'production',
      context: app,
      entry: './src/plain-entry.js',
      output: { path: out, filename: 'app.js', clean: true },
      devtool: false,
      performance: { hints: false },
    });
    await new Promise((resolve, reject) =>
      compiler.run((error, stats) => {
        compiler.close(() => {});
        if (error) reject(error);
        else if (stats.hasErrors()) reject(new Error(stats.toString('errors-only')));
        else resolve();
      }),
    );
    writeFileSync(join(out, 'index.html'), page('./app.js', false));
    return [{ path: 'index.html', recipe: 'plain await init()', threaded: true }];
  },
  async esbuild(app, out) {
    const { build } = await import('esbuild');
    await build({
      entryPoints: {
        app: join(app, 'src/folder-entry.js'),
        file: join(app, 'src/esbuild-file-entry.js'),
      },
      bundle: true,
      format: 'esm',
      platform: 'browser',
      outdir: out,
      loader: { '.wasm': 'file' },
      logLevel: 'warning',
    });
    copyWasmFolder(app, out);
    writeFileSync(join(out, 'index.html'), page('./app.js'));
    writeFileSync(join(out, 'file.html'), page('./file.js'));
    return [
      {
        path: 'index.html',
        recipe: "init({ wasm: new URL('./wasm/', import.meta.url) })",
        threaded: true,
        folder: true,
      },
      { path: 'file.html', recipe: '--loader:.wasm=file, the simd128 build', build: 'simd128' },
    ];
  },
  async rollup(app, out) {
    const { rollup } = await import('rollup');
    const { nodeResolve } = await import('@rollup/plugin-node-resolve');
    const bundle = await rollup({
      input: join(app, 'src/folder-entry.js'),
      plugins: [nodeResolve({ browser: true })],
      onwarn: (warning) => {
        throw new Error(`rollup: ${warning.message}`);
      },
    });
    await bundle.write({ file: join(out, 'app.js'), format: 'es' });
    await bundle.close();
    copyWasmFolder(app, out);
    writeFileSync(join(out, 'index.html'), page('./app.js'));
    return [
      {
        path: 'index.html',
        recipe: "init({ wasm: new URL('./wasm/', import.meta.url) })",
        threaded: true,
        folder: true,
      },
    ];
  },
};

/** What is wrong with one page's result (empty when it is right). */
function problems(result, spec, isolated) {
  if (!result) return ['the page reported nothing'];
  if (result.error) return [`init or the matmul failed: ${result.error}`];
  const out = [];
  if (result.crossOriginIsolated !== isolated)
    out.push(`crossOriginIsolated is ${result.crossOriginIsolated}, want ${isolated}`);
  if (result.sum !== WANT_SUM) out.push(`matmul sum ${result.sum}, want ${WANT_SUM}`);
  const { build, threads } = result.info;
  if (spec.build && build !== spec.build) out.push(`build ${build}, want ${spec.build}`);
  const wantThreaded = !!spec.threaded && isolated;
  if (build.endsWith('-threads') !== wantThreaded || threads > 1 !== wantThreaded)
    out.push(
      `build ${build} on ${threads} thread(s); want ${wantThreaded ? 'a threaded build' : 'one thread'}`,
    );
  if (
    // A dev server answers unknown paths with the app's page instead of a 404.
    !/^InitError: .*no-such-folder\/tensorlane-[\w-]+\.wasm (failed: HTTP 404|is not a WebAssembly module \(text\/html).*docs\/bundlers\.md/.test(
      result.missing,
    )
  )
    out.push(`a missing file gave ${JSON.stringify(result.missing)}`);
  if (
    spec.folder &&
    !isolated &&
    !/^InitError: .*not cross-origin isolated.*Cross-Origin-Opener-Policy: same-origin.*Cross-Origin-Embedder-Policy: require-corp/.test(
      result.threadedWithoutIsolation,
    )
  )
    out.push(
      `a threaded module without COOP/COEP gave ${JSON.stringify(result.threadedWithoutIsolation)}`,
    );
  return out;
}

async function loadPage(browser, url) {
  const tab = await browser.newPage();
  const errors = [];
  tab.on('pageerror', (error) => errors.push(error.message));
  try {
    await tab.goto(url, { timeout: 30_000 });
    await tab.waitForFunction(() => globalThis.__bundlerResult !== undefined, {
      timeout: 60_000,
      polling: 100,
    });
    return await tab.evaluate(() => globalThis.__bundlerResult);
  } catch (error) {
    return { error: `${error.message}${errors.length ? ` (page: ${errors[0]})` : ''}` };
  } finally {
    await tab.close();
  }
}

async function main() {
  const { values } = parseArgs({ options: { bundlers: { type: 'string' } } });
  const names = values.bundlers ? values.bundlers.split(',') : Object.keys(BUNDLERS);
  const unknown = names.filter((n) => !BUNDLERS[n]);
  if (unknown.length) throw new Error(`unknown bundler(s): ${unknown.join(', ')}`);
  const work = mkdtempSync(join(tmpdir(), 'tl-bundlers-'));
  const browser = await puppeteer.launch({
    browser: 'chrome',
    executablePath: RUNTIMES.find((r) => r.id === 'chromium').ensure(),
    headless: true,
    args: CHROMIUM_FLAGS,
    userDataDir: join(work, 'profile'),
    timeout: 60_000,
  });
  let passed = 0;
  let failed = 0;
  const report = (ok, what, why = []) => {
    if (ok) passed++;
    else failed++;
    console.log(
      `${ok ? 'ok  ' : 'FAIL'} ${what}${why.length ? `\n       ${why.join('\n       ')}` : ''}`,
    );
  };
  try {
    for (const name of names) {
      const app = makeApp(join(work, name));
      const out = join(work, name, 'out');
      const started = Date.now();
      let pages;
      let serve = (isolate) => serveStatic(out, { isolate });
      try {
        const built = await BUNDLERS[name](app, out);
        if (Array.isArray(built)) pages = built;
        else ({ pages, serve } = built);
      } catch (error) {
        report(false, `${name}: build`, [
          String(error.message ?? error)
            .split('\n')
            .slice(0, 8)
            .join('\n       '),
        ]);
        continue;
      }
      const built = Date.now();
      for (const isolated of [true, false]) {
        const server = await serve(isolated);
        try {
          for (const spec of pages) {
            const result = await loadPage(browser, `${server.origin}/${spec.path}`);
            const why = problems(result, spec, isolated);
            const ran = result?.info
              ? `${result.info.build}, ${result.info.threads} thread(s)`
              : 'no build';
            report(
              why.length === 0,
              `${name}: ${spec.recipe}, ${isolated ? 'with' : 'without'} COOP/COEP (${ran})`,
              why,
            );
          }
        } finally {
          await server.close();
        }
      }
      console.log(
        `     ${name}: built in ${((built - started) / 1000).toFixed(1)} s, pages in ${((Date.now() - built) / 1000).toFixed(1)} s`,
      );
    }
  } finally {
    await browser.close();
    rmSync(work, { recursive: true, force: true });
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 && passed > 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.log(`bundler tests could not run: ${error.message}`);
    console.log('0 passed, 1 failed');
    process.exitCode = 1;
  },
);
