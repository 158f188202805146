/**
 * A suite's comparisons, read the way a reviewer would: controls first, then each
 * comparison its suite declares (the study's suites), paired by seed,
 * Holm-corrected over the suite's family, and gated on convergence, controls and sanity.
 */
import { type Study, suitesOf } from '../../experiments';
import type { RunRecord } from '../../results/record';
import { blockGate, compareFamily, formatPaired, gates, type Paired } from '../statistics';
import { checkControls, controlGate, type ControlResult } from './controls';
import { checkSanity, sanityGate } from './sanity';

export interface SuiteComparison extends Paired {
  asks: string;
}

/**
 * Every declared comparison of the suite on every dataset where both models have runs, as one
 * Holm family. `controls`: its tasks' controls (else read from `records`); `planned`: the seeds
 * its plan has, none of which a verdict may lack; `missing`: its planned runs not in yet, whose
 * dataset's comparisons wait for them (blockGate).
 */
export function suiteComparisons(
  study: Study,
  suite: string,
  records: RunRecord[],
  opts: { controls?: ControlResult[]; planned?: number[]; missing?: { dataset: string }[] } = {},
): SuiteComparison[] {
  const { controls = checkControls(records, study.controls), planned, missing = [] } = opts;
  const declared = suitesOf(study, suite).flatMap((s) => s.comparisons);
  const datasets = [...new Set(records.map((r) => r.dataset))];
  const has = (name: string, dataset: string): boolean => records.some((r) => r.name === name && r.dataset === dataset);
  const pairs = datasets.flatMap((dataset) =>
    declared.filter((c) => has(c.a, dataset) && has(c.b, dataset)).map((c) => ({ dataset, a: c.a, b: c.b, asks: c.asks })),
  );
  const paired = compareFamily(records, pairs, {
    blocked: gates(controlGate(controls, study.controls), sanityGate(checkSanity(records, study.supersets))),
    planned,
    incomplete: blockGate(suite, missing),
  });
  return paired.map((p, i) => ({ ...p, asks: pairs[i].asks }));
}

/** Table rows for comparisons: what is compared, the paired difference, the verdict and why. */
export function comparisonRows(cs: SuiteComparison[]): Record<string, unknown>[] {
  return cs.map((c) => ({
    dataset: c.dataset,
    comparison: `${c.a} − ${c.b}`,
    asks: c.asks,
    'difference (test acc)': formatPaired({ ...c, reason: undefined }),
    verdict: c.verdict,
    ...(cs.some((x) => x.reason) ? { 'why no verdict': c.reason ?? '' } : {}),
  }));
}

/** Table rows for controls: each one's role, result and what follows from it. */
export function controlRows(results: ControlResult[]): Record<string, unknown>[] {
  return results.map((r) => ({
    dataset: r.control.dataset,
    control: `${r.control.model}: ${r.control.role}`,
    result: r.detail,
    passes: r.pass ? 'yes' : 'no',
    consequence: r.pass ? 'its comparisons can be read' : 'inconclusive: its comparisons get no verdict',
  }));
}
