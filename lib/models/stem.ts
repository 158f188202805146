/**
 * The conv stem: "convolve the image n times". A list of conv layers turns
 * [B, H0, W0, Cin] images into C feature maps of H×W, which the tokenizers then
 * read either as C channel tokens or as H·W spatial tokens (the ViT hybrid's CNN
 * front end, Dosovitskiy et al. 2021).
 */
import * as tf from '@tensorflow/tfjs';
import { Relu } from '../layers/relu';

export interface StemLayer {
  /** Output channels: the number of feature maps this layer makes. */
  filters: number;
  /** Square kernel side. */
  kernel: number;
  /** Stride; 2 halves H and W. */
  stride: number;
  /** 'same' keeps ceil(H/stride); 'valid' drops the border. */
  padding: 'same' | 'valid';
  activation: 'relu' | 'gelu' | 'linear';
  /** BatchNorm after the conv (then the conv has no bias of its own). */
  batchNorm: boolean;
}

/**
 * The workspace's stem: a 3×3 conv to 32 maps, then a 3×3 conv to `maps` maps with
 * `stride` (2: 64 maps of 14×14 on 28×28 inputs, small enough for 2 CPU cores).
 * The scaling sweeps vary `maps` (C) and `stride` (H·W).
 */
export function twoConvStem(maps = 64, stride = 2): StemLayer[] {
  return [
    { filters: 32, kernel: 3, stride: 1, padding: 'same', activation: 'relu', batchNorm: false },
    { filters: maps, kernel: 3, stride, padding: 'same', activation: 'relu', batchNorm: false },
  ];
}

/**
 * The regime map's stem family: "convolve the image n times" at several depths. A 3×3 conv to 32 maps at full
 * resolution, then `stages` 3×3 stride-2 convs (each halving H and W: 14×14, 7×7, 4×4 on 28×28 inputs), the
 * inner ones 32·2^(k−1) wide as a CNN widens with depth, the last making `maps` maps. One stage is twoConvStem:
 * the answer's stem, so its runs are the regime map's 14×14 point as they are.
 */
export function stridedStem(stages: number, maps: number): StemLayer[] {
  if (!Number.isInteger(stages) || stages < 1 || stages > 3) throw new Error(`stridedStem: stages must be 1, 2 or 3; got ${stages}`);
  if (!Number.isInteger(maps) || maps < 1) throw new Error(`stridedStem: maps must be a positive integer; got ${maps}`);
  const conv = (filters: number, stride: number): StemLayer => ({
    filters,
    kernel: 3,
    stride,
    padding: 'same',
    activation: 'relu',
    batchNorm: false,
  });
  return [conv(32, 1), ...Array.from({ length: stages }, (_, k) => conv(k === stages - 1 ? maps : 32 * 2 ** k, 2))];
}

/** Output side of one conv, as TensorFlow computes it. */
export function convOut(n: number, kernel: number, stride: number, padding: 'same' | 'valid'): number {
  return padding === 'same' ? Math.ceil(n / stride) : Math.floor((n - kernel) / stride) + 1;
}

/** [H, W, C] after the stem; throws when a layer would leave nothing. */
export function stemOutputShape(input: [number, number, number], stem: StemLayer[]): [number, number, number] {
  let [h, w, c] = input;
  stem.forEach((l, i) => {
    const nh = convOut(h, l.kernel, l.stride, l.padding);
    const nw = convOut(w, l.kernel, l.stride, l.padding);
    if (nh < 1 || nw < 1)
      throw new Error(`layer ${i} (kernel ${l.kernel}, stride ${l.stride}, ${l.padding}) leaves no output from ${h}×${w}`);
    [h, w, c] = [nh, nw, l.filters];
  });
  return [h, w, c];
}

/** Applies the stem to a symbolic input; the last layer is named 'stem_out'. */
export function applyStem(x: tf.SymbolicTensor, stem: StemLayer[]): tf.SymbolicTensor {
  // [B, H0, W0, Cin] -> [B, H, W, C], one conv (and norm, activation) per layer
  stem.forEach((l, i) => {
    const last = i === stem.length - 1;
    x = tf.layers
      .conv2d({
        filters: l.filters,
        kernelSize: l.kernel,
        strides: l.stride,
        padding: l.padding,
        useBias: !l.batchNorm,
        name: `stem_conv${i}`,
      })
      .apply(x) as tf.SymbolicTensor;
    if (l.batchNorm) x = tf.layers.batchNormalization({ name: `stem_bn${i}` }).apply(x) as tf.SymbolicTensor;
    const name = last ? 'stem_out' : `stem_act${i}`;
    // ReLU gets the cheaper gradient (layers/fused.ts); other activations use tfjs's own.
    x = (l.activation === 'relu' ? new Relu({ name }) : tf.layers.activation({ activation: l.activation, name })).apply(
      x,
    ) as tf.SymbolicTensor;
  });
  return x;
}
