#!/usr/bin/env node
// Serves the repo on 127.0.0.1 and loads a page that runs the add kernel from the built ESM
// in headless Chromium. The server and the Chromium install (Debian's package, apt-get when
// root) are the matrix's.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../matrix/bundle.mjs';
import { RUNTIMES } from '../matrix/runtimes.mjs';
import { serveStatic } from '../matrix/static-server.mjs';

const server = await serveStatic(repoRoot);
const url = `${server.origin}/test/smoke/add-page.html`;
let ok = false;
try {
  const chromium = RUNTIMES.find((r) => r.id === 'chromium').ensure();
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    `--user-data-dir=${mkdtempSync(join(tmpdir(), 'tl-chromium-'))}`,
    '--virtual-time-budget=20000',
    '--dump-dom',
    url,
  ];
  const dom = await new Promise((resolve, reject) =>
    execFile(chromium, args, { timeout: 60_000 }, (err, stdout) =>
      err ? reject(err) : resolve(stdout),
    ),
  );
  const text = (
    dom.match(/<pre id="result">([^<]*)<\/pre>/)?.[1] ?? 'no result element'
  ).replaceAll('&quot;', '"');
  const result = text.startsWith('{') ? JSON.parse(text) : undefined;
  ok =
    result?.sum?.join() === '11,22,33,44,55' &&
    result.info.backend === 'wasm' &&
    !!result.info.build;
  console.log(`${ok ? 'ok  ' : 'FAIL'} Chromium page ran the add kernel: ${text}`);
} catch (e) {
  console.log(`FAIL Chromium page: ${e.message}`);
} finally {
  await server.close();
}
console.log(`${ok ? 1 : 0} passed, ${ok ? 0 : 1} failed`);
process.exit(ok ? 0 : 1);
