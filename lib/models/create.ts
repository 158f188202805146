/**
 * createModel: a typed config (a model preset's partial config, with overrides) -> a tfjs model
 * wrapped with access to its stages: featureMaps(), tokens(), encode(),
 * attention() and the logits, in the manner of timm's forward_features /
 * forward_head, so notebooks can look inside.
 */
import * as tf from '@tensorflow/tfjs';
import '../layers'; // registers the custom layers for save/load
import { SqueezeExcite } from '../layers';
import { tokenize } from '../tokenizers';
import { type ModelConfig, validateConfig } from './config';
import { type Cost, checkMemory } from './cost';
import { resolveModelConfig } from './resolve';

export { resolveModelConfig };
import { type Architecture, architecture, type TokenStream } from './architecture';
import { applyStem } from './stem';
import { encoderAndHead } from './transformer';

/**
 * Builds the functional graph from the architecture, stage by stage. The question's
 * model, `channel-full`, is this with one channel stream: 64 maps of 14×14 become 64
 * tokens of 196 values, each projected to d and given its channel's identity.
 * Output: logits [B, numClasses].
 */
function buildGraph(cfg: ModelConfig, a: Architecture = architecture(cfg)): tf.LayersModel {
  const image = tf.input({ shape: cfg.inputShape, name: 'image' }); // [B, H0, W0, Cin]
  let maps = applyStem(image, a.stem); // [B, H, W, C]: "convolve the image n times", C = n
  if (a.se) maps = new SqueezeExcite({ reduction: cfg.seReduction, name: 'se' }).apply(maps) as tf.SymbolicTensor; // [B, H, W, C]
  let logits: tf.SymbolicTensor;
  if (a.kind === 'cnn') {
    const pooled = tf.layers.globalAveragePooling2d({ name: 'gap' }).apply(maps) as tf.SymbolicTensor; // [B, H, W, C] -> [B, C]
    logits = tf.layers.dense({ units: a.head.classes, name: 'logits' }).apply(pooled) as tf.SymbolicTensor; // [B, C] -> [B, classes]
  } else {
    const tokens = tokenize(maps, a); // [B, T, d]: tokens, projections, embeddings
    logits = encoderAndHead(tokens, a, cfg); // [B, T, d] -> blocks -> [B, classes]
  }
  return tf.model({ inputs: image, outputs: logits, name: `maptokens_${cfg.arch === 'cnn' ? 'cnn' : cfg.tokenizer}` });
}

export class MapTokensModel {
  private subModels = new Map<string, tf.LayersModel>();

  constructor(
    readonly model: tf.LayersModel,
    readonly config: ModelConfig,
    /** The cost of a resolved experiment, as given; else computed (and held to the memory limit) when asked. */
    private readonly knownCost?: Cost,
  ) {}

  get cost(): Cost {
    return this.knownCost ?? checkMemory(this.config);
  }

  /** Logits [B, numClasses] in inference mode (dropout off). */
  predict(images: tf.Tensor4D): tf.Tensor2D {
    return this.model.predict(images) as tf.Tensor2D;
  }

  /** Logits with dropout on, for training steps. */
  trainLogits(images: tf.Tensor4D): tf.Tensor2D {
    return this.model.apply(images, { training: true }) as tf.Tensor2D;
  }

  /** A model from the input to a named layer's output; shares weights, so never dispose it. */
  private upTo(layerName: string): tf.LayersModel {
    let m = this.subModels.get(layerName);
    if (!m) {
      const layer = this.model.getLayer(layerName);
      m = tf.model({ inputs: this.model.inputs, outputs: layer.output as tf.SymbolicTensor });
      this.subModels.set(layerName, m);
    }
    return m;
  }

  private layerNames(): string[] {
    return this.model.layers.map((l) => l.name);
  }

  /** The stem's feature maps (after SE, if on): [B, H0, W0, Cin] -> [B, H, W, C]. */
  featureMaps(images: tf.Tensor4D): tf.Tensor4D {
    const name = this.config.se ? 'se' : this.config.stem.length ? 'stem_out' : undefined;
    if (!name) return images.clone();
    return this.upTo(name).predict(images) as tf.Tensor4D;
  }

  /**
   * The learned maps of the 'filter' and 'learned-maps' tokenizers, normalized as the tokens
   * use them (softmax over positions, or sigmoid): [B, H0, W0, Cin] -> [B, H, W, L], map l selects token l's positions.
   */
  tokenMaps(images: tf.Tensor4D): tf.Tensor4D {
    if (!this.cost.streams.some((s) => s.selector))
      throw new Error(`the '${this.config.tokenizer}' tokenizer has no learned maps (only 'filter' and 'learned-maps' do)`);
    return this.upTo('token_maps').predict(images) as tf.Tensor4D;
  }

  /** Raw tokens of a stream before projection: [B, T, D_tok]. Default: the first stream. */
  tokens(images: tf.Tensor4D, stream?: TokenStream['name']): tf.Tensor3D {
    const names = this.layerNames().filter((n) => n.startsWith('tokens_'));
    if (names.length === 0) throw new Error(`a '${this.config.arch}' model has no tokens`);
    const name = `tokens_${stream ?? this.cost.streams[0].name}`; // default: the stream the tokenizer is named after
    if (!names.includes(name)) throw new Error(`no '${stream}' token stream in this model (have ${names.join(', ')})`);
    return this.upTo(name).predict(images) as tf.Tensor3D;
  }

  /** Encoder output after the final norm: [B, T, d] (T includes [CLS] if used). */
  encode(images: tf.Tensor4D): tf.Tensor3D {
    return this.upTo('encoder_norm').predict(images) as tf.Tensor3D;
  }

  /**
   * Attention weights of block `block`, rows summing to 1. ViT blocks: [B, heads, T, T].
   * Window attention (dual, even blocks): [B·windows, heads, s², s²]. Cross-covariance and
   * channel-group attention (xca; dual, odd blocks): [B, heads, d/heads, d/heads], channels × channels.
   */
  attention(images: tf.Tensor4D, block: number): tf.Tensor4D {
    const layer = this.attentionLayer(block);
    return tf.tidy(() => layer.attention(this.upTo(`block${block}_ln1`).predict(images) as tf.Tensor3D));
  }

  /** The learned temperature per head of block `block` (XCA and cosine attention), or undefined if it has none. */
  temperatures(block: number): number[] | undefined {
    const layer = this.attentionLayer(block) as { temperatures?: () => number[] };
    return layer.temperatures?.();
  }

  private attentionLayer(block: number): { attention(x: tf.Tensor3D): tf.Tensor4D } {
    if (this.config.arch !== 'transformer') throw new Error('a CNN has no attention');
    if (!(block >= 0 && block < this.config.depth)) throw new Error(`block must be in 0..${this.config.depth - 1}; got ${block}`);
    return this.model.getLayer(`block${block}_attn`) as unknown as { attention(x: tf.Tensor3D): tf.Tensor4D };
  }

  dispose(): void {
    this.subModels.clear();
    this.model.dispose();
  }
}

/**
 * createModel(config) or createModel(modelPreset(study, 'channel-full'), overrides).
 * A config object is completed from DEFAULTS; unknown keys and impossible
 * combinations throw ConfigError naming the field.
 */
export function createModel(a: Partial<ModelConfig>, overrides: Partial<ModelConfig> = {}): MapTokensModel {
  const cfg = resolveModelConfig(a, overrides);
  return new MapTokensModel(buildGraph(cfg), cfg);
}

/** The model of a resolved experiment, built from its architecture as it is: nothing is validated or costed again. */
export function buildResolved(r: { config: { model: ModelConfig }; architecture: Architecture; cost: Cost }): MapTokensModel {
  return new MapTokensModel(buildGraph(r.config.model, r.architecture), r.config.model, r.cost);
}

/** Rebuilds the wrapper around a loaded LayersModel. */
export function wrapLoaded(model: tf.LayersModel, config: ModelConfig): MapTokensModel {
  validateConfig(config);
  return new MapTokensModel(model, config);
}
