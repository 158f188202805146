/** Views of datasets for notebooks: summary rows, class balance, sample grids. */
import type { Dataset } from '../data/types';
import { classGridPng } from './image-grid';
import { barChart, type Figure } from '../analysis/figures/plotly';

/** One row per dataset: what it is and where it came from. */
export function datasetSummary(ds: Dataset): Record<string, unknown> {
  return {
    dataset: ds.meta.name,
    shape: ds.meta.shape.join('×'),
    classes: ds.meta.numClasses,
    train: ds.meta.splitSizes.train,
    test: ds.meta.splitSizes.test,
    flip_safe: ds.meta.flipSafe ? 'yes' : 'no',
    source: ds.meta.source,
  };
}

/** Rows of (class, train count, test count). */
export function classBalance(ds: Dataset): { class: string; train: number; test: number }[] {
  const count = (labels: Uint8Array): number[] => {
    const c = new Array<number>(ds.meta.numClasses).fill(0);
    for (const l of labels) c[l]++;
    return c;
  };
  const tr = count(ds.train.labels);
  const te = count(ds.test.labels);
  return ds.meta.classNames.map((name, i) => ({ class: name, train: tr[i], test: te[i] }));
}

export function classBalanceChart(ds: Dataset): Figure {
  const rows = classBalance(ds);
  return barChart({
    title: `${ds.meta.name}: images per class`,
    categories: rows.map((r) => r.class),
    series: [
      { name: 'train', values: rows.map((r) => r.train) },
      { name: 'test', values: rows.map((r) => r.test) },
    ],
    yTitle: 'images',
  });
}

/** PNG: one row per class (in classNames order), `perClass` training examples each. */
export function sampleGrid(ds: Dataset, perClass: number): Uint8Array {
  const scale = ds.meta.shape[0] <= 32 ? 2 : 1;
  return classGridPng(ds.train.images, ds.train.labels, ds.meta.shape, ds.meta.numClasses, perClass, scale);
}
