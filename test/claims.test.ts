/**
 * Claims are checks: under a preset that gives verdicts, a claim the store does not
 * support fails loudly (wrong direction, unconverged runs, missing runs, a failed
 * control); under one that gives none, it says so and fails nothing. The question's
 * claims table follows the numbers, and learning speed is read off the curve as by hand.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { type ClaimStatus, ClaimNotSupported, claimsOver, judgeFamily, MARGIN } from '../lib/analysis/claims/claim';
import { compareFamily, type Withheld } from '../lib/analysis/statistics';
import { suiteComparisons } from '../lib/analysis/claims/comparisons';
import { checkSanity } from '../lib/analysis/claims/sanity';
import { attentionExponent, expectQuestionClaims, questionClaims } from '../lib/analysis/claims/question';
import { bestValAfterSelection, learningSpeed, stepsToFraction } from '../lib/analysis/speed';
import { cooldownStart, ruleWithCooldown } from '../lib/results/record';
import { relationPositionBaseline } from '../lib/data/diagnostic';
import type { RunRecord } from '../lib/results/record';
import { restOfBlock, runRecord } from './helpers/records';
import { planAnswer, planSuite, SCHEMA_VERSION } from '../lib/experiments';
import { ResultStore } from '../lib/results/store';
import { suiteView } from '../lib/analysis/views';
import { checkControls, controlGate, controlsOf } from '../lib/analysis/claims/controls';
import { tempDir } from './helpers/tmp';
import { ROUND_TWO_SUITES, STUDY } from '../study';
import type { Expectation, ExpectationRef } from '../lib/experiments/study';

/**
 * For assert.throws: a ClaimNotSupported whose store now says `now` instead of the prose (and, where the
 * comparison is withheld, why): the fields, not the sentence.
 */
const unsupported =
  (now: ClaimStatus | 'no verdict', withheld?: Withheld) =>
  (e: unknown): boolean => {
    assert.ok(e instanceof ClaimNotSupported, `not a ClaimNotSupported: ${e}`);
    assert.equal(e.now, now, e.message);
    if (withheld) assert.equal(e.check?.comparison?.withheld, withheld, e.message);
    return true;
  };

const rec = runRecord;
const runs = (name: string, dataset: string, accs: number[], over: Partial<RunRecord> = {}): RunRecord[] =>
  accs.map((a, s) => rec(name, dataset, s, a, over));

const FAMILY: ExpectationRef[] = [
  { dataset: 'mnist', a: 'channel-full', b: 'spatial-full', expect: 'higher' },
  { dataset: 'relation', a: 'channel-full', b: 'spatial-full', expect: 'higher' },
];
const base = relationPositionBaseline().square;
const store = (over: Partial<RunRecord> = {}): RunRecord[] => [
  ...runs('channel-full', 'mnist', [0.95, 0.96, 0.97], over),
  ...runs('spatial-full', 'mnist', [0.9, 0.905, 0.91]),
  ...runs('channel-full', 'relation', [0.99, 0.985, 0.99]),
  ...runs('spatial-full', 'relation', [base + 0.4, base + 0.41, base + 0.42]),
];

test('a supported claim passes under standard; a contradicted one throws ClaimNotSupported', () => {
  const claim = claimsOver(STUDY, store(), 'standard', FAMILY);
  assert.equal(claim.higher('channel-full', 'spatial-full', 'mnist').status, 'holds');
  assert.equal(claim.control('spatial-full', 'relation').status, 'holds');
  const contra = (expect: Expectation) => claimsOver(STUDY, store(), 'standard', [{ ...FAMILY[0], expect }]);
  assert.throws(() => contra('lower').lower('channel-full', 'spatial-full', 'mnist'), unsupported('does not hold'));
  assert.throws(() => contra('indistinguishable').parity('channel-full', 'spatial-full', 'mnist'), unsupported('does not hold'));
  // A comparison the prose did not declare is an error, not a silent extra test outside Holm's family; so is a claim other than the declared one.
  assert.throws(() => claim.higher('spatial-full', 'channel-full', 'mnist'), /not in the family/);
  assert.throws(() => claim.parity('channel-full', 'spatial-full', 'mnist'), /declared as 'higher'/);
});

test('a claim is tested against a one-point margin: shown beyond it, shown within it, or too uncertain to say', () => {
  assert.equal(MARGIN, 0.01);
  // Test sets so large that their own binomial error vanishes: the closed forms here are the seeds' (statistics.test.ts has the test set's term).
  const huge = { sizes: { train: 1000, val: 1000, test: 1e12 } };
  const pair = (a: number[], b: number[]) =>
    compareFamily([...runs('a', 'mnist', a, huge), ...runs('b', 'mnist', b, huge)], [{ dataset: 'mnist', a: 'a', b: 'b' }])[0];
  // a − b = (0.3, 0.2, 0.4) pp: se = 0.0577 pp over 2 df. Higher, but not by a point.
  const small = pair([0.903, 0.902, 0.904], [0.9, 0.9, 0.9]);
  const [higher, within, notLower, lower] = (['higher', 'indistinguishable', 'not lower', 'lower'] as Expectation[]).map(
    (e) => judgeFamily([small], [e])[0],
  );
  assert.equal(higher.status, 'does not hold');
  assert.equal(within.status, 'holds');
  assert.equal(notLower.status, 'holds');
  assert.equal(lower.status, 'does not hold');
  // Within ±1 pp: the nearer bound, +1 pp, is 0.7 pp away, tested two-sided: for 2 df, P(|T| ≥ t) = 1 − t / √(2 + t²).
  const t = 0.007 / (0.001 / Math.sqrt(3));
  assert.ok(Math.abs(within.p - (1 - t / Math.sqrt(2 + t * t))) < 1e-6, `p ${within.p}`);
  // The same mean with seeds that disagree by points: nothing can be said at ±1 pp.
  const wide = pair([0.92, 0.88, 0.909], [0.9, 0.9, 0.9]);
  for (const e of ['higher', 'indistinguishable', 'not lower', 'lower'] as Expectation[])
    assert.equal(judgeFamily([wide], [e])[0].status, 'not settled', e);
  // Five points below: lower holds, not lower does not.
  const big = pair([0.85, 0.852, 0.849], [0.9, 0.9, 0.9]);
  assert.equal(judgeFamily([big], ['lower'])[0].status, 'holds');
  assert.equal(judgeFamily([big], ['not lower'])[0].status, 'does not hold');
  // Holm counts every expectation of the family.
  const [one, two] = judgeFamily([small, small], ['indistinguishable', 'indistinguishable']);
  assert.ok(Math.abs(one.pHolm - 2 * one.p) < 1e-12 && two.pHolm === one.pHolm);
  // A comparison withheld (here: one seed) is not settled and not counted.
  const single = pair([0.95], [0.9]);
  const [withheld, counted] = judgeFamily([single, small], ['higher', 'indistinguishable']);
  assert.equal(withheld.status, 'not settled');
  assert.equal(counted.pHolm, counted.p);
});

test('"the seeds cannot tell" is a check too: it fails once the store settles the comparison, or lacks its runs', () => {
  const fam: ExpectationRef[] = [{ dataset: 'mnist', a: 'a', b: 'b', expect: 'lower' }];
  // Seeds that disagree by points: −1.2 pp on average, and nothing can be said at ±1 pp.
  const wide = [...runs('a', 'mnist', [0.87, 0.91, 0.884]), ...runs('b', 'mnist', [0.9, 0.9, 0.9])];
  const check = claimsOver(STUDY, wide, 'standard', fam).undecided('a', 'b', 'mnist');
  assert.equal(check.status, 'not settled');
  assert.deepEqual([check.comparison?.seeds.length, check.comparison?.withheld, check.claimed], [3, undefined, true]);
  // Five points below on every seed: the seeds now tell, and the prose must change.
  const clear = [...runs('a', 'mnist', [0.85, 0.852, 0.849]), ...runs('b', 'mnist', [0.9, 0.9, 0.9])];
  assert.throws(() => claimsOver(STUDY, clear, 'standard', fam).undecided('a', 'b', 'mnist'), unsupported('holds'));
  // Missing or unconverged runs are withheld, not undecided.
  assert.throws(
    () =>
      claimsOver(
        STUDY,
        wide.filter((r) => r.name !== 'b'),
        'standard',
        fam,
      ).undecided('a', 'b', 'mnist'),
    unsupported('no verdict', 'missing runs'),
  );
  assert.throws(
    () =>
      claimsOver(
        STUDY,
        wide.map((r) => ({ ...r, converged: false })),
        'standard',
        fam,
      ).undecided('a', 'b', 'mnist'),
    unsupported('no verdict', 'not converged'),
  );
  // Under quick nothing is claimed, and nothing fails.
  assert.equal(claimsOver(STUDY, clear, 'quick', fam).undecided('a', 'b', 'mnist').status, 'not settled');
  assert.throws(() => claimsOver(STUDY, wide, 'standard', fam).undecided('b', 'a', 'mnist'), /not in the family/);
});

test('"no verdict" is a check too: it says why the comparison is withheld, and fails once the store gives a verdict', () => {
  const fam: ExpectationRef[] = [{ dataset: 'mnist', a: 'a', b: 'b', expect: 'lower' }];
  const clear = [...runs('a', 'mnist', [0.85, 0.852, 0.849]), ...runs('b', 'mnist', [0.9, 0.9, 0.9])];
  // One seed of a never left chance: the comparison is withheld, whatever the other seeds show.
  const stuck = clear.map((r) => (r.name === 'a' && r.seed === 2 ? { ...r, converged: false } : r));
  const check = claimsOver(STUDY, stuck, 'standard', fam).withheld('a', 'b', 'mnist');
  assert.equal(check.status, 'not settled');
  assert.equal(check.comparison?.withheld, 'not converged');
  assert.equal(
    claimsOver(
      STUDY,
      clear.filter((r) => r.name !== 'b'),
      'standard',
      fam,
    ).withheld('a', 'b', 'mnist').comparison?.withheld,
    'missing runs',
  );
  // Every run in and converged: the store gives a verdict (even "not settled" is one), and the prose must change.
  assert.throws(() => claimsOver(STUDY, clear, 'standard', fam).withheld('a', 'b', 'mnist'), unsupported('holds'));
  const wide = [...runs('a', 'mnist', [0.87, 0.91, 0.884]), ...runs('b', 'mnist', [0.9, 0.9, 0.9])];
  assert.throws(() => claimsOver(STUDY, wide, 'standard', fam).withheld('a', 'b', 'mnist'), unsupported('not settled'));
  assert.equal(claimsOver(STUDY, clear, 'quick', fam).withheld('a', 'b', 'mnist').status, 'not settled');
});

test('a family declared before its runs shows each expectation as the store judges it, and never throws', () => {
  // A pre-registered family: one comparison that holds, one the store contradicts, one whose runs are not in.
  const fam: ExpectationRef[] = [
    { dataset: 'mnist', a: 'channel-full', b: 'spatial-full', expect: 'higher' },
    { dataset: 'mnist', a: 'spatial-full', b: 'channel-full', expect: 'higher' },
    { dataset: 'relation', a: 'channel-full', b: 'filter-16', expect: 'higher' },
  ];
  const c = claimsOver(STUDY, store(), 'standard', fam);
  const rows = c.declared;
  assert.deepEqual(
    rows.map((r) => r.statement),
    [
      'channel-full is more than 1 pp higher than spatial-full on mnist',
      'spatial-full is more than 1 pp higher than channel-full on mnist',
      'channel-full is more than 1 pp higher than filter-16 on relation',
    ],
  );
  assert.deepEqual(
    rows.map((r) => r.status),
    ['holds', 'does not hold', 'not settled'],
  );
  assert.equal(rows[2].comparison?.withheld, 'missing runs');
  // The row is the check a sentence would make, status and numbers alike: the first one holds, and the second one throws.
  assert.deepEqual(rows[0], c.higher('channel-full', 'spatial-full', 'mnist'));
  assert.throws(
    () => c.higher('spatial-full', 'channel-full', 'mnist'),
    new RegExp(`does not hold \\(${rows[1].evidence.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\)`),
  );
  // Under quick it claims nothing, and still shows the numbers.
  const quick = claimsOver(STUDY, store(), 'quick', fam).declared;
  assert.deepEqual(
    quick.map((r) => r.status),
    ['not settled', 'not settled', 'not settled'],
  );
  assert.deepEqual(
    quick.map((r) => r.claimed),
    [false, false, false],
  );
  assert.ok(Number.isFinite(quick[0].comparison?.diff), 'under quick a check still shows its numbers');
});

test('a declared expectation the runs contradict is a check too: it fails once the store no longer contradicts it', () => {
  const fam: ExpectationRef[] = [{ dataset: 'mnist', a: 'a', b: 'b', expect: 'lower' }];
  // a is as good as b on every seed: "a is more than a point lower" is refuted.
  const same = [...runs('a', 'mnist', [0.9, 0.901, 0.9]), ...runs('b', 'mnist', [0.9, 0.9, 0.901])];
  const check = claimsOver(STUDY, same, 'standard', fam).refuted('a', 'b', 'mnist');
  assert.equal(check.status, 'does not hold');
  assert.equal(check.statement, 'a is more than 1 pp lower than b on mnist');
  // The store now shows the expectation, or cannot tell, or lacks a run: the prose must change.
  const lower = [...runs('a', 'mnist', [0.85, 0.852, 0.849]), ...runs('b', 'mnist', [0.9, 0.9, 0.9])];
  assert.throws(() => claimsOver(STUDY, lower, 'standard', fam).refuted('a', 'b', 'mnist'), unsupported('holds'));
  const wide = [...runs('a', 'mnist', [0.87, 0.91, 0.884]), ...runs('b', 'mnist', [0.9, 0.9, 0.9])];
  assert.throws(() => claimsOver(STUDY, wide, 'standard', fam).refuted('a', 'b', 'mnist'), unsupported('not settled'));
  assert.throws(
    () =>
      claimsOver(
        STUDY,
        same.filter((r) => r.seed !== 2),
        'standard',
        fam,
      ).refuted('a', 'b', 'mnist'),
    unsupported('not settled', 'seeds pending'),
  );
  // Under quick nothing is claimed, and nothing fails.
  assert.equal(claimsOver(STUDY, lower, 'quick', fam).refuted('a', 'b', 'mnist').status, 'not settled');
});

test('unconverged or missing runs and a failed control make a claim fail loudly under standard, and merely unsettled under quick', () => {
  const unconverged = store({ converged: false });
  assert.throws(
    () => claimsOver(STUDY, unconverged, 'standard', FAMILY).higher('channel-full', 'spatial-full', 'mnist'),
    unsupported('not settled', 'not converged'),
  );
  const quick = claimsOver(STUDY, unconverged, 'quick', FAMILY).higher('channel-full', 'spatial-full', 'mnist');
  assert.equal(quick.status, 'not settled');
  assert.equal(quick.claimed, false);
  // Even a claim the numbers support is not settled under quick.
  assert.equal(claimsOver(STUDY, store(), 'quick', FAMILY).higher('channel-full', 'spatial-full', 'mnist').status, 'not settled');
  const noSpatial = store().filter((r) => !(r.name === 'spatial-full' && r.dataset === 'relation'));
  assert.throws(
    () => claimsOver(STUDY, noSpatial, 'standard', FAMILY).higher('channel-full', 'spatial-full', 'relation'),
    unsupported('not settled', 'missing runs'),
  );
  // The positive control at chance: the relation comparison is inconclusive.
  const failed = [
    ...store().filter((r) => !(r.name === 'spatial-full' && r.dataset === 'relation')),
    ...runs('spatial-full', 'relation', [0.25, 0.26, 0.25]),
  ];
  const c = claimsOver(STUDY, failed, 'standard', FAMILY);
  assert.throws(() => c.higher('channel-full', 'spatial-full', 'relation'), unsupported('not settled', 'control failed'));
  assert.throws(() => c.control('spatial-full', 'relation'), ClaimNotSupported);
});

test("the question's claims table: holds, does not hold and not settled follow the store", () => {
  const row = (rows: ReturnType<typeof questionClaims>, id: string) => rows.find((r) => r.claim.id === id)!;
  // Channel tokens solve the relation task as well as spatial ones: the flattening claim does not hold.
  const complete = (rs: RunRecord[]): RunRecord[] => [...rs, ...restOfBlock(rs, 'core', 'relation')];
  // The second round's suites, ended unconverged: their comparisons are never tested, so they do not count in Holm's family
  // (runs still to come would count at p = 1, and hold back every verdict until they land).
  const roundTwo = (s: string): RunRecord[] =>
    [...new Set(planSuite(STUDY, s, { preset: 'standard' }).map((p) => p.config.dataset.name))]
      .flatMap((d) => restOfBlock([], s, d))
      .map((r) => ({ ...r, id: `${s}:${r.id}` }));
  const withRoundTwo =
    (rs: RunRecord[]) =>
    (s: string): RunRecord[] =>
      ROUND_TWO_SUITES.includes(s) ? roundTwo(s) : rs;
  let rows = questionClaims(STUDY, withRoundTwo(complete(store())), 'standard');
  assert.equal(row(rows, 'flattening').status, 'does not hold');
  // Its own runs are in, but not the rest of its block (the core suite's other models on
  // relation, whose spread the interval pools): no verdict yet, and the table says why.
  const waiting = row(questionClaims(STUDY, withRoundTwo(store()), 'standard'), 'flattening');
  assert.equal(waiting.status, 'not settled');
  assert.equal(waiting.comparisons[0].withheld, 'block pending');
  assert.equal(waiting.comparisons[0].pending, true);
  // Channel tokens clearly below: it holds.
  const below = complete([
    ...store().filter((r) => !(r.name === 'channel-full' && r.dataset === 'relation')),
    ...runs('channel-full', 'relation', [0.4, 0.41, 0.42]),
  ]);
  rows = questionClaims(STUDY, withRoundTwo(below), 'standard');
  assert.equal(row(rows, 'flattening').status, 'holds');
  // Nothing on the style task or the hybrid: not settled; under quick, no accuracy claim is settled.
  assert.equal(row(rows, 'style').status, 'not settled');
  assert.equal(row(rows, 'hybrid').status, 'not settled');
  assert.equal(
    row(
      questionClaims(STUDY, () => below, 'quick'),
      'flattening',
    ).status,
    'not settled',
  );
  // The cost claim is arithmetic: the exponent of attention FLOPs in T over the scaling suite's
  // configs (the cost model, whose numbers every run records), with or without runs.
  const scaling = (k: number) =>
    [16, 32, 64, 128].map((c) => ({
      name: c === 64 ? 'channel-full base' : `channel-full C=${c}`,
      T: c,
      flops: { total: 1, attention: 3 * c ** k } as RunRecord['flops'],
    }));
  assert.ok(Math.abs(attentionExponent(scaling(2), /^channel-full (C=\d+|base)$/) - 2) < 1e-9);
  assert.ok(Math.abs(attentionExponent(scaling(1), /^channel-full (C=\d+|base)$/) - 1) < 1e-9);
  assert.equal(
    row(
      questionClaims(STUDY, () => [], 'standard'),
      'cost',
    ).status,
    'holds',
  );
  // The exponent over the scaling suite's planned configs: attention is quadratic in T.
  assert.ok(
    Math.abs(
      row(
        questionClaims(STUDY, () => [], 'quick'),
        'cost',
      ).cost!.exponent! - 2,
    ) < 0.005,
  );
  // What the prose says is checked: a cost claim under any preset, an accuracy claim where verdicts exist.
  expectQuestionClaims(
    STUDY,
    questionClaims(STUDY, () => [], 'quick'),
    'quick',
    { cost: 'holds' },
  );
  assert.throws(
    () =>
      expectQuestionClaims(
        STUDY,
        questionClaims(STUDY, () => [], 'quick'),
        'quick',
        { cost: 'does not hold' },
      ),
    /says the cost claim does not hold, the store says it holds/,
  );
  expectQuestionClaims(
    STUDY,
    questionClaims(STUDY, () => below, 'quick'),
    'quick',
    { flattening: 'does not hold' },
  ); // quick: not checked
  assert.throws(
    () =>
      expectQuestionClaims(
        STUDY,
        questionClaims(STUDY, () => below, 'standard'),
        'standard',
        { flattening: 'does not hold' },
      ),
    ClaimNotSupported,
  );
  assert.throws(() => expectQuestionClaims(STUDY, rows, 'standard', { flatening: 'holds' }), /no question claim 'flatening'/);
});

test("the answer's sweep plans every run the question's claims wait for, on datasets that need no download", () => {
  const answer = new Set(planAnswer(STUDY, 'standard').map((p) => p.id));
  for (const claim of STUDY.claims)
    for (const e of claim.expects) {
      // blockGate waits for every run of the claim's suite on the dataset, so each must be the answer's.
      const suite = e.suite ?? claim.experiment.suite;
      const block = planSuite(STUDY, suite, { preset: 'standard', datasets: [e.dataset] });
      for (const name of [e.a, e.b])
        assert.ok(
          block.some((p) => p.config.name === name),
          `${claim.id}: ${suite} plans no ${name} on ${e.dataset}`,
        );
      const left = block.filter((p) => !answer.has(p.id)).map((p) => `${p.config.name} s${p.config.seed}`);
      assert.deepEqual(left, [], `${claim.id} reads ${suite} on ${e.dataset}, but the answer's sweep leaves out ${left.join(', ')}`);
    }
  // `npm ci` fetches every dataset the answer reads: CIFAR-10 cannot be, offline.
  assert.ok(!planAnswer(STUDY, 'standard').some((p) => p.config.dataset.name === 'cifar10'));
  assert.ok(planSuite(STUDY, 'channel-vs-spatial', { preset: 'standard' }).some((p) => p.config.dataset.name === 'cifar10'));
});

test("a suite's declared comparisons form one Holm family, with the controls first", () => {
  const cs = suiteComparisons(STUDY, 'core', store());
  assert.deepEqual(
    cs.map((c) => `${c.dataset}:${c.a}-${c.b}`),
    ['mnist:channel-full-spatial-full', 'relation:channel-full-spatial-full'],
  );
  // Two comparisons in the family: the smaller p-value is doubled by Holm.
  const smaller = cs.reduce((x, y) => (x.p < y.p ? x : y));
  assert.ok(Math.abs(smaller.pHolm - Math.min(1, 2 * smaller.p)) < 1e-12);
});

test('after the selected epoch: the best later validation accuracy, and the step the cooldown began at', () => {
  const curve = [0.5, 0.8, 0.79, 0.801, 0.7].map((v, i) => ({
    epoch: i + 1,
    step: 100 * (i + 1),
    val_acc: v,
  })) as RunRecord['metrics']['curve'];
  const r = rec('hybrid', 'mnist', 0, 0.8, {
    metrics: { test_acc: 0.8, test_loss: 0, best_val_acc: 0.801, final_train_loss: 0, curve },
    convergence: {
      rule: ruleWithCooldown('plateau: no gain above 0.002 in 300 steps', { from: 300, steps: 100 }),
      selectedEpoch: 2,
      selectedStep: 200,
      stoppedEarly: false,
    },
  });
  assert.equal(bestValAfterSelection(r), 0.801);
  assert.equal(cooldownStart(r), 300);
  // The last epoch selected has no later one; a run without a cooldown has no start.
  assert.ok(Number.isNaN(bestValAfterSelection({ ...r, convergence: { ...r.convergence, selectedEpoch: 5 } })));
  assert.ok(Number.isNaN(cooldownStart({ convergence: { ...r.convergence, rule: ruleWithCooldown('plateau', null) } })));
});

test('learning speed: steps to 90% of the way from chance to the plateau, interpolated as by hand', () => {
  // 10 classes: chance 0.1; plateau 0.9; target 0.1 + 0.9·0.8 = 0.82, between (200, 0.7) and (300, 0.86): 200 + 100·0.12/0.16 = 275.
  const curve = [
    { epoch: 1, step: 100, val_acc: 0.4 },
    { epoch: 2, step: 200, val_acc: 0.7 },
    { epoch: 3, step: 300, val_acc: 0.86 },
    { epoch: 4, step: 400, val_acc: 0.9 },
  ] as RunRecord['metrics']['curve'];
  const r = rec('channel-full', 'mnist', 0, 0.9, {
    metrics: { test_acc: 0.9, test_loss: 0, best_val_acc: 0.9, final_train_loss: 0, curve },
  });
  assert.ok(Math.abs(stepsToFraction(r) - 275) < 1e-9, String(stepsToFraction(r)));
  // A run that never left chance has no speed, and is counted as such.
  const flat = rec('spatial-full', 'mnist', 1, 0.1, {
    metrics: { test_acc: 0.1, test_loss: 0, best_val_acc: 0.1, final_train_loss: 0, curve: curve.map((c) => ({ ...c, val_acc: 0.1 })) },
  });
  assert.ok(Number.isNaN(stepsToFraction(flat)));
  const g = learningSpeed([r, { ...r, seed: 1 }, flat]);
  const cf = g.find((x) => x.name === 'channel-full')!;
  assert.equal(cf.steps.n, 2);
  assert.ok(Math.abs(cf.images.mean - 275 * 128) < 1e-6);
  assert.equal(g.find((x) => x.name === 'spatial-full')!.neverLearned, 1);
});

test('sanity: a superset that loses on test is a failure, told apart by its training fit; a tie holds; unconverged runs settle nothing', () => {
  // Each run's curve has its selected epoch (1) with the given train accuracy.
  const fitted = (name: string, accs: number[], trainAcc: number, over: Partial<RunRecord> = {}): RunRecord[] =>
    accs.map((a, s) =>
      rec(name, 'mnist', s, a, {
        metrics: {
          test_acc: a,
          test_loss: 0,
          best_val_acc: a,
          final_train_loss: 0,
          curve: [{ epoch: 1, step: 100, train_loss: 0, train_acc: trainAcc, val_acc: a, val_loss: 0, lr: 0, seconds: 1, img_per_s: 1 }],
        },
        ...over,
      }),
    );
  const status = (rs: RunRecord[]): string =>
    checkSanity(rs, STUDY.supersets).find((s) => s.pair.superset === 'channel-full' && s.pair.subset === 'channel-pooled')!.status;
  // The superset fits its training set as well and loses on test: it overfits.
  assert.equal(
    status([...fitted('channel-full', [0.9, 0.905, 0.91], 1), ...fitted('channel-pooled', [0.95, 0.96, 0.97], 0.99)]),
    'fails: overfits',
  );
  // It fits its training set worse too: optimization or a bug.
  assert.equal(
    status([...fitted('channel-full', [0.9, 0.905, 0.91], 0.9), ...fitted('channel-pooled', [0.95, 0.96, 0.97], 0.99)]),
    'fails: fits worse',
  );
  // Validation peaked early, at 85% train, and the run went on to fit its training set
  // fully (spatial-full on co-occurrence): that is overfitting, not a failure to fit.
  const later = (rs: RunRecord[]): RunRecord[] =>
    rs.map((r) => ({
      ...r,
      metrics: {
        ...r.metrics,
        curve: [...r.metrics.curve, { ...r.metrics.curve[0], epoch: 2, step: 200, train_acc: 1, val_acc: r.metrics.test_acc - 0.01 }],
      },
    }));
  assert.equal(
    status([...later(fitted('channel-full', [0.9, 0.905, 0.91], 0.85)), ...fitted('channel-pooled', [0.95, 0.96, 0.97], 0.99)]),
    'fails: overfits',
  );
  // Higher, or indistinguishable, holds.
  assert.equal(status([...fitted('channel-full', [0.95, 0.96, 0.97], 1), ...fitted('channel-pooled', [0.9, 0.905, 0.91], 0.99)]), 'holds');
  assert.equal(status([...fitted('channel-full', [0.95, 0.93, 0.97], 1), ...fitted('channel-pooled', [0.94, 0.96, 0.95], 0.99)]), 'holds');
  // A loss among runs that did not converge is no evidence either way.
  assert.equal(
    status([...fitted('channel-full', [0.9, 0.905, 0.91], 1, { converged: false }), ...fitted('channel-pooled', [0.95, 0.96, 0.97], 0.99)]),
    'not settled',
  );
  // Only pairs with runs on both sides, per dataset.
  assert.deepEqual(checkSanity(fitted('channel-full', [0.9], 1), STUDY.supersets), []);
});

test('sanity gates verdicts: a model whose superset pair fits worse gets none on that dataset; overfitting withholds nothing', () => {
  const fitted = (name: string, dataset: string, accs: number[], trainAcc: number): RunRecord[] =>
    accs.map((a, s) =>
      rec(name, dataset, s, a, {
        metrics: {
          test_acc: a,
          test_loss: 0,
          best_val_acc: a,
          final_train_loss: 0,
          curve: [{ epoch: 1, step: 100, train_loss: 0, train_acc: trainAcc, val_acc: a, val_loss: 0, lr: 0, seconds: 1, img_per_s: 1 }],
        },
      }),
    );
  // channel-full clearly above spatial-full on MNIST and on relation; on MNIST it also loses to
  // channel-pooled, whose input it holds, fitting its training set either worse or as well.
  const stored = (fullFit: number): RunRecord[] => [
    ...fitted('channel-full', 'mnist', [0.9, 0.905, 0.91], fullFit),
    ...fitted('channel-pooled', 'mnist', [0.95, 0.96, 0.97], 0.99),
    ...fitted('spatial-full', 'mnist', [0.5, 0.51, 0.52], 0.99),
    ...fitted('channel-full', 'relation', [0.99, 0.985, 0.99], 1),
    ...fitted('spatial-full', 'relation', [base + 0.3, base + 0.31, base + 0.32], 1),
  ];
  const family = FAMILY;
  const broken = claimsOver(STUDY, stored(0.9), 'standard', family);
  assert.equal(broken.comparison('channel-full', 'spatial-full', 'mnist').verdict, 'no verdict');
  assert.equal(broken.comparison('channel-full', 'spatial-full', 'mnist').withheld, 'sanity');
  assert.throws(() => broken.higher('channel-full', 'spatial-full', 'mnist'), unsupported('not settled', 'sanity'));
  // Another dataset's comparisons are read as usual.
  assert.equal(broken.higher('channel-full', 'spatial-full', 'relation').status, 'holds');
  // Prose that says how a sanity pair reads is checked like any other sentence.
  assert.equal(broken.sanity('channel-full', 'channel-pooled', 'mnist', 'fails: fits worse').status, 'holds');
  assert.throws(() => broken.sanity('channel-full', 'channel-pooled', 'mnist', 'fails: overfits'), unsupported('does not hold'));
  assert.equal(
    claimsOver(STUDY, stored(1), 'standard', family).sanity('channel-full', 'channel-pooled', 'mnist', 'fails: overfits').status,
    'holds',
  );
  // The suite's own table and the question's claims table carry the same gate.
  const core = suiteComparisons(STUDY, 'core', stored(0.9)).find(
    (c) => c.dataset === 'mnist' && c.a === 'channel-full' && c.b === 'spatial-full',
  )!;
  assert.equal(core.withheld, 'sanity');
  // On relation, channel-full losing to channel-pooled while fitting worse leaves the flattening claim unsettled.
  const flattening = (fit: number) => {
    const rs = [
      ...stored(1).filter((r) => r.dataset !== 'relation' || r.name !== 'channel-full'),
      ...fitted('channel-full', 'relation', [0.9, 0.905, 0.91], fit),
      ...fitted('channel-pooled', 'relation', [0.95, 0.96, 0.97], 0.99),
    ];
    return questionClaims(STUDY, () => [...rs, ...restOfBlock(rs, 'core', 'relation')], 'standard').find(
      (r) => r.claim.id === 'flattening',
    )!;
  };
  assert.equal(flattening(0.9).status, 'not settled');
  assert.ok(flattening(0.9).comparisons.some((c) => c.withheld === 'sanity'));
  assert.notEqual(flattening(1).status, 'not settled');
  // The checks read sanity for the family's models only: a store that holds another dataset's
  // runs from two suites' configs (two runs per seed) is not read, as the report's whole store is not.
  const twoSuites = [
    ...stored(0.9),
    ...fitted('channel-full', 'fashion-mnist', [0.9, 0.9], 1),
    ...fitted('channel-full', 'fashion-mnist', [0.8, 0.8], 1),
    ...fitted('channel-pooled', 'fashion-mnist', [0.7, 0.7], 1),
  ];
  assert.equal(claimsOver(STUDY, twoSuites, 'standard', []).family.length, 0);
  assert.equal(claimsOver(STUDY, twoSuites, 'standard', family).comparison('channel-full', 'spatial-full', 'mnist').verdict, 'no verdict');
  // An overfitting superset is a finding about the data, stated in the sanity table: nothing is withheld.
  assert.equal(claimsOver(STUDY, stored(1), 'standard', family).higher('channel-full', 'spatial-full', 'mnist').status, 'holds');
  assert.equal(
    suiteComparisons(STUDY, 'core', stored(1)).find((c) => c.dataset === 'mnist' && c.a === 'channel-full' && c.b === 'spatial-full')!
      .reason,
    undefined,
  );
});

test("a suite reads its tasks' controls from the controls suite, even when its own plan lacks the control's model", () => {
  // learned-maps has no spatial-full: its relation comparisons must still be gated by the relation control, and read once it passes.
  const storeWith = (spatialAcc: number | null, seeds = [0, 1, 2], block = true): string => {
    const dir = tempDir('controls');
    const store = new ResultStore({ dir });
    const put = (
      suite: string,
      names: string[],
      dataset: string,
      acc: (name: string, seed: number) => number,
      over: Partial<RunRecord> = {},
    ): void => {
      for (const p of planSuite(STUDY, suite, { preset: 'standard', datasets: [dataset] }).filter(
        (q) => names.includes(q.config.name) && seeds.includes(q.config.seed),
      ))
        store.append(
          rec(p.config.name, dataset, p.config.seed, acc(p.config.name, p.config.seed), {
            id: p.id,
            schema: SCHEMA_VERSION,
            backend: {},
            started: '2026-01-01T00:00:00Z',
            ended: '2026-01-01T00:01:00Z',
            ...over,
          } as unknown as Partial<RunRecord>),
        );
    };
    put('learned-maps', ['channel-full', 'filter-16-pos'], 'relation', (n, s) => (n === 'channel-full' ? 0.95 : 0.9) + s / 1000);
    // The rest of the suite's block on relation, in but unconverged: complete, and outside the pooled spread.
    const rest = [
      ...new Set(planSuite(STUDY, 'learned-maps', { preset: 'standard', datasets: ['relation'] }).map((p) => p.config.name)),
    ].filter((n) => n !== 'channel-full' && n !== 'filter-16-pos');
    if (block) put('learned-maps', rest, 'relation', () => 0.5, { converged: false });
    if (spatialAcc !== null) put('controls', ['spatial-full'], 'relation', (_, s) => spatialAcc + s / 1000);
    return dir;
  };
  const verdicts = (dir: string) => {
    const v = suiteView(STUDY, 'learned-maps', 'standard', { resultsDir: dir, datasets: ['relation'] });
    assert.deepEqual(v.problems, []);
    assert.ok(!v.records.some((r) => r.name === 'spatial-full'), 'learned-maps plans no spatial-full');
    const family: ExpectationRef[] = [{ dataset: 'relation', a: 'filter-16-pos', b: 'channel-full', expect: 'lower' }];
    // The report's checks and its claims table read the same controls as the suite's tables.
    const claim = claimsOver(STUDY, v, 'standard', family).comparison('filter-16-pos', 'channel-full', 'relation');
    const table = questionClaims(STUDY, (s) => (s === 'learned-maps' ? v.records : s === 'controls' ? v.controlRecords : []), 'standard');
    const row = table
      .find((r) => r.claim.id === 'learned-maps')!
      .comparisons.find((c) => c.dataset === 'relation' && c.a === 'filter-16-pos')!;
    return {
      missing: v.missing,
      controls: controlsOf(v, STUDY.controls),
      comparisons: suiteComparisons(STUDY, 'learned-maps', v.records, {
        controls: controlsOf(v, STUDY.controls),
        planned: v.seeds,
        missing: v.missing,
      }),
      claim,
      row,
      records: v.records,
      seeds: v.seeds,
    };
  };
  const solved = verdicts(storeWith(0.99));
  assert.deepEqual(
    solved.controls.map((c) => [c.control.model, c.pass]),
    [['spatial-full', true]],
  );
  const cf = solved.comparisons.find((c) => c.a === 'filter-16-pos' && c.b === 'channel-full')!;
  assert.equal(cf.reason, undefined);
  assert.equal(cf.verdict, 'lower');
  assert.equal(solved.claim.reason, undefined);
  assert.equal(solved.claim.verdict, 'lower');
  assert.equal(solved.row.reason, undefined);
  // Handed the suite's records alone, a claim cannot see the control, and says so rather than reading the comparison.
  assert.equal(
    claimsOver(STUDY, solved.records, 'standard', [
      { dataset: 'relation', a: 'filter-16-pos', b: 'channel-full', expect: 'lower' },
    ]).comparison('filter-16-pos', 'channel-full', 'relation').withheld,
    'control failed',
  );
  // Two seeds of the three planned: the tables, the checks and the claims table wait for the third,
  // though two seeds already give the same gap (a third can move the interval, never the plan).
  const partial = verdicts(storeWith(0.99, [0, 1]));
  assert.deepEqual(partial.seeds, [0, 1, 2]);
  for (const c of [partial.comparisons.find((c) => c.a === 'filter-16-pos')!, partial.claim, partial.row])
    assert.equal(c.withheld, 'seeds pending');
  // The rest of the suite's block on relation not in yet: the tables, the checks and the claims table wait for it.
  const unblocked = verdicts(storeWith(0.99, [0, 1, 2], false));
  assert.ok(unblocked.missing.length > 0);
  for (const c of [unblocked.comparisons.find((c) => c.a === 'filter-16-pos')!, unblocked.claim, unblocked.row])
    assert.equal(c.withheld, 'block pending');
  // The control at chance: the same comparison is withheld, in the tables, the checks and the claims table.
  const failed = verdicts(storeWith(0.26));
  assert.equal(failed.controls[0].pass, false);
  for (const c of [failed.comparisons.find((c) => c.a === 'filter-16-pos')!, failed.claim, failed.row])
    assert.equal(c.withheld, 'control failed');
  // The control not yet run: the controls suite has nothing on relation, and the comparisons wait for it rather than go ungated.
  const none = verdicts(storeWith(null));
  assert.deepEqual(
    none.controls.map((c) => [c.control.model, c.pass, c.judged]),
    [['spatial-full', false, 'no runs']],
  );
  for (const c of [none.comparisons.find((c) => c.a === 'filter-16-pos')!, none.claim, none.row])
    assert.equal(c.withheld, 'control failed');
  // A gate handed the controls of other datasets only withholds a task whose control it never judged.
  assert.equal(controlGate([], STUDY.controls)({ dataset: 'relation', a: 'x', b: 'y' } as never)?.kind, 'control not judged');
  assert.equal(controlGate([], STUDY.controls)({ dataset: 'mnist', a: 'x', b: 'y' } as never), undefined);
  // A control at 100% on every seed has the test set's binomial bound, never "± 0".
  const perfect = checkControls(runs('channel-pooled', 'appearance', [1, 1, 1]), STUDY.controls)[0];
  assert.equal(perfect.pass, true);
  assert.equal(perfect.judged, 'bound');
  assert.equal(perfect.mean, 1);
  assert.equal(perfect.interval, 'binomial');
  assert.ok(perfect.lower! > 0.999 && perfect.lower! < 1, `lower bound ${perfect.lower}`);
  assert.equal(perfect.threshold, perfect.control.threshold().value);
  // The style task's positive control: cnn-deep must learn the rule, not merely beat chance.
  assert.equal(checkControls(runs('cnn-deep', 'cooccurrence', [0.99, 0.992, 0.985]), STUDY.controls)[0].pass, true);
  const chance = checkControls(runs('cnn-deep', 'cooccurrence', [0.47, 0.5, 0.48]), STUDY.controls)[0];
  assert.deepEqual([chance.pass, chance.judged, chance.interval], [false, 'bound', 'seeds']);
  assert.ok(Math.abs(chance.mean! - 0.4833) < 1e-4 && chance.lower! < chance.mean!);
  // Every declared control is planned by the controls suite, so every suite can read it there.
  const planned = planSuite(STUDY, 'controls', { preset: 'standard' });
  for (const c of STUDY.controls)
    assert.ok(
      planned.some((p) => p.config.name === c.model && p.config.dataset.name === c.dataset),
      `${c.model} on ${c.dataset}`,
    );
});
