/**
 * Token embeddings.
 *
 * - LearnedEmbedding: a trainable [T, d] table added to the tokens. As a channel
 *   identity it is ChannelViT's per-channel embedding (Bao et al. 2024): without it
 *   a shared projection makes channel tokens an unordered set. As a position table
 *   it is ViT's learned 1-D position embedding over the flattened grid
 *   (Dosovitskiy et al. 2021). With T = 1 it broadcasts: a token-type embedding.
 * - SinCos2DEmbedding: fixed 2-D sine-cosine positions (as in MAE, He et al. 2022):
 *   half the width encodes the row, half the column.
 * - ClassToken: a learned [CLS] token prepended to the sequence (BERT, ViT).
 */
import * as tf from '@tensorflow/tfjs';
import { type LayerArgs, one, oneShape, register } from './common';
import { withRole } from './roles';

export class LearnedEmbedding extends tf.layers.Layer {
  static className = 'LearnedEmbedding';
  private table!: tf.LayerVariable;
  readonly tokens: number;

  /** tokens: rows of the table (T, or 1 for one vector shared by all tokens). */
  constructor(args: { tokens: number } & LayerArgs) {
    super(args);
    this.tokens = args.tokens;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const [, t, d] = oneShape(inputShape);
    if (this.tokens !== 1 && t !== this.tokens)
      throw new Error(`LearnedEmbedding: table has ${this.tokens} rows but the input has ${t} tokens`);
    // Small random init (ViT uses std 0.02) so identities differ from step one.
    this.table = withRole(
      this.addWeight('table', [this.tokens, d as number], 'float32', tf.initializers.truncatedNormal({ stddev: 0.02 })),
      'embedding',
    );
    this.built = true;
  }

  override computeOutputShape(s: tf.Shape | tf.Shape[]): tf.Shape {
    return oneShape(s);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => tf.add(one(inputs), this.table.read())); // [B, T, d] + [T, d] (broadcast over B)
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), tokens: this.tokens };
  }
}
register(LearnedEmbedding);

/** The fixed [gridH*gridW, dim] table, row-major over the grid. */
export function sinCos2DTable(gridH: number, gridW: number, dim: number): Float32Array {
  if (dim % 4 !== 0) throw new Error(`sin-cos 2-D position embedding needs a width divisible by 4, got ${dim}`);
  const quarter = dim / 4;
  const out = new Float32Array(gridH * gridW * dim);
  for (let y = 0; y < gridH; y++)
    for (let x = 0; x < gridW; x++) {
      const row = (y * gridW + x) * dim;
      for (let i = 0; i < quarter; i++) {
        const omega = 1 / 10000 ** (i / quarter);
        out[row + i] = Math.sin(y * omega);
        out[row + quarter + i] = Math.cos(y * omega);
        out[row + 2 * quarter + i] = Math.sin(x * omega);
        out[row + 3 * quarter + i] = Math.cos(x * omega);
      }
    }
  return out;
}

export class SinCos2DEmbedding extends tf.layers.Layer {
  static className = 'SinCos2DEmbedding';
  readonly gridH: number;
  readonly gridW: number;
  private table?: tf.Tensor2D;

  constructor(args: { gridH: number; gridW: number } & LayerArgs) {
    super(args);
    this.gridH = args.gridH;
    this.gridW = args.gridW;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const [, t, d] = oneShape(inputShape);
    if (t !== this.gridH * this.gridW) throw new Error(`SinCos2DEmbedding: grid ${this.gridH}×${this.gridW} does not match ${t} tokens`);
    // Not a weight: it is a function of the config, so it is neither trained nor saved.
    this.table = tf.keep(tf.tensor2d(sinCos2DTable(this.gridH, this.gridW, d as number), [t as number, d as number]));
    this.built = true;
  }

  override computeOutputShape(s: tf.Shape | tf.Shape[]): tf.Shape {
    return oneShape(s);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => tf.add(one(inputs), this.table!)); // [B, T, d] + [T, d]
  }

  override dispose(): ReturnType<tf.layers.Layer['dispose']> {
    const r = super.dispose();
    if (r.refCountAfterDispose === 0) {
      this.table?.dispose();
      this.table = undefined;
    }
    return r;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), gridH: this.gridH, gridW: this.gridW };
  }
}
register(SinCos2DEmbedding);

export class ClassToken extends tf.layers.Layer {
  static className = 'ClassToken';
  private token!: tf.LayerVariable;

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const d = oneShape(inputShape)[2] as number;
    this.token = withRole(this.addWeight('cls', [1, 1, d], 'float32', tf.initializers.truncatedNormal({ stddev: 0.02 })), 'embedding');
    this.built = true;
  }

  override computeOutputShape(s: tf.Shape | tf.Shape[]): tf.Shape {
    const [b, t, d] = oneShape(s);
    return [b, t == null ? null : t + 1, d];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = one(inputs);
      const cls = tf.tile(this.token.read(), [x.shape[0], 1, 1]); // [1, 1, d] -> [B, 1, d]
      return tf.concat([cls, x], 1); // [B, T, d] -> [B, 1+T, d]
    });
  }
}
register(ClassToken);
