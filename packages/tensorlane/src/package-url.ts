/**
 * Where the package's own files are. This module sits one level below the package root both
 * as `src/package-url.ts` (tests run the source) and inside the bundled `dist/*.js`, so
 * `../wasm/` is the package's `wasm/` folder either way: keep it at the top of `src/`.
 */

/**
 * The URL of a file in the package's `wasm/` folder. Each build's URL is written out as a
 * literal `new URL('…', import.meta.url)`, the form every bundler that copies such assets
 * recognises (Vite and webpack 5 do, so `await init()` needs no setup in their bundles).
 * @example packageWasmUrl('tensorlane-simd128.wasm').pathname.endsWith('/wasm/tensorlane-simd128.wasm') // → true
 */
export function packageWasmUrl(fileName: string): URL {
  switch (fileName) {
    case 'tensorlane-relaxed.wasm':
      return new URL('../wasm/tensorlane-relaxed.wasm', import.meta.url);
    case 'tensorlane-relaxed-threads.wasm':
      return new URL('../wasm/tensorlane-relaxed-threads.wasm', import.meta.url);
    case 'tensorlane-simd128.wasm':
      return new URL('../wasm/tensorlane-simd128.wasm', import.meta.url);
    case 'tensorlane-simd128-threads.wasm':
      return new URL('../wasm/tensorlane-simd128-threads.wasm', import.meta.url);
    case 'tensorlane-baseline.wasm':
      return new URL('../wasm/tensorlane-baseline.wasm', import.meta.url);
    default:
      return new URL(`../wasm/${fileName}`, import.meta.url);
  }
}

/** What a relative `init({ wasm })` string resolves against outside a page: this module. */
export const MODULE_URL: string = import.meta.url;
