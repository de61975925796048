// GPT-2 in tensorlane: a line-by-line port of nanoGPT's model.py
// (https://github.com/karpathy/nanoGPT) onto `nn.Module`, the way a PyTorch user writes it:
// the same classes, fields and state_dict names (`transformer.h.0.attn.c_attn.weight`, …),
// methods camelCased (`get_num_params` → `getNumParams`), `module(x)` → `module.forward(x)`,
// keyword arguments → an options object. `forward(idx, targets)` returns `[logits, loss]`;
// `loss.backward()` trains it (training.mjs). Plus what nanoGPT leaves out: a KV cache, so
// `generate` runs the prompt once (prefill) and then one token per step (decode) without
// recomputing the prefix, and `GPT.load` for a nanoGPT-layout safetensors file.
import {
  arange,
  backendInfo,
  cat,
  crossEntropy,
  keep,
  layerNorm,
  loadSafetensors,
  manualSeed,
  multinomial,
  nn,
  noGrad,
  ones,
  optim,
  scaledDotProductAttention,
  setBackend,
  softmax,
  tidy,
  tril,
  zeros,
} from '../../packages/tensorlane/dist/index.js';

/** nanoGPT's `torch.tril(torch.ones(bs, bs)).view(1, 1, bs, bs)`, kept out of `tidy`. */
const causalMask = (bs) => keep(tril(ones(bs, bs)).view(1, 1, bs, bs));

/** LayerNorm but with an optional bias (as nanoGPT's: `nn.LayerNorm` had no bias=False then). */
class LayerNorm extends nn.Module {
  constructor(ndim, bias) {
    super();
    this.weight = nn.parameter(ones(ndim));
    this.bias = bias ? nn.parameter(zeros(ndim)) : null;
  }

  forward(input) {
    return layerNorm(input, this.weight.shape, this.weight, this.bias, 1e-5);
  }
}

class CausalSelfAttention extends nn.Module {
  constructor(config) {
    super();
    if (config.nEmbd % config.nHead !== 0) throw new Error('gpt: nEmbd must divide by nHead');
    // key, query, value projections for all heads, but in a batch
    this.c_attn = new nn.Linear(config.nEmbd, 3 * config.nEmbd, { bias: config.bias });
    // output projection
    this.c_proj = new nn.Linear(config.nEmbd, config.nEmbd, { bias: config.bias });
    // regularization
    this.attn_dropout = new nn.Dropout(config.dropout);
    this.resid_dropout = new nn.Dropout(config.dropout);
    this.nHead = config.nHead;
    this.nEmbd = config.nEmbd;
    this.dropout = config.dropout;
    // config.attention picks the path nanoGPT picks by torch version: 'sdpa' is its flash path
    this.flash = config.attention === 'sdpa';
    if (this.flash && config.dropout > 0)
      throw new Error("gpt: scaledDotProductAttention has no dropout; use attention 'explicit'");
    if (!this.flash) {
      // causal mask to ensure that attention is only applied to the left in the input sequence
      this.bias = causalMask(config.blockSize); // a buffer, not a parameter
    }
  }

  /**
   * x `[B, T, C]` at positions `past … past + T − 1`. With a `cache` ({ k, v } of
   * `[B, nh, length, hs]`), this step's keys and values are written into it at those
   * positions, and the queries attend to all `past + T` cached ones.
   */
  forward(x, cache = null, past = 0) {
    const [B, T, C] = x.shape; // batch size, sequence length, embedding dimensionality (nEmbd)

    // calculate query, key, values for all heads in batch and move head forward to be the batch dim
    let [q, k, v] = this.c_attn.forward(x).split(this.nEmbd, 2);
    k = k.view(B, T, this.nHead, C / this.nHead).transpose(1, 2); // (B, nh, T, hs)
    q = q.view(B, T, this.nHead, C / this.nHead).transpose(1, 2); // (B, nh, T, hs)
    v = v.view(B, T, this.nHead, C / this.nHead).transpose(1, 2); // (B, nh, T, hs)

    const S = past + T; // keys visible to this step
    if (cache) {
      // the cache is preallocated: write this step's keys and values through views, then read
      // back all of them (torch.cat((cache_k, k), dim=2) without reallocating per token)
      cache.k.narrow(2, past, T).copy_(k);
      cache.v.narrow(2, past, T).copy_(v);
      k = cache.k.narrow(2, 0, S);
      v = cache.v.narrow(2, 0, S);
    }

    // causal self-attention; Self-attend: (B, nh, T, hs) x (B, nh, hs, S) -> (B, nh, T, S)
    let y;
    if (this.flash) {
      // a prefill is causal; one decoded token sees every cached key; a chunk after a prefix
      // needs the causal mask shifted by the prefix (isCausal aligns it top-left, as torch)
      const options =
        past === 0 ? { isCausal: true } : T === 1 ? {} : { mask: tril(ones(T, S), past).bool() };
      y = scaledDotProductAttention(q, k, v, options);
    } else {
      // manual implementation of attention
      let att = q.matmul(k.transpose(-2, -1)).mul(1 / Math.sqrt(k.size(-1)));
      att = att.maskedFill(this.bias.get(':', ':', `${past}:${S}`, `:${S}`).eq(0), -Infinity);
      att = softmax(att, -1);
      att = this.attn_dropout.forward(att);
      y = att.matmul(v); // (B, nh, T, S) x (B, nh, S, hs) -> (B, nh, T, hs)
    }
    y = y.transpose(1, 2).contiguous().view(B, T, C); // re-assemble all head outputs side by side

    // output projection
    y = this.resid_dropout.forward(this.c_proj.forward(y));
    return y;
  }
}

class MLP extends nn.Module {
  constructor(config) {
    super();
    this.c_fc = new nn.Linear(config.nEmbd, 4 * config.nEmbd, { bias: config.bias });
    this.gelu = new nn.GELU();
    this.c_proj = new nn.Linear(4 * config.nEmbd, config.nEmbd, { bias: config.bias });
    this.dropout = new nn.Dropout(config.dropout);
  }

  forward(x) {
    x = this.c_fc.forward(x);
    x = this.gelu.forward(x);
    x = this.c_proj.forward(x);
    x = this.dropout.forward(x);
    return x;
  }
}

class Block extends nn.Module {
  constructor(config) {
    super();
    this.ln_1 = new LayerNorm(config.nEmbd, config.bias);
    this.attn = new CausalSelfAttention(config);
    this.ln_2 = new LayerNorm(config.nEmbd, config.bias);
    this.mlp = new MLP(config);
  }

  forward(x, cache = null, past = 0) {
    x = x.add(this.attn.forward(this.ln_1.forward(x), cache, past));
    x = x.add(this.mlp.forward(this.ln_2.forward(x)));
    return x;
  }
}

/**
 * nanoGPT's GPTConfig, camelCased. `attention`: 'sdpa' (`scaledDotProductAttention`, nanoGPT's
 * flash path) or 'explicit' (q·kᵀ, causal mask, softmax, ·v, its path without flash).
 */
export class GPTConfig {
  constructor({
    blockSize = 1024,
    vocabSize = 50304, // GPT-2 vocab_size of 50257, padded up to nearest multiple of 64 for efficiency
    nLayer = 12,
    nHead = 12,
    nEmbd = 768,
    dropout = 0.0,
    bias = true, // True: bias in Linears and LayerNorms, like GPT-2. False: a bit better and faster
    attention = 'sdpa',
  } = {}) {
    Object.assign(this, { blockSize, vocabSize, nLayer, nHead, nEmbd, dropout, bias, attention });
  }
}

/** The `__metadata__` strings of a safetensors file's header (an 8-byte length, then JSON). */
export function safetensorsMetadata(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  return JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))).__metadata__ ?? {};
}

/** The config a nanoGPT-layout checkpoint carries in its metadata (snake_case), or `overrides`. */
export function configFromMetadata(metadata, overrides = {}) {
  const camel = {
    block_size: 'blockSize',
    vocab_size: 'vocabSize',
    n_layer: 'nLayer',
    n_head: 'nHead',
    n_embd: 'nEmbd',
  };
  const config = {};
  for (const [key, name] of Object.entries(camel)) {
    if (overrides[name] !== undefined) continue;
    const v = Number(metadata[key]);
    if (!Number.isInteger(v) || v <= 0)
      throw new Error(
        `gpt: the checkpoint's metadata has no ${key} (got ${metadata[key]}); pass it`,
      );
    config[name] = v;
  }
  if (metadata.bias !== undefined)
    config.bias = metadata.bias === 'True' || metadata.bias === 'true';
  return new GPTConfig({ ...config, ...overrides });
}

export class GPT extends nn.Module {
  constructor(config) {
    super();
    if (!config.vocabSize || !config.blockSize)
      throw new Error('gpt: the config needs vocabSize and blockSize');
    this.config = config;

    this.transformer = new nn.ModuleDict({
      wte: new nn.Embedding(config.vocabSize, config.nEmbd),
      wpe: new nn.Embedding(config.blockSize, config.nEmbd),
      drop: new nn.Dropout(config.dropout),
      h: new nn.ModuleList(Array.from({ length: config.nLayer }, () => new Block(config))),
      ln_f: new LayerNorm(config.nEmbd, config.bias),
    });
    this.lm_head = new nn.Linear(config.nEmbd, config.vocabSize, { bias: false });
    // weight tying: one parameter under two names (https://paperswithcode.com/method/weight-tying);
    // the embedding's own weight is freed first, as Python's refcount would
    this.transformer.wte.weight.dispose();
    this.transformer.wte.weight = this.lm_head.weight;

    // init all weights
    for (const module of this.modules()) this._initWeights(module);
    // apply special scaled init to the residual projections, per GPT-2 paper
    for (const [pn, p] of this.namedParameters())
      if (pn.endsWith('c_proj.weight'))
        nn.init.normal_(p, 0.0, 0.02 / Math.sqrt(2 * config.nLayer));
  }

  /**
   * Return the number of parameters in the model. For non-embedding count (default), the
   * position embeddings get subtracted. The token embeddings would too, except due to the
   * parameter sharing these params are actually used as weights in the final layer, so we
   * include them.
   */
  getNumParams(nonEmbedding = true) {
    let nParams = this.parameters().reduce((n, p) => n + p.numel(), 0);
    if (nonEmbedding) nParams -= this.transformer.wpe.weight.numel();
    return nParams;
  }

  _initWeights(module) {
    if (module instanceof nn.Linear) {
      nn.init.normal_(module.weight, 0.0, 0.02);
      if (module.bias !== null) nn.init.zeros_(module.bias);
    } else if (module instanceof nn.Embedding) {
      nn.init.normal_(module.weight, 0.0, 0.02);
    }
  }

  /**
   * idx: int32 token ids `[b, t]`. With `targets` (int32 `[b, t]`, −1 ignored) returns
   * `[logits, loss]` of every position; without, `[logits, null]` of the last position only
   * (`[b, 1, vocab]`), as nanoGPT. `cache`/`past`: see `newCache` and `generate` (a cache is
   * for inference: forward with one under `noGrad`, as generate does).
   */
  forward(idx, targets = null, cache = null, past = 0) {
    const t = idx.size(1);
    if (past + t > this.config.blockSize)
      throw new Error(
        `gpt: cannot forward sequence of length ${past + t}, block size is only ${this.config.blockSize}`,
      );
    if (cache && past + t > cache[0].k.size(2))
      throw new Error(`gpt: the KV cache holds ${cache[0].k.size(2)} positions, not ${past + t}`);
    const pos = arange(past, past + t); // shape (t)

    // forward the GPT model itself
    const tokEmb = this.transformer.wte.forward(idx); // token embeddings of shape (b, t, nEmbd)
    const posEmb = this.transformer.wpe.forward(pos); // position embeddings of shape (t, nEmbd)
    let x = this.transformer.drop.forward(tokEmb.add(posEmb));
    let i = 0;
    for (const block of this.transformer.h) {
      const layerCache = cache?.[i++] ?? null;
      // tidy frees each block's temporaries as it ends, as PyTorch's reference counting does
      x = tidy(() => block.forward(x, layerCache, past));
    }
    x = this.transformer.ln_f.forward(x);

    let logits;
    let loss;
    if (targets) {
      // if we are given some desired targets also calculate the loss
      logits = this.lm_head.forward(x);
      loss = crossEntropy(logits.view(-1, logits.size(-1)), targets.view(-1), { ignoreIndex: -1 });
    } else {
      // inference-time mini-optimization: only forward the lm_head on the very last position
      logits = this.lm_head.forward(x.get(':', [-1], ':')); // note: using list [-1] to preserve the time dim
      loss = null;
    }
    return [logits, loss];
  }

  /**
   * Model surgery to decrease the block size if necessary: e.g. a GPT-2 checkpoint (block
   * size 1024) used with a smaller block size.
   */
  cropBlockSize(blockSize) {
    if (!(blockSize <= this.config.blockSize))
      throw new Error(`gpt: cannot crop block size ${this.config.blockSize} to ${blockSize}`);
    this.config.blockSize = blockSize;
    const wpe = this.transformer.wpe;
    const cropped = wpe.weight.detach().narrow(0, 0, blockSize).clone();
    wpe.weight.dispose();
    wpe.weight = nn.parameter(cropped);
    for (const block of this.transformer.h)
      if (block.attn.bias) {
        const bias = keep(
          block.attn.bias.get(':', ':', `:${blockSize}`, `:${blockSize}`).contiguous(),
        );
        block.attn.bias.dispose();
        block.attn.bias = bias;
      }
  }

  /**
   * AdamW over two groups, as nanoGPT: every parameter that is 2D (the weights of matmuls and
   * embeddings) is weight decayed, the rest (biases, layer norms) not.
   */
  configureOptimizers(weightDecay, learningRate, betas) {
    // start with all of the candidate parameters, filter out those that do not require grad
    const paramDict = this.namedParameters().filter(([, p]) => p.requiresGrad);
    // create optim groups. Any parameters that is 2D will be weight decayed, otherwise no.
    const decayParams = paramDict.filter(([, p]) => p.dim() >= 2).map(([, p]) => p);
    const nodecayParams = paramDict.filter(([, p]) => p.dim() < 2).map(([, p]) => p);
    const optimGroups = [
      { params: decayParams, weightDecay },
      { params: nodecayParams, weightDecay: 0.0 },
    ];
    return new optim.AdamW(optimGroups, { lr: learningRate, betas });
  }

  /**
   * Model flops utilization of `fwdbwdPerIter` forward-backward passes in `dt` seconds,
   * against `flopsPromised` per second (nanoGPT's A100 bfloat16 peak by default), with the
   * flop count of the PaLM paper's appendix B.
   */
  estimateMfu(fwdbwdPerIter, dt, flopsPromised = 312e12) {
    const N = this.getNumParams();
    const cfg = this.config;
    const [L, H, Q, T] = [cfg.nLayer, cfg.nHead, cfg.nEmbd / cfg.nHead, cfg.blockSize];
    const flopsPerToken = 6 * N + 12 * L * H * Q * T;
    const flopsPerFwdbwd = flopsPerToken * T;
    const flopsPerIter = flopsPerFwdbwd * fwdbwdPerIter;
    // express our flops throughput as ratio of the peak flops
    const flopsAchieved = flopsPerIter * (1.0 / dt); // per second
    return flopsAchieved / flopsPromised;
  }

  /**
   * Loads the bytes of a nanoGPT-layout safetensors file; the config comes from its metadata
   * (`n_layer`, `n_head`, `n_embd`, `block_size`, `vocab_size`, optionally `bias`) unless
   * `overrides` give it.
   */
  static async load(bytes, overrides = {}) {
    const stateDict = await loadSafetensors(bytes);
    const metadata = safetensorsMetadata(bytes);
    if (metadata.bias === undefined && overrides.bias === undefined)
      overrides = { ...overrides, bias: 'transformer.ln_f.bias' in stateDict };
    try {
      return GPT.fromStateDict(configFromMetadata(metadata, overrides), stateDict);
    } catch (e) {
      for (const t of new Set(Object.values(stateDict))) t.dispose();
      throw e;
    }
  }

  /**
   * A GPT whose parameters are the tensors of `stateDict` (nanoGPT's names; a tied
   * checkpoint may leave out `lm_head.weight`, safetensors stores a shared tensor once), as
   * `skip_init(GPT, config)` then `load_state_dict(sd, assign=True)`: no random draws, and the
   * modules are built on the js backend, so the wasm heap never holds two copies of the weights.
   */
  static fromStateDict(config, stateDict) {
    const sd = { ...stateDict };
    sd['lm_head.weight'] ??= sd['transformer.wte.weight'];
    const backend = backendInfo().backend;
    setBackend('js');
    let model;
    try {
      model = nn.utils.skipInit(GPT, config);
    } finally {
      setBackend(backend);
    }
    try {
      model.loadStateDict(sd, { assign: true });
    } catch (e) {
      model.dispose();
      throw e;
    }
    // the causal masks (buffers, not in a state dict) move to this backend
    for (const block of model.transformer.h)
      if (block.attn.bias) {
        block.attn.bias.dispose();
        block.attn.bias = causalMask(config.blockSize);
      }
    return model;
  }

  /** Frees the parameters and the causal masks. */
  dispose() {
    super.dispose();
    for (const block of this.transformer.h) block.attn.bias?.dispose();
  }

  /**
   * A preallocated KV cache for `batch` sequences of up to `length` positions (default and
   * at most blockSize): per layer `{ k, v }` of `[B, nh, length, hs]`.
   */
  newCache(batch, length = this.config.blockSize) {
    const { nLayer, nHead, nEmbd, blockSize } = this.config;
    const n = Math.min(length, blockSize);
    return Array.from({ length: nLayer }, () => ({
      k: zeros(batch, nHead, n, nEmbd / nHead),
      v: zeros(batch, nHead, n, nEmbd / nHead),
    }));
  }

  /**
   * Take a conditioning sequence of indices idx (int32 `[b, t]`) and complete the sequence
   * maxNewTokens times, feeding the predictions back into the model each time (under
   * `noGrad`, as `@torch.no_grad()`). `temperature` scales the logits (0: take the most
   * likely token, no sampling); `topK` keeps the k most likely; `seed` seeds the generator
   * first (`manualSeed`). With `useCache` (the default) the prompt runs once and each new
   * token is one decode step over the KV cache; once the sequence outgrows the block size,
   * the context is cropped to its last blockSize tokens and recomputed, as nanoGPT does.
   * `onToken(idxNext, step)` is called after each step.
   */
  generate(idx, maxNewTokens, options = {}) {
    const {
      temperature = 1.0,
      topK = null,
      seed = null,
      useCache = true,
      onToken = null,
    } = options;
    if (seed !== null) manualSeed(seed);
    const { blockSize } = this.config;
    return noGrad(() =>
      tidy(() => {
        // sized for this call: the prompt and the new tokens, at most the block size
        const cache = useCache ? this.newCache(idx.size(0), idx.size(1) + maxNewTokens) : null;
        let cached = 0; // positions of idx already in the cache
        for (let step = 0; step < maxNewTokens; step++) {
          const idxNext = tidy(() => {
            const len = idx.size(1);
            let logits;
            if (cache && cached === len - 1 && len <= blockSize) {
              // decode: only the newest token, at position len − 1
              [logits] = this.forward(idx.narrow(1, len - 1, 1), null, cache, cached);
            } else {
              // if the sequence context is growing too long we must crop it at blockSize
              const idxCond = len <= blockSize ? idx : idx.narrow(1, len - blockSize, blockSize);
              // forward the model to get the logits for the index in the sequence
              [logits] = this.forward(idxCond, null, cache, 0);
            }
            cached = Math.min(len, blockSize);
            // pluck the logits at the final step and scale by desired temperature
            logits = logits.get(':', -1, ':');
            if (temperature === 0) return logits.argmax(-1, true);
            logits = logits.div(temperature);
            // optionally crop the logits to only the top k options
            if (topK !== null) {
              const v = logits.topk(Math.min(topK, logits.size(-1))).values;
              logits = logits.maskedFill(logits.lt(v.get(':', [-1])), -Infinity);
            }
            // apply softmax to convert logits to (normalized) probabilities
            const probs = softmax(logits, -1);
            // sample from the distribution
            return multinomial(probs, 1);
          });
          onToken?.(idxNext, step);
          // append sampled index to the running sequence and continue
          const grown = cat([idx, idxNext], 1);
          idxNext.dispose();
          if (step > 0) idx.dispose(); // the previous step's sequence (never the caller's prompt)
          idx = grown;
        }
        return idx;
      }),
    );
  }
}
