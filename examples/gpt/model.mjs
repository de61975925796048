// GPT-2 in tensorlane: a line-by-line port of the architecture of nanoGPT's model.py
// (https://github.com/karpathy/nanoGPT), the way a PyTorch user writes it: snake_case names
// become camelCase, `F.layer_norm` becomes `layerNorm`, keyword arguments become positional
// ones or an options object. With weights that require grad, `forward(idx, targets)` records
// the graph and `loss.backward()` trains it (training.mjs: SGD; no dropout). Plus what
// nanoGPT leaves out: a KV cache, so `generate` runs the prompt once (prefill) and then one token
// per step (decode) without recomputing the prefix.
//
// Weights use nanoGPT's state_dict names (`transformer.h.0.attn.c_attn.weight`, …) in a
// safetensors file; the lm head is tied to the token embedding, as in GPT-2.
import {
  arange,
  cat,
  crossEntropy,
  embedding,
  gelu,
  keep,
  layerNorm,
  linear,
  loadSafetensors,
  manualSeed,
  multinomial,
  ones,
  scaledDotProductAttention,
  softmax,
  tidy,
  tril,
  zeros,
} from '../../packages/tensorlane/dist/index.js';

/**
 * nanoGPT's GPTConfig, camelCased. `attention`: 'explicit' (q·kᵀ, causal mask, softmax, ·v,
 * as nanoGPT without flash attention) or 'sdpa' (`scaledDotProductAttention`, as with it).
 */
export function gptConfig(overrides = {}) {
  return {
    blockSize: 1024,
    vocabSize: 50304,
    nLayer: 12,
    nHead: 12,
    nEmbd: 768,
    attention: 'sdpa',
    ...overrides,
  };
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
  const int = (key) => {
    if (overrides[camel[key]] !== undefined) return overrides[camel[key]];
    const v = Number(metadata[key]);
    if (!Number.isInteger(v) || v <= 0)
      throw new Error(
        `gpt: the checkpoint's metadata has no ${key} (got ${metadata[key]}); pass it`,
      );
    return v;
  };
  return gptConfig({
    blockSize: int('block_size'),
    vocabSize: int('vocab_size'),
    nLayer: int('n_layer'),
    nHead: int('n_head'),
    nEmbd: int('n_embd'),
    ...overrides,
  });
}

class LayerNorm {
  constructor(w, prefix) {
    this.weight = w[`${prefix}.weight`];
    this.bias = w[`${prefix}.bias`] ?? null;
  }

  forward(input) {
    return layerNorm(input, this.weight.shape, this.weight, this.bias, 1e-5);
  }
}

class Linear {
  constructor(w, prefix) {
    this.weight = w[`${prefix}.weight`];
    this.bias = w[`${prefix}.bias`] ?? null;
  }

  forward(x) {
    return linear(x, this.weight, this.bias);
  }
}

class CausalSelfAttention {
  constructor(config, w, prefix) {
    if (config.nEmbd % config.nHead !== 0) throw new Error('gpt: nEmbd must divide by nHead');
    // key, query, value projections for all heads, but in a batch
    this.cAttn = new Linear(w, `${prefix}.c_attn`);
    // output projection
    this.cProj = new Linear(w, `${prefix}.c_proj`);
    this.nHead = config.nHead;
    this.nEmbd = config.nEmbd;
    this.flash = config.attention === 'sdpa';
    if (!this.flash) {
      // causal mask to ensure that attention is only applied to the left in the input sequence
      const bs = config.blockSize;
      this.bias = keep(tril(ones(bs, bs)).view(1, 1, bs, bs));
    }
  }

  /**
   * x `[B, T, C]` at positions `past … past + T − 1`. With a `cache` ({ k, v } of
   * `[B, nh, blockSize, hs]`), this step's keys and values are written into it at those
   * positions, and the queries attend to all `past + T` cached ones.
   */
  forward(x, cache = null, past = 0) {
    const [B, T, C] = x.shape; // batch size, sequence length, embedding dimensionality (nEmbd)
    const hs = C / this.nHead;

    // calculate query, key, values for all heads in batch and move head forward to be the batch dim
    let [q, k, v] = this.cAttn.forward(x).split(this.nEmbd, 2);
    k = k.view(B, T, this.nHead, hs).transpose(1, 2); // (B, nh, T, hs)
    q = q.view(B, T, this.nHead, hs).transpose(1, 2); // (B, nh, T, hs)
    v = v.view(B, T, this.nHead, hs).transpose(1, 2); // (B, nh, T, hs)

    const S = past + T; // keys visible to this step
    if (cache) {
      // the cache is preallocated: write this step's keys and values through views, then read
      // back all of them (torch.cat((cache_k, k), dim=2) without reallocating per token)
      cache.k.narrow(2, past, T).copy_(k);
      cache.v.narrow(2, past, T).copy_(v);
      k = cache.k.narrow(2, 0, S);
      v = cache.v.narrow(2, 0, S);
    }

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
      y = att.matmul(v); // (B, nh, T, S) x (B, nh, S, hs) -> (B, nh, T, hs)
    }
    y = y.transpose(1, 2).contiguous().view(B, T, C); // re-assemble all head outputs side by side

    // output projection
    return this.cProj.forward(y);
  }
}

class MLP {
  constructor(w, prefix) {
    this.cFc = new Linear(w, `${prefix}.c_fc`);
    this.cProj = new Linear(w, `${prefix}.c_proj`);
  }

  forward(x) {
    x = this.cFc.forward(x);
    x = gelu(x);
    x = this.cProj.forward(x);
    return x;
  }
}

class Block {
  constructor(config, w, prefix) {
    this.ln1 = new LayerNorm(w, `${prefix}.ln_1`);
    this.attn = new CausalSelfAttention(config, w, `${prefix}.attn`);
    this.ln2 = new LayerNorm(w, `${prefix}.ln_2`);
    this.mlp = new MLP(w, `${prefix}.mlp`);
  }

  forward(x, cache, past) {
    x = x.add(this.attn.forward(this.ln1.forward(x), cache, past));
    x = x.add(this.mlp.forward(this.ln2.forward(x)));
    return x;
  }
}

export class GPT {
  /** `weights`: nanoGPT's state_dict names → tensors (see `GPT.load`). */
  constructor(config, weights) {
    for (const name of ['transformer.wte.weight', 'transformer.wpe.weight'])
      if (!weights[name]) throw new Error(`gpt: the weights have no ${name}`);
    this.config = config;
    this.weights = weights;
    this.wte = weights['transformer.wte.weight'];
    this.wpe = weights['transformer.wpe.weight'];
    this.h = Array.from(
      { length: config.nLayer },
      (_, i) => new Block(config, weights, `transformer.h.${i}`),
    );
    this.lnF = new LayerNorm(weights, 'transformer.ln_f');
    // weight tying: the lm head is the token embedding (a tied checkpoint stores it once)
    this.lmHead = weights['lm_head.weight'] ?? this.wte;
  }

  /**
   * Loads the bytes of a nanoGPT-layout safetensors file; the config comes from its metadata
   * (`n_layer`, `n_head`, `n_embd`, `block_size`, `vocab_size`) unless `overrides` give it.
   */
  static async load(bytes, overrides = {}) {
    const weights = await loadSafetensors(bytes);
    return new GPT(configFromMetadata(safetensorsMetadata(bytes), overrides), weights);
  }

  /**
   * idx: int32 token ids `[b, t]`. With `targets` (int32 `[b, t]`, −1 ignored) returns the
   * logits of every position and the cross-entropy loss; without, only the last position's
   * logits `[b, 1, vocab]`, as nanoGPT. `cache`/`past`: see `newCache` and `generate`.
   */
  forward(idx, targets = null, cache = null, past = 0) {
    const t = idx.size(1);
    if (past + t > this.config.blockSize)
      throw new Error(
        `gpt: cannot forward ${past + t} positions, block size is only ${this.config.blockSize}`,
      );
    if (cache && past + t > cache[0].k.size(2))
      throw new Error(`gpt: the KV cache holds ${cache[0].k.size(2)} positions, not ${past + t}`);

    const pos = arange(past, past + t); // shape (t)

    // forward the GPT model itself
    const tokEmb = embedding(idx, this.wte); // token embeddings of shape (b, t, nEmbd)
    const posEmb = embedding(pos, this.wpe); // position embeddings of shape (t, nEmbd)
    let x = tokEmb.add(posEmb);
    this.h.forEach((block, i) => {
      // tidy frees each block's temporaries as it ends, as PyTorch's reference counting does
      x = tidy(() => block.forward(x, cache?.[i] ?? null, past));
    });
    x = this.lnF.forward(x);

    if (targets) {
      // if we are given some desired targets also calculate the loss
      const logits = linear(x, this.lmHead);
      const loss = crossEntropy(logits.view(-1, logits.size(-1)), targets.view(-1), {
        ignoreIndex: -1,
      });
      return { logits, loss };
    }
    // inference-time mini-optimization: only forward the lm head on the very last position
    const logits = linear(x.get(':', [-1], ':'), this.lmHead); // note: using list [-1] to preserve the time dim
    return { logits, loss: null };
  }

  /**
   * The weights as a list, each once (the tied lm head is the token embedding), as
   * `model.parameters()`: mark them requiresGrad to train (see training.mjs).
   */
  parameters() {
    return [...new Set(Object.values(this.weights))];
  }

  /** Frees the weights and the causal masks. */
  dispose() {
    for (const t of Object.values(this.weights)) t.dispose();
    for (const block of this.h) block.attn.bias?.dispose();
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
   * Takes a conditioning sequence of indices idx (int32 `[b, t]`) and completes the sequence
   * maxNewTokens times, feeding the predictions back into the model each time. `temperature`
   * scales the logits (0: take the most likely token, no sampling); `topK` keeps the k most
   * likely; `seed` seeds the generator first (`manualSeed`). With `useCache` (the default)
   * the prompt runs once and each new token is one decode step over the KV cache; once the
   * sequence outgrows the block size, the context is cropped to its last blockSize tokens
   * and recomputed, as nanoGPT does. `onToken(idxNext, step)` is called after each step.
   */
  generate(idx, maxNewTokens, options = {}) {
    const { temperature = 1, topK = null, seed = null, useCache = true, onToken = null } = options;
    if (seed !== null) manualSeed(seed);
    const { blockSize } = this.config;
    return tidy(() => {
      // sized for this call: the prompt and the new tokens, at most the block size
      const cache = useCache ? this.newCache(idx.size(0), idx.size(1) + maxNewTokens) : null;
      let cached = 0; // positions of idx already in the cache
      for (let step = 0; step < maxNewTokens; step++) {
        const idxNext = tidy(() => {
          const len = idx.size(1);
          let logits;
          if (cache && cached === len - 1 && len <= blockSize) {
            // decode: only the newest token, at position len − 1
            logits = this.forward(idx.narrow(1, len - 1, 1), null, cache, cached).logits;
          } else {
            // prefill (or a crop): if the sequence context is growing too long we must crop it at blockSize
            const idxCond = len <= blockSize ? idx : idx.narrow(1, len - blockSize, blockSize);
            logits = this.forward(idxCond, null, cache, 0).logits;
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
    });
  }
}
