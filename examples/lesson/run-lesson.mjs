// "Matrix multiplication from foundations", cell by cell, on MNIST digits. The same steps
// run in the terminal (examples/demo.mjs) and in the browser (examples/browser/), each
// rendering through its own `ui`; this file only computes, checks and times.
import * as tl from '../../packages/tensorlane/dist/index.js';
import { testEq, testNear } from '../../packages/tensorlane/dist/testing.js';
import { LESSON_FIGURES } from './lesson-figures.mjs';
import {
  matmulBroadcast,
  matmulEinsum,
  matmulElementwise,
  matmulKernel,
  matmulTripleLoop,
  typedArrayMatmul,
} from './matmuls.mjs';
import { timeit } from './timeit.mjs';

/**
 * @typedef {object} LessonUi how a front end shows the lesson
 * @property {(title: string) => void} heading
 * @property {(text: string) => void} line         a code line or a result
 * @property {(text: string) => void | Promise<void>} progress   transient status of a long step
 * @property {(check: { name: string, ok: boolean, message?: string }) => void} check
 * @property {(digits: { pixels: Float32Array, label: number }[], rows: number, cols: number) => void} digits
 * @property {(rows: object[]) => void} timings    the five matmuls + typed-array loop
 * @property {(v: object) => void} validation      whole validation set: matmul vs typed-array loop
 */

/** The five matmuls of the lesson, in its order, and the typed-array loop after them. */
const METHODS = [
  {
    id: 'tripleLoop',
    label: 'triple loop, get/set per element',
    code: 'c.set([i, j], c.get(i, j).add(a.get(i, k).mul(b.get(k, j))))',
    fn: matmulTripleLoop,
  },
  {
    id: 'elementwise',
    label: 'elementwise row × column',
    code: "c.set([i, j], a.get(i, ':').mul(b.get(':', j)).sum())",
    fn: matmulElementwise,
  },
  {
    id: 'broadcast',
    label: 'broadcasting',
    code: 'c.set(i, a.get(i).unsqueeze(-1).mul(b).sum(0))',
    fn: matmulBroadcast,
  },
  { id: 'einsum', label: 'einsum', code: "einsum('ik,kj->ij', a, b)", fn: matmulEinsum },
  { id: 'matmul', label: 'matmul (GEMM kernel)', code: 'matmul(a, b)', fn: matmulKernel },
];

const fmtShape = (t) => `[${t.shape.join(', ')}]`;
const disposeTensor = (t) => t.dispose();

/**
 * Runs the lesson on a dataset from examples/data (ubyte images, labels).
 * @param {{ images: Uint8Array, labels: Uint8Array, count: number, rows: number, cols: number }} set
 * @param {LessonUi} ui
 * @param {{ quick?: boolean }} [options] quick: fewer timing samples (for tests)
 * @returns {Promise<{ checks: object[], timings: object[], validation: object, info: object }>}
 */
export async function runLesson(set, ui, { quick = false } = {}) {
  const checks = [];
  const check = (name, fn) => {
    let result;
    try {
      fn();
      result = { name, ok: true };
    } catch (e) {
      result = { name, ok: false, message: e.message };
    }
    checks.push(result);
    ui.check(result);
  };
  const sampleMs = quick ? 60 : 300;
  const info = tl.backendInfo();
  ui.line(`backend: ${info.backend}, wasm build: ${info.build ?? 'none'}`);

  // ## Get data
  ui.heading('Get data');
  const pixels = set.rows * set.cols;
  const scaled = new Float32Array(set.images.length);
  for (let i = 0; i < scaled.length; i++) scaled[i] = set.images[i] / 255;
  const xValid = tl.keep(tl.tensor(scaled, { shape: [set.count, pixels] }));
  const yValid = tl.keep(tl.tensor(Int32Array.from(set.labels), { shape: [set.count] }));
  const [n, c] = xValid.shape;
  ui.line(`xValid ${fmtShape(xValid)} ${xValid.dtype}, yValid ${fmtShape(yValid)} ${yValid.dtype}`);
  check('n == yValid.shape[0]', () => testEq(n, yValid.shape[0]));
  check('c == 28*28', () => testEq(c, 28 * 28));
  check('yValid.min() == 0', () => testEq(yValid.min().item(), 0));
  check('yValid.max() == 9', () => testEq(yValid.max().item(), 9));
  const shown = Math.min(8, n);
  ui.digits(
    Array.from({ length: shown }, (_, i) => ({
      pixels: tl.tidy(() => xValid.get(i).view(set.rows, set.cols).data()),
      label: yValid.get(i).item(),
    })),
    set.rows,
    set.cols,
  );

  // ## Initial model
  ui.heading('Initial model');
  tl.manualSeed(42);
  const weights = tl.keep(tl.randn([784, 10]));
  const bias = tl.keep(tl.zeros(10));
  ui.line(`weights = randn([784, 10]) ${fmtShape(weights)}, bias = zeros(10) ${fmtShape(bias)}`);

  // ## Matrix multiplication: five ways, each checked against the triple loop's t1
  ui.heading('Matrix multiplication: m1 = xValid[:5], m2 = weights');
  const m1 = tl.keep(xValid.get('0:5'));
  const m2 = weights;
  await ui.progress('triple loop: t1 = matmul(m1, m2), the first timed run…');
  let t1;
  const timings = [];
  for (const method of METHODS) {
    const isLoop = method.id === 'tripleLoop';
    if (!isLoop) {
      const result = method.fn(m1, m2);
      check(`testNear(t1, ${method.label})`, () => testNear(t1, result));
      result.dispose();
    }
    const timing = await timeit(() => method.fn(m1, m2), {
      dispose: disposeTensor,
      // The lesson's t1 is the triple loop's first result: everything else is checked against it.
      first: isLoop ? (t) => (t1 = tl.keep(t)) : undefined,
      minMs: isLoop || method.id === 'elementwise' ? 0 : sampleMs,
      minSamples: isLoop && quick ? 1 : 3,
      onSample: (i, ms) => ui.progress(`timing ${method.label}: sample ${i}, ${fmtMs(ms)}`),
    });
    if (isLoop) ui.line(`t1 = matmul(m1, m2) ${fmtShape(t1)}, the literal triple loop`);
    timings.push({ ...method, fn: undefined, medianMs: timing.medianMs });
  }
  const a = m1.data();
  const b = m2.data();
  check('testNear(t1, typed-array loop)', () =>
    testNear(t1, tl.tensor(typedArrayMatmul(a, b, 5, 784, 10), { shape: [5, 10] })),
  );
  const typed = await timeit(() => typedArrayMatmul(a, b, 5, 784, 10), { minMs: sampleMs });
  timings.push({
    id: 'typedArray',
    label: 'plain typed-array triple loop (no tensors)',
    code: 'c[i*m+j] += a[i*k+p] * b[p*m+j] on Float32Arrays',
    medianMs: typed.medianMs,
  });
  const loopMs = timings[0].medianMs;
  for (const row of timings) {
    row.speedup = loopMs / row.medianMs;
    row.lesson = LESSON_FIGURES[row.id];
  }
  ui.timings(timings);

  // ## The whole validation set: the kernel against the best plain-JS loop
  ui.heading(`The whole validation set: xValid ${fmtShape(xValid)} @ weights`);
  const full = matmulKernel(xValid, weights);
  const xData = xValid.data();
  const wData = weights.data();
  await ui.progress(`typed-array loop over ${n} rows…`);
  const fullLoop = tl.tensor(typedArrayMatmul(xData, wData, n, 784, 10), { shape: [n, 10] });
  check('testNear(matmul(xValid, weights), typed-array loop)', () => testNear(full, fullLoop));
  full.dispose();
  fullLoop.dispose();
  const fullKernel = await timeit(() => matmulKernel(xValid, weights), {
    dispose: disposeTensor,
    minMs: sampleMs,
    onSample: (i, ms) => ui.progress(`timing matmul on ${n} rows: sample ${i}, ${fmtMs(ms)}`),
  });
  const fullTyped = await timeit(() => typedArrayMatmul(xData, wData, n, 784, 10), {
    minMs: sampleMs,
    onSample: (i, ms) =>
      ui.progress(`timing typed-array loop on ${n} rows: sample ${i}, ${fmtMs(ms)}`),
  });
  const flops = 2 * n * 784 * 10;
  const validation = {
    rows: n,
    matmulMs: fullKernel.medianMs,
    typedArrayMs: fullTyped.medianMs,
    ratio: fullTyped.medianMs / fullKernel.medianMs,
    matmulGflops: flops / fullKernel.medianMs / 1e6,
    typedArrayGflops: flops / fullTyped.medianMs / 1e6,
  };
  ui.validation(validation);

  // ## Outer products with einsum, checked against broadcasting (x[..., None] * v)
  ui.heading('Outer products with einsum');
  tl.tidy(() => {
    const images = xValid.get('0:32').view(32, 28, 28);
    const v = tl.randn(16);
    const outer = tl.einsum('bij,k->bijk', images, v);
    ui.line(
      `einsum('bij,k->bijk', images ${fmtShape(images)}, v ${fmtShape(v)}) → ${fmtShape(outer)}`,
    );
    check("einsum('bij,k->bijk') == images[..., None] * v", () =>
      testNear(outer, images.get('...', null).mul(v)),
    );
    const x = xValid.get('0:8').view(8, 28, 28);
    const y = tl.einsum('ik,kj->ij', xValid.get('0:8'), weights);
    const batched = tl.einsum('ijk,il->ijkl', x, y);
    ui.line(`einsum('ijk,il->ijkl', x ${fmtShape(x)}, y ${fmtShape(y)}) → ${fmtShape(batched)}`);
    check("einsum('ijk,il->ijkl') == x[..., None] * y[:, None, None, :]", () =>
      testNear(batched, x.get('...', null).mul(y.get(':', null, null, ':'))),
    );
  });

  // ## Attention: softmax(QKᵀ/√d)V, against the same formula written with einsum
  ui.heading('Attention: softmax(QKᵀ/√d)V');
  if (typeof tl.softmax !== 'function') {
    check('softmax(QKᵀ/√d)V == its einsum form', () => {
      throw new Error('softmax is not exported by this build of tensorlane yet');
    });
  } else {
    tl.tidy(() => {
      const [heads, seq, d] = [4, 64, 32];
      const q = tl.randn(heads, seq, d);
      const k = tl.randn(heads, seq, d);
      const v = tl.randn(heads, seq, d);
      const attention = tl.matmul(tl.softmax(tl.matmul(q, k.mT).div(Math.sqrt(d)), -1), v);
      ui.line(`q, k, v ${fmtShape(q)} → softmax(q @ k.mT / √${d}, -1) @ v ${fmtShape(attention)}`);
      // The reference spells softmax out (max-subtracted exp over its sum) so that it
      // checks the softmax kernel too, not just the two products.
      const scores = tl.einsum('hqd,hkd->hqk', q, k).div(Math.sqrt(d));
      const e = scores.sub(scores.amax(-1, true)).exp();
      const reference = tl.einsum('hqk,hkd->hqd', e.div(e.sum(-1, true)), v);
      check(
        "softmax(QKᵀ/√d)V == einsum('hqk,hkd->hqd', softmax(einsum('hqd,hkd->hqk')/√d), v)",
        () => testNear(attention, reference),
      );
    });
  }

  for (const t of [xValid, yValid, weights, bias, m1, t1]) t.dispose();
  return { checks, timings, validation, info };
}

/** A duration in µs below 1 ms, in ms below 1 s, else in s. */
export function fmtMs(ms) {
  if (ms < 1) return `${(ms * 1000).toPrecision(3)} µs`;
  if (ms < 1000) return `${ms.toPrecision(3)} ms`;
  return `${(ms / 1000).toPrecision(3)} s`;
}
