/**
 * Named model presets. Each is a partial config over DEFAULTS (28×28×1 input,
 * 10 classes, stem 3×3/32 then 3×3/64 stride 2 -> 64 maps of 14×14, d_model 64,
 * 2 blocks, 4 heads). The comment gives the parameter count at those defaults;
 * a test checks every count against model.countParams().
 */
import { DEFAULTS, ModelConfig, resolveConfig, validateConfig } from './config';
import { checkMemory } from './cost';
import { twoConvStem } from './stem';

export const PRESETS: Record<string, Partial<ModelConfig>> = {
  // The question: 64 tokens, each a whole 14×14 map (D_tok = 196), with channel identities.
  'channel-full': { tokenizer: 'channel-full' }, // 103,242 params
  // The same without identities: channels become an unordered set.
  'channel-full-noid': { tokenizer: 'channel-full', channelEmbedding: false }, // 99,146 params
  // Each map reduced to its mean (SE-Net's statistic): 64 tokens of D_tok = 1.
  'channel-pooled': { tokenizer: 'channel-pooled' }, // 90,762 params
  // Each map pooled to 4×4: 64 tokens of D_tok = 16.
  'channel-pooled-k4': { tokenizer: 'channel-pooled-k', poolK: 4 }, // 91,722 params
  // ViT hybrid: 196 tokens, each the 64-vector at one position.
  'spatial-full': { tokenizer: 'spatial-full' }, // 103,242 params
  'spatial-full-sincos': { tokenizer: 'spatial-full', positionEmbedding: 'sincos' }, // 90,698 params
  'spatial-full-nopos': { tokenizer: 'spatial-full', positionEmbedding: 'none' }, // 90,698 params
  // Maps pooled to a 4×4 grid first: 16 spatial tokens.
  'spatial-pooled-k4': { tokenizer: 'spatial-pooled-k', poolK: 4 }, // 91,722 params
  // Pure ViT, no stem: 16 patches of 7×7.
  'vit-patch7': { tokenizer: 'patch', stem: [], patchSize: 7 }, // 71,946 params
  // Channel and spatial tokens in one sequence (64 + 196 tokens).
  hybrid: { tokenizer: 'hybrid' }, // 120,074 params
  // The stem alone: global average pooling of its 64 maps and a linear head. A floor, not a rival.
  'cnn-stem': { arch: 'cnn' }, // 19,466 params
  // A fair CNN: the same stem, one more conv stage (64 -> 128 maps, stride 2: 7×7), global average
  // pooling and a linear head: about the token models' size.
  'cnn-deep': { arch: 'cnn', stem: [...twoConvStem(), { filters: 128, kernel: 3, stride: 2, padding: 'same', activation: 'relu', batchNorm: false }] }, // 93,962 params
  // The other reading of "each map becomes a token": learned maps select positions, and each token
  // is the C-vector pooled under one map (lib/tokenizers/learned-maps.ts). VT's filter tokenizer
  // (Wu et al. 2020) with L maps, and TokenLearner (Ryoo et al. 2021) with S maps; 64 = the question's n.
  // As the issue that asked for them states them: no position embedding, so a token holds what the
  // features under its map are, not where the map lies (beyond what the stem's padding leaves).
  'filter-8': { tokenizer: 'filter', mapTokens: 8, positionEmbedding: 'none' }, // 91,722 params
  'filter-16': { tokenizer: 'filter', mapTokens: 16, positionEmbedding: 'none' }, // 92,746 params
  'filter-64': { tokenizer: 'filter', mapTokens: 64, positionEmbedding: 'none' }, // 98,890 params
  'tokenlearner-8': { tokenizer: 'learned-maps', mapTokens: 8, positionEmbedding: 'none' }, // 100,578 params
  'tokenlearner-16': { tokenizer: 'learned-maps', mapTokens: 16, positionEmbedding: 'none' }, // 101,226 params
  'tokenlearner-64': { tokenizer: 'learned-maps', mapTokens: 64, positionEmbedding: 'none' }, // 105,114 params
  // As the papers build them: a learned position embedding on the C-vectors before the maps and the
  // pooling (TokenLearner sits on ViT tokens that hold one; VT encodes each token's map position).
  'filter-16-pos': { tokenizer: 'filter', mapTokens: 16 }, // 105,290 params
  'tokenlearner-16-pos': { tokenizer: 'learned-maps', mapTokens: 16 }, // 113,770 params
  // Embedding and pooling ablations of the question's model.
  'channel-full-cls': { tokenizer: 'channel-full', pooling: 'cls' }, // 103,306 params
  'channel-full-se': { tokenizer: 'channel-full', se: true }, // 105,370 params
  // The literature's refinements (literature suite; lib/models/xcit.ts, davit.ts).
  // The question's model with XCiT's attention normalization: unit Q, K and a learned temperature.
  'channel-full-xca': { tokenizer: 'channel-full', block: 'vit-cosine' }, // 103,250 params
  // The question's model with spatial mixing after tokenization: MapMixing between attention and MLP.
  'channel-full-mix': { tokenizer: 'channel-full', block: 'vit-mapmix' }, // 155,474 params
  // XCiT, scaled down: spatial tokens, cross-covariance attention, local patch interaction.
  // Learned positions as in spatial-full (XCiT uses sinusoidal ones), so the two differ only in their blocks.
  'xcit-lite': { tokenizer: 'spatial-full', block: 'xcit' }, // 106,322 params
  // DaViT, scaled down: window attention (7×7 windows) then channel group attention, conv
  // position encodings as the only position information (as in DaViT).
  dual: { tokenizer: 'spatial-full', block: 'davit', positionEmbedding: 'none' }, // 93,258 params
};

/**
 * The full config a preset (or a partial config) stands for, completed from DEFAULTS and
 * validated, without building anything: planning and analysis use it, the builder too.
 */
export function resolveModelConfig(a: string | Partial<ModelConfig>, overrides: Partial<ModelConfig> = {}): ModelConfig {
  let cfg: ModelConfig;
  if (typeof a === 'string') {
    const preset = PRESETS[a];
    if (!preset) throw new Error(`unknown model preset '${a}'; known: ${Object.keys(PRESETS).join(', ')}`);
    cfg = resolveConfig(resolveConfig(DEFAULTS, preset), overrides);
  } else {
    cfg = resolveConfig(DEFAULTS, { ...a, ...overrides });
  }
  validateConfig(cfg);
  checkMemory(cfg);
  return cfg;
}
