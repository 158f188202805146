/**
 * Controls before comparisons. Each diagnostic task has a model that must solve it
 * for the task to mean anything; when that control fails (or did not converge),
 * the task's comparisons are inconclusive and get no verdict. The study declares
 * its controls (study/controls.ts says why each is one); this judges them.
 */
import type { Control } from '../../experiments/study';
import type { RunRecord } from '../../results/record';
import { aggregate, type Gate, type Group } from '../statistics';

export interface ControlResult {
  control: Control;
  pass: boolean;
  /** How it was judged: no runs yet, a run that did not converge, or its lower bound against the threshold. */
  judged: 'no runs' | 'not converged' | 'bound';
  /** Mean test accuracy over its seeds, the lower end of its 95% interval (NaN with one seed), and that interval's kind. */
  mean?: number;
  lower?: number;
  interval?: Group['interval'];
  /** The accuracy its lower bound must exceed. */
  threshold: number;
  /** The same, as a sentence (rendered at the edge, for tables and withheld verdicts). */
  detail: string;
}

/** The datasets that `records` have runs on. */
export const datasetsOf = (...records: RunRecord[][]): string[] => [...new Set(records.flat().map((r) => r.dataset))];

/**
 * The verdict on every control of `datasets` (by default, the datasets `records` have runs
 * on). Pass the datasets of the comparisons when `records` are only the control runs: a
 * control with no runs yet must fail, not be skipped.
 */
export function checkControls(
  records: RunRecord[],
  controls: readonly Control[],
  datasets: string[] = datasetsOf(records),
): ControlResult[] {
  const out: ControlResult[] = [];
  for (const c of controls) {
    if (!datasets.includes(c.dataset)) continue;
    const rs = records.filter((r) => r.dataset === c.dataset && r.name === c.model);
    const t = c.threshold();
    if (!rs.length) {
      out.push({ control: c, pass: false, judged: 'no runs', threshold: t.value, detail: `${c.model} has no runs on ${c.dataset}` });
      continue;
    }
    // aggregate's interval: over seeds, or the test set's binomial one when the seeds agree
    // exactly (a control at 100% on every seed still has a lower bound below 100%).
    const [g] = aggregate(rs);
    const lower = g.n > 1 ? g.mean - g.ci95 : NaN;
    const converged = rs.every((r) => r.converged);
    const pass = converged && lower > t.value;
    const bound = Number.isFinite(lower)
      ? `${(100 * lower).toFixed(2)}%${g.interval === 'binomial' ? ' (binomial: seeds agree)' : ''}`
      : '–';
    const detail = !converged
      ? `${c.model} did not converge on ${c.dataset}`
      : `${c.model} on ${c.dataset}: ${(100 * g.mean).toFixed(2)}%, lower 95% bound ${bound} against ${(100 * t.value).toFixed(2)}% (${t.what})`;
    out.push({
      control: c,
      pass,
      judged: converged ? 'bound' : 'not converged',
      mean: g.mean,
      lower,
      interval: g.interval,
      threshold: t.value,
      detail,
    });
  }
  return out;
}

/**
 * The controls of a suite's tasks: judged on the runs that decide them (a suite view's
 * controlRecords, the `controls` suite's; else its own records), for every dataset either has.
 */
export function controlsOf(from: { records: RunRecord[]; controlRecords?: RunRecord[] }, controls: readonly Control[]): ControlResult[] {
  const controlRecords = from.controlRecords ?? from.records;
  return checkControls(controlRecords, controls, datasetsOf(from.records, controlRecords));
}

/**
 * For compareFamily: the reason a dataset's comparisons are withheld, when one of its controls
 * failed, or was never judged (a caller that judged the controls of other datasets only).
 */
export function controlGate(results: ControlResult[], controls: readonly Control[]): Gate {
  return ({ dataset }) => {
    const failed = results.find((r) => r.control.dataset === dataset && !r.pass);
    if (failed) return { kind: 'control failed', reason: `inconclusive: the ${failed.control.role} failed (${failed.detail})` };
    const unjudged = controls.find((c) => c.dataset === dataset && !results.some((r) => r.control === c));
    return unjudged
      ? { kind: 'control not judged', reason: `inconclusive: the ${unjudged.role} was not judged (${unjudged.model} on ${dataset})` }
      : undefined;
  };
}
