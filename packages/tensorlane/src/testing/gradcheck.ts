/**
 * `gradcheck`: compares the gradients `backward()` computes with central finite differences
 * in float64, element by element, as `torch.autograd.gradcheck`.
 */
import { expectNumber, expectOptions } from '../argument-checks.js';
import { noGrad } from '../autograd/grad-mode.js';
import { tensor } from '../creation.js';
import { ArgumentError, fmtShape } from '../errors.js';
import { tidy } from '../memory.js';
import { Tensor } from '../tensor.js';
import { TestFailure } from './test-failure.js';

/** Options of `gradcheck`. */
export interface GradcheckOptions {
  /** Finite-difference step (default 1e-6). */
  readonly eps?: number;
  /** Absolute tolerance (default 1e-5). */
  readonly atol?: number;
  /** Relative tolerance, against the numerical value (default 1e-3). */
  readonly rtol?: number;
}

/**
 * Checks `fn`'s gradients with respect to every input that requires grad. Those inputs are
 * copied to float64 first; the others (index tensors, say) are passed as given. Throws a
 * `TestFailure` naming the input, element and output that disagree; returns true otherwise.
 * @example gradcheck((x) => x.pow(3).sum(), [randn(4, { requiresGrad: true })]) // → true
 */
export function gradcheck(
  fn: (...inputs: Tensor[]) => Tensor,
  inputs: readonly Tensor[],
  options?: GradcheckOptions,
): true {
  const op = 'gradcheck';
  if (typeof fn !== 'function')
    throw new ArgumentError(`${op}: fn must be a function, got ${typeof fn}`);
  if (!Array.isArray(inputs) || !inputs.every((t) => t instanceof Tensor))
    throw new ArgumentError(`${op}: inputs must be an array of tensors`);
  const o = expectOptions(op, options, ['eps', 'atol', 'rtol']);
  const eps = expectNumber(op, 'eps', o.eps ?? 1e-6, true);
  const atol = expectNumber(op, 'atol', o.atol ?? 1e-5, true);
  const rtol = expectNumber(op, 'rtol', o.rtol ?? 1e-3, true);
  const checked = inputs.map((t) => t.live(op).requiresGrad);
  if (!checked.some(Boolean))
    throw new ArgumentError(`${op}: no input requires grad; nothing to check`);
  return tidy(() => {
    const values = inputs.map((t, i) =>
      checked[i] ? Float64Array.from(t.data() as ArrayLike<number>) : null,
    );
    const leaf = (i: number, data: Float64Array) =>
      tensor(data, { shape: [...inputs[i]!.shape], dtype: 'float64' });
    const args = inputs.map((t, i) => (checked[i] ? leaf(i, values[i]!).requiresGrad_() : t));
    const out = fn(...args);
    if (!(out instanceof Tensor)) throw new ArgumentError(`${op}: fn must return a Tensor`);
    const nOut = out.numel();
    const outShape = [...out.shape];
    // Analytical Jacobian, one output element at a time.
    const analytic: Float64Array[][] = args.map(() => []);
    for (let j = 0; j < nOut; j++) {
      for (const a of args) if (a.requiresGrad) a.grad = null;
      const seed = new Float64Array(nOut);
      seed[j] = 1;
      out.backward(tensor(seed, { shape: outShape, dtype: out.dtype }), { retainGraph: true });
      args.forEach((a, i) => {
        if (!checked[i]) return;
        analytic[i]![j] = a.grad
          ? Float64Array.from(a.grad.data() as ArrayLike<number>)
          : new Float64Array(a.numel());
      });
    }
    // Numerical Jacobian by central differences, and the comparison.
    const evaluate = (i: number, data: Float64Array) =>
      noGrad(() => {
        const xs = args.map((a, k) => (k === i ? leaf(i, data) : a));
        return Float64Array.from(fn(...xs).data() as ArrayLike<number>);
      });
    inputs.forEach((t, i) => {
      if (!checked[i]) return;
      const x = values[i]!;
      for (let k = 0; k < x.length; k++) {
        const plus = x.slice();
        plus[k]! += eps;
        const minus = x.slice();
        minus[k]! -= eps;
        const fp = evaluate(i, plus);
        const fm = evaluate(i, minus);
        for (let j = 0; j < nOut; j++) {
          const numeric = (fp[j]! - fm[j]!) / (2 * eps);
          const got = analytic[i]![j]![k]!;
          if (!(Math.abs(got - numeric) <= atol + rtol * Math.abs(numeric)))
            throw new TestFailure(
              'gradcheck',
              `gradcheck: input ${i} (shape ${fmtShape(t.shape)}), element ${k}, output element ${j}: ` +
                `backward gives ${got}, finite differences ${numeric} (atol ${atol}, rtol ${rtol})`,
            );
        }
      }
    });
    return true as const;
  });
}
