/** The autograd engine's PyTorch semantics: leaves, accumulation, modes, errors and memory. */
import { expect } from 'vitest';
import {
  ArgumentError,
  AutogradError,
  enableGrad,
  isGradEnabled,
  memory,
  noGrad,
  ones,
  randn,
  tensor,
  tidy,
  zeros,
} from '../../src/index.js';
import { gradcheck } from '../../src/testing/index.js';
import { describeBackends } from '../backend-cases.js';

const f32 = (data: number[], requiresGrad = true) =>
  tensor(data, { dtype: 'float32', requiresGrad });

describeBackends('autograd engine', (it) => {
  it('marks leaves and results, names gradFn, and propagates requiresGrad', () => {
    const w = f32([1, 2]);
    const c = f32([3, 4], false);
    expect([w.isLeaf, w.requiresGrad, w.gradFn]).toEqual([true, true, null]);
    const y = w.mul(c);
    expect([y.isLeaf, y.requiresGrad, y.gradFn?.name]).toEqual([false, true, 'MulBackward']);
    expect(c.mul(2).requiresGrad).toBe(false);
    expect(w.gt(1).requiresGrad).toBe(false);
    expect(w.argmax().requiresGrad).toBe(false);
  });

  it('prints requires_grad=True on leaves and grad_fn on results, as torch', () => {
    const w = f32([1, 2]);
    expect(String(w)).toBe('tensor([1., 2.], requires_grad=True)');
    expect(String(w.double().mul(2))).toBe(
      'tensor([2., 4.], dtype=torch.float64, grad_fn=<MulBackward>)',
    );
    expect(String(w.detach())).toBe('tensor([1., 2.])');
  });

  it('accumulates into .grad across backward calls, and a null grad starts over', () => {
    const w = f32([1, 2, 3]);
    w.mul(2).sum().backward();
    const g = w.grad!;
    w.mul(w).sum().backward();
    expect(w.grad!.toArray()).toEqual([4, 6, 8]);
    expect(w.grad).toBe(g); // accumulated in place, as torch
    w.grad = null;
    w.sum().backward();
    expect(w.grad!.toArray()).toEqual([1, 1, 1]);
  });

  it('sums the gradients of a tensor used on several paths', () => {
    const x = f32([2, -1]);
    const h = x.mul(3);
    h.add(h.mul(h)).add(x).sum().backward();
    // d/dx (3x + 9x² + x) = 4 + 18x
    expect(x.grad!.toArray()).toEqual([40, -14]);
  });

  it('backward(gradient) for non-scalar results; errors for a missing or mismatched one', () => {
    const x = f32([1, 2]);
    x.mul(x).backward(tensor([1, 0.5]));
    expect(x.grad!.toArray()).toEqual([2, 2]);
    const y = x.mul(2);
    expect(() => y.backward()).toThrow(AutogradError);
    expect(() => y.backward(zeros(3))).toThrow(/shapes must match/);
    expect(() => f32([1], false).backward()).toThrow(/does not require grad/);
  });

  it('retainGrad keeps a non-leaf gradient; detach cuts the graph', () => {
    const x = f32([1, 2]);
    const h = x.mul(2);
    h.retainGrad();
    const d = h.detach();
    expect(d.requiresGrad).toBe(false);
    h.mul(h).sum().backward();
    expect(h.grad!.toArray()).toEqual([4, 8]);
    expect(x.grad!.toArray()).toEqual([8, 16]);
  });

  it('noGrad records nothing; enableGrad records inside it', () => {
    const x = f32([1]);
    expect(noGrad(() => x.mul(2)).requiresGrad).toBe(false);
    expect(noGrad(() => isGradEnabled())).toBe(false);
    expect(noGrad(() => enableGrad(() => x.mul(2))).requiresGrad).toBe(true);
    expect(isGradEnabled()).toBe(true);
    expect(() =>
      noGrad(() => {
        throw new Error('inner');
      }),
    ).toThrow('inner');
    expect(isGradEnabled()).toBe(true);
  });

  it('noGrad, enableGrad and gradcheck refuse bad arguments with typed errors', () => {
    expect(() => noGrad('x' as never)).toThrow(/noGrad: fn must be a function, got string/);
    expect(() => enableGrad(null as never)).toThrow(ArgumentError);
    expect(() => noGrad((async () => 1) as never)).toThrow(/returned a Promise/);
    expect(isGradEnabled()).toBe(true);
    const x = f32([1, 2]);
    expect(() => gradcheck('f' as never, [x])).toThrow(/gradcheck: fn must be a function/);
    expect(() => gradcheck((a) => a.sum(), [1] as never)).toThrow(
      /inputs must be an array of tensors/,
    );
    expect(() => gradcheck((a) => a.sum(), [f32([1], false)])).toThrow(/no input requires grad/);
    expect(() => gradcheck((a) => a.sum(), [x], { eps: 'big' } as never)).toThrow(ArgumentError);
    expect(() => gradcheck((a) => a.sum(), [x], { tol: 1 } as never)).toThrow(ArgumentError);
  });

  it('refuses in-place ops on tensors that require grad, but allows them under noGrad', () => {
    const w = f32([1, 2]);
    expect(() => w.add_(1)).toThrow(AutogradError);
    expect(() => zeros(2).copy_(w)).toThrow(AutogradError);
    expect(w.toArray()).toEqual([1, 2]);
    noGrad(() => w.sub_(1));
    expect(w.toArray()).toEqual([0, 1]);
  });

  it('detects a saved tensor modified in place before backward', () => {
    const x = f32([1, 2]);
    const c = tensor([3, 4], { dtype: 'float32' });
    const y = x.mul(c);
    c.add_(1);
    expect(() => y.sum().backward()).toThrow(/modified in place/);
  });

  it('frees the graph after backward unless retainGraph', () => {
    const x = f32([1, 2]);
    const y = x.exp().sum();
    y.backward({ retainGraph: true });
    y.backward(null, { retainGraph: true });
    y.backward();
    expect(() => y.backward()).toThrow(/second time/);
    expect(x.grad!.toArray()).toEqual([1, 2].map((v) => Math.fround(Math.fround(Math.exp(v)) * 3)));
  });

  it('validates requiresGrad: only float tensors, only leaves turn it off', () => {
    expect(() => tensor([1, 2], { requiresGrad: true })).toThrow(/only float tensors/);
    expect(() => ones(2, { requiresGrad: 'yes' as never })).toThrow(/requiresGrad/);
    const y = f32([1]).mul(2);
    expect(() => {
      y.requiresGrad = false;
    }).toThrow(/only leaves/);
    const w = f32([1, 2]);
    expect(() => {
      w.grad = zeros(3);
    }).toThrow(/shape and dtype must match/);
  });

  it('a training loop inside tidy leaks no tensors or bytes', () => {
    const w = randn(8, 4, { requiresGrad: true });
    const x = randn(16, 8);
    const step = () =>
      tidy(() => {
        const loss = x.matmul(w).tanh().square().mean();
        loss.backward();
        noGrad(() => w.sub_(w.grad!.mul(0.01)));
        w.grad = null;
        return loss.item() as number;
      });
    const first = step();
    const before = memory();
    let last = first;
    for (let i = 0; i < 300; i++) last = step();
    const after = memory();
    expect([after.tensors, after.bytes]).toEqual([before.tensors, before.bytes]);
    expect(last).toBeLessThan(first);
  });

  it('backward after tidy disposed the intermediates: the graph kept what it needs', () => {
    const w = f32([0.5, -1, 2]);
    const loss = tidy(() => w.exp().mul(w).sum());
    const before = memory();
    loss.backward();
    // d/dw (w·eʷ) = eʷ(1 + w)
    const want = [0.5, -1, 2].map((v) => Math.exp(v) * (1 + v));
    (w.grad!.toArray() as number[]).forEach((g, i) => {
      expect(g).toBeCloseTo(want[i]!, 5);
    });
    // Three saved handles freed (exp's result; mul's two operands), one .grad made.
    expect(memory().tensors - before.tensors).toBe(-2);
    loss.dispose();
  });

  it('a graph disposed without backward frees what it saved', () => {
    const w = randn(64, 64, { requiresGrad: true });
    const before = memory();
    tidy(() => {
      w.exp().tanh().sum();
    });
    expect([memory().tensors, memory().bytes]).toEqual([before.tensors, before.bytes]);
  });
  it('a gradient reaching an op has its dtype: float32 stays float32 under a float64 consumer', () => {
    const x = f32([1, 2, 3]);
    const y = x.mul(2).exp();
    const seen: string[] = [];
    const node = y.gradFn! as unknown as { apply(g: { dtype: string }): unknown };
    const apply = node.apply.bind(node);
    node.apply = (g) => {
      seen.push(g.dtype);
      return apply(g);
    };
    const z = y.mul(tensor([1, 1, 1], { dtype: 'float64' }));
    expect(z.dtype).toBe('float64');
    z.sum().backward();
    expect(seen).toEqual(['float32']);
    expect(x.grad!.dtype).toBe('float32');
    const e2 = [2, 4, 6].map((v) => 2 * Math.exp(v));
    for (const [i, g] of (x.grad!.toArray() as number[]).entries())
      expect(Math.abs(g - e2[i]!)).toBeLessThan(1e-5 * e2[i]!);
  });
});
