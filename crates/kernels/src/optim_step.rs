//! Fused optimizer updates over contiguous f32 arrays: one pass over a parameter, its
//! gradient and its state for `torch.optim.SGD` and `torch.optim.AdamW`, where the
//! composed tensor ops take five to twelve passes and as many temporaries. The arithmetic
//! is torch 1.13's single-tensor update, operation for operation and rounded to f32 after
//! each (multiplies and adds are never fused), so a step matches torch's to the last bit
//! wherever torch's CPU kernels round the same way; the tail runs the same lane code on a
//! padded copy, so every element gets identical arithmetic.

use crate::simd::F32x4;
use crate::simd_ext as x;

/// The scalars of one SGD step (already f32, as torch casts its Python floats).
#[derive(Clone, Copy)]
pub struct SgdArgs {
    pub lr: f32,
    pub momentum: f32,
    /// `1 − dampening`, rounded from the f64 difference as torch's `alpha` is.
    pub one_minus_dampening: f32,
    pub weight_decay: f32,
    pub nesterov: bool,
    pub maximize: bool,
    /// The momentum buffer is new: it becomes the gradient (torch clones `d_p`).
    pub first: bool,
}

/// The scalars of one AdamW step, including the step's bias corrections.
#[derive(Clone, Copy)]
pub struct AdamWArgs {
    /// `1 − lr·weight_decay`, the decoupled decay factor.
    pub decay: f32,
    pub beta1: f32,
    pub beta2: f32,
    /// `1 − beta1` and `1 − beta2`, rounded from the f64 differences as torch's scalars are.
    pub one_minus_beta1: f32,
    pub one_minus_beta2: f32,
    /// `lr / (1 − beta1^step)`.
    pub step_size: f32,
    /// `sqrt(1 − beta2^step)`.
    pub bias_correction2_sqrt: f32,
    pub eps: f32,
    pub maximize: bool,
}

/// Four lanes of one SGD update: `p`, `g`, `buf` in, new `p` and `buf` out.
#[inline(always)]
fn sgd_lanes(a: &SgdArgs, p: F32x4, g: F32x4, buf: F32x4) -> (F32x4, F32x4) {
    let mut d = if a.maximize { x::neg(g) } else { g };
    if a.weight_decay != 0.0 {
        d = d.add(p.mul(F32x4::splat(a.weight_decay)));
    }
    let mut b = buf;
    if a.momentum != 0.0 {
        let m = F32x4::splat(a.momentum);
        b = if a.first {
            d
        } else {
            buf.mul(m).add(d.mul(F32x4::splat(a.one_minus_dampening)))
        };
        d = if a.nesterov { d.add(b.mul(m)) } else { b };
    }
    (p.add(d.mul(F32x4::splat(-a.lr))), b)
}

/// Four lanes of one AdamW update: new `p`, `m`, `v`, `vmax`.
#[inline(always)]
fn adamw_lanes(a: &AdamWArgs, amsgrad: bool, lanes: [F32x4; 5]) -> (F32x4, F32x4, F32x4, F32x4) {
    let [p, g, m, v, vmax] = lanes;
    let g = if a.maximize { x::neg(g) } else { g };
    let p = p.mul(F32x4::splat(a.decay));
    let m = m
        .mul(F32x4::splat(a.beta1))
        .add(g.mul(F32x4::splat(a.one_minus_beta1)));
    let v = v
        .mul(F32x4::splat(a.beta2))
        .add(F32x4::splat(a.one_minus_beta2).mul(g).mul(g));
    let vmax = if amsgrad { x::max_nan(vmax, v) } else { vmax };
    let second = if amsgrad { vmax } else { v };
    let denom = x::sqrt(second)
        .div(F32x4::splat(a.bias_correction2_sqrt))
        .add(F32x4::splat(a.eps));
    let p = p.add(F32x4::splat(-a.step_size).mul(m).div(denom));
    (p, m, v, vmax)
}

/// Loads lane group `i` of `ptr` (`count` ≤ 4 valid elements; the rest read as 0).
///
/// # Safety
/// `ptr` must be valid for reading elements `i..i + count`.
#[inline(always)]
unsafe fn load(ptr: *const f32, i: usize, count: usize) -> F32x4 {
    if count == 4 {
        return F32x4::load(ptr.add(i));
    }
    let mut tmp = [0.0f32; 4];
    core::ptr::copy_nonoverlapping(ptr.add(i), tmp.as_mut_ptr(), count);
    F32x4::load(tmp.as_ptr())
}

/// Stores the first `count` lanes of `v` at element `i` of `ptr`.
///
/// # Safety
/// `ptr` must be valid for writing elements `i..i + count`.
#[inline(always)]
unsafe fn store(v: F32x4, ptr: *mut f32, i: usize, count: usize) {
    if count == 4 {
        return v.store(ptr.add(i));
    }
    let mut tmp = [0.0f32; 4];
    v.store(tmp.as_mut_ptr());
    core::ptr::copy_nonoverlapping(tmp.as_ptr(), ptr.add(i), count);
}

/// One SGD step over `n` elements: `p` and `buf` (null when `momentum` is 0) updated in
/// place from `g`.
///
/// # Safety
/// `p`, `g` and a non-null `buf` must each be valid for `n` elements; `g` may not overlap
/// `p` or `buf`.
pub unsafe fn sgd(n: usize, p: *mut f32, g: *const f32, buf: *mut f32, a: &SgdArgs) {
    debug_assert!(a.momentum == 0.0 || !buf.is_null());
    let zero = F32x4::splat(0.0);
    let mut i = 0;
    while i < n {
        let count = (n - i).min(4);
        let b = if buf.is_null() {
            zero
        } else {
            load(buf, i, count)
        };
        let (np, nb) = sgd_lanes(a, load(p, i, count), load(g, i, count), b);
        store(np, p, i, count);
        if !buf.is_null() {
            store(nb, buf, i, count);
        }
        i += 4;
    }
}

/// One AdamW step over `n` elements: `p`, `m`, `v` and `vmax` (null unless AMSGrad)
/// updated in place from `g`.
///
/// # Safety
/// `p`, `g`, `m`, `v` and a non-null `vmax` must each be valid for `n` elements and not
/// overlap one another.
pub unsafe fn adamw(
    n: usize,
    p: *mut f32,
    g: *const f32,
    m: *mut f32,
    v: *mut f32,
    vmax: *mut f32,
    a: &AdamWArgs,
) {
    let amsgrad = !vmax.is_null();
    let zero = F32x4::splat(0.0);
    let mut i = 0;
    while i < n {
        let count = (n - i).min(4);
        let vm = if amsgrad { load(vmax, i, count) } else { zero };
        let lanes = [
            load(p, i, count),
            load(g, i, count),
            load(m, i, count),
            load(v, i, count),
            vm,
        ];
        let (np, nm, nv, nvm) = adamw_lanes(a, amsgrad, lanes);
        store(np, p, i, count);
        store(nm, m, i, count);
        store(nv, v, i, count);
        if amsgrad {
            store(nvm, vmax, i, count);
        }
        i += 4;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(n: usize, seed: u32, scale: f32) -> Vec<f32> {
        let mut s = seed;
        (0..n)
            .map(|_| {
                s ^= s << 13;
                s ^= s >> 17;
                s ^= s << 5;
                (s as f32 / u32::MAX as f32 - 0.5) * scale
            })
            .collect()
    }

    /// torch's `_single_tensor_sgd`, one element at a time.
    fn sgd_naive(a: &SgdArgs, p: &mut [f32], g: &[f32], buf: &mut [f32]) {
        for i in 0..p.len() {
            let mut d = if a.maximize { -g[i] } else { g[i] };
            if a.weight_decay != 0.0 {
                d += a.weight_decay * p[i];
            }
            if a.momentum != 0.0 {
                buf[i] = if a.first {
                    d
                } else {
                    buf[i] * a.momentum + a.one_minus_dampening * d
                };
                d = if a.nesterov {
                    d + a.momentum * buf[i]
                } else {
                    buf[i]
                };
            }
            p[i] += -a.lr * d;
        }
    }

    /// torch's `_single_tensor_adamw`, one element at a time.
    fn adamw_naive(a: &AdamWArgs, s: [&mut [f32]; 4], g: &[f32], amsgrad: bool) {
        let [p, m, v, vmax] = s;
        for i in 0..p.len() {
            let gi = if a.maximize { -g[i] } else { g[i] };
            p[i] *= a.decay;
            m[i] = m[i] * a.beta1 + a.one_minus_beta1 * gi;
            v[i] = v[i] * a.beta2 + a.one_minus_beta2 * gi * gi;
            let second = if amsgrad {
                vmax[i] = vmax[i].max(v[i]);
                vmax[i]
            } else {
                v[i]
            };
            let denom = second.sqrt() / a.bias_correction2_sqrt + a.eps;
            p[i] += -a.step_size * m[i] / denom;
        }
    }

    #[test]
    fn sgd_matches_the_naive_loop_bit_for_bit() {
        for n in [0, 1, 3, 4, 7, 33] {
            for (momentum, dampening, nesterov, wd, maximize) in [
                (0.0, 0.0, false, 0.0, false),
                (0.0, 0.0, false, 0.1, true),
                (0.9, 0.0, true, 0.01, false),
                (0.9, 0.5, false, 0.0, true),
            ] {
                let mut p = data(n, 1, 2.0);
                let mut buf = data(n, 2, 1.0);
                let (mut p2, mut buf2) = (p.clone(), buf.clone());
                for step in 0..3 {
                    let g = data(n, 3 + step, 1.0);
                    let a = SgdArgs {
                        lr: 0.1,
                        momentum,
                        one_minus_dampening: (1.0 - dampening) as f32,
                        weight_decay: wd,
                        nesterov,
                        maximize,
                        first: step == 0,
                    };
                    let bp = if momentum == 0.0 {
                        core::ptr::null_mut()
                    } else {
                        buf.as_mut_ptr()
                    };
                    unsafe { sgd(n, p.as_mut_ptr(), g.as_ptr(), bp, &a) };
                    sgd_naive(&a, &mut p2, &g, &mut buf2);
                }
                assert_eq!(p, p2, "n {n} momentum {momentum}");
                if momentum != 0.0 {
                    assert_eq!(buf, buf2);
                }
            }
        }
    }

    #[test]
    fn adamw_matches_the_naive_loop_bit_for_bit() {
        for n in [0, 2, 4, 9, 31] {
            for (amsgrad, maximize) in [(false, false), (true, false), (true, true)] {
                let mut st: Vec<Vec<f32>> =
                    vec![data(n, 5, 2.0), vec![0.0; n], vec![0.0; n], vec![0.0; n]];
                let mut st2 = st.clone();
                for step in 1..=4 {
                    let g = data(n, 10 + step, 1.0);
                    let (beta1, beta2, lr) = (0.9f64, 0.999f64, 1e-2f64);
                    let a = AdamWArgs {
                        decay: (1.0 - lr * 0.01) as f32,
                        beta1: beta1 as f32,
                        beta2: beta2 as f32,
                        one_minus_beta1: (1.0 - beta1) as f32,
                        one_minus_beta2: (1.0 - beta2) as f32,
                        step_size: (lr / (1.0 - beta1.powi(step as i32))) as f32,
                        bias_correction2_sqrt: (1.0 - beta2.powi(step as i32)).sqrt() as f32,
                        eps: 1e-8,
                        maximize,
                    };
                    let vmax = if amsgrad {
                        st[3].as_mut_ptr()
                    } else {
                        core::ptr::null_mut()
                    };
                    let [p, m, v, _] = &mut st[..] else {
                        unreachable!()
                    };
                    unsafe {
                        adamw(
                            n,
                            p.as_mut_ptr(),
                            g.as_ptr(),
                            m.as_mut_ptr(),
                            v.as_mut_ptr(),
                            vmax,
                            &a,
                        )
                    };
                    let [p2, m2, v2, vm2] = &mut st2[..] else {
                        unreachable!()
                    };
                    adamw_naive(&a, [p2, m2, v2, vm2], &g, amsgrad);
                }
                assert_eq!(st[0], st2[0], "n {n} amsgrad {amsgrad}");
                assert_eq!(st[1], st2[1]);
                assert_eq!(st[2], st2[2]);
                if amsgrad {
                    assert_eq!(st[3], st2[3]);
                }
            }
        }
    }
}
