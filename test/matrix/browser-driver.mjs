/**
 * Runs matrix cells in a headless browser through puppeteer-core: Chromium over CDP,
 * Firefox ESR over WebDriver BiDi. One browser per runtime; one fresh page per cell, so
 * each cell gets its own module instance (and its own wasm memory).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';

export const CHROMIUM_FLAGS = [
  '--no-sandbox', // we run as root in CI; Chromium refuses to start sandboxed as root
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launches the browser of `runtime` at `executablePath`; returns `{ version, runCell, close }`. */
export async function launchBrowser(runtime, executablePath) {
  const profile = mkdtempSync(join(tmpdir(), `tensorlane-${runtime.id}-`));
  const browser =
    runtime.browser === 'firefox'
      ? await puppeteer.launch({
          browser: 'firefox',
          executablePath,
          headless: true,
          protocol: 'webDriverBiDi',
          userDataDir: profile,
          timeout: 120_000,
        })
      : await puppeteer.launch({
          browser: 'chrome',
          executablePath,
          headless: true,
          args: CHROMIUM_FLAGS,
          userDataDir: profile,
          timeout: 120_000,
        });
  const version = await browser.version();

  /** Loads the cell page with `query` and returns what it reported (or an `{ error }`). */
  async function runCell(origin, query, timeoutMs) {
    const page = await browser.newPage();
    const logs = [];
    page.on('pageerror', (error) => logs.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') logs.push(`console.error: ${message.text()}`);
    });
    try {
      await page.goto(`${origin}/index.html?${new URLSearchParams(query)}`, { timeout: 60_000 });
      await page.waitForFunction(() => globalThis.__matrixResult !== undefined, {
        timeout: timeoutMs,
        polling: 200,
      });
      const result = await page.evaluate(() => globalThis.__matrixResult);
      if (result.error && logs.length) result.error += `\n${logs.slice(0, 3).join('\n')}`;
      return result;
    } catch (error) {
      return { error: `${error.message}${logs.length ? `\n${logs.slice(0, 3).join('\n')}` : ''}` };
    } finally {
      await page.close().catch(() => {});
    }
  }

  async function close() {
    await browser.close().catch(() => {});
    rmSync(profile, { recursive: true, force: true });
  }

  return { version, runCell, close };
}
