/**
 * From the result store to what notebooks and the report show: the records of a
 * suite under a preset, with the planned runs that are missing made visible, and
 * their aggregate over seeds. Reads the store and the plan; trains nothing.
 */
import type { RunRecord } from '../results/record';
import { ResultStore } from '../results/store';
import { planSuite, RUN_PRESETS, RunPresetName } from '../experiments';
import { resultsDirFor } from '../util/paths';
import { aggregate, Group } from './statistics';

export interface SuiteView {
  suite: string;
  preset: RunPresetName;
  /** Records of the planned runs found in the store. */
  records: RunRecord[];
  /** Planned runs with no record: shown, never hidden. */
  missing: { name: string; dataset: string; seed: number }[];
  /** Store lines that could not be read. */
  problems: string[];
  groups: Group[];
  /** Variant order as the suite lists it, for tables and plots. */
  order: string[];
}

/** The records of one suite under one preset, aggregated over seeds. */
export function suiteView(suite: string, preset: RunPresetName, opts: { resultsDir?: string; datasets?: string[] } = {}): SuiteView {
  const plan = planSuite(suite, { preset, datasets: opts.datasets });
  const store = new ResultStore({ dir: opts.resultsDir ?? resultsDirFor(preset) });
  const { records: all, problems } = store.read();
  const byId = new Map(all.map((r) => [r.id, r]));
  const records: RunRecord[] = [];
  const missing: SuiteView['missing'] = [];
  for (const p of plan) {
    const r = byId.get(p.id);
    if (r) records.push({ ...r, name: p.config.name }); // the suite's label for this run
    else missing.push({ name: p.config.name, dataset: p.config.dataset.name, seed: p.config.seed });
  }
  const order = [...new Set(plan.map((p) => p.config.name))];
  const datasets = [...new Set(plan.map((p) => p.config.dataset.name))];
  const seeds = RUN_PRESETS[preset].seeds;
  const groups = aggregate(records, { expectedSeeds: seeds }).sort(
    (a, b) => datasets.indexOf(a.dataset) - datasets.indexOf(b.dataset) || order.indexOf(a.name) - order.indexOf(b.name),
  );
  return { suite, preset, records, missing, problems: ResultStore.describeProblems(problems), groups, order };
}

