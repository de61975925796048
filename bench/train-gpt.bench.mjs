// One training step of a small GPT (issue 18's bench): 2 layers, 128 wide, 4 heads, batch 8
// of 64 characters of the repository's docs (character vocabulary), i.e. forward,
// crossEntropy, backward and a plain SGD update of every parameter, in one process:
//   tensorlane: examples/gpt (model.mjs's GPT with scaledDotProductAttention, training.mjs's
//               trainStep: loss.backward(), then p -= lr·p.grad under noGrad), one thread
//   tfjs:       the same model in tfjs ops on tfjs-backend-wasm (one thread), trained with
//               tf.variableGrads and tf.train.sgd; linear weights stored [in, out] as a tfjs
//               user would; token embeddings by a one-hot matmul (tfjs-backend-wasm has no
//               UnsortedSegmentSum, the gradient of tf.gather) with the one-hot batch made
//               once outside the timing; the causal mask as an added −1e9 band; GELU in erf
//               form; tf.losses.softmaxCrossEntropy on one-hot targets made once
// Both start from the same weights; the first losses are compared before timing (and after
// one step, which checks the gradients agree). Medians over interleaved rounds. A profile
// of tensorlane's step follows: forward, backward and update times, and the backward time
// per recorded op (`GradNode` name), from the node's own timer wrapped around its
// derivative. TENSORLANE_ENTRY may point at another build.
import { loadTfjs } from './peers/tfjs.mjs';
import { registerTfjsGradients } from './peers/tfjs-gradients.mjs';
import { medians } from './runner/medians.mjs';

const entry =
  process.env.TENSORLANE_ENTRY ??
  new URL('../packages/tensorlane/dist/index.js', import.meta.url).href;
const lib = await import(entry);
const { GPT, GPTConfig } = await import('../examples/gpt/model.mjs');
const { charCorpus, getBatch, repositoryDocs, sgdUpdate, trainStep } = await import(
  '../examples/gpt/training.mjs'
);

const [BATCH, SEQ, LR] = [8, 64, 0.1];

/** The same model in tfjs: variables from tensorlane's weights, linear weights as [in, out]. */
function tfjsTrainer(tf, weights, { nLayer, nHead, nEmbd: C, vocabSize: V }, x, y) {
  const vars = {};
  for (const [name, t] of Object.entries(weights)) {
    const linear = t.ndim === 2 && !name.includes('.wte.') && !name.includes('.wpe.');
    const value = tf.tensor(t.data(), t.shape);
    vars[name] = tf.variable(linear ? tf.transpose(value) : value, true, name);
    value.dispose();
  }
  const w = (n) => vars[n];
  const [B, T] = x.shape;
  const hs = C / nHead;
  // tfjs-backend-wasm's oneHot writes int32 bits into a float32 result: cast instead
  const oneHot = (ids) =>
    tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(ids, 'int32'), V), 'float32'));
  const [xHot, yHot] = [oneHot(x.data()), oneHot(y.data())]; // [B·T, V]
  const band = tf.linalg.bandPart(tf.ones([T, T]), -1, 0);
  const mask = tf.mul(tf.sub(1, band), -1e9); // 0 on and below the diagonal
  band.dispose();
  const linear = (h, p) => tf.add(tf.matMul(h, w(`${p}.weight`)), w(`${p}.bias`));
  const layerNorm = (h, p) => {
    const { mean, variance } = tf.moments(h, -1, true);
    const normed = tf.mul(tf.sub(h, mean), tf.rsqrt(tf.add(variance, 1e-5)));
    return tf.add(tf.mul(normed, w(`${p}.weight`)), w(`${p}.bias`));
  };
  const gelu = (h) => tf.mul(tf.mul(h, 0.5), tf.add(1, tf.erf(tf.mul(h, Math.SQRT1_2))));
  const heads = (h) => tf.transpose(tf.reshape(h, [B, T, nHead, hs]), [0, 2, 1, 3]);
  const loss = () => {
    const wte = w('transformer.wte.weight');
    const pos = tf.slice(w('transformer.wpe.weight'), [0, 0], [T, C]);
    let h = tf.reshape(tf.add(tf.reshape(tf.matMul(xHot, wte), [B, T, C]), pos), [B * T, C]);
    for (let i = 0; i < nLayer; i++) {
      const p = `transformer.h.${i}`;
      const [q, k, v] = tf.split(linear(layerNorm(h, `${p}.ln_1`), `${p}.attn.c_attn`), 3, -1);
      const att = tf.softmax(
        tf.add(tf.mul(tf.matMul(heads(q), heads(k), false, true), 1 / Math.sqrt(hs)), mask),
      );
      const o = tf.reshape(tf.transpose(tf.matMul(att, heads(v)), [0, 2, 1, 3]), [B * T, C]);
      h = tf.add(h, linear(o, `${p}.attn.c_proj`));
      const m = linear(gelu(linear(layerNorm(h, `${p}.ln_2`), `${p}.mlp.c_fc`)), `${p}.mlp.c_proj`);
      h = tf.add(h, m);
    }
    // the tied head: wteᵀ by a transpose, as tfjs's matMul with transposeB is slower here
    const logits = tf.matMul(layerNorm(h, 'transformer.ln_f'), tf.transpose(wte));
    return tf.losses.softmaxCrossEntropy(yHot, logits);
  };
  const optimizer = tf.train.sgd(LR);
  const list = Object.values(vars);
  return {
    /** One step; returns the loss before the update. */
    step() {
      const { value, grads } = tf.variableGrads(loss, list);
      optimizer.applyGradients(grads);
      const l = value.dataSync()[0];
      value.dispose();
      for (const g of Object.values(grads)) g.dispose();
      return l;
    },
    /** The forward and the loss alone (ms of one call), for the log. */
    forwardMs() {
      const t = performance.now();
      tf.tidy(() => loss().dataSync());
      return performance.now() - t;
    },
    dispose() {
      for (const t of [xHot, yHot, mask, ...list]) t.dispose();
      optimizer.dispose();
    },
  };
}

/** Where one tensorlane step spends its time: forward, backward (by op), update. */
function profile(model, x, y, steps) {
  const probe = lib.tidy(() => lib.ones(1, { requiresGrad: true }).mul(1));
  const nodeProto = Object.getPrototypeOf(probe.gradFn);
  probe.dispose();
  const apply = nodeProto.apply;
  const byOp = new Map();
  nodeProto.apply = function timed(g) {
    const t0 = performance.now();
    const out = apply.call(this, g);
    const entry = byOp.get(this.name) ?? { ms: 0, calls: 0 };
    entry.ms += performance.now() - t0;
    entry.calls++;
    byOp.set(this.name, entry);
    return out;
  };
  const parts = { forward: 0, backward: 0, update: 0 };
  try {
    for (let s = 0; s < steps; s++) {
      lib.tidy(() => {
        let t = performance.now();
        const [, loss] = model.forward(x, y);
        loss.item();
        parts.forward += performance.now() - t;
        t = performance.now();
        loss.backward();
        parts.backward += performance.now() - t;
      });
      const t = performance.now();
      sgdUpdate(model.parameters(), LR);
      parts.update += performance.now() - t;
    }
  } finally {
    nodeProto.apply = apply;
  }
  const per = (ms) => ms / steps;
  const ops = [...byOp.entries()]
    .map(([name, { ms, calls }]) => ({ name, ms: per(ms), calls: calls / steps }))
    .sort((a, b) => b.ms - a.ms);
  return {
    forward: per(parts.forward),
    backward: per(parts.backward),
    update: per(parts.update),
    ops,
  };
}

export async function run({ quick = false, budgetMs = 60_000, log = console.log } = {}) {
  const info = await lib.init({ threads: 1 }); // single-thread figures, as tfjs here
  const build = info.build ?? 'unknown';
  const tf = await loadTfjs(log);
  if (tf) await registerTfjsGradients();
  const corpus = charCorpus(repositoryDocs());
  const config = new GPTConfig({
    blockSize: SEQ,
    vocabSize: corpus.vocabSize,
    nLayer: 2,
    nHead: 4,
    nEmbd: 128,
    attention: 'sdpa',
  });
  const name = `GPT training step (2 layers, 128 wide, 4 heads, vocab ${corpus.vocabSize}, batch ${BATCH}×${SEQ})`;
  log(`train-gpt bench on the ${build} build: ${name}`);
  lib.manualSeed(1);
  const model = new GPT(config);
  const weights = model.stateDict();
  lib.manualSeed(1);
  const { x, y } = getBatch(corpus.data, BATCH, SEQ);
  const trainer = tf ? tfjsTrainer(tf, weights, config, x, y) : undefined;
  for (const t of Object.values(weights)) t.dispose(); // the views, not the parameters

  // The same model: the same first loss, and after one SGD step the same second loss.
  const first = [trainStep(model, x, y, LR), trainer?.step()];
  const second = [trainStep(model, x, y, LR), trainer?.step()];
  log(
    `losses, step 1 and 2: tensorlane ${first[0].toFixed(5)} ${second[0].toFixed(5)}` +
      (trainer ? `, tfjs ${first[1].toFixed(5)} ${second[1].toFixed(5)}` : ''),
  );
  if (trainer && Math.max(Math.abs(first[0] - first[1]), Math.abs(second[0] - second[1])) > 1e-3)
    throw new Error('train-gpt: tensorlane and tfjs train different models (losses differ)');

  const tasks = [['tensorlane', () => trainStep(model, x, y, LR)]];
  if (trainer) tasks.push(['tfjs', () => trainer.step()]);
  const [tTl, tTf] = medians(tasks, { quick, budgetMs: budgetMs * 0.8 });
  const p = profile(model, x, y, quick ? 2 : 5);
  if (trainer) {
    const fwd = [0, 1, 2].map(() => trainer.forwardMs()).sort((a, b) => a - b)[1];
    log(`tfjs forward and loss alone: ${fwd.toFixed(2)} ms`);
  }
  log(
    `tensorlane step ${tTl.toFixed(2)} ms${tTf ? `, tfjs ${tTf.toFixed(2)} ms (${(tTf / tTl).toFixed(2)}× tfjs)` : ''}`,
  );
  log(
    `tensorlane profile per step: forward ${p.forward.toFixed(2)} ms, backward ${p.backward.toFixed(2)} ms, SGD update ${p.update.toFixed(2)} ms`,
  );
  log('backward by op (ms per step, nodes per step):');
  for (const o of p.ops.slice(0, 14))
    log(`  ${o.name.padEnd(28)} ${o.ms.toFixed(2).padStart(7)} ms  ×${o.calls}`);

  trainer?.dispose();
  for (const t of [x, y]) t.dispose();
  model.dispose();

  // Forward + backward ≈ 3× the forward's matmul FLOPs; the table's rate column needs one.
  const { nLayer, nEmbd: C, vocabSize: V } = config;
  const tokens = BATCH * SEQ;
  const forwardFlops =
    2 * tokens * (nLayer * 12 * C * C + V * C) + nLayer * 2 * 2 * BATCH * SEQ * SEQ * C;
  const gflops = (ms) => (3 * forwardFlops) / ms / 1e6;
  const note = `forward ${p.forward.toFixed(1)} ms, backward ${p.backward.toFixed(1)} ms, update ${p.update.toFixed(1)} ms`;
  return {
    cases: [
      {
        name,
        contender: `tensorlane wasm ${build} (1 thread)`,
        medianMs: tTl,
        gflops: gflops(tTl),
        note: tTf ? `${(tTf / tTl).toFixed(2)}× tfjs; ${note}` : note,
      },
      ...(tTf
        ? [
            {
              name,
              contender: 'tfjs-backend-wasm variableGrads + train.sgd (1 thread)',
              medianMs: tTf,
              gflops: gflops(tTf),
            },
          ]
        : []),
    ],
    meta: { build, backwardByOp: p.ops },
  };
}

if (import.meta.url === `file://${process.argv[1]}`)
  await run({ quick: process.argv.includes('--quick') });
