#!/usr/bin/env node
// Serves the built ESM on 127.0.0.1 and loads a page that runs the add kernel in headless
// Chromium (Debian's package, installed with apt-get when missing and running as root).
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const TYPES = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
};

function ensureChromium() {
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  if (process.getuid?.() === 0 && existsSync('/etc/debian_version')) {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    spawnSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env });
  }
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  throw new Error('headless Chromium is needed: apt-get install chromium');
}

const server = createServer((req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname));
  const file = join(root, path);
  const allowed = path.startsWith('/packages/tensorlane/') || path.startsWith('/test/smoke/');
  if (!allowed || !existsSync(file)) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, {
    'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
  });
  res.end(readFileSync(file));
});

await new Promise((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${server.address().port}/test/smoke/add-page.html`;
let ok = false;
try {
  const chromium = ensureChromium();
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
  const text = dom.match(/<pre id="result">([^<]*)<\/pre>/)?.[1] ?? 'no result element';
  const result = text.startsWith('{') ? JSON.parse(text.replaceAll('&quot;', '"')) : undefined;
  ok =
    result?.sum?.join() === '11,22,33,44,55' &&
    result.info.backend === 'wasm' &&
    !!result.info.build;
  console.log(
    `${ok ? 'ok  ' : 'FAIL'} Chromium page ran the add kernel: ${text.replaceAll('&quot;', '"')}`,
  );
} catch (e) {
  console.log(`FAIL Chromium page: ${e.message}`);
} finally {
  server.close();
}
console.log(`${ok ? 1 : 0} passed, ${ok ? 0 : 1} failed`);
process.exit(ok ? 0 : 1);
