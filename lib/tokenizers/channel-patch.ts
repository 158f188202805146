/**
 * ChannelViT's tokenization (Bao et al. 2024): each feature map is cut into a k×k grid
 * of patches and every patch of every map is one token, T = C·k² tokens of
 * D_tok = (H/k)·(W/k) values. It sits between the question's channel tokens (k = 1: the
 * whole map is one patch) and spatial tokens (patches of one position, but each holds one
 * map's value instead of the C-vector). One projection is shared by all tokens, as in the
 * paper, so what tells the tokens apart is the factored embedding: a vector per channel
 * (shared over patches) plus a vector per patch position (shared over channels).
 */
import * as tf from '@tensorflow/tfjs';
import { type LayerArgs, one, oneShape, register } from '../layers/common';
import { withRole } from '../layers/roles';

/** [B, H, W, C] -> [B, C·k·k, (H/k)·(W/k)]: channel-major, then the patch grid row-major. */
export class ChannelPatches extends tf.layers.Layer {
  static className = 'ChannelPatches';
  readonly k: number;

  constructor(args: { k: number } & LayerArgs) {
    super(args);
    this.k = args.k;
  }

  override computeOutputShape(s: tf.Shape | tf.Shape[]): tf.Shape {
    const [b, h, w, c] = oneShape(s) as number[];
    const k = this.k;
    return [b, c * k * k, (h / k) * (w / k)];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = one(inputs);
      const [b, h, w, c] = x.shape;
      const k = this.k;
      const ph = h / k;
      const pw = w / k;
      return x
        .reshape([b, k, ph, k, pw, c]) // [B, H, W, C] -> [B, k, H/k, k, W/k, C]
        .transpose([0, 5, 1, 3, 2, 4]) // -> [B, C, k, k, H/k, W/k]
        .reshape([b, c * k * k, ph * pw]); // -> [B, C·k·k, (H/k)·(W/k)]
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), k: this.k };
  }
}
register(ChannelPatches);

/**
 * Adds a learned vector per channel and one per patch position to tokens ordered as
 * ChannelPatches orders them: [B, C·P, d] + ([C, 1, d] + [1, P, d]) -> [B, C·P, d].
 * Either table may be off (channel: false leaves the maps an unordered set, as in channel-full-noid).
 */
export class ChannelPatchEmbedding extends tf.layers.Layer {
  static className = 'ChannelPatchEmbedding';
  readonly channels: number;
  readonly patches: number;
  readonly channel: boolean;
  readonly position: boolean;
  private tables: tf.LayerVariable[] = [];

  constructor(args: { channels: number; patches: number; channel: boolean; position: boolean } & LayerArgs) {
    super(args);
    this.channels = args.channels;
    this.patches = args.patches;
    this.channel = args.channel;
    this.position = args.position;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const [, t, d] = oneShape(inputShape) as number[];
    if (t !== this.channels * this.patches)
      throw new Error(`ChannelPatchEmbedding: ${this.channels} channels × ${this.patches} patches do not match ${t} tokens`);
    const init = () => tf.initializers.truncatedNormal({ stddev: 0.02 }); // ViT's std, as LearnedEmbedding
    this.tables = [];
    if (this.channel) this.tables.push(withRole(this.addWeight('channel', [this.channels, 1, d], 'float32', init()), 'embedding'));
    if (this.position) this.tables.push(withRole(this.addWeight('position', [1, this.patches, d], 'float32', init()), 'embedding'));
    this.built = true;
  }

  override computeOutputShape(s: tf.Shape | tf.Shape[]): tf.Shape {
    return oneShape(s);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = one(inputs);
      const [b, t, d] = x.shape;
      let y = x.reshape([b, this.channels, this.patches, d]); // [B, C·P, d] -> [B, C, P, d]
      for (const table of this.tables) y = tf.add(y, table.read()); // + [C, 1, d] and/or [1, P, d]
      return y.reshape([b, t, d]); // [B, C, P, d] -> [B, C·P, d]
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), channels: this.channels, patches: this.patches, channel: this.channel, position: this.position };
  }
}
register(ChannelPatchEmbedding);
