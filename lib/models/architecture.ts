/**
 * The one description of a model's stages and blocks, from its config: the stem's
 * layers with their shapes, the token streams, the embeddings, every block (its
 * attention, its mixing, its sequence), and the head. The builder (create.ts and the
 * block families) builds from it and the cost model (cost.ts) counts from it, so a
 * change to the architecture is made here once; test/cost.test.ts checks the counts
 * against the layers of the built graph.
 */
import { type AttentionKind, blockRecipe, type MixingKind } from './blocks';
export type { AttentionKind, MixingKind };
import type { TokenStream } from '../tokenizers/stream';
export type { TokenStream };
import type { ModelConfig } from './config';
import { convOut, type StemLayer } from './stem';

export interface StemStage extends StemLayer {
  /** [H, W, C] in and out of this conv. */
  in: [number, number, number];
  out: [number, number, number];
}

/** Hidden width of TokenLearner's map net (3×3 conv, GELU, 1×1 conv): small beside the C = 64 maps it reads. */
export const LEARNED_MAPS_HIDDEN = 16;

export interface BlockSpec {
  index: number;
  /** The family whose block function builds it: models/transformer.ts, xcit.ts, davit.ts. */
  family: 'vit' | 'xca' | 'dual';
  attention: AttentionKind;
  mixing: MixingKind;
  /** Sequence length and width in and out. */
  T: number;
  d: number;
  heads: number;
  /** The MLP's hidden width. */
  mlpHidden: number;
  /** Side of the attention windows ('window' attention only; 0 otherwise). */
  window: number;
  /** The token grid [H, W] (for mixing and windows) and the stem's maps [H, W, C] (MapMixing). */
  grid: [number, number];
  maps: [number, number, number];
}

export interface Architecture {
  kind: 'cnn' | 'transformer';
  input: [number, number, number];
  stem: StemStage[];
  /** Squeeze-and-excitation on the stem's output: hidden width C/r. */
  se?: { channels: number; hidden: number };
  /** The stem's feature maps [H, W, C] (the input itself without a stem). */
  maps: [number, number, number];
  /** Token streams in sequence order (two for the hybrid); empty for the CNN. */
  streams: TokenStream[];
  /** A learned type vector per stream (the hybrid). */
  tokenType: boolean;
  /** A [CLS] token in front of the sequence. */
  cls: boolean;
  /** Sequence length the blocks see, [CLS] included. */
  T: number;
  d: number;
  blocks: BlockSpec[];
  /** Final norm (Transformers), then a linear head from `in` features to `classes`. */
  head: { norm: boolean; in: number; classes: number };
}

function stemStages(cfg: ModelConfig): StemStage[] {
  let shape = cfg.inputShape;
  return cfg.stem.map((l, i) => {
    const oh = convOut(shape[0], l.kernel, l.stride, l.padding);
    const ow = convOut(shape[1], l.kernel, l.stride, l.padding);
    if (oh < 1 || ow < 1)
      throw new Error(`layer ${i} (kernel ${l.kernel}, stride ${l.stride}, ${l.padding}) leaves no output from ${shape[0]}×${shape[1]}`);
    const stage: StemStage = { ...l, in: shape, out: [oh, ow, l.filters] };
    shape = stage.out;
    return stage;
  });
}

/** The token streams of a config, given its feature maps [H, W, C] and input. */
function tokenStreams(cfg: ModelConfig, [h, w, c]: [number, number, number]): TokenStream[] {
  const k = cfg.poolK;
  const [h0, w0, cin] = cfg.inputShape;
  const channel = (Dtok: number, grid: [number, number], poolK?: number): TokenStream => ({
    name: 'channel',
    T: c,
    Dtok,
    grid,
    embedding: cfg.channelEmbedding ? 'channel-identity' : 'none',
    ...(poolK ? { poolK } : {}),
  });
  const position =
    cfg.positionEmbedding === 'learned' ? 'learned-position' : cfg.positionEmbedding === 'sincos' ? 'sincos-position' : 'none';
  const spatial = (grid: [number, number], poolK?: number): TokenStream => ({
    name: 'spatial',
    T: grid[0] * grid[1],
    Dtok: c,
    grid,
    embedding: position,
    ...(poolK ? { poolK } : {}),
  });
  switch (cfg.tokenizer) {
    case 'channel-full':
      return [channel(h * w, [h, w])];
    case 'channel-pooled':
      return [channel(1, [1, 1], 1)];
    case 'channel-pooled-k':
      return [channel(k * k, [k, k], k)];
    case 'spatial-full':
      return [spatial([h, w])];
    case 'spatial-pooled-k':
      return [spatial([k, k], k)];
    case 'patch': {
      const p = cfg.patchSize;
      return [{ name: 'patch', T: (h0 / p) * (w0 / p), Dtok: p * p * cin, grid: [h0 / p, w0 / p], embedding: position }];
    }
    case 'hybrid':
      return [channel(h * w, [h, w]), spatial([h, w])];
    case 'channel-patch': {
      // Each map cut into a k×k grid of patches: C·k² tokens of (H/k)·(W/k) values (lib/tokenizers/channel-patch.ts).
      const factored = { channels: c, patches: k * k, channel: cfg.channelEmbedding, position: cfg.positionEmbedding === 'learned' };
      const any = factored.channel || factored.position;
      return [
        { name: 'channel-patch', T: c * k * k, Dtok: (h / k) * (w / k), grid: [k, k], embedding: any ? 'factored' : 'none', factored },
      ];
    }
    case 'filter':
    case 'learned-maps': {
      const learned = cfg.tokenizer === 'learned-maps';
      return [
        {
          name: learned ? 'learned' : 'filter',
          T: cfg.mapTokens,
          Dtok: c,
          grid: [h, w],
          // Token l comes from map l: the same identity argument as for channel tokens.
          embedding: cfg.channelEmbedding ? 'channel-identity' : 'none',
          selector: {
            maps: cfg.mapTokens,
            hidden: learned ? LEARNED_MAPS_HIDDEN : 0,
            normalization: learned ? 'sigmoid' : 'softmax',
            position,
          },
        },
      ];
    }
  }
}

/** Block i of a config: its recipe's family, attention (DaViT alternates) and mixing. */
function blockSpec(cfg: ModelConfig, i: number, T: number, maps: [number, number, number]): BlockSpec {
  const r = blockRecipe(cfg.block);
  return {
    index: i,
    family: r.family,
    attention: Array.isArray(r.attention) ? r.attention[i % 2] : (r.attention as AttentionKind),
    mixing: r.mixing,
    T,
    d: cfg.dModel,
    heads: cfg.heads,
    mlpHidden: cfg.mlpRatio * cfg.dModel,
    window: r.window ?? 0,
    grid: [maps[0], maps[1]],
    maps,
  };
}

/** The default model in a few words, from the config itself: "64 maps of 14×14, d_model 64, 2 blocks, 4 heads". */
export function describeModel(cfg: ModelConfig): string {
  const [h, w, c] = architecture(cfg).maps;
  return `${c} maps of ${h}×${w}, d_model ${cfg.dModel}, ${cfg.depth} blocks, ${cfg.heads} heads`;
}

/** The architecture a (validated) config describes. */
export function architecture(cfg: ModelConfig): Architecture {
  const stem = stemStages(cfg);
  let maps: [number, number, number] = stem.length ? stem[stem.length - 1].out : cfg.inputShape;
  const se = cfg.se ? { channels: maps[2], hidden: Math.max(1, Math.floor(maps[2] / cfg.seReduction)) } : undefined;
  if (cfg.arch === 'cnn') {
    return {
      kind: 'cnn',
      input: cfg.inputShape,
      stem,
      se,
      maps,
      streams: [],
      tokenType: false,
      cls: false,
      T: 0,
      d: 0,
      blocks: [],
      head: { norm: false, in: maps[2], classes: cfg.numClasses },
    };
  }
  maps = [...maps];
  const streams = tokenStreams(cfg, maps);
  const cls = cfg.pooling === 'cls';
  const T = streams.reduce((a, s) => a + s.T, 0) + (cls ? 1 : 0);
  return {
    kind: 'transformer',
    input: cfg.inputShape,
    stem,
    se,
    maps,
    streams,
    tokenType: streams.length > 1,
    cls,
    T,
    d: cfg.dModel,
    blocks: Array.from({ length: cfg.depth }, (_, i) => blockSpec(cfg, i, T, maps)),
    head: { norm: true, in: cfg.dModel, classes: cfg.numClasses },
  };
}
