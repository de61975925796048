/**
 * Which wasm features this engine validates, probed with tiny hand-assembled modules
 * (a function returning a v128 built with one simd128, or one relaxed-simd, instruction).
 */

// (func (result v128) i32.const 0 i8x16.splat i8x16.popcnt)
const SIMD128_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15,
  253, 98, 11,
]);

// (func (result v128) i32.const 0 i8x16.splat i32.const 0 i8x16.splat i8x16.relaxed_swizzle)
const RELAXED_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 15, 1, 13, 0, 65, 0, 253, 15,
  65, 0, 253, 15, 253, 128, 2, 11,
]);

export interface WasmFeatures {
  simd128: boolean;
  relaxedSimd: boolean;
}

function validates(bytes: Uint8Array<ArrayBuffer>): boolean {
  try {
    return WebAssembly.validate(bytes);
  } catch {
    return false;
  }
}

let cached: WasmFeatures | undefined;

/** Probes once and remembers. */
export function detectWasmFeatures(): WasmFeatures {
  cached ??= { simd128: validates(SIMD128_PROBE), relaxedSimd: validates(RELAXED_PROBE) };
  return cached;
}
