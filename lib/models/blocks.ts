/**
 * Block recipes: each Transformer block the workspace builds, by one name. A recipe
 * fixes the family that builds it, its attention and its spatial mixing together, so a
 * config names a published block (or a stated ablation of one) and cannot write a
 * combination nobody built. Adding a variant is adding a row here.
 */
/** The attention of a block: over tokens (ViT), with XCiT's normalization, across channels, in windows. */
export type AttentionKind = 'token' | 'cosine' | 'xca' | 'window' | 'channel-group';
/** Spatial mixing inside a block: MapMixing (channel tokens), XCiT's local patch interaction, DaViT's conv position encodings. */
export type MixingKind = 'none' | 'map' | 'lpi' | 'cpe';

export interface BlockRecipe {
  /** The module whose block function builds it: models/transformer.ts, xcit.ts, davit.ts. */
  family: 'vit' | 'xca' | 'dual';
  /** The attention of every block, or of even and odd blocks in turn (DaViT alternates). */
  attention: AttentionKind | readonly [AttentionKind, AttentionKind];
  mixing: MixingKind;
  /** The tokens it needs: the families that reshape tokens to the map grid take spatial-full ones. */
  tokens: 'any' | 'channel-full' | 'spatial-full';
  /** Side of the attention windows (window attention only). */
  window?: number;
  /** What it is, with its source: shown in errors and tables. */
  description: string;
}

export const BLOCK_RECIPES = {
  vit: { family: 'vit', attention: 'token', mixing: 'none', tokens: 'any', description: "ViT's pre-LN block (Dosovitskiy et al. 2021)" },
  'vit-cosine': {
    family: 'vit',
    attention: 'cosine',
    mixing: 'none',
    tokens: 'any',
    description:
      "ViT's block with XCiT's normalization: unit-norm Q and K per token, a learned temperature per head (El-Nouby et al. 2021)",
  },
  'vit-mapmix': {
    family: 'vit',
    attention: 'token',
    mixing: 'map',
    tokens: 'channel-full',
    description: "ViT's block with MapMixing between attention and MLP: each channel token back to its map, a depthwise 3×3 conv",
  },
  xca: {
    family: 'xca',
    attention: 'xca',
    mixing: 'none',
    tokens: 'spatial-full',
    description: "XCiT's cross-covariance attention alone, without its local patch interaction (an ablation)",
  },
  xcit: {
    family: 'xca',
    attention: 'xca',
    mixing: 'lpi',
    tokens: 'spatial-full',
    description: "XCiT's block: cross-covariance attention and local patch interaction (El-Nouby et al. 2021)",
  },
  davit: {
    family: 'dual',
    attention: ['window', 'channel-group'],
    mixing: 'cpe',
    tokens: 'spatial-full',
    window: 7,
    description: "DaViT's dual blocks: 7×7 window attention, then channel-group attention, conv position encodings (Ding et al. 2022)",
  },
} as const satisfies Record<string, BlockRecipe>;

export type BlockName = keyof typeof BLOCK_RECIPES;
export const BLOCK_NAMES = Object.keys(BLOCK_RECIPES) as BlockName[];

/** The recipe of a block name. */
export function blockRecipe(name: BlockName): BlockRecipe {
  return BLOCK_RECIPES[name];
}
