/**
 * The study: every fact of this workspace's experiments, declared once as data, in the spirit of
 * big_vision's per-project config folders. The library (lib/) holds the mechanism and is given this
 * catalog: `planSuite(STUDY, 'core', { preset })`, `checkControls(records, STUDY.controls)`.
 *
 * - datasets.ts: name, shape, classes, loader version, role and source;
 * - models.ts: the model presets, each with a one-line description, its citation and parameter count;
 * - presets.ts: the run presets (smoke, quick, standard, full);
 * - suites/: the grids as data, with the comparisons each asks;
 * - controls.ts, sanity.ts, claims.ts: the controls, the sanity pairs and the question's claims;
 * - answer.ts: the answer's suites, in the order its queue runs them, and the runs whose weights git keeps.
 *
 * Adding a tokenizer or a claim touches this folder and the tokenizer's implementation, nothing else.
 */
import { resolveStudy, type Study } from '../lib/experiments/study';
import { ANSWER_SUITES, INSPECTED_RUNS, REFERENCE_ARMS } from './answer';
import { QUESTION_CLAIMS } from './claims';
import { CONTROLS } from './controls';
import { DATASETS } from './datasets';
import { MODELS } from './models';
import { RUN_PRESETS } from './presets';
import { SUPERSETS } from './sanity';
import { SUITES } from './suites';

export type { PresetName } from './presets';
export { ROUND_TWO_SUITES } from './answer';

/** The catalog, checked (every name it uses is declared) and frozen when it loads. */
export const STUDY: Readonly<Study> = resolveStudy({
  datasets: DATASETS,
  models: MODELS,
  presets: RUN_PRESETS,
  suites: SUITES,
  controls: CONTROLS,
  supersets: SUPERSETS,
  claims: QUESTION_CLAIMS,
  answer: { suites: ANSWER_SUITES, inspected: INSPECTED_RUNS, references: REFERENCE_ARMS },
});
