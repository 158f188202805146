/** The data of one experiment: its subsets, the validation hold-out and normalization statistics. */
import { channelStats, holdout, stratifiedSubset } from '../data/pipeline';
import type { Dataset, Split } from '../data/types';
import type { ExperimentConfig } from '../experiments/config';

export interface PreparedData {
  train: Split;
  val: Split;
  test: Split;
  shape: [number, number, number];
  flipSafe: boolean;
  normalize: { mean: number[]; std: number[] };
}

/** Subsets, hold-out and normalization statistics for one experiment. */
export function prepareData(e: ExperimentConfig, ds: Dataset): PreparedData {
  const shape = ds.meta.shape;
  const k = ds.meta.numClasses;
  const trainAll = e.dataset.trainPerClass === null ? ds.train : stratifiedSubset(ds.train, shape, k, e.dataset.trainPerClass);
  const test = e.dataset.testPerClass === null ? ds.test : stratifiedSubset(ds.test, shape, k, e.dataset.testPerClass);
  const { train, val } = holdout(trainAll, shape, k, e.dataset.valFraction, e.seed);
  // Statistics of the training part only: nothing about val or test leaks into training.
  return { train, val, test, shape, flipSafe: ds.meta.flipSafe, normalize: channelStats(train, shape) };
}
