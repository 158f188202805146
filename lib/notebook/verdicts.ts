/**
 * What a notebook shows after its runs, in the order a reviewer reads them: the
 * controls, then the suite's comparisons (paired, Holm-corrected, gated), then
 * learning speed, which is a finding of its own and never mixed with accuracy.
 */
import { comparisonRows, controlRows, suiteComparisons, type SuiteComparison } from '../analysis/claims/comparisons';
import { controlsOf } from '../analysis/claims/controls';
import { checkSanity, sanityRows } from '../analysis/claims/sanity';
import { pairedChart } from '../analysis/figures/results';
import { learningSpeed, speedRows } from '../analysis/speed';
import { frame } from '../analysis/tables';
import type { SuiteView } from '../analysis/views';
import { type ClaimRow, claimsMarkdown, claimsSummaryMarkdown, questionClaims } from '../analysis/claims/question';
import { MARGIN } from '../analysis/claims/claim';
import { runPreset, type RunPresetName, type Study } from '../experiments';
import type { RunRecord } from '../results/record';
import { showMarkdown, showPlot, showTable } from './display';

/** The controls of the tasks in a view (from its control runs, or else a list of records), or a line saying none applies. */
export function showControls(view: Pick<SuiteView, 'study' | 'records'> & Partial<Pick<SuiteView, 'controlRecords'>>): void {
  const rows = controlRows(controlsOf(view, view.study.controls));
  if (!rows.length) showMarkdown('No control applies to these datasets (controls belong to the diagnostic tasks).');
  else showTable(frame(rows), { caption: 'Controls first: a task whose control fails is inconclusive' });
}

/** The superset pairs among one suite's runs (one config per name): a model whose input holds another's must not lose to it at convergence. */
export function showSanity(view: Pick<SuiteView, 'study' | 'records' | 'suite'>): void {
  const rows = sanityRows(checkSanity(view.records, view.study.supersets));
  if (!rows.length) showMarkdown(`\`${view.suite}\`: no superset pair has runs on both sides.`);
  else
    showTable(frame(rows), {
      caption: `Sanity in ${view.suite}: a superset of another model's input must not lose to it at convergence (paired by seed, Holm over these pairs); "fails: fits worse" withholds every verdict on its two models' comparisons on that dataset`,
    });
}

/** The suite's comparisons as a table and a chart; returns them for the cells that follow. */
export function showComparisons(view: SuiteView): SuiteComparison[] {
  const cs = suiteComparisons(view.study, view.suite, view.records, {
    controls: controlsOf(view, view.study.controls),
    planned: view.seeds,
    missing: view.missing,
  });
  if (!cs.length) {
    showMarkdown(`No comparison of \`${view.suite}\` has runs on both sides yet.`);
    return cs;
  }
  const p = runPreset(view.study, view.preset);
  const caption = `Comparisons of ${view.suite} (test accuracy a − b, paired by seed, Holm over these ${cs.length}; ± is each comparison's own 95% interval, so one clear of 0 can still be indistinguishable after Holm; the verdicts test against 0, and "indistinguishable" is not "the same": the question's claims test against a margin of ${+(100 * MARGIN).toFixed(2)} pp)${p.verdicts ? '' : `: ${p.label}`}`;
  showTable(frame(comparisonRows(cs)), { caption });
  showPlot(pairedChart(cs, `${view.suite}: paired differences (filled: a verdict; open: none)`));
  return cs;
}

/** The question's claims table, each claim read from its suite's runs; links point at the notebooks' report pages. */
export function showClaims(study: Study, recordsOf: (suite: string) => RunRecord[], preset: RunPresetName): ClaimRow[] {
  const rows = questionClaims(study, recordsOf, preset);
  const p = runPreset(study, preset);
  // The answer first, one short row a claim; the numbers behind each verdict below it.
  showMarkdown(
    `**The question's claims, tested one by one** (${p.verdicts ? `preset ${preset}: converged runs only` : p.label})\n\n${claimsSummaryMarkdown(rows, { pagePrefix: 'report/' })}`,
  );
  showMarkdown(`**The numbers behind each verdict**\n\n${claimsMarkdown(rows, { pagePrefix: 'report/' })}`);
  return rows;
}

/** Steps to 90% of each run's own plateau, over seeds. */
export function showLearningSpeed(view: SuiteView, fraction = 0.9): void {
  const g = learningSpeed(view.records, fraction);
  if (!g.length) return;
  showTable(frame(speedRows(g, fraction)), {
    caption: `Learning speed: optimizer steps to ${Math.round(100 * fraction)}% of the way from chance to the run's own plateau (validation accuracy)`,
  });
}
