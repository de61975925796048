#!/usr/bin/env python3
"""Minimax polynomial fits behind crates/kernels/src/simd_math.rs, by Lawson's iteratively
reweighted least squares on a dense Chebyshev grid (float64 is ample for float32 kernels).
Each fit prints its float32 coefficients (highest degree first, as `horner` takes them)
and the weighted error before and after rounding the coefficients to float32.
    /usr/bin/python3 crates/kernels/fits/minimax.py
"""
import numpy as np


def lawson(target, weight, lo, hi, powers, iters=400, points=6000):
    k = np.arange(points)
    x = (lo + hi) / 2 + (hi - lo) / 2 * np.cos(np.pi * (k + 0.5) / points)
    A = np.stack([x**p for p in powers], axis=1) * weight(x)[:, None]
    b = target(x) * weight(x)
    w = np.ones(points) / points
    for _ in range(iters):
        sw = np.sqrt(w)
        c, *_ = np.linalg.lstsq(A * sw[:, None], b * sw, rcond=None)
        err = np.abs(A @ c - b)
        w = w * err
        w /= w.sum()
    c32 = c.astype(np.float32).astype(np.float64)
    return c, c32, np.max(np.abs(A @ c - b)), np.max(np.abs(A @ c32 - b)), x


def report(name, powers, c, c32, e, e32):
    print(f"{name}: error {e:.3e} (float32 coefficients {e32:.3e} = {e32 / 2**-24:.3f} ulp of 1)")
    for p, v in sorted(zip(powers, c32), reverse=True):
        print(f"  x^{p}: {np.float32(v)!r}")


LN2 = np.log(2.0)

# exp: e^r = 1 + r·q(r) on |r| ≤ ln2/2, q(0) = 1 fixed; fit q - 1 = r·(c1 + … ) in relative
# error of e^r.
powers = [1, 2, 3, 4, 5]
h = LN2 / 2 * 1.0001
c, c32, e, e32, _ = lawson(
    lambda r: (np.expm1(r) - r) / r, lambda r: np.abs(r) / np.exp(r), -h, h, powers
)
report("exp q(r) - 1 (e^r = 1 + r + r·Σ c_k r^k)", powers, c, c32, e, e32)

# expm1 on |r| ≤ ln2/2: expm1(r) = r + r²·P(r), P degree 4; relative error of expm1.
powers = [0, 1, 2, 3, 4]
c, c32, e, e32, _ = lawson(
    lambda r: (np.expm1(r) - r) / r**2, lambda r: r**2 / np.abs(np.expm1(r)), -h, h, powers
)
report("expm1 P(r) (expm1 r = r + r²·P(r))", powers, c, c32, e, e32)

# log: log1p(f) = f − f²/2 + s·(f²/2 + R(z)), s = f/(2+f), z = s², for 1+f in [√½, √2):
# R(z) = Σ c_k z^k, k ≥ 1; weighted by s/log1p(f) (the relative error it causes).
smax = (np.sqrt(2) - 1) / (np.sqrt(2) + 1) * 1.0001


def r_target(s):
    f = 2 * s / (1 - s)
    return (np.log1p(f) - f + f * f / 2) / s - f * f / 2


powers = [1, 2, 3, 4]
c, c32, e, e32, _ = lawson(
    r_target, lambda s: np.abs(s) / np.abs(np.log1p(2 * s / (1 - s))), -smax, smax,
    [2 * p for p in powers]
)
report("log R(z), z = s² (powers of s shown)", [2 * p for p in powers], c, c32, e, e32)

# log without a division (simd_math::log_poly): log1p(f) = f − f²/2 + f³·P(f) for 1+f in
# [√½, √2), P of degree 7, in relative error of log1p(f).
powers = list(range(3, 11))
c, c32, e, e32, _ = lawson(
    lambda f: np.log1p(f) - f + f * f / 2, lambda f: 1 / np.abs(np.log1p(f)),
    (np.sqrt(0.5) - 1) * 1.0002, (np.sqrt(2) - 1) * 1.0002, powers, iters=300, points=4000
)
report("log P(f) (log1p f = f − f²/2 + f³·P(f); powers of f shown)", powers, c, c32, e, e32)

# erf's tail for 1 ≤ |x| ≤ 4 (beyond, erf rounds to ±1): erfc(a) = P(a − 5/2), P of degree
# 14, in absolute error (erf = 1 − erfc needs erfc to about 3e-8 absolutely, not relatively).
import math

powers = list(range(15))
c, c32, e, e32, _ = lawson(
    lambda u: np.vectorize(math.erfc)(u + 2.5), lambda u: np.ones_like(u), -1.5, 1.5, powers
)
report("erfc(a) on [1, 4] in u = a − 5/2 (absolute error)", powers, c, c32, e, e32)

# softmax's exp (exp_shifted.rs): e^r = 1 + r·p(r) on |r| ≤ ln2/2, p of degree 4 with its
# constant fitted too (XNNPACK's p5 form), in relative error of e^r.
powers = [0, 1, 2, 3, 4]
c, c32, e, e32, _ = lawson(
    lambda r: np.expm1(r) / r, lambda r: np.abs(r) / np.exp(r), -h, h, powers
)
report("softmax exp p(r) (e^r = 1 + r·Σ c_k r^k)", powers, c, c32, e, e32)
