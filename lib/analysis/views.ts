/**
 * From the result store to what notebooks and the report show: the records of a
 * suite under a preset, with the planned runs that are missing made visible, and
 * their aggregate over seeds. Reads the store and the plan; trains nothing.
 */
import { distinctRuns, type RunRecord } from '../results/record';
import { ResultStore } from '../results/store';
import { answerDatasetsAll, type PlannedRun, planSuite, runPreset, type RunPresetName, type Study, suiteNames } from '../experiments';
import { resultsDirFor } from '../util/paths';
import { aggregate, type Group } from './statistics';

export interface SuiteView {
  /** The study the suite belongs to: its controls, sanity pairs and comparisons are read from it. */
  study: Study;
  suite: string;
  preset: RunPresetName;
  /** Records of the planned runs found in the store. */
  records: RunRecord[];
  /** Planned runs with no record: shown, never hidden. */
  missing: { name: string; dataset: string; seed: number }[];
  /** The seeds the plan has: a comparison gets no verdict before all of them are in (compareFamily). */
  seeds: number[];
  /** Store lines that could not be read. */
  problems: string[];
  groups: Group[];
  /** Variant order as the suite lists it, for tables and plots. */
  order: string[];
  /**
   * The runs that decide this view's tasks' controls: the `controls` suite's records on its
   * datasets. A task's control is a fact of the preset's store, not of one suite: a suite
   * whose plan lacks the control's model (learned-maps has no spatial-full) reads it here.
   */
  controlRecords: RunRecord[];
}

/** The stored record of each planned run that has one, under the plan's label (one stored run can serve suites that label it differently). */
function plannedRecords(plan: PlannedRun[], stored: RunRecord[]): RunRecord[] {
  const byId = new Map(stored.map((r) => [r.id, r]));
  return plan.flatMap((p) => (byId.has(p.id) ? [{ ...byId.get(p.id)!, name: p.config.name }] : []));
}

/** The planned runs with no record, matched by model, dataset and seed (as the plan labels its records). */
export function missingRuns(plan: PlannedRun[], records: RunRecord[]): SuiteView['missing'] {
  const key = (name: string, dataset: string, seed: number): string => `${name}\u0000${dataset}\u0000${seed}`;
  const have = new Set(records.map((r) => key(r.name, r.dataset, r.seed)));
  return plan
    .filter((p) => !have.has(key(p.config.name, p.config.dataset.name, p.config.seed)))
    .map((p) => ({ name: p.config.name, dataset: p.config.dataset.name, seed: p.config.seed }));
}

/** The records of one suite under one preset, aggregated over seeds. */
export function suiteView(
  study: Study,
  suite: string,
  preset: RunPresetName,
  opts: { resultsDir?: string; datasets?: string[] } = {},
): SuiteView {
  const plan = planSuite(study, suite, { preset, datasets: opts.datasets });
  const store = new ResultStore({ dir: opts.resultsDir ?? resultsDirFor(preset) });
  const { records: all, problems } = store.read();
  const records = plannedRecords(plan, all);
  const missing = missingRuns(plan, records);
  const order = [...new Set(plan.map((p) => p.config.name))];
  const datasets = [...new Set(plan.map((p) => p.config.dataset.name))];
  const seeds = runPreset(study, preset).seeds;
  const groups = aggregate(records, { expectedSeeds: seeds }).sort(
    (a, b) => datasets.indexOf(a.dataset) - datasets.indexOf(b.dataset) || order.indexOf(a.name) - order.indexOf(b.name),
  );
  const controlRecords = plannedRecords(
    planSuite(study, 'controls', { preset }).filter((p) => datasets.includes(p.config.dataset.name)),
    all,
  );
  const planned = [...new Set(plan.map((p) => p.config.seed))].sort((a, b) => a - b);
  return {
    study,
    suite,
    preset,
    records,
    missing,
    seeds: planned,
    problems: ResultStore.describeProblems(problems),
    groups,
    order,
    controlRecords,
  };
}

/**
 * The records of each suite under a preset, labelled as that suite plans them, for
 * readers that go suite by suite (the question's claims); a suite that does not exist
 * (yet) has none. Reads the store once.
 */
export function recordsBySuite(
  study: Study,
  preset: RunPresetName,
  opts: { resultsDir?: string } = {},
): { recordsOf: (suite: string) => RunRecord[]; problems: string[] } {
  const { records, problems } = new ResultStore({ dir: opts.resultsDir ?? resultsDirFor(preset) }).read();
  const cache = new Map<string, RunRecord[]>();
  const recordsOf = (suite: string): RunRecord[] => {
    if (!suiteNames(study).includes(suite)) return [];
    if (!cache.has(suite)) cache.set(suite, plannedRecords(planSuite(study, suite, { preset }), records));
    return cache.get(suite)!;
  };
  return { recordsOf, problems: ResultStore.describeProblems(problems) };
}

/**
 * The answer's runs (its suites on its datasets, as planAnswer plans them; a run two
 * suites plan counts once), whatever their status: what the README and docs count. One
 * suite's with `suites`.
 */
export function answerRecords(study: Study, recordsOf: (suite: string) => RunRecord[], suites = study.answer.suites): RunRecord[] {
  const datasets = answerDatasetsAll(study);
  return distinctRuns(suites.flatMap(recordsOf)).filter((r) => datasets.includes(r.dataset));
}

/**
 * The records of every run the preset plans (all suites, each config once), under the
 * label of the first suite that plans it: the controls and the provenance read these.
 * Records of configs no suite plans any more (an old generator version) are not read.
 */
export function presetRecords(
  study: Study,
  preset: RunPresetName,
  opts: { resultsDir?: string } = {},
): { records: RunRecord[]; problems: string[] } {
  const { records, problems } = new ResultStore({ dir: opts.resultsDir ?? resultsDirFor(preset) }).read();
  return { records: plannedRecords(planSuite(study, 'all', { preset }), records), problems: ResultStore.describeProblems(problems) };
}
