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

/** The runs a set of claims reads, panel by panel: the report's opening figure draws them. */
export interface ClaimRunsView {
  /**
   * Mean and interval over seeds of each model in each panel, panels in the claims' order. A group's `dataset` is its
   * panel: the dataset, with the condition its runs were trained under when that is not the first round's
   * (panelOf).
   */
  groups: Group[];
  /** Every run behind the groups, each once (a run two claims read is one run), its `dataset` set to its panel. */
  records: RunRecord[];
  /** Models in the order the claims first name them, then the reference arms drawn. */
  order: string[];
  /** The reference arms drawn (no claim compares them): the figure sets them apart. */
  references: string[];
}

/**
 * The panel a run is drawn in: its dataset, and how its data or selection differ from the first round's. The second
 * round drew validation images disjoint from training and selects among the cooldown's epochs too, so its runs of a
 * model are other runs than the first round's of the same name (the hybrid claim reads the relation task's channel-full
 * there; the flattening claim reads the first round's).
 */
export function panelOf(r: Pick<RunRecord, 'dataset' | 'data' | 'train'>): string {
  if (r.data.freshTrain) return `${r.dataset}, fresh images every epoch`;
  return r.data.valDisjoint || r.train.selectAfterCooldown ? `${r.dataset}, round two` : r.dataset;
}

/**
 * The runs the question's own claims read (`extension` rows apart, since they go beyond it): for each accuracy
 * expectation, its two models on its dataset from the suite it reads (the claim's, unless the expectation names its
 * own), so the figure shows exactly what the claims table decides from, each run in its panel (panelOf). Beside them,
 * the answer's reference arms (study.answer.references), from the same suites, in the panels the claims' runs fill.
 * Suites that label the same run alike share it; two different runs under one label, panel and seed would make one
 * dot of two configs, so they are an error.
 */
export function questionRunsView(study: Study, recordsOf: (suite: string) => RunRecord[], preset: RunPresetName): ClaimRunsView {
  const refs = study.claims
    .filter((c) => !c.extension)
    .flatMap((c) => c.expects.map((e) => ({ ...e, suite: e.suite ?? c.experiment.suite })));
  const claimed = [...new Set(refs.flatMap((e) => [e.a, e.b]))];
  const references = study.answer.references.filter((m) => !claimed.includes(m));
  const wanted = new Set(refs.flatMap((e) => [e.a, e.b].map((m) => `${e.suite}\u0000${m}\u0000${e.dataset}`)));
  const suites = [...new Set(refs.map((e) => e.suite))];
  const inPanel = (r: RunRecord): RunRecord => ({ ...r, dataset: panelOf(r) });
  const claimRuns = distinctRuns(
    suites.flatMap((s) => recordsOf(s).filter((r) => wanted.has(`${s}\u0000${r.name}\u0000${r.dataset}`))),
  ).map(inPanel);
  const panels = new Set(claimRuns.map((r) => r.dataset));
  const referenceRuns = distinctRuns(suites.flatMap((s) => recordsOf(s).filter((r) => references.includes(r.name))))
    .map(inPanel)
    .filter((r) => panels.has(r.dataset));
  const records = [...claimRuns, ...referenceRuns];
  const seen = new Map<string, string>();
  for (const r of records) {
    const key = `${r.name} in panel ${r.dataset}, seed ${r.seed}`;
    if (seen.has(key) && seen.get(key) !== r.id)
      throw new Error(`the claims read two different runs as ${key} (${seen.get(key)} and ${r.id}): name one of them apart in its suite`);
    seen.set(key, r.id);
  }
  // Panels follow the catalog's datasets (the real ones first), a dataset's first-round panel before its later ones.
  const catalog = Object.keys(study.datasets);
  const rank = (panel: string): number => {
    const d = catalog.findIndex((x) => panel === x || panel.startsWith(`${x}, `));
    return d * 2 + (catalog.includes(panel) ? 0 : 1);
  };
  const order = [...claimed, ...references.filter((m) => referenceRuns.some((r) => r.name === m))];
  const groups = aggregate(records, { expectedSeeds: runPreset(study, preset).seeds }).sort(
    (a, b) => rank(a.dataset) - rank(b.dataset) || order.indexOf(a.name) - order.indexOf(b.name),
  );
  return { groups, records, order, references: order.filter((m) => references.includes(m)) };
}
