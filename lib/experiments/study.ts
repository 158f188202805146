/**
 * The shape of a study: every fact an experiment is planned from and read against, declared as
 * data in one place (this workspace's is the top-level study/ folder) and passed to the library,
 * which holds only the mechanism: `planSuite(study, 'core', …)`, `checkControls(records, study.controls)`.
 * A second study could use the same library with a catalog of its own.
 *
 * `resolveStudy` validates a catalog once (every name a suite, control, claim or sanity pair uses
 * is declared) and freezes it, so that a typo fails when the catalog loads, not deep in a sweep.
 */
import { deepFreeze } from '../util/freeze';
import type { ModelConfig } from '../models/config';
import type { RunPreset } from './presets';
import type { Suite } from './suite';

export interface DatasetFacts {
  /** Image shape [H, W, channels]. */
  shape: [number, number, number];
  classes: number;
  /** The version of its loader or generator; it enters every run's identity (a change means new runs). */
  version: number;
  /** 'real': a published dataset sized by trainPerClass; 'diagnostic': a generated task sized by diagnosticPerClass. */
  role: 'real' | 'diagnostic';
  /** Where its images come from: 'npm' (installed by npm ci), 'generated' (from a seed), 'download' (absent offline). */
  source: 'npm' | 'generated' | 'download';
  /** What it is, in one line. */
  about: string;
}

export interface ModelPreset {
  /** A partial config over the model DEFAULTS (lib/models/config.ts). */
  config: Partial<ModelConfig>;
  /** What it is, in one line. */
  about: string;
  /** Whom it follows: the paper it is built after, if any. */
  after?: string;
  /** Its parameter count at the model DEFAULTS (28×28×1, 10 classes); a test builds it and counts. */
  params: number;
}

/** A run whose weights git keeps, for the notebooks that look inside a trained model. */
export interface InspectedRun {
  suite: string;
  model: string;
  dataset: string;
}

/** A control: a model that must solve a task for the task's comparisons to mean anything. */
export interface Control {
  dataset: string;
  model: string;
  role: string;
  /** The accuracy the control's lower 95% bound must exceed, and what it is. */
  threshold: () => { value: number; what: string };
}

/** A sanity pair: a model whose input holds everything another's holds cannot lose to it at convergence. */
export interface SupersetPair {
  superset: string;
  subset: string;
  /** Why the superset's input holds the subset's. */
  why: string;
}

/**
 * What a claim expects of one paired comparison a − b, with the claims' margin as m:
 * 'higher': a − b > m; 'lower': a − b < −m; 'not lower': a − b > −m; 'indistinguishable': |a − b| < m.
 */
export type Expectation = 'higher' | 'lower' | 'indistinguishable' | 'not lower';

export interface ComparisonRef {
  dataset: string;
  a: string;
  b: string;
}

/** A comparison with the claim made of it. */
export type ExpectationRef = ComparisonRef & { expect: Expectation };

/** One row of the claims table: a claim of the question (or the study's own extension), as data. */
export interface QuestionClaim {
  id: string;
  /**
   * A row the question did not state: the study's own extension of a claim. It is tested and shown
   * as such, in a row of its own, and never changes a row in the question's words.
   */
  extension?: true;
  /** The claim, quoted or paraphrased from the question's analysis. */
  quote: string;
  /** The experiment that tests it: the suite whose runs it reads, its notebook, and what it compares. */
  experiment: { suite: string; notebook: string; section: string; what: string };
  /** Accuracy expectations; all must be met. Each reads the claim's suite unless it names its own. */
  expects: (ExpectationRef & { suite?: string })[];
  /** A cost expectation on the recorded FLOPs: a's are lower than b's (on `dataset`, else the first expectation's, else MNIST). */
  cheaper?: { a: string; b: string; dataset?: string };
  /** A scaling expectation: attention FLOPs of these runs grow as T^exponent. */
  scales?: { runs: RegExp; exponent: number };
}

export interface Study {
  /** Datasets by name. */
  datasets: Record<string, DatasetFacts>;
  /** Model presets by name. */
  models: Record<string, ModelPreset>;
  /** Run presets by name: how much data, how many epochs and seeds. */
  presets: Record<string, RunPreset>;
  /** Suites by name: grids of models × datasets, with the comparisons read from them. */
  suites: Record<string, Suite>;
  controls: Control[];
  supersets: SupersetPair[];
  claims: QuestionClaim[];
  /**
   * The answer: the suites it runs (in the order its queue runs them), the runs whose weights git keeps, and the
   * reference arms its opening figure draws beside the claims' arms (models that no claim compares).
   */
  answer: { suites: string[]; inspected: InspectedRun[]; references: string[] };
}

/** Every name a catalog uses that it does not declare, as readable problems (none: the catalog is whole). */
export function studyProblems(s: Study): string[] {
  const out: string[] = [];
  const need = (kind: 'datasets' | 'models' | 'suites', name: string, where: string): void => {
    if (!(name in s[kind])) out.push(`${where}: unknown ${kind.slice(0, -1)} '${name}'`);
  };
  for (const [key, suite] of Object.entries(s.suites)) {
    if (suite.name !== key) out.push(`suite '${key}' is named '${suite.name}'`);
    for (const d of suite.datasets) need('datasets', d, `suite '${key}'`);
    for (const m of suite.models) need('models', m.preset, `suite '${key}', arm '${m.name}'`);
    const arms = new Set(suite.models.map((m) => m.name));
    for (const c of suite.comparisons)
      for (const x of [c.a, c.b]) if (!arms.has(x)) out.push(`suite '${key}': comparison names '${x}', which is not one of its arms`);
  }
  for (const c of s.controls) {
    need('datasets', c.dataset, `control ${c.model} on ${c.dataset}`);
    need('models', c.model, `control on ${c.dataset}`);
  }
  for (const p of s.supersets) for (const m of [p.superset, p.subset]) need('models', m, `sanity pair ${p.superset} ⊇ ${p.subset}`);
  for (const c of s.claims) {
    need('suites', c.experiment.suite, `claim '${c.id}'`);
    for (const e of c.expects) {
      need('datasets', e.dataset, `claim '${c.id}'`);
      if (e.suite) need('suites', e.suite, `claim '${c.id}'`);
    }
  }
  for (const x of s.answer.suites) need('suites', x, 'the answer');
  for (const m of s.answer.references) need('models', m, "the answer's reference arms");
  for (const r of s.answer.inspected) {
    need('suites', r.suite, 'an inspected run');
    need('datasets', r.dataset, 'an inspected run');
  }
  if (new Set(s.claims.map((c) => c.id)).size !== s.claims.length) out.push('two claims share an id');
  return out;
}

/** A catalog checked and frozen: the one form the library is given. Throws with every problem at once. */
export function resolveStudy<T extends Study>(s: T): Readonly<T> {
  const problems = studyProblems(s);
  if (problems.length) throw new Error(`the study's catalog is not whole:\n  ${problems.join('\n  ')}`);
  return deepFreeze(s);
}

/** A run preset of the study by name; unknown names fail with the known ones. */
export function runPreset(s: Pick<Study, 'presets'>, name: string): RunPreset {
  const p = s.presets[name];
  if (!p) throw new Error(`unknown preset '${name}'; known: ${Object.keys(s.presets).join(', ')}`);
  return p;
}

/** A model preset's partial config by name; unknown names fail with the known ones. */
export function modelPreset(s: Pick<Study, 'models'>, name: string): Partial<ModelConfig> {
  const m = s.models[name];
  if (!m) throw new Error(`unknown model preset '${name}'; known: ${Object.keys(s.models).join(', ')}`);
  return m.config;
}
