// One training step of the course's MLP (784→50→10, ReLU) at batch 64, against the same
// model in tfjs on tfjs-backend-wasm (XNNPACK), one thread each, interleaved in one process:
//   tensorlane  loss = crossEntropy(model.forward(x), y); opt.zeroGrad(); loss.backward();
//               opt.step()      (nn.Sequential, optim.SGD, inside tidy, as a user writes it)
//   tfjs        tf.variableGrads(() => tf.losses.softmaxCrossEntropy(oneHot, logits)), then
//               tf.train.sgd(lr).applyGradients(grads)      (inside tf.tidy)
// tfjs's gradient of matMul computes xᵀ·dy as a BatchMatMul with transposeA, a slow path of
// tfjs-backend-wasm (many times its plain product of the same size), and that product
// dominates tfjs's step; its forward pass alone is the fair kernel comparison (row 2).
// Both start from the same weights and batch, and before timing both run a few steps and
// must agree on the losses (same arithmetic, so within float32 rounding). Also one forward
// pass alone, a breakdown of tensorlane's step (forward / backward / SGD) to show where the
// time goes, and one AdamW update of 1M parameters: the fused kernel, the same update in
// tensor ops, and tfjs's train.adam. TENSORLANE_ENTRY may point at another build (default: dist/index.js).
import { loadTfjs } from './peers/tfjs.mjs';
import { registerTfjsGradients } from './peers/tfjs-gradients.mjs';
import { medians } from './runner/medians.mjs';

const entry =
  process.env.TENSORLANE_ENTRY ??
  new URL('../packages/tensorlane/dist/index.js', import.meta.url).href;
const lib = await import(entry);

const [BATCH, IN, HIDDEN, OUT] = [64, 784, 50, 10];
const LR = 0.1;
const CHECK_STEPS = 5;

/** Same pseudo-random floats for both libraries (xorshift32, uniform in ±scale/2). */
function values(n, seed, scale) {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = ((s >>> 0) / 2 ** 32 - 0.5) * scale;
  }
  return out;
}

/** `[rows, cols]` row-major → its transpose, row-major. */
function transposed(v, rows, cols) {
  const out = new Float32Array(v.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = v[i * cols + j];
  return out;
}

/** The weights (PyTorch's init bounds), a batch of inputs and labels, shared by both. */
function problem() {
  const b1 = 1 / Math.sqrt(IN);
  const b2 = 1 / Math.sqrt(HIDDEN);
  return {
    w1: values(HIDDEN * IN, 11, 2 * b1), // [50, 784], nn.Linear's layout
    b1: values(HIDDEN, 12, 2 * b1),
    w2: values(OUT * HIDDEN, 13, 2 * b2),
    b2: values(OUT, 14, 2 * b2),
    x: values(BATCH * IN, 15, 4),
    y: Int32Array.from({ length: BATCH }, (_, i) => (i * 7 + 3) % OUT),
  };
}

function tensorlaneModel(p) {
  const { nn, optim, tensor } = lib;
  const model = new nn.Sequential(
    new nn.Linear(IN, HIDDEN),
    new nn.ReLU(),
    new nn.Linear(HIDDEN, OUT),
  );
  const weights = {
    '0.weight': tensor(p.w1, { shape: [HIDDEN, IN] }),
    '0.bias': tensor(p.b1),
    '2.weight': tensor(p.w2, { shape: [OUT, HIDDEN] }),
    '2.bias': tensor(p.b2),
  };
  model.loadStateDict(weights);
  for (const t of Object.values(weights)) t.dispose();
  const opt = new optim.SGD(model.parameters(), { lr: LR });
  const x = tensor(p.x, { shape: [BATCH, IN] });
  const y = tensor(p.y);
  const step = () =>
    lib.tidy(() => {
      const loss = lib.crossEntropy(model.forward(x), y);
      opt.zeroGrad();
      loss.backward();
      opt.step();
      return loss.item();
    });
  const forward = () => lib.tidy(() => lib.crossEntropy(model.forward(x), y).item());
  const dispose = () => {
    opt.zeroGrad();
    model.dispose();
    x.dispose();
    y.dispose();
  };
  return { model, opt, x, y, step, forward, dispose };
}

function tfjsModel(tf, p) {
  const w1 = tf.variable(tf.tensor2d(transposed(p.w1, HIDDEN, IN), [IN, HIDDEN]));
  const b1 = tf.variable(tf.tensor1d(p.b1));
  const w2 = tf.variable(tf.tensor2d(transposed(p.w2, OUT, HIDDEN), [HIDDEN, OUT]));
  const b2 = tf.variable(tf.tensor1d(p.b2));
  const x = tf.tensor2d(p.x, [BATCH, IN]);
  const oneHot = tf.oneHot(tf.tensor1d(p.y, 'int32'), OUT);
  const opt = tf.train.sgd(LR);
  const loss = () =>
    tf.losses.softmaxCrossEntropy(
      oneHot,
      tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x, w1), b1)), w2), b2),
    );
  const step = () =>
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(loss);
      opt.applyGradients(grads);
      return value.dataSync()[0];
    });
  const forward = () => tf.tidy(() => loss().dataSync()[0]);
  const dispose = () => {
    for (const t of [w1, b1, w2, b2, x, oneHot]) t.dispose();
    opt.dispose();
  };
  return { step, forward, dispose };
}

/** Where tensorlane's step spends its time: each phase timed alone, same model and batch. */
function phases(tl, opts) {
  const { model, opt, x, y } = tl;
  const { crossEntropy, tidy } = lib;
  const forwardOnly = () => tidy(() => crossEntropy(model.forward(x), y).dispose());
  const forwardBackward = () =>
    tidy(() => {
      opt.zeroGrad();
      crossEntropy(model.forward(x), y).backward();
    });
  // The gradients of the last forwardBackward stay for the SGD-only task.
  const sgdOnly = () => opt.step();
  const [f, fb] = medians(
    [
      ['forward', forwardOnly],
      ['forward+backward', forwardBackward],
    ],
    opts,
  );
  forwardBackward();
  const [s] = medians([['sgd', sgdOnly]], opts);
  return { forward: f, backward: fb - f, sgd: s };
}

/**
 * One AdamW update of `n` float32 parameters: tensorlane's fused step (one pass), the same
 * update written with tensorlane's tensor ops (as before the kernel; ~12 passes), and tfjs's
 * `train.adam` (no weight decay in tfjs, so all three run with weightDecay 0).
 */
function adamwCases(tf, n, build, opts) {
  const { optim, tensor, noGrad, tidy } = lib;
  const [lr, beta1, beta2, eps] = [1e-3, 0.9, 0.999, 1e-8];
  const pv = values(n, 21, 2);
  const gv = values(n, 22, 1);
  const p = tensor(pv, { requiresGrad: true });
  p.grad = tensor(gv);
  const fused = new optim.AdamW([p], { lr, weightDecay: 0 });
  const q = tensor(pv, { requiresGrad: true });
  q.grad = tensor(gv);
  const [m, v] = [lib.zeros(n), lib.zeros(n)];
  let step = 0;
  const composed = () =>
    noGrad(() =>
      tidy(() => {
        step++;
        const g = q.grad;
        m.mul_(beta1).add_(g.mul(1 - beta1));
        v.mul_(beta2).add_(g.square().mul(1 - beta2));
        const denom = v
          .sqrt()
          .div(Math.sqrt(1 - beta2 ** step))
          .add(eps);
        q.sub_(m.mul(lr / (1 - beta1 ** step)).div(denom));
      }),
    );
  const tasks = [
    ['fused', () => fused.step()],
    ['composed', composed],
  ];
  let tfState;
  if (tf) {
    const w = tf.variable(tf.tensor1d(pv));
    const grads = { [w.name]: tf.tensor1d(gv) };
    const opt = tf.train.adam(lr, beta1, beta2, eps);
    tfState = { w, grads, opt };
    tasks.push(['tfjs', () => opt.applyGradients(grads)]);
  }
  const [tFused, tComposed, tTf] = medians(tasks, opts);
  for (const g of [p.grad, q.grad]) g.dispose();
  for (const t of [p, q, m, v]) t.dispose();
  fused.dispose();
  if (tfState) {
    tfState.w.dispose();
    tfState.grads[tfState.w.name].dispose();
    tfState.opt.dispose();
  }
  // Reads param, grad and both moments, writes param and both moments: 7 floats per element.
  const gbps = (ms) => (28 * n) / ms / 1e6;
  const name = `AdamW update of ${n.toLocaleString('en-US')} float32 parameters`;
  return [
    {
      name,
      contender: `tensorlane wasm ${build} optim.AdamW (fused kernel)`,
      medianMs: tFused,
      gbps: gbps(tFused),
      note: `${(tComposed / tFused).toFixed(1)}× the composed ops${tTf ? `, ${(tTf / tFused).toFixed(1)}× tfjs` : ''}`,
    },
    {
      name,
      contender: 'tensorlane tensor ops (the same update composed, ~12 passes)',
      medianMs: tComposed,
      gbps: gbps(tComposed),
    },
    ...(tTf
      ? [{ name, contender: 'tfjs-backend-wasm train.adam', medianMs: tTf, gbps: gbps(tTf) }]
      : []),
  ];
}

export async function run({ quick = false, budgetMs = 60_000, log = console.log } = {}) {
  const info = await lib.init({ threads: 1 }); // single-thread figures, as tfjs here
  const build = info.build ?? 'unknown';
  const tf = await loadTfjs(log, 1);
  if (tf) await registerTfjsGradients();
  log(`train bench on the ${build} build`);
  const p = problem();
  const tl = tensorlaneModel(p);
  const peer = tf ? tfjsModel(tf, p) : undefined;

  // Same start, same batch, same arithmetic: the losses of the first steps must agree.
  for (let i = 0; i < CHECK_STEPS; i++) {
    const a = tl.step();
    if (!peer) continue;
    const b = peer.step();
    if (!(Math.abs(a - b) <= 1e-4 * (1 + Math.abs(b))))
      throw new Error(`train bench: step ${i} loss ${a} (tensorlane) vs ${b} (tfjs)`);
    if (i === CHECK_STEPS - 1)
      log(`losses agree over ${CHECK_STEPS} steps (last ${a.toFixed(6)} vs ${b.toFixed(6)})`);
  }

  const memBefore = lib.memory();
  const opts = { quick, budgetMs: budgetMs / 2 };
  const [tStep, fStep] = medians(
    [['tensorlane', tl.step], ...(peer ? [['tfjs', peer.step]] : [])],
    opts,
  );
  const [tFwd, fFwd] = medians(
    [['tensorlane', tl.forward], ...(peer ? [['tfjs', peer.forward]] : [])],
    opts,
  );
  const split = phases(tl, { quick, budgetMs: budgetMs / 4 });
  const memAfter = lib.memory();
  if (memAfter.tensors !== memBefore.tensors || memAfter.bytes !== memBefore.bytes)
    throw new Error(
      `train bench: tensorlane leaked (${memBefore.tensors} → ${memAfter.tensors} tensors, ${memBefore.bytes} → ${memAfter.bytes} bytes)`,
    );
  tl.dispose();
  peer?.dispose();
  const adamw = adamwCases(tf, quick ? 1 << 16 : 1 << 20, build, {
    quick,
    budgetMs: budgetMs / 4,
  });

  // FLOPs of the GEMMs: forward 2·B·(IN·H + H·OUT); backward the weight gradients of both
  // layers and the hidden activations' gradient (the input's is not needed).
  const fwdFlop = 2 * BATCH * (IN * HIDDEN + HIDDEN * OUT);
  const stepFlop = fwdFlop + 2 * BATCH * (IN * HIDDEN + 2 * HIDDEN * OUT);
  const gflops = (flop, ms) => flop / ms / 1e6;
  const name = `MLP ${IN}→${HIDDEN}→${OUT} training step, batch ${BATCH}`;
  const fname = `MLP ${IN}→${HIDDEN}→${OUT} forward + loss, batch ${BATCH}`;
  const cases = [
    {
      name,
      contender: `tensorlane wasm ${build} (nn, backward, optim.SGD)`,
      medianMs: tStep,
      gflops: gflops(stepFlop, tStep),
      note:
        (fStep ? `${(fStep / tStep).toFixed(2)}× tfjs; ` : '') +
        `forward ${(split.forward * 1000).toFixed(0)} µs, backward ${(split.backward * 1000).toFixed(0)} µs, SGD ${(split.sgd * 1000).toFixed(0)} µs`,
    },
    ...(fStep
      ? [
          {
            name,
            contender: 'tfjs-backend-wasm (variableGrads, train.sgd)',
            medianMs: fStep,
            gflops: gflops(stepFlop, fStep),
          },
        ]
      : []),
    {
      name: fname,
      contender: `tensorlane wasm ${build}`,
      medianMs: tFwd,
      gflops: gflops(fwdFlop, tFwd),
      note: fFwd ? `${(fFwd / tFwd).toFixed(2)}× tfjs` : undefined,
    },
    ...(fFwd
      ? [
          {
            name: fname,
            contender: 'tfjs-backend-wasm',
            medianMs: fFwd,
            gflops: gflops(fwdFlop, fFwd),
          },
        ]
      : []),
    ...adamw,
  ];
  for (const c of cases)
    log(
      `${c.name.padEnd(48)} ${c.contender.padEnd(56)} ${(c.medianMs * 1000).toFixed(0).padStart(6)} µs ` +
        `${(c.gflops ?? c.gbps).toFixed(2).padStart(6)} ${c.gflops ? 'GFLOP/s' : 'GB/s'} ${c.note ?? ''}`,
    );
  return { cases, meta: { build, memory: { before: memBefore, after: memAfter } } };
}

if (import.meta.url === `file://${process.argv[1]}`)
  await run({ quick: process.argv.includes('--quick') });
