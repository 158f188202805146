/**
 * The exact cost model: parameters, forward FLOPs by stage, activation memory,
 * and the token geometry (T, D_tok) of any config.
 *
 * This computes the question's complexity argument rather than asserting it.
 * Channel tokens: T = C, so attention costs 4·T²·d = 4·C²·d per block, but the
 * projection reads D_tok = H·W values per token (2·C·H·W·d). Spatial tokens:
 * T = H·W, so attention grows as (H·W)², while the projection reads only C values.
 *
 * Conventions (stated so the numbers can be checked by hand):
 * - FLOPs count a multiply-add as 2 and ignore element-wise work (bias adds,
 *   activations, norms, softmax, residual adds, embeddings). They are per image,
 *   forward pass only.
 * - `params` counts every weight tfjs stores, trainable or not (BatchNorm's moving
 *   statistics included), so it equals `model.countParams()` exactly.
 * - Activation memory is an estimate: float32 bytes of the main tensors a forward
 *   pass creates per image and a backward pass keeps (listed in `activations`).
 */
import type { ModelConfig } from './config';
import { convOut, stemOutputShape } from './stem';

export interface TokenStream {
  name: 'channel' | 'spatial' | 'patch';
  /** Number of tokens. */
  T: number;
  /** Values per token before the projection to dModel. */
  Dtok: number;
}

export interface FlopBreakdown {
  /** Conv stem (and SE, if on). */
  stem: number;
  /** Adaptive pooling of the maps (pooled tokenizers only). */
  pooling: number;
  /** Linear projection of tokens to dModel. */
  projection: number;
  /** QKᵀ and AV over all blocks: 4·T²·d per block. */
  attention: number;
  /** QKV and output projections: 8·T·d² per block. */
  attnProj: number;
  /** MLP: 4·T·d·(mlpRatio·d) per block. */
  mlp: number;
  /** Classification head. */
  head: number;
  total: number;
}

export interface Cost {
  params: number;
  paramsByStage: { stem: number; tokenizer: number; embeddings: number; blocks: number; head: number };
  flops: FlopBreakdown;
  /** Feature maps after the stem: [H, W, C]. */
  maps: [number, number, number];
  /** Token streams (two for 'hybrid'), before any [CLS] token. */
  streams: TokenStream[];
  /** Sequence length the encoder sees, [CLS] included. */
  T: number;
  /** D_tok of the first stream (the one the tokenizer is named after). */
  Dtok: number;
  /** Estimated activation bytes per image, and what they are made of. */
  activationBytes: number;
  activations: Record<string, number>;
}

/** The token streams a config produces, given its feature-map shape. */
export function tokenStreams(cfg: ModelConfig): TokenStream[] {
  const [h0, w0, cin] = cfg.inputShape;
  const [h, w, c] = stemOutputShape(cfg.inputShape, cfg.stem);
  const k = cfg.poolK;
  switch (cfg.tokenizer) {
    case 'channel-full':
      return [{ name: 'channel', T: c, Dtok: h * w }];
    case 'channel-pooled':
      return [{ name: 'channel', T: c, Dtok: 1 }];
    case 'channel-pooled-k':
      return [{ name: 'channel', T: c, Dtok: k * k }];
    case 'spatial-full':
      return [{ name: 'spatial', T: h * w, Dtok: c }];
    case 'spatial-pooled-k':
      return [{ name: 'spatial', T: k * k, Dtok: c }];
    case 'patch':
      return [{ name: 'patch', T: (h0 / cfg.patchSize) * (w0 / cfg.patchSize), Dtok: cfg.patchSize * cfg.patchSize * cin }];
    case 'hybrid':
      return [
        { name: 'channel', T: c, Dtok: h * w },
        { name: 'spatial', T: h * w, Dtok: c },
      ];
  }
}

export function costModel(cfg: ModelConfig): Cost {
  const d = cfg.dModel;
  const nc = cfg.numClasses;
  const act: Record<string, number> = {};
  const [h0, w0, cin] = cfg.inputShape;
  act.input = h0 * w0 * cin;

  // Stem.
  let stemParams = 0;
  let stemFlops = 0;
  let [h, w, c] = [h0, w0, cin];
  cfg.stem.forEach((l, i) => {
    const oh = convOut(h, l.kernel, l.stride, l.padding);
    const ow = convOut(w, l.kernel, l.stride, l.padding);
    stemParams += l.kernel * l.kernel * c * l.filters + (l.batchNorm ? 4 * l.filters : l.filters);
    stemFlops += 2 * l.kernel * l.kernel * c * l.filters * oh * ow;
    act[`stem${i}`] = oh * ow * l.filters * (l.batchNorm ? 3 : 2); // conv out, (bn out,) activation out
    [h, w, c] = [oh, ow, l.filters];
  });
  if (cfg.se) {
    const r = Math.max(1, Math.floor(c / cfg.seReduction));
    stemParams += c * r + r + r * c + c;
    stemFlops += 2 * (c * r + r * c);
    act.se = h * w * c;
  }
  const maps: [number, number, number] = [h, w, c];

  if (cfg.arch === 'cnn') {
    const headParams = c * nc + nc;
    const flops = { stem: stemFlops, pooling: 0, projection: 0, attention: 0, attnProj: 0, mlp: 0, head: 2 * c * nc, total: 0 };
    flops.total = stemFlops + flops.head;
    act.head = c + nc;
    return finish(cfg, { params: stemParams + headParams, paramsByStage: { stem: stemParams, tokenizer: 0, embeddings: 0, blocks: 0, head: headParams }, flops, maps, streams: [], T: 0, Dtok: 0 }, act);
  }

  const streams = tokenStreams(cfg);
  let tokParams = 0;
  let embParams = 0;
  let projFlops = 0;
  let poolFlops = 0;
  const k = cfg.poolK;
  if (cfg.tokenizer === 'channel-pooled-k' || cfg.tokenizer === 'spatial-pooled-k') {
    // Separable bin matrices: first along W ([H·C, W]·[W, k]), then along H ([k·C, H]·[H, k]).
    poolFlops = 2 * h * c * w * k + 2 * k * c * h * k;
    act.pooled = k * k * c;
  } else if (cfg.tokenizer === 'channel-pooled') {
    poolFlops = 0; // a mean, element-wise by our convention
    act.pooled = c;
  }
  for (const s of streams) {
    tokParams += s.Dtok * d + d;
    projFlops += 2 * s.T * s.Dtok * d;
    act[`tokens_${s.name}`] = s.T * s.Dtok + s.T * d; // raw tokens, projected tokens
    if (s.name === 'channel' && cfg.channelEmbedding) embParams += s.T * d;
    if (s.name !== 'channel' && cfg.positionEmbedding === 'learned') embParams += s.T * d;
  }
  if (cfg.tokenizer === 'hybrid') embParams += 2 * d; // one token-type vector per stream
  let T = streams.reduce((a, s) => a + s.T, 0);
  if (cfg.pooling === 'cls') {
    embParams += d;
    T += 1;
  }

  const m = cfg.mlpRatio * d;
  const blockParams = 2 * d + (3 * d * d + 3 * d) + (d * d + d) + 2 * d + (d * m + m) + (m * d + d);
  const headParams = 2 * d + d * nc + nc;
  const flops: FlopBreakdown = {
    stem: stemFlops,
    pooling: poolFlops,
    projection: projFlops,
    attention: cfg.depth * 4 * T * T * d,
    attnProj: cfg.depth * 8 * T * d * d,
    mlp: cfg.depth * 4 * T * d * m,
    head: 2 * d * nc,
    total: 0,
  };
  flops.total = flops.stem + flops.pooling + flops.projection + flops.attention + flops.attnProj + flops.mlp + flops.head;
  // Per block: LN out, QKV, scores and softmax (heads·T² each), attention out, projection,
  // residual, LN out, MLP hidden pre/post activation, MLP out, residual.
  act.blocks = cfg.depth * (T * d * 7 + 2 * cfg.heads * T * T + 2 * T * m);
  act.attentionMaps = cfg.depth * 2 * cfg.heads * T * T; // part of blocks, listed for the memory check
  act.head = 2 * T * d + d + nc;
  return finish(
    cfg,
    {
      params: stemParams + tokParams + embParams + cfg.depth * blockParams + headParams,
      paramsByStage: { stem: stemParams, tokenizer: tokParams, embeddings: embParams, blocks: cfg.depth * blockParams, head: headParams },
      flops,
      maps,
      streams,
      T,
      Dtok: streams[0].Dtok,
    },
    act,
  );
}

function finish(cfg: ModelConfig, c: Omit<Cost, 'activationBytes' | 'activations'>, act: Record<string, number>): Cost {
  const values = Object.entries(act).filter(([k]) => k !== 'attentionMaps');
  const bytes = 4 * values.reduce((a, [, v]) => a + v, 0);
  const activations = Object.fromEntries(Object.entries(act).map(([k, v]) => [k, 4 * v]));
  return { ...c, activationBytes: bytes, activations };
}

const MiB = 1024 * 1024;

/** Throws when a config's activations per image exceed cfg.memoryLimitMB, with the numbers that make it too big. */
export function checkMemory(cfg: ModelConfig): Cost {
  const cost = costModel(cfg);
  if (cost.activationBytes > cfg.memoryLimitMB * MiB) {
    const streams = cost.streams.map((s) => `${s.name}: T = ${s.T} tokens of D_tok = ${s.Dtok}`).join('; ');
    const att = cost.activations.attentionMaps ?? 0;
    throw new Error(
      `memoryLimitMB: this config needs ${(cost.activationBytes / MiB).toFixed(1)} MiB of activations per image, ` +
        `over the limit of ${cfg.memoryLimitMB} MiB (${streams}; sequence length ${cost.T}; ` +
        `attention maps ${cfg.depth} blocks × 2 × ${cfg.heads} heads × ${cost.T}² = ${(att / MiB).toFixed(1)} MiB). ` +
        'Pool the maps (poolK), reduce the stem resolution, or raise memoryLimitMB.',
    );
  }
  return cost;
}
