/**
 * Tokenizers: [B, H, W, C] feature maps -> [B, T, d_model] token sequences.
 *
 * Each tokenizer is a reshape (layers.ts), optionally after pooling, then a
 * learned linear projection from D_tok to d_model, then its embeddings:
 * channel identity for channel tokens (ChannelViT, Bao et al. 2024), 2-D
 * positions for spatial and patch tokens (ViT, Dosovitskiy et al. 2021), and a
 * token-type embedding for the hybrid. The raw tokens of each stream are the
 * output of a layer named tokens_<stream>, so notebooks can look at them.
 */
import * as tf from '@tensorflow/tfjs';
import { AdaptiveAvgPool2d, LearnedEmbedding, SinCos2DEmbedding } from '../layers';
import type { ModelConfig } from '../models/config';
import { ChannelTokens, Patchify, SpatialTokens } from './layers';

export * from './layers';

type Stream = 'channel' | 'spatial' | 'patch';

function apply(layer: tf.layers.Layer, x: tf.SymbolicTensor | tf.SymbolicTensor[]): tf.SymbolicTensor {
  return layer.apply(x) as tf.SymbolicTensor;
}

/** Projection to d_model plus the stream's embeddings. [B, T, D_tok] -> [B, T, d]. */
function embed(raw: tf.SymbolicTensor, stream: Stream, grid: [number, number], cfg: ModelConfig): tf.SymbolicTensor {
  let x = apply(tf.layers.dense({ units: cfg.dModel, name: `proj_${stream}` }), raw);
  const t = raw.shape[1] as number;
  if (stream === 'channel') {
    if (cfg.channelEmbedding) x = apply(new LearnedEmbedding({ tokens: t, name: 'channel_embedding' }), x);
  } else if (cfg.positionEmbedding === 'learned') {
    x = apply(new LearnedEmbedding({ tokens: t, name: `pos_embedding_${stream}` }), x);
  } else if (cfg.positionEmbedding === 'sincos') {
    x = apply(new SinCos2DEmbedding({ gridH: grid[0], gridW: grid[1], name: `pos_sincos_${stream}` }), x);
  }
  return x;
}

/**
 * Turns feature maps (or, for 'patch', the image) into embedded tokens.
 * maps: [B, H, W, C] -> [B, T, d_model].
 */
export function tokenize(maps: tf.SymbolicTensor, cfg: ModelConfig): tf.SymbolicTensor {
  const [, h, w] = maps.shape as number[];
  const k = cfg.poolK;
  switch (cfg.tokenizer) {
    case 'channel-full':
      return embed(apply(new ChannelTokens({ name: 'tokens_channel' }), maps), 'channel', [h, w], cfg); // [B, C, H*W]
    case 'channel-pooled': {
      const pooled = apply(new AdaptiveAvgPool2d({ k: 1, name: 'pool' }), maps); // [B, H, W, C] -> [B, 1, 1, C]
      return embed(apply(new ChannelTokens({ name: 'tokens_channel' }), pooled), 'channel', [1, 1], cfg); // [B, C, 1]
    }
    case 'channel-pooled-k': {
      const pooled = apply(new AdaptiveAvgPool2d({ k, name: 'pool' }), maps); // [B, H, W, C] -> [B, k, k, C]
      return embed(apply(new ChannelTokens({ name: 'tokens_channel' }), pooled), 'channel', [k, k], cfg); // [B, C, k*k]
    }
    case 'spatial-full':
      return embed(apply(new SpatialTokens({ name: 'tokens_spatial' }), maps), 'spatial', [h, w], cfg); // [B, H*W, C]
    case 'spatial-pooled-k': {
      const pooled = apply(new AdaptiveAvgPool2d({ k, name: 'pool' }), maps); // [B, H, W, C] -> [B, k, k, C]
      return embed(apply(new SpatialTokens({ name: 'tokens_spatial' }), pooled), 'spatial', [k, k], cfg); // [B, k*k, C]
    }
    case 'patch': {
      const p = cfg.patchSize;
      return embed(apply(new Patchify({ patch: p, name: 'tokens_patch' }), maps), 'patch', [h / p, w / p], cfg); // [B, T, P*P*C]
    }
    case 'hybrid': {
      const ch = embed(apply(new ChannelTokens({ name: 'tokens_channel' }), maps), 'channel', [h, w], cfg); // [B, C, d]
      const sp = embed(apply(new SpatialTokens({ name: 'tokens_spatial' }), maps), 'spatial', [h, w], cfg); // [B, H*W, d]
      // A learned type vector per stream, so attention can tell a map from a position.
      const chT = apply(new LearnedEmbedding({ tokens: 1, name: 'type_channel' }), ch);
      const spT = apply(new LearnedEmbedding({ tokens: 1, name: 'type_spatial' }), sp);
      return apply(tf.layers.concatenate({ axis: 1, name: 'hybrid_concat' }), [chT, spT]); // [B, C + H*W, d]
    }
  }
}
