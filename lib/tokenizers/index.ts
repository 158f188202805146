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
import type { TokenPlan, TokenStream } from './stream';
import { ChannelPatchEmbedding, ChannelPatches } from './channel-patch';
import { ChannelTokens, Patchify, SpatialTokens } from './layers';
import { MapWeights, WeightedPool } from './learned-maps';

export * from './channel-patch';
export * from './layers';
export type { TokenPlan, TokenStream } from './stream';
export * from './learned-maps';

function apply(layer: tf.layers.Layer, x: tf.SymbolicTensor | tf.SymbolicTensor[]): tf.SymbolicTensor {
  return layer.apply(x) as tf.SymbolicTensor;
}

/** Projection to d_model plus the stream's embedding. [B, T, D_tok] -> [B, T, d]. */
function embed(raw: tf.SymbolicTensor, s: TokenStream, d: number): tf.SymbolicTensor {
  let x = apply(tf.layers.dense({ units: d, name: `proj_${s.name}` }), raw); // [B, T, D_tok] -> [B, T, d]
  if (s.embedding === 'channel-identity') x = apply(new LearnedEmbedding({ tokens: s.T, name: 'channel_embedding' }), x);
  else if (s.embedding === 'learned-position') x = apply(new LearnedEmbedding({ tokens: s.T, name: `pos_embedding_${s.name}` }), x);
  else if (s.embedding === 'sincos-position')
    x = apply(new SinCos2DEmbedding({ gridH: s.grid[0], gridW: s.grid[1], name: `pos_sincos_${s.name}` }), x);
  else if (s.embedding === 'factored' && s.factored)
    x = apply(new ChannelPatchEmbedding({ ...s.factored, name: 'channel_patch_embedding' }), x);
  return x; // [B, T, d]
}

/**
 * The maps with a position embedding added to each position's C-vector, the same tables as
 * spatial tokens get, on the grid instead of on projected tokens: [B, H, W, C] -> [B, H, W, C].
 */
function positioned(
  maps: tf.SymbolicTensor,
  [h, w]: [number, number],
  position: Exclude<TokenStream['embedding'], 'channel-identity' | 'factored' | 'none'>,
): tf.SymbolicTensor {
  const c = maps.shape[3] as number;
  const flat = apply(tf.layers.reshape({ targetShape: [h * w, c], name: 'maps_flat' }), maps); // [B, H, W, C] -> [B, H*W, C]
  const table =
    position === 'learned-position'
      ? new LearnedEmbedding({ tokens: h * w, name: 'pos_embedding_maps' })
      : new SinCos2DEmbedding({ gridH: h, gridW: w, name: 'pos_sincos_maps' });
  return apply(tf.layers.reshape({ targetShape: [h, w, c], name: 'maps_positioned' }), apply(table, flat)); // [B, H*W, C] -> [B, H, W, C]
}

/** The raw tokens of one stream, a layer named tokens_<stream>. maps: [B, H, W, C] (the image for patches). */
function rawTokens(maps: tf.SymbolicTensor, s: TokenStream, inputShape: [number, number, number]): tf.SymbolicTensor {
  // Pooled streams read the maps averaged to k×k: [B, H, W, C] -> [B, k, k, C].
  const src = s.poolK !== undefined ? apply(new AdaptiveAvgPool2d({ k: s.poolK, name: 'pool' }), maps) : maps;
  if (s.selector) {
    // Maps that select positions: [B, H, W, C] -> logits [B, H, W, L] -> weights -> tokens [B, L, C].
    const { maps: l, hidden, normalization, position } = s.selector;
    const feats = position === 'none' ? maps : positioned(maps, s.grid, position); // [B, H, W, C]
    const conv = (filters: number, kernel: number, name: string, extra: { activation?: 'gelu'; useBias?: boolean } = {}) =>
      tf.layers.conv2d({ filters, kernelSize: kernel, padding: 'same', name, ...extra });
    const hiddenMaps = hidden ? apply(conv(hidden, 3, 'map_hidden', { activation: 'gelu' }), feats) : feats; // [B, H, W, hidden]
    const logits = apply(conv(l, 1, 'map_logits', { useBias: hidden > 0 }), hiddenMaps); // [B, H, W, L] (VT's 1×1 conv has no bias: a softmax over positions ignores it)
    const weights = apply(new MapWeights({ normalization, name: 'token_maps' }), logits); // [B, H, W, L]
    return apply(new WeightedPool({ reduce: normalization === 'softmax' ? 'sum' : 'mean', name: `tokens_${s.name}` }), [feats, weights]); // [B, L, C]
  }
  if (s.name === 'channel-patch') return apply(new ChannelPatches({ k: s.grid[0], name: 'tokens_channel-patch' }), maps); // [B, C*k*k, H*W/k²]
  if (s.name === 'channel') return apply(new ChannelTokens({ name: 'tokens_channel' }), src); // [B, C, H*W]
  if (s.name === 'spatial') return apply(new SpatialTokens({ name: 'tokens_spatial' }), src); // [B, H*W, C]
  return apply(new Patchify({ patch: inputShape[0] / s.grid[0], name: 'tokens_patch' }), src); // [B, T, P*P*C]
}

/**
 * Turns feature maps (or, for patches, the image) into embedded tokens, stream by
 * stream as the architecture describes them. maps: [B, H, W, C] -> [B, T, d_model].
 */
export function tokenize(maps: tf.SymbolicTensor, a: TokenPlan): tf.SymbolicTensor {
  const streams = a.streams.map((s) => embed(rawTokens(maps, s, a.input), s, a.d)); // each [B, T_s, d]
  if (!a.tokenType) return streams[0];
  // The hybrid: a learned type vector per stream, so attention can tell a map from a position.
  const typed = streams.map((x, i) => apply(new LearnedEmbedding({ tokens: 1, name: `type_${a.streams[i].name}` }), x));
  return apply(tf.layers.concatenate({ axis: 1, name: 'hybrid_concat' }), typed); // [B, C + H*W, d]
}
