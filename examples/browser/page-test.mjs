#!/usr/bin/env node
// Headless-Chromium test of the lesson page: serves it, loads it with `?quick`, waits for
// the lesson to finish, checks that every testEq/testNear passed and that the digits,
// timing numbers and chart are on the page, and saves a full-page screenshot to
// examples/browser/screenshots/lesson.png (gitignored). Ends with "N passed, M failed".
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startServer } from './serve.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../..');
const screenshot = join(here, 'screenshots/lesson.png');
const TIMEOUT_MS = 240_000;

// puppeteer-core is a dependency of the test workspace package (@tensorlane/matrix).
const requireFromTest = createRequire(join(root, 'test/package.json'));
const { default: puppeteer } = await import(
  pathToFileURL(requireFromTest.resolve('puppeteer-core')).href
);

/** Chromium from CHROMIUM_PATH or Debian's package (installed by the matrix's installer when root). */
async function findChromium() {
  const found = [process.env.CHROMIUM_PATH, '/usr/bin/chromium'].filter(Boolean).find(existsSync);
  if (found) return found;
  try {
    const { RUNTIMES } = await import('../../test/matrix/runtimes.mjs');
    return RUNTIMES.find((r) => r.id === 'chromium').ensure();
  } catch (e) {
    console.log(`no Chromium: ${e.message}`);
    return undefined;
  }
}
const chromium = await findChromium();
let passed = 0;
let failed = 0;
const expectThat = (ok, what) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (ok) passed++;
  else failed++;
};

if (!chromium) {
  expectThat(false, 'Chromium found (install the Debian package: apt-get install chromium)');
} else {
  const { url, close } = await startServer({ port: 0 });
  const profile = mkdtempSync(join(tmpdir(), 'tl-lesson-page-'));
  const browser = await puppeteer.launch({
    browser: 'chrome',
    executablePath: chromium,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    userDataDir: profile,
    timeout: 120_000,
  });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.setViewport({ width: 1000, height: 900 });
    await page.goto(`${url}?quick`, { timeout: 60_000 });
    await page.waitForFunction(() => document.body.dataset.state !== 'loading', {
      timeout: TIMEOUT_MS,
      polling: 500,
    });
    const result = await page.evaluate(() => window.lessonResult);
    expectThat(!result.error, `the page ran the lesson${result.error ? `: ${result.error}` : ''}`);
    expectThat(
      errors.length === 0,
      `no page errors${errors.length ? `: ${errors.join('; ')}` : ''}`,
    );
    if (!result.error) {
      const failedChecks = result.checks.filter((c) => !c.ok);
      expectThat(
        result.checks.length >= 13 && failedChecks.length === 0,
        `${result.checks.length} testEq/testNear checks, all passing${failedChecks.map((c) => `\n     ${c.name}: ${c.message}`).join('')}`,
      );
      expectThat(!!result.build, `a wasm build ran: ${result.build}`);
      const ms = result.timings.map((t) => t.medianMs);
      expectThat(
        ms.length === 6 && ms.every((v) => Number.isFinite(v) && v > 0),
        `six timings: ${result.timings.map((t) => `${t.id} ${t.medianMs.toPrecision(3)} ms`).join(', ')}`,
      );
      const matmul = result.timings.find((t) => t.id === 'matmul');
      expectThat(matmul.speedup > 1, `matmul ${Math.round(matmul.speedup)}× the triple loop`);
      expectThat(
        result.validation.ratio > 0,
        `validation set: matmul ${result.validation.ratio.toFixed(1)}× the typed-array loop`,
      );
    }
    const dom = await page.evaluate(() => ({
      canvases: [...document.querySelectorAll('#digits canvas')].map((c) => {
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let ink = 0;
        for (let i = 0; i < d.length; i += 4) ink += d[i] > 128 ? 1 : 0;
        return ink;
      }),
      rows: [...document.querySelectorAll('#timings tr[data-method]')].map((tr) => tr.textContent),
      bars: document.querySelectorAll('#chart svg rect').length,
      validation: document.getElementById('validation').textContent,
      build: document.getElementById('build').textContent,
    }));
    expectThat(
      dom.canvases.length === 8 && dom.canvases.every((ink) => ink > 20),
      `8 digits drawn with ink (bright pixels per canvas: ${dom.canvases.join(', ')})`,
    );
    expectThat(
      dom.rows.length === 6 &&
        dom.rows.every((t) => /\d+(\.\d+)? (µs|ms|s)/.test(t) && /×/.test(t)),
      'timing table: six rows with a median and a speedup',
    );
    expectThat(dom.bars >= 11, `speedup chart: ${dom.bars} bars`);
    expectThat(/GFLOP\/s/.test(dom.validation), `validation line: ${dom.validation}`);
    expectThat(/wasm build (relaxed|simd128|baseline)/.test(dom.build), dom.build);
    mkdirSync(dirname(screenshot), { recursive: true });
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(`screenshot: ${screenshot}`);
  } catch (e) {
    expectThat(false, `page test: ${e.message}`);
  } finally {
    await browser.close().catch(() => {});
    rmSync(profile, { recursive: true, force: true });
    await close();
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
