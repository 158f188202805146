/**
 * The input pipeline: subsets, hold-outs, normalization, augmentation, seeded
 * shuffling and batching into tf tensors.
 *
 * Everything before the tensor is plain typed-array work in JS, so shuffles and
 * augmentations are reproducible from a seed on every backend. Batches are
 * created one at a time; forEachBatch disposes each one after its callback, so an
 * epoch leaves tf.memory().numTensors where it was.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../util/rng';
import type { Split } from './types';

/** The first `perClass` items of each class, in split order (a stratified prefix). */
export function stratifiedSubset(split: Split, shape: [number, number, number], numClasses: number, perClass: number): Split {
  const per = shape[0] * shape[1] * shape[2];
  const taken = new Array<number>(numClasses).fill(0);
  const idx: number[] = [];
  for (let i = 0; i < split.n; i++) {
    const l = split.labels[i];
    if (taken[l] < perClass) {
      taken[l]++;
      idx.push(i);
    }
  }
  return take(split, idx, per);
}

/** Copies items idx of a split, in that order. */
export function take(split: Split, idx: number[], per: number): Split {
  const images = new Uint8Array(idx.length * per);
  const labels = new Uint8Array(idx.length);
  idx.forEach((i, j) => {
    images.set(split.images.subarray(i * per, (i + 1) * per), j * per);
    labels[j] = split.labels[i];
  });
  return { images, labels, n: idx.length };
}

/** A seeded, stratified hold-out: `fraction` of each class goes to `val`. */
export function holdout(
  split: Split,
  shape: [number, number, number],
  numClasses: number,
  fraction: number,
  seed: number,
): { train: Split; val: Split } {
  if (!(fraction > 0 && fraction < 1)) throw new Error(`holdout fraction must be in (0, 1); got ${fraction}`);
  const per = shape[0] * shape[1] * shape[2];
  const trainIdx: number[] = [];
  const valIdx: number[] = [];
  for (let c = 0; c < numClasses; c++) {
    const idx: number[] = [];
    for (let i = 0; i < split.n; i++) if (split.labels[i] === c) idx.push(i);
    new Rng(seed * 7919 + c).shuffle(idx);
    const nVal = Math.round(idx.length * fraction);
    valIdx.push(...idx.slice(0, nVal));
    trainIdx.push(...idx.slice(nVal));
  }
  return {
    train: take(
      split,
      trainIdx.sort((a, b) => a - b),
      per,
    ),
    val: take(
      split,
      valIdx.sort((a, b) => a - b),
      per,
    ),
  };
}

/** Per-channel mean and std of pixel values scaled to [0, 1]. */
export function channelStats(split: Split, shape: [number, number, number]): { mean: number[]; std: number[] } {
  const c = shape[2];
  const sum = new Float64Array(c);
  const sq = new Float64Array(c);
  for (let i = 0; i < split.images.length; i++) {
    const v = split.images[i] / 255;
    sum[i % c] += v;
    sq[i % c] += v * v;
  }
  const n = split.images.length / c;
  const mean = Array.from(sum, (s) => s / n);
  const std = Array.from(sq, (s, k) => Math.sqrt(Math.max(s / n - mean[k] ** 2, 1e-12)));
  return { mean, std };
}

export interface Augment {
  /** Random crop: pad by this many pixels (zeros) and crop back to size; 0 = off. */
  cropPad: number;
  /** Random horizontal flip with probability 1/2 (refused for datasets whose labels flips change). */
  flip: boolean;
}

export interface BatchOptions {
  batchSize: number;
  /** Shuffle the order each epoch from this seed; undefined = split order. */
  shuffleSeed?: number;
  augment?: Augment;
  /** Whether the dataset's labels survive a horizontal flip (DatasetMeta.flipSafe). */
  flipSafe?: boolean;
  /** Per-channel normalization after scaling to [0, 1]; default none. */
  normalize?: { mean: number[]; std: number[] };
  /** Name for error messages. */
  dataset?: string;
  /** Drop a last partial batch (training) or keep it (evaluation). */
  dropRemainder?: boolean;
}

export interface Batch {
  /** [B, H, W, C] float32, normalized. */
  x: tf.Tensor4D;
  /** [B] int32 labels. */
  y: tf.Tensor1D;
}

function checkAugment(opts: BatchOptions): void {
  if (opts.augment?.flip && !opts.flipSafe) {
    throw new Error(
      `augment.flip: horizontal flips change labels of '${opts.dataset ?? 'this dataset'}' ` +
        '(e.g. left/right relations or digits), so the pipeline refuses to flip it',
    );
  }
  if (opts.augment && (!Number.isInteger(opts.augment.cropPad) || opts.augment.cropPad < 0)) {
    throw new Error(`augment.cropPad must be a non-negative integer; got ${opts.augment.cropPad}`);
  }
  if (!Number.isInteger(opts.batchSize) || opts.batchSize < 1)
    throw new Error(`batchSize must be a positive integer; got ${opts.batchSize}`);
}

/** Fills out[j-th image] with image i, augmented. */
function fillImage(
  out: Float32Array,
  o: number,
  src: Uint8Array,
  s: number,
  shape: [number, number, number],
  opts: BatchOptions,
  rng: Rng | undefined,
): void {
  const [h, w, c] = shape;
  const pad = opts.augment?.cropPad ?? 0;
  const dx = pad && rng ? rng.int(-pad, pad) : 0;
  const dy = pad && rng ? rng.int(-pad, pad) : 0;
  const flip = opts.augment?.flip && rng ? rng.next() < 0.5 : false;
  const mean = opts.normalize?.mean;
  const std = opts.normalize?.std;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const sy = y + dy;
      const sx0 = x + dx;
      const sx = flip ? w - 1 - sx0 : sx0;
      const inside = sy >= 0 && sy < h && sx >= 0 && sx < w;
      for (let k = 0; k < c; k++) {
        let v = inside ? src[s + (sy * w + sx) * c + k] / 255 : 0;
        if (mean && std) v = (v - mean[k]) / std[k];
        out[o + (y * w + x) * c + k] = v;
      }
    }
}

/** Number of batches an epoch yields. */
export function numBatches(n: number, batchSize: number, dropRemainder = false): number {
  return dropRemainder ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);
}

/** The order in which an epoch visits n images: a seeded shuffle, or as stored without a seed. The PyTorch twin gets the same one. */
export function epochOrder(n: number, shuffleSeed?: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  if (shuffleSeed !== undefined) new Rng(shuffleSeed).shuffle(order);
  return order;
}

/**
 * Yields the batches of one epoch. The caller owns each batch and must dispose it
 * (forEachBatch does that for you). Augmentation is applied only when
 * `augment` is given and uses a generator seeded from shuffleSeed.
 */
export function* batches(split: Split, shape: [number, number, number], opts: BatchOptions): Generator<Batch> {
  checkAugment(opts);
  const per = shape[0] * shape[1] * shape[2];
  const order = epochOrder(split.n, opts.shuffleSeed);
  const augRng = opts.augment ? new Rng((opts.shuffleSeed ?? 0) * 31 + 17) : undefined;
  const nb = numBatches(split.n, opts.batchSize, opts.dropRemainder);
  for (let b = 0; b < nb; b++) {
    const idx = order.slice(b * opts.batchSize, Math.min((b + 1) * opts.batchSize, split.n));
    const xs = new Float32Array(idx.length * per);
    const ys = new Int32Array(idx.length);
    idx.forEach((i, j) => {
      fillImage(xs, j * per, split.images, i * per, shape, opts, augRng);
      ys[j] = split.labels[i];
    });
    yield { x: tf.tensor4d(xs, [idx.length, ...shape]), y: tf.tensor1d(ys, 'int32') };
  }
}

/** Runs fn on every batch of an epoch and disposes each batch afterwards, also on error. */
export async function forEachBatch(
  split: Split,
  shape: [number, number, number],
  opts: BatchOptions,
  fn: (b: Batch, index: number) => void | Promise<void>,
): Promise<void> {
  let i = 0;
  for (const b of batches(split, shape, opts)) {
    try {
      await fn(b, i++);
    } finally {
      tf.dispose([b.x, b.y]);
    }
  }
}
