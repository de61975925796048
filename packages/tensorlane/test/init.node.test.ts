/**
 * `init({ wasm })` with the real build files: the build `backendInfo()` reports is the one
 * read from the module passed, a module that cannot run as asked is an `InitError` saying
 * which file to pass (or which headers to serve), and a URL is fetched once. Node only: it
 * reads the builds' bytes with node:fs; `test/bundlers/` checks the same in Chromium.
 */
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { backendInfo, InitError, init, ones } from '../src/index.js';
import { packageWasmUrl } from '../src/package-url.js';

const bytes = (build: string) =>
  new Uint8Array(readFileSync(packageWasmUrl(`tensorlane-${build}.wasm`)));

async function rejection(options: Parameters<typeof init>[0]): Promise<unknown> {
  try {
    await init(options);
    return undefined;
  } catch (error) {
    return error;
  }
}

afterAll(async () => {
  await init({ simd: 'auto', threads: 'auto' });
});

describe('backendInfo() reports the build passed, not the simd option', () => {
  it.each([
    ['baseline', {}],
    ['simd128', {}],
    ['relaxed', {}],
    ['simd128-threads', { threads: 2 }],
    ['relaxed-threads', { threads: 2 }],
  ] as const)('the %s module', async (build, options) => {
    await init({ wasm: bytes(build), ...options });
    expect(backendInfo().build).toBe(build);
    expect(backendInfo().threads).toBe(build.endsWith('-threads') ? 2 : 1);
    expect(ones(3).sum().item()).toBe(3);
  });

  it('a threaded module without threads runs on every core', async () => {
    await init({ wasm: await WebAssembly.compile(bytes('simd128-threads')) });
    expect(backendInfo().build).toBe('simd128-threads');
    expect(ones(3).sum().item()).toBe(3);
  });

  it('a simd option that names another build is an InitError', async () => {
    const error = await rejection({ wasm: bytes('baseline'), simd: 'simd128' });
    expect(error).toBeInstanceOf(InitError);
    expect(String(error)).toMatch(
      /simd: 'simd128' was given but the module passed is the 'baseline' build/,
    );
  });
});

describe('a module that cannot run as asked', () => {
  it('a simd128 module with threads: 2 names the threaded file to pass', async () => {
    const error = await rejection({ wasm: bytes('simd128'), threads: 2 });
    expect(error).toBeInstanceOf(InitError);
    expect(String(error)).toMatch(/threads: 2 needs a threaded build/);
    expect(String(error)).toContain('tensorlane-simd128-threads.wasm');
    expect(ones(2).sum().item()).toBe(2);
  });

  it('a threaded module with threads: 1 names the single-thread file', async () => {
    const error = await rejection({ wasm: bytes('relaxed-threads'), threads: 1 });
    expect(error).toBeInstanceOf(InitError);
    expect(String(error)).toContain('tensorlane-relaxed.wasm');
  });

  describe('on a page that is not cross-origin isolated', () => {
    const g = globalThis as { crossOriginIsolated?: boolean };
    afterEach(() => {
      delete g.crossOriginIsolated;
    });
    it('a threaded module is an InitError naming the COOP/COEP headers', async () => {
      g.crossOriginIsolated = false;
      const error = await rejection({ wasm: bytes('simd128-threads'), threads: 2 });
      expect(error).toBeInstanceOf(InitError);
      expect(String(error)).toMatch(/not cross-origin isolated/);
      expect(String(error)).toContain('Cross-Origin-Opener-Policy: same-origin');
      expect(String(error)).toContain('Cross-Origin-Embedder-Policy: require-corp');
      expect(String(error)).toContain('tensorlane-simd128.wasm');
    });
  });
});

describe('a URL is fetched once', () => {
  const realFetch = globalThis.fetch;
  afterEach(() => {
    globalThis.fetch = realFetch;
  });
  it.each([['application/wasm'], ['application/octet-stream']])('served as %s', async (type) => {
    const urls: string[] = [];
    globalThis.fetch = (async (input: RequestInfo | URL) => {
      urls.push(String(input));
      return new Response(bytes('simd128'), { headers: { 'content-type': type } });
    }) as typeof fetch;
    const url = 'https://cdn.example.invalid/tensorlane-simd128.wasm';
    await init({ wasm: url });
    expect(urls).toEqual([url]);
    expect(backendInfo().build).toBe('simd128');
  });
});

describe('a folder URL', () => {
  const realFetch = globalThis.fetch;
  afterEach(() => {
    globalThis.fetch = realFetch;
  });
  it.each([
    ['simd128', 1, 'simd128'],
    ['none', 1, 'baseline'],
    ['simd128', 2, 'simd128-threads'],
  ] as const)(
    'simd %s, threads %d: fetches the build it picks from the folder',
    async (simd, threads, build) => {
      const urls: string[] = [];
      globalThis.fetch = (async (input: RequestInfo | URL) => {
        urls.push(String(input));
        return new Response(bytes(build), { headers: { 'content-type': 'application/wasm' } });
      }) as typeof fetch;
      await init({ wasm: 'https://cdn.example.invalid/app/wasm/', simd, threads });
      expect(urls).toEqual([`https://cdn.example.invalid/app/wasm/tensorlane-${build}.wasm`]);
      expect(backendInfo().build).toBe(build);
    },
  );
});
