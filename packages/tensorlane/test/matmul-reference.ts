/**
 * An independent torch.matmul reference for tests: row-major number arrays, explicit index
 * arithmetic for 1-D promotion and batch broadcasting, double-precision sums. Also returns
 * `Σ|a·b|` per element, the scale of the float32 rounding error a kernel may make.
 */

export interface Dense {
  readonly data: readonly number[];
  readonly shape: readonly number[];
}

function strides(shape: readonly number[]): number[] {
  const s = shape.map(() => 1);
  for (let d = shape.length - 2; d >= 0; d--) s[d] = s[d + 1]! * shape[d + 1]!;
  return s;
}

/** `a @ b` by torch.matmul's rules, with per-element error scale `mag`. */
export function refMatmul(a: Dense, b: Dense): { out: Dense; mag: number[] } {
  const as = a.shape.length === 1 ? [1, a.shape[0]!] : a.shape;
  const bs = b.shape.length === 1 ? [b.shape[0]!, 1] : b.shape;
  const [m, k] = as.slice(-2) as [number, number];
  const n = bs[bs.length - 1]!;
  const ab = as.slice(0, -2);
  const bb = bs.slice(0, -2);
  const nb = Math.max(ab.length, bb.length);
  const batch: number[] = [];
  for (let i = 0; i < nb; i++) {
    const x = ab[ab.length - nb + i] ?? 1;
    const y = bb[bb.length - nb + i] ?? 1;
    batch.push(Math.max(x, y) === 1 ? 1 : x === 1 ? y : x);
  }
  const [sa, sb] = [strides(as), strides(bs)];
  const count = batch.reduce((p, x) => p * x, 1);
  const data: number[] = [];
  const mag: number[] = [];
  for (let t = 0; t < count; t++) {
    // Batch index → offsets in a and b, with size-1 (or missing) dims read at 0.
    let rest = t;
    let oa = 0;
    let ob = 0;
    for (let d = nb - 1; d >= 0; d--) {
      const i = rest % batch[d]!;
      rest = Math.floor(rest / batch[d]!);
      const da = d - (nb - ab.length);
      const db = d - (nb - bb.length);
      if (da >= 0 && ab[da]! > 1) oa += i * sa[da]!;
      if (db >= 0 && bb[db]! > 1) ob += i * sb[db]!;
    }
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        let g = 0;
        for (let p = 0; p < k; p++) {
          const x = a.data[oa + i * k + p]! * b.data[ob + p * n + j]!;
          s += x;
          g += Math.abs(x);
        }
        data.push(s);
        mag.push(g);
      }
  }
  const shape = [
    ...batch,
    ...(a.shape.length === 1 ? [] : [m]),
    ...(b.shape.length === 1 ? [] : [n]),
  ];
  return { out: { data, shape }, mag };
}

/** Deterministic values in [-1, 1) rounded to float32, from a seed (a small LCG). */
export function seededValues(count: number, seed: number): number[] {
  let s = seed >>> 0 || 1;
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out.push(Math.fround(s / 2 ** 31 - 1));
  }
  return out;
}
