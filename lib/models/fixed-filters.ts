/**
 * Hand-made 3×3 filters (edges, blur, Laplacian), for showing what "convolve the
 * image n times" produces before anything is trained. Learned stems live in stem.ts.
 */
import * as tf from '@tensorflow/tfjs';

export const CLASSIC_FILTERS: Record<string, number[]> = {
  'sobel-x': [-1, 0, 1, -2, 0, 2, -1, 0, 1],
  'sobel-y': [-1, -2, -1, 0, 0, 0, 1, 2, 1],
  laplacian: [0, 1, 0, 1, -4, 1, 0, 1, 0],
  blur: [1 / 9, 1 / 9, 1 / 9, 1 / 9, 1 / 9, 1 / 9, 1 / 9, 1 / 9, 1 / 9],
  'diag-45': [0, 1, 2, -1, 0, 1, -2, -1, 0],
  'diag-135': [2, 1, 0, 1, 0, -1, 0, -1, -2],
  sharpen: [0, -1, 0, -1, 5, -1, 0, -1, 0],
  identity: [0, 0, 0, 0, 1, 0, 0, 0, 0],
};

/**
 * Applies every classic filter to a batch of one-channel images.
 * images: [B, H, W, 1] -> [B, H, W, n] with n = number of filters, 'same' padding.
 */
export function classicConvolutions(images: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const names = Object.keys(CLASSIC_FILTERS);
    const k = tf.tensor2d(
      names.map((n) => CLASSIC_FILTERS[n]),
      [names.length, 9],
    ); // [n, 9]
    const kernel = k.transpose().reshape([3, 3, 1, names.length]) as tf.Tensor4D; // [9, n] -> [3, 3, 1, n]
    return tf.conv2d(images, kernel, 1, 'same');
  });
}
