/**
 * The evidence behind an `underfit` verdict (channel-pooled on the relation task): the arm at three peak learning
 * rates (core's run at the standard rate, underfit-lr's at a quarter and four times), and a probe on its trained
 * stem's features (lib/train/probe.ts): each map's mean, which is all its tokens hold, beside the whole maps.
 */
import { frame } from '../analysis/frame';
import { loadDataset } from '../data/registry';
import { planSuite, RunPresetName } from '../experiments';
import { UNDERFIT_LRS } from '../experiments/suites/underfit';
import { percent as pct } from '../analysis/tables';
import { bestOf, runOutcome, RunRecord } from '../results/record';
import { probeStem } from '../train/probe';
import { prepareData } from '../train/prepare';
import { showMarkdown, showTable } from './display';
import { withTrainedModel } from './experiments';


/** One row per learning rate of the arm's seed-0 run: its best training accuracy, test accuracy and outcome. */
export function learningRateRows(arm: string, dataset: string, core: RunRecord[], sweep: RunRecord[]): Record<string, unknown>[] {
  const standard = core.find((r) => r.name === arm && r.dataset === dataset && r.seed === 0);
  const runs = [
    { lr: standard?.train.lr ?? NaN, run: standard },
    ...UNDERFIT_LRS.map((lr) => ({ lr, run: sweep.find((r) => r.name === `${arm} lr ${lr}` && r.dataset === dataset && r.seed === 0) })),
  ].sort((a, b) => a.lr - b.lr);
  return runs.map(({ lr, run }) => ({
    // A string: the table's rounding would print 0.0005 as 0.001.
    'peak learning rate': Number.isFinite(run?.train.lr ?? lr) ? String(run?.train.lr ?? lr) : '–',
    'best training accuracy': run ? pct(bestOf(run, 'train_acc')) : 'not in the store',
    'test accuracy': run ? pct(run.metrics.test_acc) : '–',
    outcome: run ? runOutcome(run) : '–',
  }));
}

/**
 * The learning-rate table and the probe, for channel-pooled on relation under `preset`. `core` and `sweep` are the
 * records of the core and underfit-lr suites; the probe reads the stem of `variant`, an underfit-lr run whose
 * weights git keeps (INSPECTED_RUNS).
 */
export async function showUnderfitEvidence(preset: RunPresetName, core: RunRecord[], sweep: RunRecord[], variant: string): Promise<void> {
  const arm = 'channel-pooled';
  const dataset = 'relation';
  showTable(frame(learningRateRows(arm, dataset, core, sweep)), { caption: `${arm} on ${dataset}, seed 0, at three peak learning rates (preset ${preset}): chance is 25%` });
  const [plan] = planSuite('underfit-lr', { preset, datasets: [dataset], seeds: [0] }).filter((p) => p.config.name === variant);
  await withTrainedModel('underfit-lr', variant, dataset, preset, [0], async (model) => {
    const d = prepareData(plan.config, loadDataset(dataset));
    const rows = [];
    for (const features of ['mean', 'maps'] as const) {
      const r = await probeStem(model, d, { features });
      rows.push({ 'probe on': features === 'mean' ? "each map's mean (what its tokens hold)" : 'the whole maps (before pooling)', inputs: r.dims, 'training accuracy': pct(r.trainAcc), 'test accuracy': pct(r.testAcc) });
    }
    showTable(frame(rows), { caption: `An MLP probe (one hidden layer of 256) on the frozen stem of ${variant} on ${dataset}, seed 0 (preset ${preset}): chance is 25%` });
    showMarkdown(
      'A probe near chance on the means, with the same stem\'s whole maps read far above it, says the information is in the stem and pooling removes it: the arm\'s failure is its representation, not its optimizer.',
    );
  });
}
