/**
 * The backward pass: walks the recorded graph from a result in dependency order (a node runs
 * once every consumer has sent its gradient), sums the gradients that meet, and adds the
 * leaves' gradients into their `.grad`. Intermediate gradients are freed as soon as no node
 * waits for them; the graph's saved tensors are freed afterwards unless `retainGraph`.
 */
import { expectBoolean, expectOptions } from '../argument-checks.js';
import { full } from '../creation.js';
import { AutogradError, fmtShape } from '../errors.js';
import { outsideTidy, tidy } from '../memory.js';
import { binaryOp } from '../ops/elementwise.js';
import { Tensor } from '../tensor.js';
import { noGrad } from './grad-mode.js';
import { type GradNode, gradsMadeByBackward } from './graph.js';

/** Options of `backward()`. */
export interface BackwardOptions {
  /** Keep the graph's saved tensors for another backward through it (default false). */
  retainGraph?: boolean;
}

const sameShape = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * `root.backward(gradient, options)`.
 * @example const x = tensor([1, 2], { dtype: 'float32', requiresGrad: true }); backward(x.mul(x).sum()); x.grad // → tensor([2., 4.])
 */
export function backward(root: Tensor, gradient?: Tensor | null, options?: BackwardOptions): void {
  root.live('backward');
  const o = expectOptions('backward', options, ['retainGraph']);
  const retainGraph =
    o.retainGraph === undefined ? false : expectBoolean('backward', 'retainGraph', o.retainGraph);
  if (!root.requiresGrad)
    throw new AutogradError(
      `backward: this ${root.dtype} ${fmtShape(root.shape)} tensor does not require grad and has no gradFn ` +
        '(was it computed inside noGrad, or from tensors without requiresGrad?)',
    );
  if (gradient !== undefined && gradient !== null) {
    if (!(gradient instanceof Tensor))
      throw new AutogradError(`backward: gradient must be a Tensor, got ${typeof gradient}`);
    gradient.live('backward');
    if (!sameShape(gradient.shape, root.shape))
      throw new AutogradError(
        `backward: gradient of shape ${fmtShape(gradient.shape)} for a tensor of shape ${fmtShape(root.shape)}; shapes must match`,
      );
  } else if (root.numel() !== 1) {
    throw new AutogradError(
      `backward: a gradient can be implied only for a one-element result; this one has shape ${fmtShape(root.shape)}: ` +
        'pass backward(gradient) or reduce it first (e.g. .sum())',
    );
  }
  const rootNode = root.gradFn;
  const nodes = rootNode ? reachable(rootNode) : new Map<GradNode, number>();
  for (const n of nodes.keys())
    if (n.released)
      throw new AutogradError(
        `backward: trying to go through ${n.name} a second time, but its saved tensors were freed ` +
          'after the first backward(); pass { retainGraph: true } to the first call to keep them',
      );
  noGrad(() =>
    tidy(() => {
      const g0 =
        gradient && gradient.dtype === root.dtype
          ? gradient
          : gradient
            ? gradient.to(root.dtype)
            : full(root.shape, 1, { dtype: root.dtype });
      if (!rootNode) accumulate(root, g0);
      else run(rootNode, g0, gradient ?? null, nodes);
    }),
  );
  if (!retainGraph) for (const n of nodes.keys()) n.release();
}

/** Every node reachable from `root`, with how many edges of the walk point at it. */
function reachable(root: GradNode): Map<GradNode, number> {
  const deps = new Map<GradNode, number>([[root, 0]]);
  const stack = [root];
  while (stack.length > 0) {
    const n = stack.pop()!;
    for (const e of n.edges) {
      if (!e || !('node' in e)) continue;
      const seen = deps.has(e.node);
      deps.set(e.node, (deps.get(e.node) ?? 0) + 1);
      if (!seen) stack.push(e.node);
    }
  }
  return deps;
}

function run(
  root: GradNode,
  g0: Tensor,
  userGradient: Tensor | null,
  deps: Map<GradNode, number>,
): void {
  // Each waiting gradient counts its holders; the last one to let go disposes it.
  const holders = new Map<Tensor, number>();
  const hold = (t: Tensor) => holders.set(t, (holders.get(t) ?? 0) + 1);
  const letGo = (t: Tensor) => {
    const n = (holders.get(t) ?? 0) - 1;
    if (n > 0) return void holders.set(t, n);
    holders.delete(t);
    if (t !== userGradient) t.dispose();
  };
  const pending = new Map<GradNode, Tensor | null>([[root, g0]]);
  hold(g0);
  const ready: GradNode[] = [root];
  while (ready.length > 0) {
    const node = ready.pop()!;
    const g = pending.get(node) ?? null;
    pending.delete(node);
    const grads = g ? node.apply(g) : [];
    if (g)
      for (const w of node.retainers) {
        const t = w.deref();
        if (t && !t.isDisposed) accumulate(t, g);
      }
    node.edges.forEach((e, i) => {
      if (!e) return;
      const gi = grads[i] ?? null;
      if (gi && !sameShape(gi.shape, node.inputShapeOf(i)))
        throw new AutogradError(
          `backward: internal error: ${node.name} gave a gradient of shape ${fmtShape(gi.shape)} ` +
            `for input ${i} of shape ${fmtShape(node.inputShapeOf(i))}`,
        );
      if ('leaf' in e) {
        if (gi) accumulate(e.leaf, gi);
        return;
      }
      if (gi) {
        // As torch: a gradient has its tensor's dtype, so a float32 subgraph is not run in
        // float64 because a float64 op consumed its result.
        const cast = gi.dtype === e.node.outDtype ? null : gi.to(e.node.outDtype);
        const arriving = cast ?? gi;
        const prev = pending.get(e.node);
        if (prev) {
          const sum = binaryOp('add', prev, arriving);
          pending.set(e.node, sum);
          hold(sum);
          letGo(prev);
          cast?.dispose();
        } else {
          pending.set(e.node, arriving);
          hold(arriving);
        }
      } else if (!pending.has(e.node)) {
        pending.set(e.node, null);
      }
      const left = deps.get(e.node)! - 1;
      deps.set(e.node, left);
      if (left === 0) ready.push(e.node);
    });
    if (g) letGo(g);
    for (const gi of grads) if (gi && gi !== userGradient && !holders.has(gi)) gi.dispose();
  }
}

/** Adds `g` into `t.grad` (in place when it can), creating it outside every tidy scope. */
function accumulate(t: Tensor, g: Tensor): void {
  if (t.isDisposed) return;
  const meta = t.autograd!;
  const existing = meta.grad && !meta.grad.isDisposed ? meta.grad : null;
  const cast = g.dtype === t.dtype ? g : g.to(t.dtype);
  if (existing?.isContiguous()) {
    existing.add_(cast);
    return;
  }
  // A copy, never `g` itself: `g` may still be waiting at another node or be the caller's.
  const next = outsideTidy(() => (existing ? binaryOp('add', existing, cast) : cast.clone()));
  gradsMadeByBackward.add(next);
  meta.grad = next;
}
