import type { ModelPreset } from '../lib/experiments/study';
import { twoConvStem } from '../lib/models/stem';

/**
 * The model presets: each a partial config over the model DEFAULTS (lib/models/config.ts; docs/study.md states
 * them). `params` is the parameter count at those defaults; a test checks every count against the built model's.
 */
export const MODELS: Record<string, ModelPreset> = {
  'channel-full': {
    config: { tokenizer: 'channel-full' },
    params: 103242,
    about: 'the question: each feature map, flattened, is one token (64 tokens of 196 numbers); ViT blocks; channel identities',
    after: 'iTransformer (Liu et al. 2024), ChannelViT (Bao et al. 2024)',
  },
  'channel-full-noid': {
    config: { tokenizer: 'channel-full', channelEmbedding: false },
    about: 'channel-full without channel identities: the maps become an unordered set',
    params: 99146,
  },
  'channel-pooled': {
    config: { tokenizer: 'channel-pooled' },
    about: "each map reduced to its mean (SE-Net's statistic): 64 tokens of one number",
    after: 'SE-Net (Hu et al. 2018)',
    params: 90762,
  },
  'channel-pooled-k4': {
    config: { tokenizer: 'channel-pooled-k', poolK: 4 },
    about: 'each map pooled to 4×4: 64 tokens of 16 numbers',
    params: 91722,
  },
  'spatial-full': {
    config: { tokenizer: 'spatial-full' },
    about: 'spatial tokens: 196 tokens, each the 64-vector at one position; ViT blocks, learned positions',
    after: 'ViT hybrid (Dosovitskiy et al. 2021)',
    params: 103242,
  },
  'spatial-full-sincos': {
    config: { tokenizer: 'spatial-full', positionEmbedding: 'sincos' },
    about: 'spatial-full with fixed sinusoidal positions',
    params: 90698,
  },
  'spatial-full-nopos': {
    config: { tokenizer: 'spatial-full', positionEmbedding: 'none' },
    about: 'spatial-full without any position embedding',
    params: 90698,
  },
  'spatial-pooled-k4': {
    config: { tokenizer: 'spatial-pooled-k', poolK: 4 },
    about: 'the maps pooled to a 4×4 grid first: 16 spatial tokens',
    params: 91722,
  },
  'vit-patch7': {
    config: { tokenizer: 'patch', stem: [], patchSize: 7 },
    about: 'the pure ViT, no stem: 16 patches of 7×7',
    after: 'ViT (Dosovitskiy et al. 2021)',
    params: 71946,
  },
  'channel-patch-2': {
    config: { tokenizer: 'channel-patch', poolK: 2 },
    about: 'each map cut into 2×2 patches of 7×7, every patch a token (256 tokens of 49 numbers); channel and patch-position vectors',
    after: 'ChannelViT (Bao et al. 2024)',
    params: 94090,
  },
  hybrid: { config: { tokenizer: 'hybrid' }, about: 'channel and spatial tokens in one sequence (64 + 196 tokens)', params: 120074 },
  'cnn-stem': {
    config: { arch: 'cnn' },
    about: 'the stem alone: global average pooling of its 64 maps and a linear head; a floor, not a rival',
    params: 19466,
  },
  'cnn-deep': {
    // The same stem, one more conv stage (64 -> 128 maps, stride 2: 7×7): about the token models' size.
    config: {
      arch: 'cnn',
      stem: [...twoConvStem(), { filters: 128, kernel: 3, stride: 2, padding: 'same', activation: 'relu', batchNorm: false }],
    },
    params: 93962,
    about:
      'a CNN of the token models’ size: the stem, one more stride-2 conv stage to 128 maps of 7×7, global average pooling, a linear head',
  },
  // The other reading of "each map becomes a token": learned maps select positions, and each token is the
  // C-vector pooled under one map (lib/tokenizers/learned-maps.ts); 64 = the question's n. As the issue that
  // asked for them states them: no position embedding, so a token holds what the features under its map are,
  // not where the map lies (beyond what the stem's padding leaves).
  'filter-8': {
    config: { tokenizer: 'filter', mapTokens: 8, positionEmbedding: 'none' },
    about: "8 learned softmax maps over the stem's features, no positions",
    after: 'VT filter tokenizer (Wu et al. 2020)',
    params: 91722,
  },
  'filter-16': {
    config: { tokenizer: 'filter', mapTokens: 16, positionEmbedding: 'none' },
    about: "16 learned softmax maps over the stem's features, no positions",
    after: 'VT filter tokenizer (Wu et al. 2020)',
    params: 92746,
  },
  'filter-64': {
    config: { tokenizer: 'filter', mapTokens: 64, positionEmbedding: 'none' },
    about: "64 learned softmax maps over the stem's features, no positions",
    after: 'VT filter tokenizer (Wu et al. 2020)',
    params: 98890,
  },
  'tokenlearner-8': {
    config: { tokenizer: 'learned-maps', mapTokens: 8, positionEmbedding: 'none' },
    about: "8 learned sigmoid maps over the stem's features, no positions",
    after: 'TokenLearner (Ryoo et al. 2021)',
    params: 100578,
  },
  'tokenlearner-16': {
    config: { tokenizer: 'learned-maps', mapTokens: 16, positionEmbedding: 'none' },
    about: "16 learned sigmoid maps over the stem's features, no positions",
    after: 'TokenLearner (Ryoo et al. 2021)',
    params: 101226,
  },
  'tokenlearner-64': {
    config: { tokenizer: 'learned-maps', mapTokens: 64, positionEmbedding: 'none' },
    about: "64 learned sigmoid maps over the stem's features, no positions",
    after: 'TokenLearner (Ryoo et al. 2021)',
    params: 105114,
  },
  // As the papers build them: a learned position embedding on the C-vectors before the maps and the
  // pooling (TokenLearner sits on ViT tokens that hold one; VT encodes each token's map position).
  'filter-16-pos': {
    config: { tokenizer: 'filter', mapTokens: 16 },
    about: '16 learned softmax maps over position-embedded features, as the paper builds them',
    after: 'VT filter tokenizer (Wu et al. 2020)',
    params: 105290,
  },
  'tokenlearner-16-pos': {
    config: { tokenizer: 'learned-maps', mapTokens: 16 },
    about: '16 learned sigmoid maps over position-embedded features, as the paper builds them',
    after: 'TokenLearner (Ryoo et al. 2021)',
    params: 113770,
  },
  // Embedding and pooling ablations of the question's model.
  'channel-full-cls': {
    config: { tokenizer: 'channel-full', pooling: 'cls' },
    about: 'channel-full read out through a class token instead of the mean of its tokens',
    params: 103306,
  },
  'channel-full-se': {
    config: { tokenizer: 'channel-full', se: true },
    about: 'channel-full with squeeze-and-excitation on the maps before they become tokens',
    after: 'SE-Net (Hu et al. 2018)',
    params: 105370,
  },
  // The literature's refinements (literature suite; lib/models/xcit.ts, davit.ts).
  'channel-full-xca': {
    config: { tokenizer: 'channel-full', block: 'vit-cosine' },
    about: "channel tokens; attention with XCiT's unit-norm Q, K and a learned temperature per head",
    after: 'XCiT (El-Nouby et al. 2021), §3.1',
    params: 103250,
  },
  'channel-full-mix': {
    config: { tokenizer: 'channel-full', block: 'vit-mapmix' },
    about: 'channel tokens; between attention and MLP each token goes back to its map for a depthwise 3×3 conv',
    after: "XCiT's local patch interaction, §3.2",
    params: 155474,
  },
  // Learned positions as in spatial-full (XCiT uses sinusoidal ones), so the two differ only in their blocks.
  'xcit-lite': {
    config: { tokenizer: 'spatial-full', block: 'xcit' },
    about: 'spatial tokens; cross-covariance attention between channels over all positions; local patch interaction',
    after: 'XCiT (El-Nouby et al. 2021)',
    params: 106322,
  },
  // Conv position encodings as the only position information (as in DaViT).
  dual: {
    config: { tokenizer: 'spatial-full', block: 'davit', positionEmbedding: 'none' },
    about: 'spatial tokens; 7×7 window attention, then channel group attention; conv position encodings, no position embedding',
    after: 'DaViT (Ding et al. 2022)',
    params: 93258,
  },
};
