/**
 * Whether a task measures what a tokenizer can represent, or how fast it memorises: each run's best training
 * accuracy beside its best validation accuracy. On data drawn fresh every epoch (style-unlimited) nothing can be
 * memorised, so the gap between the two should close; a run that still plateaus low is then a failure to learn the
 * rule, not overfitting. Where outcomes are bimodal over seeds, the share of runs that solve the task says more than
 * a mean: successRows gives it with its exact interval (statistics.ts successRate).
 */
import { bestOf, runOutcome, type RunRecord } from '../results/record';
import { successRate } from './statistics';
import { percent as pct } from './tables';

/**
 * The test accuracy at which a run of the co-occurrence task counts as having read its rule, declared when 5 of
 * style-unlimited's 40 runs were in (channel-full's): the rule decides every image, so a run that has it gets
 * nearly all of them right; chance is 25%.
 */
export const COOCCURRENCE_SOLVED = 0.95;

/** One row per finished run, by arm and seed: best training and validation accuracy, their gap, test accuracy, outcome. */
export function fitRows(records: RunRecord[]): Record<string, unknown>[] {
  return records
    .filter((r) => r.status === 'ok' && r.metrics.curve.length)
    .sort((a, b) => a.name.localeCompare(b.name) || a.seed - b.seed)
    .map((r) => ({
      arm: r.name,
      seed: r.seed,
      'best training accuracy': pct(bestOf(r, 'train_acc')),
      'best validation accuracy': pct(bestOf(r, 'val_acc')),
      'gap (pp)': (100 * (bestOf(r, 'train_acc') - bestOf(r, 'val_acc'))).toFixed(1), // a string: the table would print 2 as 2.000
      'test accuracy': pct(r.metrics.test_acc),
      outcome: runOutcome(r),
    }));
}

/** One row per arm: how many of its finished runs reach `solved` test accuracy, with the 95% Clopper–Pearson interval. */
export function successRows(records: RunRecord[], solved: number): Record<string, unknown>[] {
  const arms = [...new Set(records.map((r) => r.name))];
  return arms.map((arm) => {
    const accs = records.filter((r) => r.name === arm && r.status === 'ok').map((r) => r.metrics.test_acc);
    const s = successRate(accs, solved);
    return {
      arm,
      runs: s.n,
      [`solved (test ≥ ${pct(solved)})`]: `${s.k} of ${s.n}`,
      '95% interval': s.n ? `${pct(s.lo)} – ${pct(s.hi)}` : '–',
    };
  });
}
