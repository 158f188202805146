/**
 * Claims are checks. The report's prose is written by a person; each statement it
 * makes about the results sits beside a cell that checks it against the store:
 *
 *   const claim = claimsOver(STUDY, records, PRESET, [...comparisons the prose reads]);
 *   claim.higher('channel-full', 'spatial-full', 'relation');
 *
 * Under a preset that gives verdicts (standard, full), a check that the store does
 * not support throws ClaimNotSupported: the notebook stops there, loudly, and the
 * prose must be rewritten. That includes a claim whose runs are missing, did not
 * converge, whose control failed or whose models failed sanity (sanity.ts). Under a
 * preset that gives no verdicts (smoke, quick), nothing can be claimed, and a check
 * says so without failing.
 *
 * The comparisons the prose reads are one family, Holm-corrected together, paired by
 * seed and gated on convergence, controls and sanity (lib/analysis/statistics.ts).
 */
import { type ComparisonRef, type Expectation, type ExpectationRef, runPreset, type RunPresetName, type Study } from '../../experiments';
import type { RunRecord } from '../../results/record';
import { blockGate, compareFamily, formatPaired, gates, holm, holmP, type Paired, upperTail } from '../statistics';
import { controlGate, type ControlResult, controlsOf } from './controls';
import { type SanityStatus, sanityFor, sanityGate, trainFitText } from './sanity';

export type ClaimStatus = 'holds' | 'does not hold' | 'not settled';

/**
 * A check of the prose that the store no longer supports. `check` is the check as the store judges it now,
 * and `now` what it says instead of the prose: a status, or 'no verdict' where the comparison is withheld
 * (its `check.comparison.withheld` says why). The message is the same in words.
 */
export class ClaimNotSupported extends Error {
  constructor(
    message: string,
    readonly check?: ClaimCheck,
    readonly now?: ClaimStatus | 'no verdict',
  ) {
    super(message);
    this.name = 'ClaimNotSupported';
  }
}

export interface ClaimCheck {
  /** The claim in words. */
  statement: string;
  status: ClaimStatus;
  /** The numbers behind it, in words. */
  evidence: string;
  /** The comparison the check reads, with its numbers (checks of one comparison: not a control's or a sanity pair's). */
  comparison?: Paired;
  /** False under a preset that gives no verdicts (smoke, quick): the check shows its numbers and claims nothing. */
  claimed: boolean;
}

/** A check as a table row: its words, status and evidence (the numbers stay on the check, for code and tests). */
export function checkRow({ statement, status, evidence }: ClaimCheck): { statement: string; status: ClaimStatus; evidence: string } {
  return { statement, status, evidence };
}

/**
 * The gap a claim is about. A claim is tested against it, not against zero: "channel tokens
 * cannot see where things are" or "keeps the strengths of both" speak of points of accuracy,
 * not of tenths, and "not lower" or "the same" can only be shown up to some margin. One
 * point is about twice the 95% half-width of one MNIST comparison over three seeds (0.52 pp
 * with the spread pooled), so three seeds can settle a claim either way. Fixed on 2026-11-28,
 * before the answer's runs on the diagnostic tasks and of the learned-map arms were in the
 * store (the recipe sweep's few runs on the relation task were).
 */
export const MARGIN = 0.01;

/** The expectation in words, ending in its preposition: "more than 1 pp lower than". */
export function expectationWords(e: Expectation, margin = MARGIN): string {
  const m = `${+(100 * margin).toFixed(2)} pp`;
  return {
    higher: `more than ${m} higher than`,
    lower: `more than ${m} lower than`,
    'not lower': `no more than ${m} lower than`,
    indistinguishable: `within ${m} of`,
  }[e];
}

/**
 * An expectation tested against the margin: the test that shows it (pHolds) and the one
 * that shows its opposite (pFails), on the pair's t (or normal) distribution. Each side is
 * tested at half the level, as a two-sided test is: when the truth sits on the margin, both
 * conclusions are wrong, and together they must not err more often than the level. (For a
 * "no more than 1 pp lower" claim this is the usual one-sided 2.5% of a non-inferiority test.)
 * At most one can be small; the smaller is the expectation's p-value in its Holm family.
 */
export function judge(c: Paired, e: Expectation, margin = MARGIN): { pHolds: number; pFails: number } {
  const tail = (x: number): number => Math.min(1, 2 * upperTail(x / c.se, c.df));
  const [lo, hi] = [c.diff + margin, c.diff - margin]; // the estimate's distance above −m, and above +m
  if (e === 'higher') return { pHolds: tail(hi), pFails: tail(-hi) };
  if (e === 'lower') return { pHolds: tail(-lo), pFails: tail(lo) };
  if (e === 'not lower') return { pHolds: tail(lo), pFails: tail(-lo) };
  // Within ±m: both one-sided tests (TOST); outside it: either side, each at a quarter of the level.
  return { pHolds: Math.max(tail(lo), tail(-hi)), pFails: Math.min(1, 2 * Math.min(tail(-lo), tail(hi))) };
}

export interface Judgement {
  status: ClaimStatus;
  /** The decisive p-value, before and after Holm over the family (NaN when there is nothing to test). */
  p: number;
  pHolm: number;
}

/**
 * A family of expectations, Holm-corrected together: each holds or does not hold only when
 * its decisive test survives the correction; a comparison without a verdict is not settled.
 * One whose runs are still to come counts in the family's size at p = 1 (holmP), so that a
 * verdict reached now stands when they arrive; one that will never be tested (unconverged,
 * a failed control or sanity check) is not counted.
 */
export function judgeFamily(cs: Paired[], expects: Expectation[], alpha = 0.05, margin = MARGIN): Judgement[] {
  const tested = cs.map((c, i) => (c.reason || !(c.se > 0) ? undefined : judge(c, expects[i], margin)));
  const ps = tested.map((t) => (t ? Math.min(t.pHolds, t.pFails) : NaN));
  const adjusted = holm(cs.map((c, i) => holmP({ ...c, p: ps[i] })));
  return tested.map((t, i) => {
    let status: ClaimStatus = !t || !(adjusted[i] < alpha) ? 'not settled' : t.pHolds < t.pFails ? 'holds' : 'does not hold';
    if (status !== 'not settled' && !showsUnderfitLower(cs[i], expects[i], status, margin)) status = 'not settled';
    return { status, p: ps[i], pHolm: t ? adjusted[i] : NaN };
  });
}

/**
 * Whether a settled expectation on a pair with an arm that did not learn (Paired.underfit) says only that
 * the arm is lower, by more than the margin: the one reading such runs support. "a not lower than b" that
 * does not hold, or "a lower than b" that holds, say that; "a not lower" holding, or parity, do not.
 */
export function showsUnderfitLower(c: Pick<Paired, 'underfit' | 'diff'>, e: Expectation, status: ClaimStatus, margin = MARGIN): boolean {
  if (!c.underfit) return true;
  const lowerSide = c.underfit.arm === 'a' ? c.diff < -margin : c.diff > margin;
  if (!lowerSide) return false;
  // The settled statuses that assert the underfit arm is lower by more than the margin.
  return c.underfit.arm === 'a'
    ? (e === 'lower' && status === 'holds') || (e === 'not lower' && status === 'does not hold')
    : e === 'higher' && status === 'holds';
}

/** The numbers behind a judged expectation: the difference and its interval, and the decisive test after Holm. */
export function judgedEvidence(c: Paired, e: Expectation, j: Judgement): string {
  const why =
    j.status !== 'not settled' || !Number.isFinite(j.pHolm) ? '' : `, too uncertain to decide at ±${+(100 * MARGIN).toFixed(2)} pp`;
  return `${c.a} − ${c.b} on ${c.dataset} (expected ${expectationWords(e).replace(/ (than|of)$/, '')}): ${j.status}${why}, ${formatPaired({ ...c, pHolm: j.pHolm })}`;
}

const key = (c: ComparisonRef): string => `${c.dataset}\u0000${c.a}\u0000${c.b}`;

export interface Claims {
  /** The family's comparisons, for a table. */
  family: Paired[];
  /**
   * Every declared expectation as the store judges it now, in the family's order; never throws.
   * For a family declared before its runs are in (a pre-registration): its table shows what the
   * store says, and the prose and the checks that hold the page to it come once the runs are in.
   */
  declared: ClaimCheck[];
  controls: ControlResult[];
  /** The paired comparison behind a claim (it must be in the family). */
  comparison(a: string, b: string, dataset: string): Paired;
  /** a − b as declared in the family; throws ClaimNotSupported under a verdict-giving preset when it does not hold. */
  expect(a: string, b: string, dataset: string, expectation: Expectation): ClaimCheck;
  higher(a: string, b: string, dataset: string): ClaimCheck;
  lower(a: string, b: string, dataset: string): ClaimCheck;
  notLower(a: string, b: string, dataset: string): ClaimCheck;
  /** Within the margin, shown by both one-sided tests after Holm. */
  parity(a: string, b: string, dataset: string): ClaimCheck;
  /**
   * The declared expectation of a − b does not hold: the seeds show the opposite, after Holm.
   * For prose that reports an expectation declared before its runs and contradicted by them;
   * it throws under a verdict-giving preset once the store no longer shows that.
   */
  refuted(a: string, b: string, dataset: string): ClaimCheck;
  /**
   * The seeds cannot tell the declared expectation of a − b either way: every run is in and
   * converged, and the margin test settles nothing. For prose that says "we cannot tell yet";
   * it throws under a verdict-giving preset once the store does settle it, or lacks the runs.
   */
  undecided(a: string, b: string, dataset: string): ClaimCheck;
  /**
   * The comparison gets no verdict (a run missing or not converged, a failed control or
   * sanity check), and the check says why. For prose that says "no verdict": under a
   * verdict-giving preset it throws once the store gives one, so the prose must change.
   */
  withheld(a: string, b: string, dataset: string): ClaimCheck;
  /** The named control passed. */
  control(model: string, dataset: string): ClaimCheck;
  /** The sanity pair superset ⊇ subset on `dataset` reads as `says` (sanity.ts), for prose that states how it reads. */
  sanity(superset: string, subset: string, dataset: string, says: SanityStatus): ClaimCheck;
}

/**
 * Where claims read their runs: a suite's records, and the runs that decide its tasks'
 * controls (a SuiteView has both). A control is a fact of the store, not of one suite:
 * learned-maps plans no spatial-full, yet its relation comparisons rest on that control.
 */
export interface ClaimSource {
  records: RunRecord[];
  controlRecords: RunRecord[];
  /** The seeds the plan has (a SuiteView's); else the preset's. */
  seeds?: number[];
  /** The suite and its planned runs not in yet (a SuiteView's): a dataset's comparisons wait for the rest of its block. */
  suite?: string;
  missing?: { dataset: string }[];
}

/**
 * The claim checks over one preset's records. Given a bare array, the controls are read
 * from it too; given a suite view, from the view's controlRecords. `family` is every claim the prose makes of a
 * comparison, declared up front: Holm's correction counts them all, whichever cells run.
 */
export function claimsOver(study: Study, from: RunRecord[] | ClaimSource, preset: RunPresetName, family: ExpectationRef[]): Claims {
  // controlsOf reads a bare array's controls from the array itself.
  const source: Partial<ClaimSource> & Pick<ClaimSource, 'records'> = Array.isArray(from) ? { records: from } : from;
  const { records } = source;
  const controls = controlsOf(source, study.controls);
  const sane = sanityFor(records, study.supersets, family);
  const paired = compareFamily(records, family, {
    blocked: gates(controlGate(controls, study.controls), sanityGate(sane)),
    planned: source.seeds ?? runPreset(study, preset).seeds,
    incomplete: source.suite && source.missing ? blockGate(source.suite, source.missing) : undefined,
  });
  const judged = judgeFamily(
    paired,
    family.map((f) => f.expect),
  );
  const byKey = new Map(paired.map((p, i) => [key(p), i]));
  const verdicts = runPreset(study, preset).verdicts;
  // Under a preset that gives no verdicts, a check shows its numbers and claims nothing.
  const unclaimed = (c: ClaimCheck): ClaimCheck =>
    verdicts ? c : { ...c, status: 'not settled', evidence: `${c.evidence}; preset ${preset} gives no verdicts`, claimed: false };
  const settle = (c: ClaimCheck): ClaimCheck => {
    if (verdicts && c.status !== 'holds')
      throw new ClaimNotSupported(`the store no longer supports "${c.statement}": ${c.status} (${c.evidence})`, c, c.status);
    return unclaimed(c);
  };
  // Declared expectation i, as the store judges it.
  const judgedCheck = (i: number): ClaimCheck => {
    const f = family[i];
    return {
      statement: `${f.a} is ${expectationWords(f.expect)} ${f.b} on ${f.dataset}`,
      status: judged[i].status,
      evidence: judgedEvidence(paired[i], f.expect, judged[i]),
      comparison: paired[i],
      claimed: true,
    };
  };
  const index = (a: string, b: string, dataset: string): number => {
    const i = byKey.get(key({ dataset, a, b }));
    if (i === undefined)
      throw new Error(
        `claim on ${a} − ${b} (${dataset}) is not in the family this report declared; add it, so that Holm's correction counts it`,
      );
    return i;
  };
  const expect = (a: string, b: string, dataset: string, expectation: Expectation): ClaimCheck => {
    const i = index(a, b, dataset);
    if (family[i].expect !== expectation)
      throw new Error(
        `claim on ${a} − ${b} (${dataset}) is declared as '${family[i].expect}', not '${expectation}': Holm's family tests what is declared`,
      );
    return settle(judgedCheck(i));
  };
  /**
   * Prose that says a comparison is not settled: `opening` starts its statement, and
   * `changed` names what the store says instead once it no longer agrees (else undefined).
   */
  const notSettled = (
    a: string,
    b: string,
    dataset: string,
    opening: (c: Paired) => string,
    changed: (c: Paired, status: ClaimStatus) => { now: ClaimStatus | 'no verdict'; words: string } | undefined,
  ): ClaimCheck => {
    const i = index(a, b, dataset);
    const c = paired[i];
    const statement = `${opening(c)} ${a} is ${expectationWords(family[i].expect)} ${b} on ${dataset}`;
    const check: ClaimCheck = {
      statement,
      status: 'not settled',
      evidence: judgedEvidence(c, family[i].expect, judged[i]),
      comparison: c,
      claimed: true,
    };
    if (!verdicts) return unclaimed(check);
    const now = changed(c, judged[i].status);
    if (now)
      throw new ClaimNotSupported(
        `the store no longer supports "${statement}": ${now.words} (${check.evidence})`,
        { ...check, status: judged[i].status },
        now.now,
      );
    return check;
  };
  const undecided = (a: string, b: string, dataset: string): ClaimCheck =>
    notSettled(
      a,
      b,
      dataset,
      (c) => `${c.seeds.length || 'the'} seeds cannot tell whether`,
      (c, status) =>
        // Withheld is not undecided: missing or unconverged runs say nothing about what the seeds can tell.
        c.reason
          ? { now: 'no verdict', words: `no verdict (${c.reason})` }
          : status !== 'not settled'
            ? { now: status, words: `the seeds now tell: it ${status}` }
            : undefined,
    );
  const refuted = (a: string, b: string, dataset: string): ClaimCheck => {
    const c = judgedCheck(index(a, b, dataset));
    if (verdicts && c.status !== 'does not hold')
      throw new ClaimNotSupported(
        `the store no longer shows that "${c.statement}" does not hold: ${c.status} (${c.evidence})`,
        c,
        c.status,
      );
    return unclaimed(c);
  };
  const withheld = (a: string, b: string, dataset: string): ClaimCheck =>
    notSettled(
      a,
      b,
      dataset,
      () => 'the runs give no verdict on whether',
      (c, status) => (c.reason ? undefined : { now: status, words: `it gives one, ${status}` }),
    );
  return {
    family: paired,
    declared: family.map((_, i) => unclaimed(judgedCheck(i))),
    controls,
    comparison: (a, b, dataset) => paired[index(a, b, dataset)],
    expect,
    higher: (a, b, d) => expect(a, b, d, 'higher'),
    lower: (a, b, d) => expect(a, b, d, 'lower'),
    notLower: (a, b, d) => expect(a, b, d, 'not lower'),
    parity: (a, b, d) => expect(a, b, d, 'indistinguishable'),
    refuted,
    undecided,
    withheld,
    control: (model, dataset) => {
      const c = controls.find((x) => x.control.model === model && x.control.dataset === dataset);
      const statement = `the ${model} control on ${dataset} passes`;
      if (!c)
        return settle({
          statement,
          status: 'not settled',
          evidence: `no control result: ${model} has no runs on ${dataset}, or it is not a declared control`,
          claimed: true,
        });
      return settle({ statement, status: c.pass ? 'holds' : 'does not hold', evidence: c.detail, claimed: true });
    },
    sanity: (superset, subset, dataset, says) => {
      // Only pairs whose models the family reads are checked (sanityFor): a sentence on a pair is a sentence on its models.
      const s = sane.find((x) => x.pair.superset === superset && x.pair.subset === subset && x.dataset === dataset);
      const statement = `sanity of ${superset} ⊇ ${subset} on ${dataset} reads "${says}"`;
      if (!s)
        return settle({
          statement,
          status: 'not settled',
          evidence: `no sanity pair ${superset} ⊇ ${subset} with runs on ${dataset} among the family's models`,
          claimed: true,
        });
      return settle({
        statement,
        status: s.status === says ? 'holds' : 'does not hold',
        evidence: `${s.status}: test ${formatPaired(s.test)}; best train acc ${trainFitText(s)}`,
        claimed: true,
      });
    },
  };
}
