/**
 * How a run ended is part of its result: a plateau, a run that did not learn (underfit: its best training
 * accuracy stayed near chance) and a run stopped while still able to improve (capped) say different things.
 * An underfit arm supports "lower" for that arm and nothing else; a capped arm supports nothing. And each row
 * of the claims table tests the question's own words: the workspace's extension has a row of its own.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { checkCooldownClimb, COOLDOWN_CLIMB, cooldownStart, ruleWithCooldown, runOutcome, UNDERFIT_POINTS } from '../lib/results/record';
import { planSuite } from '../lib/experiments';
import type { RunRecord } from '../lib/results/record';
import { compareFamily } from '../lib/analysis/statistics';
import { judgeFamily } from '../lib/analysis/claims/claim';
import { claimsSummaryMarkdown, decider, questionClaims } from '../lib/analysis/claims/question';
import { recordsBySuite } from '../lib/analysis/views';
import { runRecord } from './helpers/records';
import { STUDY } from '../study';

/** A relation run (4 classes) that trained with early stopping, whose best training accuracy is `fit`. */
function ended(name: string, seed: number, acc: number, fit: number, converged: boolean): RunRecord {
  const curve = [0.26, fit].map((f, i) => ({
    epoch: i + 1,
    train_loss: 1.3,
    train_acc: f,
    val_acc: acc,
    val_loss: 1.3,
    lr: 0,
    seconds: 1,
    img_per_s: 1,
  }));
  const base = runRecord(name, 'relation', seed, acc, { converged });
  return { ...base, train: { ...base.train, patienceSteps: 1000 }, metrics: { ...base.metrics, curve } } as RunRecord;
}

test('runOutcome: plateau, underfit near chance, capped while fitting, failed, and fixed-epoch runs', () => {
  assert.equal(runOutcome(ended('a', 0, 0.98, 1, true)), 'plateau');
  assert.equal(runOutcome(ended('a', 0, 0.3, 0.25 + UNDERFIT_POINTS - 0.01, false)), 'underfit');
  assert.equal(runOutcome(ended('a', 0, 0.6, 0.9, false)), 'capped');
  assert.equal(runOutcome({ ...ended('a', 0, 0.3, 0.3, false), status: 'failed' }), 'failed');
  const quick = ended('a', 0, 0.3, 0.3, false);
  assert.equal(runOutcome({ ...quick, train: { ...quick.train, patienceSteps: null } }), 'capped');
});

test('a plateau whose cooldown climbs far past it was a pause: not converged, capped, and the rule says why', () => {
  // Near half accuracy for 70 epochs, the plateau rule ends the run at step 4830, and in its cooldown it climbs to the
  // next step of the staircase (as channel-full on fresh co-occurrence images did): the plateau was not the end.
  const from = 4830;
  const curve = Array.from({ length: 83 }, (_, i) => ({ step: 70 * (i + 1), val_acc: 70 * (i + 1) <= from ? 0.5 : 0.5 + 0.02 * (i - 68) }));
  const rule = ruleWithCooldown('plateau at step 4830', { from, steps: 980 });
  const judged = checkCooldownClimb({ converged: true, rule }, curve, from);
  assert.equal(judged.converged, false);
  assert.match(judged.rule, /cooldown lifted validation accuracy by 28\.0 pp/);
  // The cooldown's start still reads back from the longer rule.
  assert.equal(cooldownStart({ convergence: { rule: judged.rule } } as RunRecord), from);
  const run = ended('a', 0, 0.78, 0.8, judged.converged);
  assert.equal(runOutcome(run), 'capped');
  // The schedule's usual gain in a cooldown (a point or three) leaves the plateau standing, as does a run without one.
  const usual = curve.map((c) => ({ ...c, val_acc: c.step <= from ? 0.5 : 0.5 + COOLDOWN_CLIMB - 0.01 }));
  assert.deepEqual(checkCooldownClimb({ converged: true, rule }, usual, from), { converged: true, rule });
  assert.deepEqual(checkCooldownClimb({ converged: true, rule: 'plateau' }, curve, undefined), { converged: true, rule: 'plateau' });
  // An unconverged run stays as it was, whatever its cooldown did.
  assert.equal(checkCooldownClimb({ converged: false, rule }, curve, from).rule, rule);
});

test("fresh training images get the preset's longer patience, under standard only; the fixed-data suite keeps its own", () => {
  const trainOf = (suite: string, preset: 'standard' | 'quick') =>
    planSuite(STUDY, suite, { preset }).find((p) => p.config.dataset.name === 'cooccurrence')!.config.train;
  const fresh = STUDY.presets.standard.freshRecipe!;
  assert.ok(fresh.patienceSteps! > STUDY.presets.standard.taskRecipe!.cooccurrence.patienceSteps!);
  assert.equal(trainOf('style-unlimited', 'standard').patienceSteps, fresh.patienceSteps);
  assert.equal(trainOf('style-unlimited', 'standard').minSteps, fresh.minSteps);
  assert.equal(trainOf('style-unlimited', 'standard').minDelta, fresh.minDelta);
  // Its cap too: the suite's epochs are the fresh recipe's, not the task's.
  assert.equal(trainOf('style-unlimited', 'standard').epochs, fresh.epochs);
  assert.equal(trainOf('style', 'standard').epochs, STUDY.presets.standard.taskRecipe!.cooccurrence.epochs);
  assert.equal(trainOf('style', 'standard').patienceSteps, STUDY.presets.standard.taskRecipe!.cooccurrence.patienceSteps);
  // quick trains for fixed epochs: no patience at all.
  assert.equal(trainOf('style-unlimited', 'quick').patienceSteps, null);
});

/** channel-full at ~98% on three seeds against an arm whose runs end as given. */
function pair(arm: (seed: number) => RunRecord): RunRecord[] {
  return [0, 1, 2].flatMap((s) => [ended('channel-full', s, 0.98 - 0.002 * s, 1, true), arm(s)]);
}
const ref = [{ dataset: 'relation', a: 'pooled', b: 'channel-full' }];

test('an arm that did not learn gets "lower", shown as such; never "not lower" or "higher"', () => {
  const runs = pair((s) => (s === 1 ? ended('pooled', s, 0.38, 0.39, true) : ended('pooled', s, 0.3 - 0.02 * s, 0.3, false)));
  const [c] = compareFamily(runs, ref, { planned: [0, 1, 2] });
  assert.equal(c.reason, undefined);
  assert.equal(c.verdict, 'lower');
  assert.deepEqual({ arm: c.underfit?.arm, runs: c.underfit?.runs, of: c.underfit?.of }, { arm: 'a', runs: 2, of: 3 });
  assert.equal(judgeFamily([c], ['lower'])[0].status, 'holds');
  assert.equal(judgeFamily([c], ['not lower'])[0].status, 'does not hold');
  // Read the other way round (b did not learn): only "higher" for the one that learned.
  const [r] = compareFamily(runs, [{ dataset: 'relation', a: 'channel-full', b: 'pooled' }], { planned: [0, 1, 2] });
  assert.equal(r.verdict, 'higher');
  assert.equal(judgeFamily([r], ['higher'])[0].status, 'holds');
  assert.equal(judgeFamily([r], ['lower'])[0].status, 'not settled');
});

test('an underfit arm that is not lower, and a capped arm, give no verdict', () => {
  // Did not fit its training set, yet tests as well: not a reading the runs support either way.
  const odd = pair((s) => ended('pooled', s, 0.98 - 0.002 * s, 0.3, false));
  const [c] = compareFamily(odd, ref, { planned: [0, 1, 2] });
  assert.equal(c.verdict, 'no verdict');
  assert.equal(judgeFamily([c], ['not lower'])[0].status, 'not settled');
  // Still fitting when it stopped: the same low accuracies say nothing.
  const capped = pair((s) => ended('pooled', s, 0.3 - 0.02 * s, 0.9, false));
  const [k] = compareFamily(capped, ref, { planned: [0, 1, 2] });
  assert.equal(k.withheld, 'not converged');
  assert.equal(k.verdict, 'no verdict');
  assert.equal(judgeFamily([k], ['lower'])[0].status, 'not settled');
});

test("the claims table tests the question's words: the pooling row reads one number per map, the grid is an extension row", () => {
  const pooling = STUDY.claims.find((c) => c.id === 'pooling')!;
  assert.ok(!/k×k|grid/.test(pooling.quote), `the question's pooling row speaks of grids: ${pooling.quote}`);
  const arms = new Set(pooling.expects.flatMap((e) => [e.a, e.b]));
  assert.deepEqual([...arms].sort(), ['channel-full', 'channel-pooled'], "an extension arm can refute the question's pooling claim");
  const grid = STUDY.claims.find((c) => c.id === 'pooling-grid')!;
  assert.equal(grid.extension, true);
  // No row in the question's words reads an arm of a grid: those are the extension's.
  for (const c of STUDY.claims.filter((q) => !q.extension))
    assert.deepEqual(
      c.expects.filter((e) => /-k\d+$/.test(e.a) || /-k\d+$/.test(e.b)),
      [],
      `${c.id} reads a grid arm`,
    );
});

test("the README's claims table is short: a number and a word a cell, the long evidence left to the report", () => {
  const rows = questionClaims(STUDY, recordsBySuite(STUDY, 'standard').recordsOf, 'standard');
  const md = claimsSummaryMarkdown(rows, { pagePrefix: 'results/report/' });
  const cells = md
    .split('\n')
    .slice(2)
    .flatMap((l) =>
      l
        .split(/(?<!\\)\|/)
        .slice(1, -1)
        .map((c) => c.trim()),
    );
  assert.equal(cells.length, 4 * rows.length);
  const long = cells.filter((c) => c.length > 200);
  assert.deepEqual(long, [], 'cells over 200 characters');
  // A row decided by an arm that did not learn says so in its number.
  for (const r of rows.filter((x) => x.status !== 'not settled' && x.comparisons.some((c) => c.underfit))) {
    const d = decider(r);
    assert.ok(d.kind === 'comparison' && d.comparison.underfit, `${r.claim.quote}: decided by ${JSON.stringify(d)}`);
  }
  // And a row waiting for runs says that, not a number.
  for (const r of rows.filter((x) => x.comparisons.length && x.comparisons.every((c) => c.pending)))
    assert.deepEqual(decider(r), { kind: 'waiting', waiting: r.comparisons.length, of: r.comparisons.length });
});
