/**
 * A suite's results in the order a reviewer reads them, in one call from a notebook cell: the accuracy table
 * over seeds (with cost), the accuracy of every run as dots, the controls of its tasks, the comparisons it
 * declares and how fast each model learns. Five notebooks did this by hand, cell by cell.
 */
import type { SuiteComparison } from '../analysis/claims/comparisons';
import type { DataFrame } from '../analysis/frame';
import { accuracyDots } from '../analysis/figures/results';
import { saveFigure } from '../analysis/figures/save';
import { aggregateFrame } from '../analysis/tables';
import type { SuiteView } from '../analysis/views';
import { showPlot, showTable } from './display';
import { hasRuns } from './experiments';
import { showComparisons, showControls, showLearningSpeed } from './verdicts';

export interface ShowSuiteOptions {
  /** The accuracy figure's title. */
  title: string;
  /** Saved under results/figures/<preset>/ with this name (not under smoke, whose numbers mean nothing). */
  figure?: string;
  /** The table of results, where a notebook has its own (the literature's, with attention FLOPs), made only when there are runs; default: accuracy over seeds with cost. */
  table?: (view: SuiteView) => DataFrame;
}

/** Shows a suite's results, controls, comparisons and learning speed; returns the comparisons (none when the store has no runs). */
export function showSuite(view: SuiteView, opts: ShowSuiteOptions): SuiteComparison[] {
  if (!hasRuns(view)) return [];
  const table = opts.table ? opts.table(view) : aggregateFrame(view.groups, { order: view.order });
  showTable(table, { caption: `${view.suite}, preset ${view.preset}: test accuracy over seeds, with cost`, digits: 2 });
  const dots = accuracyDots(view.groups, opts.title, view.order, view.records);
  showPlot(dots);
  if (opts.figure && view.preset !== 'smoke') saveFigure(view.study, opts.figure, dots, view.preset);
  showControls(view);
  const comparisons = showComparisons(view);
  showLearningSpeed(view);
  return comparisons;
}
