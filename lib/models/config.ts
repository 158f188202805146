/**
 * The one typed model config, its defaults, and its validation.
 *
 * Every variant the question raises is a value of ModelConfig: the tokenizer says
 * how feature maps become tokens, the rest says what surrounds them. Validation
 * rejects unknown keys and impossible combinations with the field's name in the
 * message, and checks the cost model's memory estimate against a stated limit.
 */
import { BLOCK_NAMES, type BlockName, blockRecipe } from './blocks';
import { type StemLayer, stemOutputShape, twoConvStem } from './stem';

export const TOKENIZERS = [
  'channel-full', // T = C tokens, each one feature map flattened: D_tok = H·W (the question)
  'channel-pooled', // T = C tokens, each map's global average: D_tok = 1 (SE-Net's statistic)
  'channel-pooled-k', // T = C tokens, each map pooled to k×k: D_tok = k²
  'spatial-full', // T = H·W tokens, each the C-vector at a position: D_tok = C (ViT hybrid)
  'spatial-pooled-k', // maps pooled to k×k first: T = k², D_tok = C
  'patch', // pure ViT, no stem: T = (H0/P)·(W0/P), D_tok = P²·Cin
  'channel-patch', // ChannelViT: each map cut into k×k patches, every patch a token: T = C·k², D_tok = H·W/k²
  'hybrid', // channel-full and spatial-full tokens in one sequence, with a token-type embedding
  'filter', // VT's filter tokenizer: T = mapTokens learned maps (1×1 conv, softmax over positions), each pools the C-vectors: D_tok = C
  'learned-maps', // TokenLearner: T = mapTokens sigmoid maps from a small conv net, each a mean of the C-vectors it weights: D_tok = C
] as const;
export type Tokenizer = (typeof TOKENIZERS)[number];

export const ARCHS = ['transformer', 'cnn'] as const;
export type Arch = (typeof ARCHS)[number];

export type PositionEmbedding = 'learned' | 'sincos' | 'none';
export type Pooling = 'cls' | 'mean';

export interface ModelConfig {
  /** 'transformer', or 'cnn': the stem alone with a global-average-pool head (the classic baseline). */
  arch: Arch;
  /** [H0, W0, Cin] of the input images. */
  inputShape: [number, number, number];
  /** Number of classes of the head. */
  numClasses: number;
  /** "Convolve the image n times": the conv layers whose last output gives the C feature maps. */
  stem: StemLayer[];
  /** Squeeze-and-excitation on the stem's output (Hu et al. 2018). */
  se: boolean;
  /** SE bottleneck reduction r (hidden width C/r). */
  seReduction: number;
  /** How feature maps become tokens; see TOKENIZERS. */
  tokenizer: Tokenizer;
  /** Grid side k for channel-pooled-k and spatial-pooled-k, and the patch grid of channel-patch. */
  poolK: number;
  /** Patch side P for the patch tokenizer; must divide H0 and W0. */
  patchSize: number;
  /** Number of learned maps, hence tokens, of the 'filter' and 'learned-maps' tokenizers (L in VT, S in TokenLearner). */
  mapTokens: number;
  /** Learned channel-identity embedding on channel tokens (ChannelViT). Off = channels are an unordered set. */
  channelEmbedding: boolean;
  /**
   * Position embedding on spatial and patch tokens, and on the C-vectors that the learned
   * maps of 'filter' and 'learned-maps' pool (added before the maps, so a token carries
   * where its map lies). Ignored by channel tokens, whose coordinates are the positions.
   */
  positionEmbedding: PositionEmbedding;
  /** Transformer width d_model. */
  dModel: number;
  /** Number of pre-LN blocks. */
  depth: number;
  /** Attention heads; must divide dModel. */
  heads: number;
  /** MLP hidden width = mlpRatio · dModel. */
  mlpRatio: number;
  /** Dropout after attention and in the MLP. */
  dropout: number;
  /** Sequence summary for the head: a [CLS] token, or the mean over tokens. */
  pooling: Pooling;
  /** Refuse configs whose activations per image exceed this (MiB); the attention maps dominate for spatial tokens. */
  memoryLimitMB: number;

  /** The Transformer block, by recipe name (lib/models/blocks.ts): ViT's, or one of the literature's refinements. */
  block: BlockName;
}

export const DEFAULTS: ModelConfig = {
  arch: 'transformer', // the question is about Transformers; 'cnn' is the baseline
  inputShape: [28, 28, 1], // MNIST and Fashion-MNIST
  numClasses: 10,
  stem: twoConvStem(), // 3×3/32, then 3×3/64 stride 2: 64 maps of 14×14 on MNIST
  se: false, // off: the plain question first; the embeddings suite turns it on
  seReduction: 4, // SE-Net uses 16 for wide nets; 64 maps would leave 4
  tokenizer: 'channel-full',
  poolK: 4, // 4×4 = 16 values per map: coarse but keeps the layout
  patchSize: 7, // 28/7 = 4×4 = 16 patches, ViT's usual ratio on MNIST-sized images
  mapTokens: 16, // TokenLearner: "8 or 16 tokens are often sufficient" (Ryoo et al. 2021)
  channelEmbedding: true, // without it channel tokens are a bag (tested: permutation invariance)
  positionEmbedding: 'learned', // ViT's default; sin-cos and none are ablations
  dModel: 64,
  depth: 2,
  heads: 4, // 16 per head
  mlpRatio: 2,
  dropout: 0.1,
  pooling: 'mean', // [CLS] is an ablation; mean converges faster on small data
  memoryLimitMB: 256,
  block: 'vit', // ViT's blocks (Dosovitskiy et al. 2021); the others are the literature suite's
};

/** Keys a model config may have: exactly those of DEFAULTS. */
export const MODEL_KEYS: readonly string[] = Object.keys(DEFAULTS);

export class ConfigError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'ConfigError';
  }
}

const STEM_KEYS = ['filters', 'kernel', 'stride', 'padding', 'activation', 'batchNorm'] as const;

function isPosInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v > 0;
}

function oneOf<T extends string>(field: string, v: unknown, allowed: readonly T[]): void {
  if (!allowed.includes(v as T))
    throw new ConfigError(field, `must be one of ${allowed.map((a) => `'${a}'`).join(', ')}; got ${JSON.stringify(v)}`);
}

function posInt(field: string, v: unknown): void {
  if (!isPosInt(v)) throw new ConfigError(field, `must be a positive integer; got ${JSON.stringify(v)}`);
}

/** Rejects keys that are not in `known`, naming the first one and the allowed set. */
export function rejectUnknownKeys(where: string, obj: object, known: readonly string[]): void {
  for (const k of Object.keys(obj)) {
    if (!known.includes(k)) throw new ConfigError(where ? `${where}.${k}` : k, `unknown key (allowed: ${known.join(', ')})`);
  }
}

/** Merges overrides onto a base and validates the result; unknown keys are errors. */
export function resolveConfig(base: ModelConfig, overrides: Partial<ModelConfig> = {}): ModelConfig {
  rejectUnknownKeys('', overrides, MODEL_KEYS);
  const cfg: ModelConfig = { ...base, ...overrides };
  validateConfig(cfg);
  return cfg;
}

/** Throws ConfigError naming the field on any impossible value or combination. */
export function validateConfig(cfg: ModelConfig): void {
  rejectUnknownKeys('', cfg, MODEL_KEYS);
  oneOf('arch', cfg.arch, ARCHS);
  oneOf('tokenizer', cfg.tokenizer, TOKENIZERS);
  oneOf('positionEmbedding', cfg.positionEmbedding, ['learned', 'sincos', 'none'] as const);
  oneOf('pooling', cfg.pooling, ['cls', 'mean'] as const);
  if (!Array.isArray(cfg.inputShape) || cfg.inputShape.length !== 3 || !cfg.inputShape.every(isPosInt)) {
    throw new ConfigError('inputShape', `must be [H, W, C] of positive integers; got ${JSON.stringify(cfg.inputShape)}`);
  }
  posInt('numClasses', cfg.numClasses);
  if (cfg.numClasses < 2) throw new ConfigError('numClasses', 'must be at least 2');
  if (!Array.isArray(cfg.stem)) throw new ConfigError('stem', 'must be a list of conv layers');
  cfg.stem.forEach((l, i) => {
    const f = `stem[${i}]`;
    if (typeof l !== 'object' || l === null) throw new ConfigError(f, 'must be an object');
    rejectUnknownKeys(f, l, STEM_KEYS);
    posInt(`${f}.filters`, l.filters);
    posInt(`${f}.kernel`, l.kernel);
    posInt(`${f}.stride`, l.stride);
    oneOf(`${f}.padding`, l.padding, ['same', 'valid'] as const);
    oneOf(`${f}.activation`, l.activation, ['relu', 'gelu', 'linear'] as const);
    if (typeof l.batchNorm !== 'boolean') throw new ConfigError(`${f}.batchNorm`, 'must be true or false');
  });
  if (typeof cfg.se !== 'boolean') throw new ConfigError('se', 'must be true or false');
  posInt('seReduction', cfg.seReduction);
  posInt('poolK', cfg.poolK);
  posInt('patchSize', cfg.patchSize);
  posInt('mapTokens', cfg.mapTokens);
  if (typeof cfg.channelEmbedding !== 'boolean') throw new ConfigError('channelEmbedding', 'must be true or false');
  posInt('dModel', cfg.dModel);
  posInt('depth', cfg.depth);
  posInt('heads', cfg.heads);
  if (typeof cfg.mlpRatio !== 'number' || !(cfg.mlpRatio > 0) || !Number.isInteger(cfg.mlpRatio * cfg.dModel)) {
    throw new ConfigError('mlpRatio', `must be positive with mlpRatio·dModel an integer; got ${cfg.mlpRatio}`);
  }
  if (typeof cfg.dropout !== 'number' || cfg.dropout < 0 || cfg.dropout >= 1)
    throw new ConfigError('dropout', `must be in [0, 1); got ${cfg.dropout}`);
  if (typeof cfg.memoryLimitMB !== 'number' || !(cfg.memoryLimitMB > 0))
    throw new ConfigError('memoryLimitMB', 'must be a positive number');

  const [h0, w0] = cfg.inputShape;
  let maps: [number, number, number];
  try {
    maps = stemOutputShape(cfg.inputShape, cfg.stem);
  } catch (e) {
    throw new ConfigError('stem', (e as Error).message);
  }
  if (cfg.arch === 'cnn') {
    if (cfg.stem.length === 0) throw new ConfigError('stem', "arch 'cnn' needs at least one conv layer");
    if (cfg.block !== 'vit') throw new ConfigError('block', "names a Transformer block; arch 'cnn' has none");
    return;
  }
  if (cfg.dModel % cfg.heads !== 0) throw new ConfigError('heads', `${cfg.heads} heads do not divide dModel ${cfg.dModel}`);
  const [h, w, c] = maps;
  if (cfg.tokenizer === 'channel-pooled-k' || cfg.tokenizer === 'spatial-pooled-k') {
    if (cfg.poolK > Math.min(h, w)) throw new ConfigError('poolK', `k = ${cfg.poolK} is larger than the ${h}×${w} feature maps`);
  }
  if (cfg.tokenizer === 'channel-patch') {
    if (cfg.stem.length === 0) throw new ConfigError('stem', "the 'channel-patch' tokenizer cuts the stem's feature maps; it needs a stem");
    if (h % cfg.poolK !== 0 || w % cfg.poolK !== 0)
      throw new ConfigError('poolK', `a ${cfg.poolK}×${cfg.poolK} patch grid does not divide the ${h}×${w} feature maps`);
    if (cfg.positionEmbedding === 'sincos')
      throw new ConfigError('positionEmbedding', "'channel-patch' takes 'learned' (one vector per patch position) or 'none'");
  }
  if (cfg.tokenizer === 'patch') {
    if (h0 % cfg.patchSize !== 0 || w0 % cfg.patchSize !== 0) {
      throw new ConfigError('patchSize', `${cfg.patchSize} does not divide the ${h0}×${w0} image`);
    }
    if (cfg.stem.length > 0) throw new ConfigError('stem', "the 'patch' tokenizer is the pure ViT and takes no stem; set stem: []");
  }
  const learnedMaps = cfg.tokenizer === 'filter' || cfg.tokenizer === 'learned-maps';
  if (learnedMaps && cfg.stem.length === 0) {
    throw new ConfigError('stem', `the '${cfg.tokenizer}' tokenizer pools the stem's feature maps; it needs a stem`);
  }
  // The sin-cos table is as wide as what it is added to: the C-vectors for learned maps, the projected tokens otherwise.
  const positionWidth = learnedMaps ? c : cfg.dModel;
  if (cfg.positionEmbedding === 'sincos' && positionWidth % 4 !== 0) {
    throw new ConfigError(
      'positionEmbedding',
      `'sincos' needs a width divisible by 4 (${learnedMaps ? "the stem's maps C" : 'dModel'}); got ${positionWidth}`,
    );
  }
  validateBlock(cfg, [h, w]);
}

/** What a block recipe needs of the tokens around it. */
function validateBlock(cfg: ModelConfig, [h, w]: [number, number]): void {
  oneOf('block', cfg.block, BLOCK_NAMES);
  const r = blockRecipe(cfg.block);
  if (r.tokens !== 'any' && cfg.tokenizer !== r.tokens)
    throw new ConfigError('block', `'${cfg.block}' blocks take '${r.tokens}' tokens; got tokenizer '${cfg.tokenizer}'`);
  // Every recipe with mixing maps tokens back to a grid, where a [CLS] token has no place.
  if ((r.family !== 'vit' || r.mixing !== 'none') && cfg.pooling !== 'mean')
    throw new ConfigError('pooling', `'${cfg.block}' blocks put the tokens on the map grid, where a [CLS] token has no place: use 'mean'`);
  if (r.window && (h % r.window !== 0 || w % r.window !== 0))
    throw new ConfigError('block', `'${cfg.block}' uses ${r.window}×${r.window} windows, which do not divide the ${h}×${w} feature maps`);
}
