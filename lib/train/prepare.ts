/** The data of one experiment: its subsets, the validation hold-out and normalization statistics. */
import { channelStats, holdout, stratifiedSubset } from '../data/pipeline';
import { imageKey } from '../data/diagnostic';
import type { Dataset, Split } from '../data/types';
import type { ExperimentConfig } from '../experiments/config';

export interface PreparedData {
  train: Split;
  val: Split;
  test: Split;
  shape: [number, number, number];
  flipSafe: boolean;
  normalize: { mean: number[]; std: number[] };
  /** The keys (imageKey) of every validation and test image: what a fresh training image must not copy. */
  heldOut: Set<string>;
}

/** The imageKey of each image of a split. */
function keysOf(s: Split, per: number): string[] {
  return Array.from({ length: s.n }, (_, i) => imageKey(s.images.subarray(i * per, (i + 1) * per)));
}

/** The split without the images whose key is in `drop` (order kept). */
function without(s: Split, per: number, drop: Set<string>): Split {
  const keep = keysOf(s, per).flatMap((k, i) => (drop.has(k) ? [] : [i]));
  const images = new Uint8Array(keep.length * per);
  keep.forEach((i, j) => images.set(s.images.subarray(i * per, (i + 1) * per), j * per));
  return { images, labels: Uint8Array.from(keep.map((i) => s.labels[i])), n: keep.length };
}

/** Subsets, hold-out and normalization statistics for one experiment. */
export function prepareData(e: ExperimentConfig, ds: Dataset): PreparedData {
  const shape = ds.meta.shape;
  const k = ds.meta.numClasses;
  const trainAll = e.dataset.trainPerClass === null ? ds.train : stratifiedSubset(ds.train, shape, k, e.dataset.trainPerClass);
  const test = e.dataset.testPerClass === null ? ds.test : stratifiedSubset(ds.test, shape, k, e.dataset.testPerClass);
  const split = holdout(trainAll, shape, k, e.dataset.valFraction, e.seed);
  const per = shape[0] * shape[1] * shape[2];
  const valKeys = new Set(keysOf(split.val, per));
  // Validation like the test set: no training image is a copy of one (valDisjoint).
  const train = e.dataset.valDisjoint ? without(split.train, per, valKeys) : split.train;
  const heldOut = new Set([...valKeys, ...keysOf(test, per)]);
  // Statistics of the training part only: nothing about val or test leaks into training.
  return { train, val: split.val, test, shape, flipSafe: ds.meta.flipSafe, normalize: channelStats(train, shape), heldOut };
}
