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
import { type Architecture, architecture, type BlockSpec, type TokenStream } from './architecture';
import type { ModelConfig } from './config';

export type { TokenStream };

export interface FlopBreakdown {
  /** Conv stem (and SE, if on). */
  stem: number;
  /**
   * From maps to tokens, where that takes work: adaptive pooling (the pooled tokenizers), or
   * the learned maps of 'filter' and 'learned-maps' (their convs and the weighted sums, 2·H·W·L·C).
   */
  pooling: number;
  /** Linear projection of tokens to dModel. */
  projection: number;
  /**
   * QKᵀ and AV over all blocks. Token attention: 4·T²·d per block. Window attention
   * (s×s windows): 4·T·s²·d. Attention across channels (XCA, channel groups): 4·N·d²/h,
   * linear in the N = H·W positions.
   */
  attention: number;
  /** QKV and output projections: 8·T·d² per block. */
  attnProj: number;
  /** MLP: 4·T·d·(mlpRatio·d) per block. */
  mlp: number;
  /**
   * Depthwise-conv spatial mixing inside the blocks (the block recipe's mixing): 18·N·d per 3×3
   * conv on the token grid; MapMixing on channel tokens adds its two projections,
   * 4·C·d·H·W, to its 18·H·W·C. Absent from records written before it existed.
   */
  mixing?: number;
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

/** Parameters, FLOPs and activations of a config, counted from its architecture (architecture.ts). */
/** The cost of a config, counted from its architecture (given when the caller has it already). */
export function costModel(cfg: ModelConfig, a: Architecture = architecture(cfg)): Cost {
  const d = a.d;
  const nc = a.head.classes;
  const act: Record<string, number> = {};
  const [h0, w0, cin] = a.input;
  act.input = h0 * w0 * cin;

  // Stem (and SE).
  let stemParams = 0;
  let stemFlops = 0;
  a.stem.forEach((l, i) => {
    const [oh, ow] = l.out;
    const c = l.in[2];
    stemParams += l.kernel * l.kernel * c * l.filters + (l.batchNorm ? 4 * l.filters : l.filters);
    stemFlops += 2 * l.kernel * l.kernel * c * l.filters * oh * ow;
    act[`stem${i}`] = oh * ow * l.filters * (l.batchNorm ? 3 : 2); // conv out, (bn out,) activation out
  });
  const [h, w, c] = a.maps;
  if (a.se) {
    const r = a.se.hidden;
    stemParams += c * r + r + r * c + c;
    stemFlops += 2 * (c * r + r * c);
    act.se = h * w * c;
  }

  if (a.kind === 'cnn') {
    const headParams = c * nc + nc;
    const flops = { stem: stemFlops, pooling: 0, projection: 0, attention: 0, attnProj: 0, mlp: 0, mixing: 0, head: 2 * c * nc, total: 0 };
    flops.total = stemFlops + flops.head;
    act.head = c + nc;
    return finish(
      cfg,
      {
        params: stemParams + headParams,
        paramsByStage: { stem: stemParams, tokenizer: 0, embeddings: 0, blocks: 0, head: headParams },
        flops,
        maps: a.maps,
        streams: [],
        T: 0,
        Dtok: 0,
      },
      act,
    );
  }

  let tokParams = 0;
  let embParams = 0;
  let projFlops = 0;
  let poolFlops = 0;
  for (const s of a.streams) {
    if (s.poolK !== undefined && s.poolK > 1) {
      // Separable bin matrices: first along W ([H·C, W]·[W, k]), then along H ([k·C, H]·[H, k]).
      poolFlops += 2 * h * c * w * s.poolK + 2 * s.poolK * c * h * s.poolK;
    }
    if (s.poolK !== undefined) act.pooled = s.poolK * s.poolK * c; // k = 1: a mean, element-wise by our convention
    if (s.selector) {
      const { maps: l, hidden: hid, position } = s.selector;
      const hw = h * w;
      if (position === 'learned-position') embParams += hw * c; // a C-vector per position of the grid, added before the maps
      if (position !== 'none') act.positionedMaps = hw * c;
      // filter: 1×1 conv C -> L, no bias. learned-maps: 3×3 conv C -> hidden (+ bias), GELU, 1×1 conv hidden -> L (+ bias).
      tokParams += hid ? 9 * c * hid + hid + hid * l + l : c * l;
      poolFlops += (hid ? 2 * 9 * hw * c * hid + 2 * hw * hid * l : 2 * hw * c * l) + 2 * hw * l * c; // the maps, then Σ_p w_lp · x_p
      act.tokenMaps = hw * l * 2 + (hid ? hw * hid * 2 : 0); // logits and weights (and the hidden maps)
    }
    tokParams += s.Dtok * d + d;
    projFlops += 2 * s.T * s.Dtok * d;
    act[`tokens_${s.name}`] = s.T * s.Dtok + s.T * d; // raw tokens, projected tokens
    if (s.embedding === 'channel-identity' || s.embedding === 'learned-position') embParams += s.T * d;
    if (s.embedding === 'factored' && s.factored)
      embParams += ((s.factored.channel ? s.factored.channels : 0) + (s.factored.position ? s.factored.patches : 0)) * d;
  }
  if (a.tokenType) embParams += a.streams.length * d; // one token-type vector per stream
  if (a.cls) embParams += d;
  const T = a.T;

  const blocks = a.blocks.map(blockCost);
  const sum = (f: (b: BlockCost) => number): number => blocks.reduce((x, b) => x + f(b), 0);
  const headParams = 2 * d + d * nc + nc;
  const flops: FlopBreakdown = {
    stem: stemFlops,
    pooling: poolFlops,
    projection: projFlops,
    attention: sum((b) => b.attention),
    attnProj: sum((b) => b.attnProj),
    mlp: sum((b) => b.mlp),
    mixing: sum((b) => b.mixing),
    head: 2 * d * nc,
    total: 0,
  };
  flops.total =
    flops.stem + flops.pooling + flops.projection + flops.attention + flops.attnProj + flops.mlp + sum((b) => b.mixing) + flops.head;
  act.blocks = sum((b) => b.activations);
  act.attentionMaps = sum((b) => b.attentionMaps); // part of blocks, listed for the memory check
  act.head = 2 * T * d + d + nc;
  return finish(
    cfg,
    {
      params: stemParams + tokParams + embParams + sum((b) => b.params) + headParams,
      paramsByStage: { stem: stemParams, tokenizer: tokParams, embeddings: embParams, blocks: sum((b) => b.params), head: headParams },
      flops,
      maps: a.maps,
      streams: a.streams,
      T,
      Dtok: a.streams[0].Dtok,
    },
    act,
  );
}

interface BlockCost {
  params: number;
  attention: number;
  attnProj: number;
  mlp: number;
  mixing: number;
  /** Activation floats per image, attention maps included. */
  activations: number;
  /** Attention scores and softmax, floats per image. */
  attentionMaps: number;
}

/** One block of any family, from its description: T tokens of width d in, the same out. */
function blockCost(b: BlockSpec): BlockCost {
  const { T, d, heads: h, mlpHidden: m } = b;
  const ln = 2 * d;
  const dwconv = 9 * d + d; // a 3×3 depthwise conv on the token grid, with bias
  // Every family keeps ViT's norms, QKV and output projections and MLP.
  let params = ln + (3 * d * d + 3 * d) + (d * d + d) + ln + (d * m + m) + (m * d + d);
  let attention: number;
  let attentionMaps: number; // scores and softmax output
  if (b.attention === 'xca' || b.attention === 'channel-group') {
    // Attention across the d/h channels of each head, each a vector over T = N positions.
    attention = (4 * T * d * d) / h;
    attentionMaps = (2 * d * d) / h;
  } else if (b.attention === 'window') {
    attention = 4 * T * b.window ** 2 * d; // T/s² windows of s² tokens: 4·(s²)²·d each
    attentionMaps = 2 * h * T * b.window ** 2;
  } else {
    attention = 4 * T * T * d;
    attentionMaps = 2 * h * T * T;
  }
  if (b.attention === 'xca' || b.attention === 'cosine') params += h; // one temperature per head
  let mixing = 0;
  let mixingActs = 0;
  if (b.mixing === 'lpi') {
    params += ln + dwconv + ln + dwconv; // norm, conv, GELU, norm, conv
    mixing = 2 * (2 * 9 * T * d);
    mixingActs = 5 * T * d;
  } else if (b.mixing === 'cpe') {
    params += 2 * dwconv; // conv position encoding before attention and before the MLP
    mixing = 2 * (2 * 9 * T * d);
    mixingActs = 4 * T * d;
  } else if (b.mixing === 'map') {
    // MapMixing on T = C channel tokens: d -> H·W, depthwise 3×3 per map, GELU, H·W -> d.
    const [mh, mw, c] = b.maps;
    const hw = mh * mw;
    params += ln + (d * hw + hw) + (9 * c + c) + (hw * d + d);
    mixing = 2 * c * d * hw + 2 * 9 * hw * c + 2 * c * hw * d;
    mixingActs = 2 * c * d + 3 * c * hw;
  }
  // LN out, QKV, attention out, projection, residual, LN out, MLP out (7·T·d); MLP hidden
  // before and after GELU (2·T·m); the attention maps; the mixing branch.
  return {
    params,
    attention,
    attnProj: 8 * T * d * d,
    mlp: 4 * T * d * m,
    mixing,
    activations: T * d * 7 + attentionMaps + 2 * T * m + mixingActs,
    attentionMaps,
  };
}

function finish(_cfg: ModelConfig, c: Omit<Cost, 'activationBytes' | 'activations'>, act: Record<string, number>): Cost {
  const values = Object.entries(act).filter(([k]) => k !== 'attentionMaps');
  const bytes = 4 * values.reduce((a, [, v]) => a + v, 0);
  const activations = Object.fromEntries(Object.entries(act).map(([k, v]) => [k, 4 * v]));
  return { ...c, activationBytes: bytes, activations };
}

const MiB = 1024 * 1024;

/** Throws when a config's activations per image exceed cfg.memoryLimitMB, with the numbers that make it too big. */
export function checkMemory(cfg: ModelConfig, cost: Cost = costModel(cfg)): Cost {
  if (cost.activationBytes > cfg.memoryLimitMB * MiB) {
    const streams = cost.streams.map((s) => `${s.name}: T = ${s.T} tokens of D_tok = ${s.Dtok}`).join('; ');
    const att = cost.activations.attentionMaps ?? 0;
    throw new Error(
      `memoryLimitMB: this config needs ${(cost.activationBytes / MiB).toFixed(1)} MiB of activations per image, ` +
        `over the limit of ${cfg.memoryLimitMB} MiB (${streams}; sequence length ${cost.T}; ` +
        `attention maps (scores and softmax, ${cfg.heads} heads, ${cfg.depth} blocks) ${(att / MiB).toFixed(1)} MiB). ` +
        'Pool the maps (poolK), reduce the stem resolution, or raise memoryLimitMB.',
    );
  }
  return cost;
}
