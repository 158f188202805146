/**
 * The question's channel tokens beside their published relatives (the study's `literature`
 * suite): who each model follows (the study's model catalog says, `modelRows`), and a table of
 * accuracy and cost. What each refinement changes is a declared comparison of the suite, read
 * like every other one (comparisons.ts).
 */
import type { Study } from '../../experiments/study';
import type { RunRecord } from '../../results/record';
import type { Group } from '../statistics';
import { aggregateRows, type DataFrame, frame } from '../tables';

function attentionFlops(records: RunRecord[], name: string, dataset: string): number {
  const r = records.find((x) => x.name === name && x.dataset === dataset);
  return r ? r.flops.attention : NaN;
}

/**
 * One row per (dataset, model): accuracy over seeds, parameters, FLOPs (attention apart).
 * No throughput column: runs shared with other suites may come from another session, and
 * times are only comparable within one run (08_literature times all models in one).
 */
export function literatureTable(groups: Group[], records: RunRecord[], order: string[]): DataFrame {
  const timing = ['train s', 'img/s'];
  const rows = aggregateRows(groups, { order }).map((r) => ({
    ...Object.fromEntries(Object.entries(r).filter(([k]) => !timing.includes(k))),
    'attention MFLOPs': attentionFlops(records, r.config as string, r.dataset as string) / 1e6,
  }));
  return frame(rows);
}

/** The catalog's entry of each arm: what it is, whom it follows, its parameters at the defaults. */
export function modelRows(study: Study, arms: { name: string; preset: string }[]): Record<string, unknown>[] {
  return arms.map(({ name, preset }) => ({
    model: name,
    what: study.models[preset].about,
    after: study.models[preset].after ?? '–',
    params: study.models[preset].params,
  }));
}
