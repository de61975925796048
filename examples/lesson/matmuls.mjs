// The lesson's five matrix multiplications, ported line for line from the notebook
// (torch → tensorlane), plus the plain typed-array loop that shows what JIT-compiled
// JavaScript does without tensors. Each takes [n, k] and [k, m] and returns [n, m].
import * as tl from '../../packages/tensorlane/dist/index.js';

/**
 * The lesson's first version, literally: every element read with `get` and written with
 * `set`, as `c[i,j] += a[i,k] * b[k,j]` indexes torch tensors (one scalar tensor per read).
 * `tidy` frees the ~150,000 temporaries that Python's reference counting would.
 */
export function matmulTripleLoop(a, b) {
  const [ar, ac] = a.shape;
  const [br, bc] = b.shape;
  if (ac !== br) throw new Error(`matmulTripleLoop: ${ac} columns vs ${br} rows`);
  return tl.tidy(() => {
    const c = tl.zeros(ar, bc);
    for (let i = 0; i < ar; i++)
      for (let j = 0; j < bc; j++)
        for (let k = 0; k < ac; k++) c.set([i, j], c.get(i, j).add(a.get(i, k).mul(b.get(k, j))));
    return c;
  });
}

/** Innermost loop replaced by an elementwise row × column product: `(a[i,:] * b[:,j]).sum()`. */
export function matmulElementwise(a, b) {
  const [ar, ac] = a.shape;
  const [br, bc] = b.shape;
  if (ac !== br) throw new Error(`matmulElementwise: ${ac} columns vs ${br} rows`);
  return tl.tidy(() => {
    const c = tl.zeros(ar, bc);
    for (let i = 0; i < ar; i++)
      for (let j = 0; j < bc; j++) c.set([i, j], a.get(i, ':').mul(b.get(':', j)).sum());
    return c;
  });
}

/** Two loops replaced by broadcasting: `c[i] = (a[i].unsqueeze(-1) * b).sum(dim=0)`. */
export function matmulBroadcast(a, b) {
  const [ar, ac] = a.shape;
  const [br, bc] = b.shape;
  if (ac !== br) throw new Error(`matmulBroadcast: ${ac} columns vs ${br} rows`);
  return tl.tidy(() => {
    const c = tl.zeros(ar, bc);
    for (let i = 0; i < ar; i++) c.set(i, a.get(i).unsqueeze(-1).mul(b).sum(0));
    return c;
  });
}

/** No loop at all: Einstein summation, `einsum('ik,kj->ij', a, b)`. */
export function matmulEinsum(a, b) {
  return tl.einsum('ik,kj->ij', a, b);
}

/** The library's GEMM kernel: `a @ b`. */
export function matmulKernel(a, b) {
  if (typeof tl.matmul !== 'function')
    throw new Error('this build of tensorlane exports no matmul');
  return tl.matmul(a, b);
}

/**
 * The same triple loop on plain Float32Arrays (row-major), with no tensor in sight:
 * what V8's JIT makes of the textbook loop, for an honest baseline.
 * @example typedArrayMatmul(new Float32Array([1, 2]), new Float32Array([3, 4]), 1, 2, 1) // [11]
 */
export function typedArrayMatmul(a, b, n, k, m) {
  const c = new Float32Array(n * m);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * k + p] * b[p * m + j];
      c[i * m + j] = s;
    }
  return c;
}
