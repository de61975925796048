/**
 * erf, erfc and the activations built on them, in float64: the js backend's reference for
 * the wasm kernels (which are approximations tested against these). JavaScript has no
 * `Math.erf`; erf uses its Taylor series below 2.5 (a few digits of float64 lost to
 * cancellation, far below float32's) and erfc its continued fraction above.
 */

const FRAC_2_SQRT_PI = 2 / Math.sqrt(Math.PI);

function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 100; n++) {
    term *= -x2 / n;
    const add = term / (2 * n + 1);
    sum += add;
    if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
  }
  return sum * FRAC_2_SQRT_PI;
}

/** erfc(a) for a ≥ 2.5, its continued fraction evaluated backwards. */
function erfcFraction(a: number): number {
  let t = a;
  for (let k = 120; k >= 1; k--) t = a + k / 2 / t;
  return Math.exp(-a * a) / (Math.sqrt(Math.PI) * t);
}

/** The error function. @example erf64(0) // → 0 */
export function erf64(x: number): number {
  // NaN, and ±0 with its sign (erf is odd; the series would turn -0 into +0).
  if (Number.isNaN(x) || x === 0) return x;
  if (Math.abs(x) < 2.5) return erfSeries(x);
  return Math.sign(x) * (1 - erfcFraction(Math.abs(x)));
}

/** erfc(a) for a ≥ 0 without cancellation. */
function erfcPositive(a: number): number {
  return a < 2.5 ? 1 - erfSeries(a) : erfcFraction(a);
}

/** `x·Φ(x)`; the negative side from erfc so tiny results stay accurate; gelu(-inf) is NaN. */
export function gelu64(x: number): number {
  const u = x * Math.SQRT1_2;
  if (x === -Infinity) return Number.NaN;
  return u < 0 ? x * 0.5 * erfcPositive(-u) : x * 0.5 * (1 + erf64(u));
}

/** `½x(1 + tanh(√(2/π)(x + 0.044715x³)))`, as `x·σ(2z)` so the negative side does not cancel. */
export function geluTanh64(x: number): number {
  if (x === -Infinity) return Number.NaN;
  const s = 2 * Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x);
  const e = Math.exp(-Math.abs(s));
  return x * (s < 0 ? e / (1 + e) : 1 / (1 + e));
}

/** `x·σ(x)` as `x / (1 + e^-x)` (silu(-inf) is NaN, as torch). */
export function silu64(x: number): number {
  return x / (1 + Math.exp(-x));
}

/** torch's softplus: `log1p(e^{βx})/β`, or `x` once `βx > threshold`. */
export function softplus64(x: number, beta: number, threshold: number): number {
  return x * beta > threshold ? x : Math.log1p(Math.exp(beta * x)) / beta;
}
