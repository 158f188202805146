/**
 * What a tokenizer makes, as data: a token stream's count, width, source grid and embedding.
 * The architecture (lib/models/architecture.ts) describes a model's streams with it, the
 * tokenizers build them, and the cost model counts them; it lives here, below the models,
 * so that the tokenizers need nothing from the layer above them.
 */
export interface TokenStream {
  name: 'channel' | 'spatial' | 'patch' | 'filter' | 'learned' | 'channel-patch';
  /** Number of tokens. */
  T: number;
  /** Values per token before the projection to dModel. */
  Dtok: number;
  /** The maps are first average-pooled to k×k (1: one mean per map); absent: no pooling. */
  poolK?: number;
  /** The grid the tokens come from ([H, W] of the maps, of the pooled maps, or of the patches). */
  grid: [number, number];
  /** The embedding added after the projection. */
  embedding: 'channel-identity' | 'learned-position' | 'sincos-position' | 'factored' | 'none';
  /** The 'factored' embedding (channel-patch, as ChannelViT): a vector per channel plus one per patch position, either off. */
  factored?: { channels: number; patches: number; channel: boolean; position: boolean };
  /**
   * Learned maps that select positions (filter, learned-maps): `maps` of them, from a 1×1 conv
   * (hidden 0) or a 3×3 conv to `hidden` channels, GELU, then a 1×1 conv; normalized by a
   * softmax over positions (tokens are weighted sums) or a sigmoid (tokens are weighted means).
   * `position`: an embedding of the [H, W] grid added to the C-vectors before the maps are made
   * and pooled, so that a token carries where its map lies, as in both papers (TokenLearner
   * runs on ViT tokens that hold position embeddings; VT gives its tokens a position encoding
   * from their maps). 'none': a token holds what the features are, not where.
   */
  selector?: {
    maps: number;
    hidden: number;
    normalization: 'softmax' | 'sigmoid';
    position: Exclude<TokenStream['embedding'], 'channel-identity' | 'factored'>;
  };
}

/** What tokenize() needs of an architecture: its streams, its input, its width, and whether the streams are typed. */
export interface TokenPlan {
  streams: TokenStream[];
  /** [H0, W0, Cin] of the images (patches are cut from them). */
  input: [number, number, number];
  /** d_model: every stream is projected to it. */
  d: number;
  /** A learned type vector per stream (the hybrid). */
  tokenType: boolean;
}
