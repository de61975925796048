/**
 * Float comparisons for backend tests: exact (sign of zero included, NaN equals NaN) and
 * distance in float32 ulps (how many representable float32 values lie between).
 */

const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);

/** Position of a float32 on the number line of float32s (±0 share position 0). */
function ordinal(x: number): number {
  f32[0] = x;
  const bits = i32[0]!;
  return bits < 0 ? -(bits & 0x7fffffff) : bits;
}

/**
 * Distance in float32 ulps between two float32 values; NaN is 0 from NaN and infinitely far
 * from anything else.
 * @example ulpDistance(1, Math.fround(1 + 2 ** -23)) // 1
 */
export function ulpDistance(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
  return Math.abs(ordinal(a) - ordinal(b));
}

/** The first index where `got` and `want` differ by `Object.is` (NaN equals NaN), or -1. */
export function firstMismatch(got: ArrayLike<number>, want: ArrayLike<number>): number {
  if (got.length !== want.length) return Math.min(got.length, want.length);
  for (let i = 0; i < got.length; i++) if (!Object.is(got[i], want[i])) return i;
  return -1;
}

/** The first index where the float32 values are more than `ulps` apart, or -1. */
export function firstUlpMismatch(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  ulps: number,
): number {
  if (got.length !== want.length) return Math.min(got.length, want.length);
  for (let i = 0; i < got.length; i++) if (ulpDistance(got[i]!, want[i]!) > ulps) return i;
  return -1;
}
