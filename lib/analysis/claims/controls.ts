/**
 * Controls before comparisons. Each diagnostic task has a model that must solve it
 * for the task to mean anything; when that control fails (or did not converge),
 * the task's comparisons are inconclusive and get no verdict.
 *
 * - relation, positive control: spatial-full is given every position, so it must
 *   beat what one shape's position alone gives (lib/data/diagnostic.ts), not merely chance.
 * - appearance, pooled control: channel-pooled keeps only pooled statistics, which
 *   solve this task by construction.
 * - cooccurrence, positive control: cnn-deep, whose later conv stages see a stroke pair
 *   whole, must learn the rule. The token models can fall far short of it (they may
 *   memorise the training set instead), and that is only a finding about them when
 *   something of their size, on the same stem, does learn it at this data size.
 *
 * Every control's runs are planned by the `controls` suite (lib/experiments/suites), so a
 * suite that does not plan a control's model still reads its task's control from there.
 */
import { relationPositionBaseline } from '../../data/diagnostic';
import type { RunRecord } from '../../results/record';
import { aggregate, Gate } from '../statistics';

export interface Control {
  dataset: string;
  model: string;
  role: string;
  /** The accuracy the control's lower 95% bound must exceed, and what it is. */
  threshold: () => { value: number; what: string };
}

export const CONTROLS: Control[] = [
  {
    dataset: 'relation',
    model: 'spatial-full',
    role: 'positive control (positions are given)',
    threshold: () => ({ value: relationPositionBaseline().square, what: "one shape's position alone" }),
  },
  { dataset: 'appearance', model: 'channel-pooled', role: 'pooled control (pooled statistics solve it)', threshold: () => ({ value: 0.9, what: '90%' }) },
  // Added once a standard run had shown the token arms memorising this task at about half accuracy while cnn-deep learned it.
  { dataset: 'cooccurrence', model: 'cnn-deep', role: 'positive control (a CNN whose later stages see a stroke pair learns the rule)', threshold: () => ({ value: 0.9, what: '90%' }) },
];

export interface ControlResult {
  control: Control;
  pass: boolean;
  detail: string;
}

/** The datasets that `records` have runs on. */
export const datasetsOf = (...records: RunRecord[][]): string[] => [...new Set(records.flat().map((r) => r.dataset))];

/**
 * The verdict on every control of `datasets` (by default, the datasets `records` have runs
 * on). Pass the datasets of the comparisons when `records` are only the control runs: a
 * control with no runs yet must fail, not be skipped.
 */
export function checkControls(records: RunRecord[], datasets: string[] = datasetsOf(records)): ControlResult[] {
  const out: ControlResult[] = [];
  for (const c of CONTROLS) {
    if (!datasets.includes(c.dataset)) continue;
    const rs = records.filter((r) => r.dataset === c.dataset && r.name === c.model);
    const t = c.threshold();
    if (!rs.length) {
      out.push({ control: c, pass: false, detail: `${c.model} has no runs on ${c.dataset}` });
      continue;
    }
    // aggregate's interval: over seeds, or the test set's binomial one when the seeds agree
    // exactly (a control at 100% on every seed still has a lower bound below 100%).
    const [g] = aggregate(rs);
    const lower = g.n > 1 ? g.mean - g.ci95 : NaN;
    const converged = rs.every((r) => r.converged);
    const pass = converged && lower > t.value;
    const bound = Number.isFinite(lower) ? `${(100 * lower).toFixed(2)}%${g.interval === 'binomial' ? ' (binomial: seeds agree)' : ''}` : '–';
    const detail = !converged
      ? `${c.model} did not converge on ${c.dataset}`
      : `${c.model} on ${c.dataset}: ${(100 * g.mean).toFixed(2)}%, lower 95% bound ${bound} against ${(100 * t.value).toFixed(2)}% (${t.what})`;
    out.push({ control: c, pass, detail });
  }
  return out;
}

/**
 * The controls of a suite's tasks: judged on the runs that decide them (a suite view's
 * controlRecords, the `controls` suite's; else its own records), for every dataset either has.
 */
export function controlsOf(from: { records: RunRecord[]; controlRecords?: RunRecord[] }): ControlResult[] {
  const controlRecords = from.controlRecords ?? from.records;
  return checkControls(controlRecords, datasetsOf(from.records, controlRecords));
}

/**
 * For compareFamily: the reason a dataset's comparisons are withheld, when one of its controls
 * failed, or was never judged (a caller that judged the controls of other datasets only).
 */
export function controlGate(results: ControlResult[]): Gate {
  return ({ dataset }) => {
    const failed = results.find((r) => r.control.dataset === dataset && !r.pass);
    if (failed) return `inconclusive: the ${failed.control.role} failed (${failed.detail})`;
    const unjudged = CONTROLS.find((c) => c.dataset === dataset && !results.some((r) => r.control === c));
    return unjudged ? `inconclusive: the ${unjudged.role} was not judged (${unjudged.model} on ${dataset})` : undefined;
  };
}
