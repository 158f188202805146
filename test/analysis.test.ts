/**
 * The analysis lib on a synthetic store: intervals computed as by hand, failed
 * runs and missing seeds visible in the table, escaping of everything the
 * workspace did not write, and a report page with no network references.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { aggregate, stats, tQuantile975 } from '../lib/analysis/statistics';
import { escapeHtml, jsonForScript } from '../lib/util/html';
import { figureHtml, readable } from '../lib/analysis/figures/plotly';
import { accuracyDots, distanceProbeChart, pairedChart } from '../lib/analysis/figures/results';
import { aggregateFrame, frame, tableHtml } from '../lib/analysis/tables';
import { questionRunsView, suiteView } from '../lib/analysis/views';
import { runRecord } from './helpers/records';
import { finishHtml, stripRemote } from '../lib/report/export';
import { busySeconds } from '../lib/results/busy';
import type { RunRecord } from '../lib/results/record';
import { ResultStore } from '../lib/results/store';
import { planSuite, SCHEMA_VERSION } from '../lib/experiments';
import { tempDir } from './helpers/tmp';
import { STUDY } from '../study';

function fakeRecord(over: Partial<RunRecord> & { acc?: number }): RunRecord {
  const acc = over.acc ?? 0.5;
  return {
    id: over.id ?? Math.random().toString(16).slice(2, 18),
    schema: SCHEMA_VERSION,
    status: 'ok',
    name: 'channel-full',
    dataset: 'mnist',
    seed: 0,
    data: {} as RunRecord['data'],
    model: {} as RunRecord['model'],
    train: {} as RunRecord['train'],
    metrics: { test_acc: acc, test_loss: 1, best_val_acc: acc, final_train_loss: 1, curve: [] },
    params: 1000,
    flops: { stem: 0, pooling: 0, projection: 0, attention: 0, attnProj: 0, mlp: 0, head: 0, total: 2e6 },
    T: 64,
    Dtok: 196,
    seconds: 1,
    img_per_s: 100,
    backend: {} as RunRecord['backend'],
    git: { commit: null, dirty: null },
    started: '2026-01-01T00:00:00Z',
    ended: '2026-01-01T00:00:01Z',
    preset: 'quick',
    sizes: { train: 1, val: 1, test: 1 },
    converged: true,
    convergence: { rule: 'plateau', selectedEpoch: 1, selectedStep: 1, stoppedEarly: true },
    ...over,
  };
}

test('mean, std and the 95% CI equal the hand computation', () => {
  // 0.90, 0.92, 0.94: mean 0.92, sample std 0.02, t(2) = 4.302653, CI = 4.302653 · 0.02 / √3 = 0.049683
  const s = stats([0.9, 0.92, 0.94]);
  assert.ok(Math.abs(s.mean - 0.92) < 1e-12);
  assert.ok(Math.abs(s.std - 0.02) < 1e-12);
  assert.ok(Math.abs(s.ci95 - (4.302653 * 0.02) / Math.sqrt(3)) < 1e-8);
  // Published quantiles of t: 12.7062 (1 df), 4.3027 (2), 2.7764 (4), 2.0423 (30), 1.9600 (∞).
  for (const [df, t] of [
    [1, 12.7062],
    [2, 4.3027],
    [4, 2.7764],
    [30, 2.0423],
    [1e6, 1.96],
  ])
    assert.ok(Math.abs(tQuantile975(df) - t) < 1e-4, `t(${df})`);
  assert.ok(Number.isNaN(stats([0.5]).ci95), 'one seed has no interval');
});

test('a failed run and a missing seed show up in the aggregate table', () => {
  const recs = [
    fakeRecord({ seed: 0, acc: 0.9 }),
    fakeRecord({ seed: 1, acc: 0.8 }),
    fakeRecord({ seed: 2, status: 'failed', acc: NaN, failure: { kind: 'nan', epoch: 1, step: 3, reason: 'loss became NaN' } }),
    fakeRecord({ name: 'spatial-full', seed: 0, acc: 0.7 }),
  ];
  const groups = aggregate(recs, { expectedSeeds: [0, 1, 2] });
  const ch = groups.find((g) => g.name === 'channel-full')!;
  assert.equal(ch.n, 2);
  assert.equal(ch.failed, 1);
  assert.ok(Math.abs(ch.mean - 0.85) < 1e-12);
  const sp = groups.find((g) => g.name === 'spatial-full')!;
  assert.deepEqual(sp.missingSeeds, [1, 2]);
  const df = aggregateFrame(groups);
  const rows = df.values as unknown[][];
  const cols = df.columns as string[];
  const row = (name: string): unknown[] => rows.find((r) => r[cols.indexOf('config')] === name)!;
  assert.equal(row('channel-full')[cols.indexOf('failed')], 1);
  assert.equal(row('spatial-full')[cols.indexOf('missing seeds')], '1,2');
  assert.equal(row('spatial-full')[cols.indexOf('test acc % (95% CI)')], '70.00 (n=1)');
  assert.ok(!cols.includes('mean %'), 'a mean column repeats the interval column');
  // With every seed present there is no "missing seeds" column at all.
  const complete = aggregateFrame(aggregate(recs.slice(0, 2), { expectedSeeds: [0, 1] }));
  assert.ok(!(complete.columns as string[]).includes('missing seeds'));
});

test('models without tokens show "–" for T and D_tok, not 0', () => {
  const df = aggregateFrame(aggregate([fakeRecord({ name: 'cnn-stem', seed: 0, acc: 0.5, T: 0, Dtok: 0 })]));
  const cols = df.columns as string[];
  const row = (df.values as unknown[][])[0];
  assert.equal(row[cols.indexOf('T')], '–');
  assert.equal(row[cols.indexOf('D_tok')], '–');
});

test('suiteView lists planned runs missing from the store instead of hiding them', () => {
  const dir = tempDir('view');
  const plan = planSuite(STUDY, 'channel-vs-spatial', { preset: 'quick', datasets: ['mnist'] });
  const store = new ResultStore({ dir });
  for (const p of plan.slice(0, 5)) store.append(fakeRecord({ id: p.id, name: p.config.name, seed: p.config.seed, acc: 0.8 }));
  fs.appendFileSync(path.join(dir, 'runs.jsonl'), '{broken\n');
  const v = suiteView(STUDY, 'channel-vs-spatial', 'quick', { resultsDir: dir, datasets: ['mnist'] });
  assert.equal(v.records.length, 5);
  assert.equal(v.missing.length, plan.length - 5);
  assert.equal(v.problems.length, 1);
  assert.match(v.problems[0], /runs\.jsonl:6: not valid JSON/);
});

test('strings the workspace did not write are escaped in tables, plots and pages', () => {
  const evil = '<script>alert(1)</script>&"\'';
  const html = tableHtml(frame([{ config: evil, acc: 0.5 }]), { caption: evil });
  assert.doesNotMatch(html, /<script>alert/);
  assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;&amp;&quot;&#39;/);
  const plot = figureHtml({ data: [{ type: 'bar', x: [evil], y: [1], name: evil }], layout: { title: { text: evil } } });
  assert.equal((plot.match(/<\/script>/g) ?? []).length, 1, 'a data string closed the script element');
  assert.match(jsonForScript(evil), /\\u003cscript\\u003e/);
  // Plotly renders markup inside hover templates and hover text: a name from a record must not reach them whole.
  const hovers = [
    ...readable({
      data: [{ type: 'bar', x: ['a'], y: [1], error_y: { type: 'data', array: [1] }, name: evil, meta: { interval: evil } }],
      layout: {},
    }).data,
    ...distanceProbeChart([{ model: evil, distance: 8, accuracy: 1 }], { min: 8, max: 9 }, 0.25, 't').data,
    ...pairedChart(
      [
        { a: evil, b: 'b', dataset: 'd', diff: 0.01, ci95: 0.01, verdict: 'no verdict', reason: evil } as unknown as Parameters<
          typeof pairedChart
        >[0][number],
      ],
      't',
    ).data,
  ]
    .flatMap((t) => [t.hovertemplate, ...((t.hovertext as string[] | undefined) ?? [])])
    .filter((h): h is string => typeof h === 'string');
  assert.ok(hovers.length >= 3);
  for (const h of hovers) assert.doesNotMatch(h, /<script|&"/, h);
  assert.equal(escapeHtml('a<b'), 'a&lt;b');
  const page = finishHtml('<html><head><script src="https://cdnjs.cloudflare.com/x.js"></script></head><body>hi</body></html>', {
    plotlySrc: 'report/plotly.min.js',
    nav: [{ href: 'a.html', label: evil, current: false }],
  });
  assert.doesNotMatch(page, /https?:\/\//);
  assert.doesNotMatch(page, /<script>alert/);
  assert.match(page, /<script src="report\/plotly\.min\.js"><\/script>/);
  assert.equal(stripRemote('<script type="module">import("https://cdnjs.cloudflare.com/m.js")</script>ok'), 'ok');
});

test('busySeconds: overlapping runs count once and the gap between sessions not at all', () => {
  const at = (h: number, m: number): string => new Date(Date.UTC(2026, 0, 1, h, m)).toISOString();
  const runs = [
    { started: at(10, 0), ended: at(10, 30) }, // worker 1
    { started: at(10, 10), ended: at(10, 50) }, // worker 2, overlapping: 10:00–10:50 is 50 min
    { started: at(10, 50), ended: at(11, 0) }, // touching: 10 min more
    { started: at(14, 0), ended: at(14, 20) }, // the next session, after a gap of 3 h: 20 min
  ];
  assert.equal(busySeconds(runs), (50 + 10 + 20) * 60);
  assert.equal(busySeconds([...runs].reverse()), (50 + 10 + 20) * 60, 'order must not matter');
  assert.equal(busySeconds([]), 0);
  // A run resumed from a checkpoint in the next session counts its segments, not the gap between them.
  const resumed = {
    started: at(14, 30),
    ended: at(17, 10),
    segments: [
      { started: at(14, 30), ended: at(15, 0) },
      { started: at(17, 0), ended: at(17, 10) },
    ],
  };
  assert.equal(busySeconds([...runs, resumed]), (50 + 10 + 20 + 30 + 10) * 60);
});

test("the opening figure draws the runs the question's claims read: each from its claim's suite, once, in its panel", () => {
  const FIRST = { data: { name: 'relation' }, train: { batchSize: 128 } } as Partial<RunRecord>;
  const ROUND_TWO = {
    data: { name: 'relation', valDisjoint: true },
    train: { batchSize: 128, selectAfterCooldown: true },
  } as Partial<RunRecord>;
  const FRESH = {
    data: { name: 'cooccurrence', freshTrain: true },
    train: { batchSize: 128, selectAfterCooldown: true },
  } as Partial<RunRecord>;
  const cf = (dataset: string, seeds: number[], tag: string, over: Partial<RunRecord>) =>
    seeds.map((s) => runRecord('channel-full', dataset, s, 0.9 + s / 100, { id: `cf-${dataset}${tag}-${s}`, ...over }));
  // core and learned-maps plan the same first-round channel-full runs on relation (same ids): one run each, drawn once.
  // hybrid-relation's are the second round's (disjoint validation, selection after the cooldown): other runs of the
  // same name, in a panel of their own. The style claim reads style-unlimited's fresh-image runs, not the style suite's.
  const bySuite: Record<string, RunRecord[]> = {
    // The reference arms come from the claims' suites, in the panels the claims' runs fill: core's relation runs, not its
    // MNIST run (no claim's run is in an MNIST panel here).
    core: [
      ...cf('relation', [0, 1, 2], '', FIRST),
      runRecord('vit-patch7', 'relation', 0, 0.6, { id: 'vit-relation-0', ...FIRST }),
      runRecord('vit-patch7', 'mnist', 0, 0.98, { id: 'vit-mnist-0', data: { name: 'mnist' } } as Partial<RunRecord>),
    ],
    // A reference arm in a suite no claim reads is not drawn.
    controls: [runRecord('cnn-deep', 'relation', 0, 0.99, { id: 'cnn-controls-0', ...FIRST })],
    'learned-maps': cf('relation', [0, 1, 2], '', FIRST),
    'hybrid-relation': [...cf('relation', [0, 1, 2, 3, 4], '-r2', ROUND_TWO), runRecord('hybrid', 'relation', 0, 0.97, ROUND_TWO)],
    style: cf('cooccurrence', [0, 1, 2], '-fixed', { ...FIRST, data: { name: 'cooccurrence' } } as Partial<RunRecord>),
    'style-unlimited': [
      ...cf('cooccurrence', [0, 1, 2, 3, 4], '-fresh', FRESH),
      runRecord('cnn-deep', 'cooccurrence', 0, 0.99, { id: 'cnn-fresh-0', ...FRESH }),
    ],
    // An extension's runs: not the question's, so not in its opening figure.
    regime: [runRecord('channel-full 4x4x256', 'relation', 0, 0.5, FIRST)],
  };
  const view = questionRunsView(STUDY, (s) => bySuite[s] ?? [], 'standard');
  const group = (name: string, panel: string) => view.groups.find((g) => g.name === name && g.dataset === panel);
  assert.equal(group('channel-full', 'relation')?.n, 3, 'a run two suites plan counts once');
  assert.equal(group('channel-full', 'relation, round two')?.n, 5);
  assert.equal(group('hybrid', 'relation, round two')?.n, 1);
  assert.deepEqual(
    view.records.filter((r) => r.dataset.startsWith('cooccurrence')).map((r) => [r.id, r.dataset]),
    [...[0, 1, 2, 3, 4].map((s) => `cf-cooccurrence-fresh-${s}`), 'cnn-fresh-0'].map((id) => [
      id,
      'cooccurrence, fresh images every epoch',
    ]),
  );
  assert.deepEqual(
    view.records.filter((r) => view.references.includes(r.name)).map((r) => [r.id, r.dataset]),
    [
      ['vit-relation-0', 'relation'],
      ['cnn-fresh-0', 'cooccurrence, fresh images every epoch'],
    ],
  );
  assert.deepEqual(view.references, ['vit-patch7', 'cnn-deep']);
  assert.deepEqual(view.order.slice(-2), view.references, 'the reference arms come after the arms the claims compare');
  assert.ok(!view.order.includes('channel-full 4x4x256') && !view.records.some((r) => r.name.includes('4x4')));
  assert.equal(view.order[0], 'channel-full');
  // A dataset's first-round panel comes before its later ones.
  const panels = [...new Set(view.groups.map((g) => g.dataset))];
  assert.ok(panels.indexOf('relation') < panels.indexOf('relation, round two'));
  // Each run is a mark of its own beside its model's dot, in its panel.
  const fig = accuracyDots(view.groups, 'answer', view.order, view.records, view.references);
  const marks = fig.data.filter((t) => t.legendgroup === 'plateau').reduce((n, t) => n + (t.x as string[]).length, 0);
  assert.equal(marks, view.records.length);
  // The reference arms' dots are a trace of their own, the claims' arms' another.
  const dots = (group: string) => fig.data.filter((t) => t.legendgroup === group).flatMap((t) => t.x as string[]);
  assert.deepEqual([...new Set(dots('reference'))], view.references);
  assert.ok(!dots('mean').some((m) => view.references.includes(m)));
  assert.deepEqual(
    (fig.layout.annotations as { text: string }[]).map((a) => a.text),
    panels.map((p) => p.replace(', ', '<br>')),
  );
  // Two different runs under one label, panel and seed would be one dot of two configs: an error that names them.
  bySuite['learned-maps'] = [runRecord('channel-full', 'relation', 0, 0.9, { id: 'other-config', ...FIRST })];
  assert.throws(
    () => questionRunsView(STUDY, (s) => bySuite[s] ?? [], 'standard'),
    /two different runs as channel-full in panel relation, seed 0/,
  );
});
