/**
 * Where the package's own files are. This module sits one level below the package root both
 * as `src/package-url.ts` (tests run the source) and inside the bundled `dist/*.js`, so
 * `../wasm/` is the package's `wasm/` folder either way: keep it at the top of `src/`.
 */

/**
 * The URL of a file in the package's `wasm/` folder.
 * @example packageWasmUrl('tensorlane-simd128.wasm').pathname.endsWith('/wasm/tensorlane-simd128.wasm') // → true
 */
export function packageWasmUrl(fileName: string): URL {
  return new URL(`../wasm/${fileName}`, import.meta.url);
}

/** What a relative `init({ wasm })` string resolves against outside a page: this module. */
export const MODULE_URL: string = import.meta.url;
