/**
 * The evidence behind an `underfit` verdict (channel-pooled on the relation task): the arm at three peak learning
 * rates (core's run at the standard rate, underfit-lr's at a quarter and four times), and a probe on its trained
 * stem's features (lib/train/probe.ts): each map's mean, which is all its tokens hold, beside the whole maps.
 */
import { frame } from '../analysis/frame';
import { loadDataset } from '../data/registry';
import { planSuite, type RunPresetName, type Study } from '../experiments';
import { percent as pct } from '../analysis/tables';
import { bestOf, runOutcome, type RunRecord } from '../results/record';
import { probeStem } from '../train/probe';
import { prepareData } from '../train/prepare';
import { showMarkdown, showTable } from './display';
import { withTrainedModel } from './experiments';

/** One row per learning rate of the arm's seed-0 run: its best training accuracy, test accuracy and outcome. */
export function learningRateRows(
  arm: string,
  dataset: string,
  core: RunRecord[],
  sweep: RunRecord[],
  arms: { name: string; lr: number }[],
): Record<string, unknown>[] {
  const standard = core.find((r) => r.name === arm && r.dataset === dataset && r.seed === 0);
  const runs = [
    { lr: standard?.train.lr ?? NaN, run: standard },
    ...arms.map(({ name, lr }) => ({ lr, run: sweep.find((r) => r.name === name && r.dataset === dataset && r.seed === 0) })),
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
 * weights git keeps (the study's inspected runs, study/answer.ts).
 */
export async function showUnderfitEvidence(
  study: Study,
  sweepSuite: string,
  preset: RunPresetName,
  core: RunRecord[],
  sweep: RunRecord[],
  variant: string,
): Promise<void> {
  // The sweep suite names the arm (every model of it is one preset at another peak rate) and the task.
  const suite = study.suites[sweepSuite];
  if (!suite) throw new Error(`no suite '${sweepSuite}' in the study`);
  const arm = suite.models[0].preset;
  const dataset = suite.datasets[0];
  const arms = suite.models.map((m) => ({ name: m.name, lr: m.train?.lr ?? NaN }));
  showTable(frame(learningRateRows(arm, dataset, core, sweep, arms)), {
    caption: `${arm} on ${dataset}, seed 0, at three peak learning rates (preset ${preset}): chance is 25%`,
  });
  const [plan] = planSuite(study, sweepSuite, { preset, datasets: [dataset], seeds: [0] }).filter((p) => p.config.name === variant);
  await withTrainedModel(study, sweepSuite, variant, dataset, preset, [0], async (model) => {
    const d = prepareData(plan.config, loadDataset(dataset));
    const rows = [];
    for (const features of ['mean', 'maps'] as const) {
      const r = await probeStem(model, d, { features });
      rows.push({
        'probe on': features === 'mean' ? "each map's mean (what its tokens hold)" : 'the whole maps (before pooling)',
        inputs: r.dims,
        'training accuracy': pct(r.trainAcc),
        'test accuracy': pct(r.testAcc),
      });
    }
    showTable(frame(rows), {
      caption: `An MLP probe (one hidden layer of 256) on the frozen stem of ${variant} on ${dataset}, seed 0 (preset ${preset}): chance is 25%`,
    });
    showMarkdown(
      "A probe near chance on the means, with the same stem's whole maps read far above it, says the information is in the stem and pooling removes it: the arm's failure is its representation, not its optimizer.",
    );
  });
}
