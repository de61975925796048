/**
 * A static file server on 127.0.0.1 (a free port) for the browser cells. It sends
 * COOP/COEP so pages are cross-origin isolated (SharedArrayBuffer exists, for threaded
 * kernels later) and serves `.wasm` as `application/wasm` (streaming compile needs it).
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
};

/**
 * Serves `root`; resolves to `{ origin, close() }` once listening. `isolate: false` leaves
 * out COOP/COEP (a page that is not cross-origin isolated, as most are).
 */
export function serveStatic(root, { isolate = true } = {}) {
  const base = normalize(root + sep);
  const server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    const file = normalize(join(base, path.endsWith('/') ? `${path}index.html` : path));
    const headers = {
      ...(isolate && {
        'Cross-Origin-Opener-Policy': 'same-origin',
        'Cross-Origin-Embedder-Policy': 'require-corp',
        'Cross-Origin-Resource-Policy': 'same-origin',
      }),
      'Cache-Control': 'no-store',
    };
    if (!file.startsWith(base)) {
      response.writeHead(403, headers).end('forbidden');
      return;
    }
    try {
      const body = await readFile(file);
      const type = MIME[extname(file)] ?? 'application/octet-stream';
      response
        .writeHead(200, { ...headers, 'Content-Type': type, 'Content-Length': body.length })
        .end(body);
    } catch {
      response.writeHead(404, headers).end('not found');
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({
        origin: `http://127.0.0.1:${port}`,
        // Kept-alive connections (a page's still-open fetches) would hold close() for a minute.
        close: () =>
          new Promise((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
