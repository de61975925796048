/**
 * `init` checks its options before loading anything (bad ones are `ArgumentError`s naming
 * the option and what it accepts), and a module that cannot be fetched is an `InitError`
 * naming the URL and the HTTP status, after exactly one fetch. Runtime-neutral: the
 * matrix runs it everywhere; the cases that need the build files' bytes are in
 * `init.node.test.ts` and `test/bundlers/`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ArgumentError, backendInfo, InitError, init, ones } from '../src/index.js';

/** What `init(options)` rejects with (or `undefined` when it resolves). */
async function rejection(options: unknown): Promise<unknown> {
  try {
    await init(options as Parameters<typeof init>[0]);
    return undefined;
  } catch (error) {
    return error;
  }
}

describe('init options are checked before anything loads', () => {
  it.each([
    [{ simd: 'avx' }, /init: simd must be one of 'auto', 'relaxed', 'simd128', 'none', got "avx"/],
    [{ backend: 'webgpu' }, /init: backend must be one of 'wasm', 'js', got "webgpu"/],
    [{ threads: 0 }, /init: threads must be an integer ≥ 1 or 'auto', got 0/],
    [{ threads: 2.5 }, /init: threads must be an integer ≥ 1 or 'auto', got 2.5/],
    [{ threads: 'all' }, /init: threads must be an integer ≥ 1 or 'auto', got "all"/],
    [{ threads: Number.NaN }, /init: threads must be an integer ≥ 1 or 'auto', got NaN/],
    [
      { wasm: 42 },
      /init: wasm must be a URL, a string, an ArrayBuffer, a Uint8Array or a WebAssembly\.Module, got 42/,
    ],
    [{ thread: 2 }, /init: unknown option 'thread'; expected 'simd', 'wasm', 'backend', 'threads'/],
    ['simd128', /init: options must be an object, got "simd128"/],
  ])('init(%j) is an ArgumentError', async (options, message) => {
    const before = backendInfo();
    const error = await rejection(options);
    expect(error).toBeInstanceOf(ArgumentError);
    expect(String(error)).toMatch(message);
    // Nothing changed: the same build and backend run, and ops still work.
    expect(backendInfo()).toEqual(before);
    expect(ones(2).sum().item()).toBe(2);
  });
});

describe('a module that cannot be fetched', () => {
  const realFetch = globalThis.fetch;
  afterEach(() => {
    globalThis.fetch = realFetch;
  });

  it('404 is an InitError with the URL, the status and what to do, after one fetch', async () => {
    const urls: string[] = [];
    globalThis.fetch = (async (input: RequestInfo | URL) => {
      urls.push(String(input));
      return new Response('Not Found', { status: 404, statusText: 'Not Found' });
    }) as typeof fetch;
    const url = 'https://cdn.example.invalid/assets/tensorlane-simd128.wasm';
    const error = await rejection({ wasm: url });
    expect(error).toBeInstanceOf(InitError);
    expect(String(error)).toContain(url);
    expect(String(error)).toMatch(/HTTP 404/);
    expect(String(error)).toMatch(/docs\/bundlers\.md/);
    expect(urls).toEqual([url]);
    expect(ones(2).sum().item()).toBe(2);
  });

  it('a network failure is an InitError with the URL and the cause', async () => {
    globalThis.fetch = (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    const url = 'https://cdn.example.invalid/tensorlane-relaxed.wasm';
    const error = await rejection({ wasm: url });
    expect(error).toBeInstanceOf(InitError);
    expect(String(error)).toContain(url);
    expect(String(error)).toContain('Failed to fetch');
  });

  it('a body that is not wasm is an InitError saying what came back', async () => {
    globalThis.fetch = (async () =>
      new Response('<!doctype html><title>app</title>', {
        headers: { 'content-type': 'text/html' },
      })) as typeof fetch;
    const url = 'https://example.invalid/index.html';
    const error = await rejection({ wasm: url });
    expect(error).toBeInstanceOf(InitError);
    expect(String(error)).toContain(url);
    expect(String(error)).toMatch(/not a WebAssembly module \(text\/html/);
  });
});

describe('a module that cannot be instantiated', () => {
  it('is an InitError naming what the module imports', async () => {
    // (module (import "env" "f" (func))): not a kernel module, and it needs an import.
    const foreign = new Uint8Array([
      0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 2, 9, 1, 3, 101, 110, 118, 1, 102, 0, 0,
    ]);
    const before = backendInfo();
    const error = await rejection({ wasm: foreign });
    expect(error).toBeInstanceOf(InitError);
    expect(String(error)).toMatch(/instantiating the module as the '[\w-]+' build failed/);
    expect(String(error)).toContain('it imports env.f');
    expect(backendInfo()).toEqual(before);
    expect(ones(2).sum().item()).toBe(2);
  });
});
