/**
 * Python's `'{:.Nf}'` and `'{:.Ne}'` for doubles, digit for digit.
 *
 * `toFixed`/`toExponential` round exact ties away from zero (0.03125 → "0.0313") and drop
 * the sign of -0; Python rounds the exact binary value half-to-even (0.03125 → "0.0312")
 * and keeps "-0.0000". PyTorch prints through Python's formatting, so we round exactly
 * with BigInt arithmetic on the double's mantissa and exponent.
 */

const bits = new DataView(new ArrayBuffer(8));

/** A positive finite double as `mant · 2^exp` exactly. */
function decompose(x: number): { mant: bigint; exp: number } {
  bits.setFloat64(0, x);
  const hi = bits.getUint32(0);
  const lo = bits.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  const frac = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  // Subnormals have no implicit leading bit and the minimum exponent.
  if (biased === 0) return { mant: frac, exp: -1074 };
  return { mant: frac | (1n << 52n), exp: biased - 1075 };
}

/** `round(num / den)` with exact ties going to the even neighbour. */
function roundHalfEven(num: bigint, den: bigint): bigint {
  const q = num / den;
  const twiceRem = 2n * (num % den);
  if (twiceRem > den || (twiceRem === den && q % 2n === 1n)) return q + 1n;
  return q;
}

/** `|x| · 10^k`, rounded half-to-even to an integer. */
function scaledRounded(absX: number, k: number): bigint {
  const { mant, exp } = decompose(absX);
  let num = mant;
  let den = 1n;
  if (exp >= 0) num <<= BigInt(exp);
  else den <<= BigInt(-exp);
  if (k >= 0) num *= 10n ** BigInt(k);
  else den *= 10n ** BigInt(-k);
  return roundHalfEven(num, den);
}

function signOf(x: number): string {
  return x < 0 || Object.is(x, -0) ? '-' : '';
}

function nonFinite(x: number): string | undefined {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  return undefined;
}

/**
 * Python's `format(x, '.{precision}f')`.
 * @example
 * pyFixed(0.03125, 4) // → '0.0312'
 * pyFixed(-0, 0) // → '-0'
 */
export function pyFixed(x: number, precision: number): string {
  const special = nonFinite(x);
  if (special !== undefined) return special;
  const absX = Math.abs(x);
  const digits = absX === 0 ? '0' : scaledRounded(absX, precision).toString();
  const padded = digits.padStart(precision + 1, '0');
  const whole = padded.slice(0, padded.length - precision);
  const body = precision > 0 ? `${whole}.${padded.slice(whole.length)}` : whole;
  return signOf(x) + body;
}

/**
 * Python's `format(x, '.{precision}e')`: one digit before the point, exponent signed and
 * at least two digits.
 * @example
 * pyExp(1e-5, 4) // → '1.0000e-05'
 * pyExp(123456, 2) // → '1.23e+05'
 */
export function pyExp(x: number, precision: number): string {
  const special = nonFinite(x);
  if (special !== undefined) return special;
  const absX = Math.abs(x);
  let exponent = 0;
  let digits = 0n;
  if (absX !== 0) {
    const lowest = 10n ** BigInt(precision);
    const highest = lowest * 10n;
    // log10 can be off by one near powers of ten; the loop settles it exactly.
    exponent = Math.floor(Math.log10(absX));
    for (;;) {
      digits = scaledRounded(absX, precision - exponent);
      if (digits >= highest) exponent += 1;
      else if (digits < lowest) exponent -= 1;
      else break;
    }
  }
  const text = digits.toString().padStart(precision + 1, '0');
  const mantissa = precision > 0 ? `${text[0]}.${text.slice(1)}` : text;
  const expSign = exponent < 0 ? '-' : '+';
  const expDigits = String(Math.abs(exponent)).padStart(2, '0');
  return `${signOf(x)}${mantissa}e${expSign}${expDigits}`;
}
