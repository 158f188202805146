/**
 * The statistics behind every verdict: paired comparisons by seed against a closed
 * form, Holm's correction, the interval when seeds agree exactly, no verdict from one
 * seed, and the gates: unconverged runs and failed controls give no verdict.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { checkControls, controlGate } from '../lib/analysis/claims/controls';
import {
  aggregate,
  blockVariance,
  cochranCritical,
  compareFamily,
  formatPaired,
  formatPct,
  holm,
  pairedDifference,
  signTest,
  successRate,
  testSetVariance,
  tQuantile975,
} from '../lib/analysis/statistics';
import { relationPositionBaseline } from '../lib/data/diagnostic';
import { judgeFamily } from '../lib/analysis/claims/claim';
import type { RunRecord } from '../lib/results/record';
import { runRecord } from './helpers/records';
import type { Expectation } from '../lib/experiments/study';
import { STUDY } from '../study';

// A test set so large that its own binomial error vanishes: the closed forms below are the seeds' alone. The test
// set's term has its own test (testSetVariance) with the helper's 10,000 images.
const rec = (name: string, dataset: string, seed: number, acc: number, converged = true, test = 1e12): RunRecord => {
  const r = runRecord(name, dataset, seed, acc, { converged });
  return { ...r, sizes: { ...r.sizes, test } };
};
const runs = (name: string, dataset: string, accs: number[], converged = true, test = 1e12): RunRecord[] =>
  accs.map((a, s) => rec(name, dataset, s, a, converged, test));

test("paired difference by seed equals the closed form of Student's t with 2 degrees of freedom", () => {
  // d = (0.02, 0.01, 0.04): mean 0.02333, sd 0.015275, t = mean / (sd/√3) = 2.6458.
  const c = pairedDifference(runs('a', 'mnist', [0.9, 0.92, 0.95]), runs('b', 'mnist', [0.88, 0.91, 0.91]));
  const t = 0.0233333 / (0.0152753 / Math.sqrt(3));
  // For 2 df, P(|T| > t) = 1 − t / √(2 + t²): no table, no library.
  assert.ok(Math.abs(c.p - (1 - t / Math.sqrt(2 + t * t))) < 1e-5, `p ${c.p}`);
  assert.ok(Math.abs(c.diff - 0.0233333) < 1e-6);
  assert.ok(Math.abs(c.ci95 - (4.302653 * 0.0152753) / Math.sqrt(3)) < 1e-6);
  assert.equal(c.interval, 'seeds');
  // Pairing matters: the same numbers unpaired (shuffled seeds) give another difference of seeds.
  const shuffled = pairedDifference(runs('a', 'mnist', [0.9, 0.92, 0.95]), [
    rec('b', 'mnist', 0, 0.91),
    rec('b', 'mnist', 1, 0.91),
    rec('b', 'mnist', 2, 0.88),
  ]);
  assert.notEqual(shuffled.ci95.toFixed(6), c.ci95.toFixed(6));
});

test('the interval pools the residual spread of every model on the dataset (models × seeds as a block design), as its closed form gives', () => {
  // Three models × three seeds. The additive model (model + seed) leaves residuals whose squares sum to 4/9000,
  // over (3 − 1)(3 − 1) = 4 df: MSE = 1/9000. a − b: d = 0.02333, se = √(2·MSE/3), t = d / se.
  const recs = [
    ...runs('a', 'mnist', [0.9, 0.92, 0.95]),
    ...runs('b', 'mnist', [0.88, 0.91, 0.91]),
    ...runs('c', 'mnist', [0.8, 0.8, 0.83]),
  ];
  const [c] = compareFamily(recs, [{ dataset: 'mnist', a: 'a', b: 'b' }]);
  const se = Math.sqrt((2 * (1 / 9000)) / 3);
  const t = 0.0233333 / se;
  assert.equal(c.interval, 'block');
  assert.deepEqual(c.pooled, { models: 3 });
  assert.ok(Math.abs(c.df - 4) < 1e-6, `df ${c.df}`);
  // For 4 df, P(|T| > t) = 1 − t(t² + 6) / (t² + 4)^{3/2}: no table, no library.
  assert.ok(Math.abs(c.p - (1 - (t * (t * t + 6)) / (t * t + 4) ** 1.5)) < 1e-5, `p ${c.p}`);
  assert.ok(Math.abs(c.ci95 - 2.776445 * se) < 1e-6, `ci ${c.ci95}`);
  assert.match(formatPaired(c), /spread pooled over 3 models, 4 df/);
  // The pair alone has 2 df: a wider interval for the same difference.
  assert.ok(pairedDifference(recs.slice(0, 3), recs.slice(3, 6)).ci95 > 1.5 * c.ci95);
  // A model with a seed missing, or two runs on one seed, is not part of the block; a pair's own seeds are the block's.
  const [partial] = compareFamily([...recs, ...runs('x', 'mnist', [0.7, 0.71])], [{ dataset: 'mnist', a: 'a', b: 'b' }]);
  assert.deepEqual([partial.pooled, Math.round(partial.df)], [{ models: 3 }, 4]);
  const [two] = compareFamily(recs.slice(0, 6), [{ dataset: 'mnist', a: 'a', b: 'b' }]);
  assert.equal(two.interval, 'seeds', 'two models have no more df than the pair');
});

test('a pair whose own spread is far larger than the pooled one keeps its own interval', () => {
  // Twelve steady models and one that swings by 30 points between seeds.
  const steady = Array.from({ length: 12 }, (_, i) =>
    runs(`m${i}`, 'mnist', [0.9 + i / 1000, 0.9 + i / 1000 + ((i % 3) - 1) / 10000, 0.9 + i / 1000]),
  );
  const recs = [...steady.flat(), ...runs('wild', 'mnist', [0.6, 0.9, 0.7])];
  const [c] = compareFamily(recs, [{ dataset: 'mnist', a: 'm0', b: 'wild' }]);
  assert.equal(c.interval, 'seeds');
  const [d] = compareFamily(recs, [{ dataset: 'mnist', a: 'm0', b: 'm1' }]);
  assert.equal(d.interval, 'block');
});

test("Cochran's C critical values match the published table (Cochran 1941; ISO 5725-2)", () => {
  // k variances of n values each: α = 0.01, n = 3 for k = 3…7, and α = 0.05, n = 2, k = 5.
  const table: [number, number, number, number][] = [
    [0.01, 3, 3, 0.9423],
    [0.01, 3, 4, 0.8643],
    [0.01, 3, 5, 0.7885],
    [0.01, 3, 6, 0.7218],
    [0.01, 3, 7, 0.6644],
    [0.05, 2, 5, 0.8412],
  ];
  for (const [alpha, n, k, c] of table)
    assert.ok(
      Math.abs(cochranCritical(alpha, n, k) - c) < 1e-4,
      `α ${alpha}, n ${n}, k ${k}: ${cochranCritical(alpha, n, k)} against ${c}`,
    );
});

test("a model whose spread is an outlier among the models' is set apart from the pool (Cochran's C), and its own pairs keep their own interval", () => {
  // The relation task's shape: five models near 100% that vary by a tenth of a point, and one
  // on a plateau halfway that varies by points between seeds. Pooled with it, every pair's
  // interval would be about ten times too wide.
  const top = [
    [0.9995, 0.9985, 0.999],
    [1, 1, 0.9985],
    [0.999, 0.9975, 1],
    [0.9975, 0.999, 0.9995],
    [0.999, 0.994, 0.998],
  ];
  const steady = top.flatMap((accs, i) => runs(`m${i}`, 'relation', accs));
  const recs = [...steady, ...runs('plateau', 'relation', [0.5285, 0.509, 0.5415])];
  const block = blockVariance(recs, 'relation', [0, 1, 2])!;
  assert.deepEqual(block.setApart, ['plateau']);
  assert.deepEqual([block.models, block.df], [5, 8]);
  // The pool is the block of the five alone, as its closed form gives.
  const alone = blockVariance(steady, 'relation', [0, 1, 2])!;
  assert.deepEqual(alone.setApart, []);
  assert.ok(Math.abs(block.mse - alone.mse) < 1e-15);
  const [c] = compareFamily(recs, [{ dataset: 'relation', a: 'm0', b: 'm4' }]);
  assert.equal(c.interval, 'block');
  assert.ok(Math.abs(c.ci95 - tQuantile975(8) * Math.sqrt((2 * alone.mse) / 3)) < 1e-9, `ci ${c.ci95}`);
  assert.match(formatPaired(c), /spread pooled over 5 models \(set apart: plateau\), 8 df/);
  // Without the screen, the plateau's spread would swamp the pool (the unscreened mean square, by hand).
  const rows = [...top, [0.5285, 0.509, 0.5415]];
  const g = rows.flat().reduce((x, y) => x + y, 0) / 18;
  const rm = rows.map((r) => (r[0] + r[1] + r[2]) / 3);
  const cm = [0, 1, 2].map((j) => rows.reduce((x, r) => x + r[j], 0) / 6);
  const unscreened = rows.reduce((ss, r, i) => ss + r.reduce((t, y, j) => t + (y - rm[i] - cm[j] + g) ** 2, 0), 0) / 10;
  assert.ok(unscreened > 10 * alone.mse, `${unscreened} against ${alone.mse}`);
  // The plateau's own pairs read their own seeds.
  const [p] = compareFamily(recs, [{ dataset: 'relation', a: 'plateau', b: 'm0' }]);
  assert.equal(p.interval, 'seeds');
  // Spreads that differ only as three seeds' spreads do set nothing apart (the MNIST-like block above).
  const even = blockVariance(
    [...runs('a', 'mnist', [0.9, 0.92, 0.95]), ...runs('b', 'mnist', [0.88, 0.91, 0.91]), ...runs('c', 'mnist', [0.8, 0.8, 0.83])],
    'mnist',
    [0, 1, 2],
  )!;
  assert.deepEqual(even.setApart, []);
});

test('a comparison waits for every planned seed: two seeds of three give no verdict, even when they agree', () => {
  const recs = [...runs('a', 'mnist', [0.95, 0.951]), ...runs('b', 'mnist', [0.9, 0.901])];
  const [early] = compareFamily(recs, [{ dataset: 'mnist', a: 'a', b: 'b' }], { planned: [0, 1, 2] });
  assert.equal(early.verdict, 'no verdict');
  assert.equal(early.withheld, 'seeds pending');
  const [done] = compareFamily(recs, [{ dataset: 'mnist', a: 'a', b: 'b' }], { planned: [0, 1] });
  assert.equal(done.verdict, 'higher');
});

test("Holm's step-down correction", () => {
  assert.deepEqual(
    holm([0.01, 0.04, 0.03, 0.5]).map((p) => +p.toFixed(6)),
    [0.04, 0.09, 0.09, 0.5],
  );
  const h = holm([0.2, NaN, 0.01]);
  assert.ok(Number.isNaN(h[1]));
  assert.deepEqual(
    [h[0], h[2]].map((p) => +p.toFixed(6)),
    [0.2, 0.02],
  );
});

test('seeds that agree exactly give the test set\'s binomial interval, never "± 0"', () => {
  const c = pairedDifference(runs('a', 'relation', [1, 1, 1], true, 10_000), runs('b', 'relation', [0.99, 0.99, 0.99], true, 10_000));
  assert.equal(c.interval, 'binomial');
  assert.ok(c.ci95 > 0.001 && c.ci95 < 0.01, `${c.ci95}`);
  const same = pairedDifference(runs('a', 'relation', [1, 1, 1], true, 10_000), runs('b', 'relation', [1, 1, 1], true, 10_000));
  assert.ok(same.ci95 > 0, 'two models at 100% still have an interval');
  const [v] = compareFamily(
    [...runs('a', 'relation', [1, 1, 1]), ...runs('b', 'relation', [1, 1, 1])],
    [{ dataset: 'relation', a: 'a', b: 'b' }],
  );
  assert.equal(v.verdict, 'indistinguishable');
});

test('a group whose seeds agree exactly shows the binomial interval, not "± 0.00"', () => {
  const [g] = aggregate(runs('a', 'relation', [1, 1, 1], true, 10_000));
  assert.equal(g.interval, 'binomial');
  assert.ok(g.ci95 > 0);
  assert.doesNotMatch(formatPct(g), /± 0\.00/);
  assert.match(formatPct(g), /binomial/);
});

test('no verdict from one seed, and none when a run did not converge', () => {
  const one = compareFamily([...runs('a', 'mnist', [0.9]), ...runs('b', 'mnist', [0.5])], [{ dataset: 'mnist', a: 'a', b: 'b' }]);
  assert.equal(one[0].verdict, 'no verdict');
  assert.equal(one[0].withheld, 'one seed');
  const recs = [...runs('a', 'mnist', [0.9, 0.91, 0.92]), ...runs('b', 'mnist', [0.5, 0.52, 0.51])];
  assert.equal(compareFamily(recs, [{ dataset: 'mnist', a: 'a', b: 'b' }])[0].verdict, 'higher');
  recs[4] = rec('b', 'mnist', 1, 0.52, false); // one run of b stopped at its cap, still improving
  const gated = compareFamily(recs, [{ dataset: 'mnist', a: 'a', b: 'b' }]);
  assert.equal(gated[0].verdict, 'no verdict');
  assert.equal(gated[0].withheld, 'not converged');
});

test('Holm withholds a verdict that a single test would give', () => {
  // Two comparisons, each with d = (0.02, 0.03, 0.04): t = 5.196, p = 1 − t/√(2 + t²) = 0.035 alone,
  // 0.070 after Holm over the two.
  const recs = [
    ...runs('a', 'mnist', [0.92, 0.93, 0.94]),
    ...runs('b', 'mnist', [0.9, 0.9, 0.9]),
    ...runs('c', 'fashion-mnist', [0.82, 0.83, 0.84]),
    ...runs('d', 'fashion-mnist', [0.8, 0.8, 0.8]),
  ];
  const fam = compareFamily(recs, [
    { dataset: 'mnist', a: 'a', b: 'b' },
    { dataset: 'fashion-mnist', a: 'c', b: 'd' },
  ]);
  for (const c of fam) {
    assert.ok(Math.abs(c.p - 0.0351) < 1e-3 && c.p < 0.05, `p ${c.p}`);
    assert.ok(Math.abs(c.pHolm - 0.0702) < 2e-3, `Holm p ${c.pHolm}`);
    assert.equal(c.verdict, 'indistinguishable');
  }
  // Alone, the same comparison is a verdict.
  assert.equal(compareFamily(recs, [{ dataset: 'mnist', a: 'a', b: 'b' }])[0].verdict, 'higher');
  // A comparison still to come counts in the family at p = 1, so the verdict waits for it
  // (its p may be small); one that will never be tested (here, a run that did not converge) does not.
  const fashionLater = recs.filter((r) => r.name !== 'd');
  const waiting = compareFamily(fashionLater, [
    { dataset: 'mnist', a: 'a', b: 'b' },
    { dataset: 'fashion-mnist', a: 'c', b: 'd' },
  ]);
  assert.equal(waiting[1].pending, true);
  assert.equal(waiting[1].withheld, 'missing runs');
  assert.ok(Math.abs(waiting[0].pHolm - 0.0702) < 2e-3, `Holm p ${waiting[0].pHolm}`);
  assert.equal(waiting[0].verdict, 'indistinguishable');
  const seedLater = compareFamily(
    recs.filter((r) => !(r.name === 'd' && r.seed === 2)),
    [
      { dataset: 'mnist', a: 'a', b: 'b' },
      { dataset: 'fashion-mnist', a: 'c', b: 'd' },
    ],
    { planned: [0, 1, 2] },
  );
  assert.equal(seedLater[1].pending, true);
  assert.equal(seedLater[0].verdict, 'indistinguishable');
  const blockLater = compareFamily(
    recs,
    [
      { dataset: 'mnist', a: 'a', b: 'b' },
      { dataset: 'fashion-mnist', a: 'c', b: 'd' },
    ],
    {
      incomplete: (p) =>
        p.dataset === 'fashion-mnist' ? { kind: 'block pending', reason: 'the rest of its block not in yet' } : undefined,
    },
  );
  assert.equal(blockLater[1].pending, true);
  assert.equal(blockLater[1].withheld, 'block pending');
  assert.equal(blockLater[1].verdict, 'no verdict');
  assert.equal(blockLater[0].verdict, 'indistinguishable');
  const never = compareFamily(
    [...recs.filter((r) => !(r.name === 'd' && r.seed === 0)), rec('d', 'fashion-mnist', 0, 0.8, false)],
    [
      { dataset: 'mnist', a: 'a', b: 'b' },
      { dataset: 'fashion-mnist', a: 'c', b: 'd' },
    ],
  );
  assert.equal(never[1].pending, undefined);
  assert.equal(never[0].verdict, 'higher');
  // The claims' margin tests count it the same way.
  const expects: Expectation[] = ['higher', 'higher'];
  const fam2 = compareFamily(recs, [
    { dataset: 'mnist', a: 'a', b: 'b' },
    { dataset: 'fashion-mnist', a: 'c', b: 'd' },
  ]);
  const alone = judgeFamily([fam2[0]], ['higher'])[0];
  assert.ok(
    Math.abs(judgeFamily([fam2[0], { ...fam2[1], reason: 'missing runs', pending: true }], expects)[0].pHolm - 2 * alone.pHolm) < 1e-12,
  );
  assert.equal(judgeFamily([fam2[0], { ...fam2[1], reason: 'not converged at this preset: no verdict' }], expects)[0].pHolm, alone.pHolm);
});

test("a failed control makes its task's comparisons inconclusive; a passing one lets them through", () => {
  const base = relationPositionBaseline().square;
  const others = [...runs('channel-full', 'relation', [0.95, 0.96, 0.97]), ...runs('channel-pooled', 'relation', [0.3, 0.31, 0.29])];
  const failing = checkControls([...others, ...runs('spatial-full', 'relation', [0.3, 0.31, 0.3])], STUDY.controls); // at chance: the control failed
  assert.equal(failing[0].pass, false);
  const c1 = compareFamily(others, [{ dataset: 'relation', a: 'channel-full', b: 'channel-pooled' }], {
    blocked: controlGate(failing, STUDY.controls),
  });
  assert.equal(c1[0].verdict, 'no verdict');
  assert.equal(c1[0].withheld, 'control failed');
  const passing = checkControls([...others, ...runs('spatial-full', 'relation', [base + 0.4, base + 0.41, base + 0.42])], STUDY.controls);
  assert.equal(passing[0].pass, true, passing[0].detail);
  const c2 = compareFamily(others, [{ dataset: 'relation', a: 'channel-full', b: 'channel-pooled' }], {
    blocked: controlGate(passing, STUDY.controls),
  });
  assert.equal(c2[0].verdict, 'higher');
  // Above chance but not above one shape's position: still a failed control.
  const weak = checkControls([...others, ...runs('spatial-full', 'relation', [base - 0.02, base - 0.01, base - 0.015])], STUDY.controls);
  assert.equal(weak[0].pass, false);
});

test("every interval counts the test set's own sampling error, which more seeds on the same images do not shrink", () => {
  // d = (0.02, 0.01, 0.04) as above, on 2,000 shared test images: se² = sd²/3 + p̄a(1 − p̄a)/n + p̄b(1 − p̄b)/n (plus-four),
  // with Welch–Satterthwaite's df = se⁴ / ((sd²/3)² / 2).
  const n = 2000;
  const c = pairedDifference(runs('a', 'relation', [0.9, 0.92, 0.95], true, n), runs('b', 'relation', [0.88, 0.91, 0.91], true, n));
  const p4 = (p: number): number => (p * n + 2) / (n + 4);
  const tv = (p: number): number => (p4(p) * (1 - p4(p))) / (n + 4);
  const seeds = 0.0152753 ** 2 / 3;
  const v = seeds + tv(0.9233333) + tv(0.9);
  assert.ok(Math.abs(c.se - Math.sqrt(v)) < 1e-6, `se ${c.se} against ${Math.sqrt(v)}`);
  assert.ok(Math.abs(c.df - (v * v) / (seeds ** 2 / 2)) < 1e-3, `df ${c.df}`);
  assert.ok(Math.abs(c.ci95 - tQuantile975(c.df) * Math.sqrt(v)) < 1e-6);
  assert.ok(Math.abs(testSetVariance(0.9, n) - tv(0.9)) < 1e-15);
  // Five seeds with the same spread narrow the seeds' term; the test set's stays whole.
  const five = pairedDifference(
    runs('a', 'relation', [0.9, 0.92, 0.95, 0.9, 0.92], true, n),
    runs('b', 'relation', [0.88, 0.91, 0.91, 0.88, 0.91], true, n),
  );
  assert.ok(five.se ** 2 > tv(0.918) + tv(0.898), 'the test-set term shrank with the seeds');
  // A group's interval counts it too.
  const [g] = aggregate(runs('a', 'relation', [0.9, 0.92, 0.95], true, n));
  const gv = 0.0251661 ** 2 / 3 + tv(0.9233333);
  assert.ok(Math.abs(g.ci95 - tQuantile975((gv * gv) / ((0.0251661 ** 2 / 3) ** 2 / 2)) * Math.sqrt(gv)) < 1e-5, `group ci ${g.ci95}`);
});

test('the sign test over paired seeds, said when every seed goes one way; the success rate with its exact interval', () => {
  assert.deepEqual(signTest([0.04, 0.35, 0.1, 0.2, 0.05]), { same: 5, of: 5, p: 0.0625 });
  assert.deepEqual(signTest([0.04, -0.35, 0.1, 0.2, 0.05]), { same: 4, of: 5, p: 0.375 });
  assert.equal(signTest([0.1, -0.1]).p, 1);
  const c = pairedDifference(
    runs('a', 'cooccurrence', [0.685, 0.96, 0.976, 0.9, 0.99], true, 2000),
    runs('b', 'cooccurrence', [0.645, 0.61, 0.7, 0.62, 0.64], true, 2000),
  );
  assert.match(formatPaired({ ...c, pHolm: c.p, verdict: 'higher' }), /a above on all 5 paired seeds \(sign test p = 0\.0625\)/);
  const tie = pairedDifference(
    runs('a', 'cooccurrence', [0.685, 0.96, 0.976, 0.9, 0.99, 0.7], true, 2000),
    runs('b', 'cooccurrence', [0.645, 0.61, 0.7, 0.62, 0.64, 0.7], true, 2000),
  );
  assert.match(
    formatPaired({ ...tie, pHolm: tie.p, verdict: 'higher' }),
    /a above on all 5 paired seeds that differ \(1 tie\) \(sign test p = 0\.0625\)/,
  );
  // Three seeds can never make the sign test say much (p ≥ 0.25): it is left unsaid.
  const three = pairedDifference(
    runs('a', 'cooccurrence', [0.685, 0.96, 0.976], true, 2000),
    runs('b', 'cooccurrence', [0.645, 0.61, 0.7], true, 2000),
  );
  assert.doesNotMatch(formatPaired({ ...three, pHolm: three.p, verdict: 'higher' }), /sign test/);
  const mixed = pairedDifference(
    runs('a', 'cooccurrence', [0.6, 0.96, 0.976], true, 2000),
    runs('b', 'cooccurrence', [0.645, 0.61, 0.7], true, 2000),
  );
  assert.doesNotMatch(formatPaired({ ...mixed, pHolm: mixed.p, verdict: 'indistinguishable' }), /sign test/);
  // Clopper–Pearson for 2 of 5: (0.0527, 0.8534), as published tables give.
  const s = successRate([0.685, 0.96, 0.5, 0.6, 0.976], 0.9);
  assert.deepEqual([s.k, s.n], [2, 5]);
  assert.ok(Math.abs(s.lo - 0.0527) < 1e-4 && Math.abs(s.hi - 0.8534) < 1e-4, `${s.lo} ${s.hi}`);
  assert.deepEqual(successRate([0.95, 0.96], 0.9).hi, 1);
  assert.deepEqual(successRate([0.5, 0.6], 0.9).lo, 0);
});
