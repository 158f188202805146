/**
 * Local spatial mixing for channel tokens: each token (one feature map, projected
 * to d values) is mapped back to an H×W map, every map gets its own 3×3
 * depthwise convolution and a GELU, and the result is projected to d again.
 * [B, C, d] -> [B, C, d], used as a residual branch between attention and MLP.
 *
 * Why: with channel tokens, attention mixes maps and the MLP mixes a token's d
 * values, but nothing moves information between neighbouring positions once the
 * maps are tokens. XCiT adds its local patch interaction for the same reason
 * (El-Nouby et al. 2021, §3.2); this is that idea on the question's tokens, with
 * the projections needed to get from d values back to a map and forth.
 */
import * as tf from '@tensorflow/tfjs';
import { type LayerArgs, gelu, one, oneShape, register } from './common';
import { withRole } from './roles';

export class MapMixing extends tf.layers.Layer {
  static className = 'MapMixing';
  /** Map grid [H, W] the tokens came from. */
  readonly grid: [number, number];
  private up!: tf.LayerVariable;
  private upBias!: tf.LayerVariable;
  private depthwise!: tf.LayerVariable;
  private dwBias!: tf.LayerVariable;
  private down!: tf.LayerVariable;
  private downBias!: tf.LayerVariable;

  constructor(args: { grid: [number, number] } & LayerArgs) {
    super(args);
    this.grid = args.grid;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const [, c, d] = oneShape(inputShape) as number[];
    const hw = this.grid[0] * this.grid[1];
    const glorot = tf.initializers.glorotUniform({});
    this.up = withRole(this.addWeight('up_kernel', [d, hw], 'float32', glorot), 'matrix');
    this.upBias = withRole(this.addWeight('up_bias', [hw], 'float32', tf.initializers.zeros()), 'bias');
    this.depthwise = withRole(this.addWeight('depthwise_kernel', [3, 3, c, 1], 'float32', glorot), 'matrix');
    this.dwBias = withRole(this.addWeight('depthwise_bias', [c], 'float32', tf.initializers.zeros()), 'bias');
    this.down = withRole(this.addWeight('down_kernel', [hw, d], 'float32', glorot), 'matrix');
    this.downBias = withRole(this.addWeight('down_bias', [d], 'float32', tf.initializers.zeros()), 'bias');
    this.built = true;
  }

  override computeOutputShape(s: tf.Shape | tf.Shape[]): tf.Shape {
    return oneShape(s);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = one(inputs);
      const [b, c, d] = x.shape;
      const [h, w] = this.grid;
      const flat = tf.add(tf.matMul(x.reshape([b * c, d]), this.up.read()), this.upBias.read()); // [B*C, d] -> [B*C, H*W]
      const maps = flat.reshape([b, c, h, w]).transpose([0, 2, 3, 1]) as tf.Tensor4D; // [B*C, H*W] -> [B, C, H, W] -> [B, H, W, C]
      const mixed = gelu(tf.add(tf.depthwiseConv2d(maps, this.depthwise.read() as tf.Tensor4D, 1, 'same'), this.dwBias.read())); // [B, H, W, C]
      const back = mixed.transpose([0, 3, 1, 2]).reshape([b * c, h * w]); // [B, H, W, C] -> [B, C, H, W] -> [B*C, H*W]
      return tf.add(tf.matMul(back, this.down.read()), this.downBias.read()).reshape([b, c, d]); // [B*C, H*W] -> [B*C, d] -> [B, C, d]
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), grid: this.grid };
  }
}
register(MapMixing);
