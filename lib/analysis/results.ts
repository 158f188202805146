/**
 * From the result store to what notebooks and the report show: the records of a
 * suite under a preset (with the planned runs that are missing made visible),
 * aggregate tables, and the standard figures (accuracy bars with 95% CIs,
 * learning curves, accuracy against FLOPs).
 */
import type { RunRecord } from '../results/record';
import { ResultStore } from '../results/store';
import { planSuite, RUN_PRESETS, RunPresetName } from '../train/suites';
import { resultsDirFor } from '../util/paths';
import { aggregate, Group } from './aggregate';
import { Figure, layout } from './plotly';

export interface SuiteView {
  suite: string;
  preset: RunPresetName;
  /** Records of the planned runs found in the store. */
  records: RunRecord[];
  /** Planned runs with no record: shown, never hidden. */
  missing: { name: string; dataset: string; seed: number }[];
  /** Store lines that could not be read. */
  problems: string[];
  groups: Group[];
  /** Variant order as the suite lists it, for tables and plots. */
  order: string[];
}

/** The records of one suite under one preset, aggregated over seeds. */
export function suiteView(suite: string, preset: RunPresetName, opts: { resultsDir?: string; datasets?: string[] } = {}): SuiteView {
  const plan = planSuite(suite, { preset, datasets: opts.datasets });
  const store = new ResultStore({ dir: opts.resultsDir ?? resultsDirFor(preset) });
  const { records: all, problems } = store.read();
  const byId = new Map(all.map((r) => [r.id, r]));
  const records: RunRecord[] = [];
  const missing: SuiteView['missing'] = [];
  for (const p of plan) {
    const r = byId.get(p.id);
    if (r) records.push({ ...r, name: p.config.name }); // the suite's label for this run
    else missing.push({ name: p.config.name, dataset: p.config.dataset.name, seed: p.config.seed });
  }
  const order = [...new Set(plan.map((p) => p.config.name))];
  const datasets = [...new Set(plan.map((p) => p.config.dataset.name))];
  const seeds = RUN_PRESETS[preset].seeds;
  const groups = aggregate(records, { expectedSeeds: seeds }).sort(
    (a, b) => datasets.indexOf(a.dataset) - datasets.indexOf(b.dataset) || order.indexOf(a.name) - order.indexOf(b.name),
  );
  return { suite, preset, records, missing, problems: ResultStore.describeProblems(problems), groups, order };
}

/** Grouped bars: one group per dataset, one bar per config, error bars = 95% CI. */
export function accuracyBars(groups: Group[], title: string, order?: string[]): Figure {
  const datasets = [...new Set(groups.map((g) => g.dataset))];
  const names = order ?? [...new Set(groups.map((g) => g.name))];
  return {
    data: names
      .filter((n) => groups.some((g) => g.name === n))
      .map((n) => {
        const row = datasets.map((d) => groups.find((g) => g.name === n && g.dataset === d));
        return {
          type: 'bar',
          name: n,
          x: datasets,
          y: row.map((g) => (g && g.n ? 100 * g.mean : null)),
          error_y: { type: 'data', array: row.map((g) => (g && Number.isFinite(g.ci95) ? 100 * g.ci95 : 0)), visible: true },
        };
      }),
    layout: layout(title, { barmode: 'group', yaxis: { title: { text: 'test accuracy (%), mean ± 95% CI over seeds' } } }),
  };
}

/** Mean learning curves (test accuracy per epoch) per config, one figure per dataset. */
export function learningCurves(records: RunRecord[], dataset: string, title?: string, metric: 'test_acc' | 'val_acc' | 'train_loss' = 'test_acc'): Figure {
  const rs = records.filter((r) => r.dataset === dataset && r.status === 'ok');
  const names = [...new Set(rs.map((r) => r.name))];
  return {
    data: names.map((n) => {
      const runs = rs.filter((r) => r.name === n);
      const epochs = Math.max(...runs.map((r) => r.metrics.curve.length));
      const x = Array.from({ length: epochs }, (_, i) => i + 1);
      const y = x.map((e) => {
        const vals = runs.map((r) => r.metrics.curve[e - 1]?.[metric]).filter((v): v is number => Number.isFinite(v));
        const m = vals.reduce((a, b) => a + b, 0) / vals.length;
        return metric === 'train_loss' ? m : 100 * m;
      });
      return { type: 'scatter', mode: 'lines+markers', name: `${n} (n=${runs.length})`, x, y };
    }),
    layout: layout(title ?? `${dataset}: learning curves (mean over seeds)`, {
      xaxis: { title: { text: 'epoch' }, dtick: 1 },
      yaxis: { title: { text: metric === 'train_loss' ? 'training loss' : `${metric.replace('_', ' ')} (%)` } },
    }),
  };
}

/** Accuracy against forward FLOPs per image, one marker per config (log x). */
export function accuracyVsFlops(groups: Group[], dataset: string, title?: string): Figure {
  const gs = groups.filter((g) => g.dataset === dataset && g.n > 0);
  return {
    data: gs.map((g) => ({
      type: 'scatter',
      mode: 'markers+text',
      name: g.name,
      x: [g.flops / 1e6],
      y: [100 * g.mean],
      error_y: { type: 'data', array: [Number.isFinite(g.ci95) ? 100 * g.ci95 : 0], visible: true },
      text: [g.name],
      textposition: 'top center',
      marker: { size: 10 },
    })),
    layout: layout(title ?? `${dataset}: accuracy vs cost`, {
      showlegend: false,
      xaxis: { title: { text: 'forward MFLOPs per image (log)' }, type: 'log' },
      yaxis: { title: { text: 'test accuracy (%)' } },
    }),
  };
}
