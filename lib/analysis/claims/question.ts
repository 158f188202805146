/**
 * The question came with its own analysis; each of its claims is tested here, one
 * row each, from converged runs only. A claim is a set of expectations on paired
 * comparisons (and, for cost, on the FLOPs the runs recorded): it holds when every
 * expectation is met, does not hold when one is contradicted, and is not settled
 * while any lacks a verdict (missing, unconverged, a failed control, a model that failed
 * sanity by fitting its training set worse, or a preset that gives no verdicts).
 */
import { type PlannedRun, planSuite, type QuestionClaim, runPreset, type RunPresetName, type Study } from '../../experiments';
import { costModel } from '../../models/cost';
import { distinctRuns, type RunRecord } from '../../results/record';
import { blockGate, compareFamily, gates, type Paired } from '../statistics';
import { ClaimNotSupported, type ClaimStatus, judgedEvidence, judgeFamily, type Judgement } from './claim';
import { checkControls, controlGate, datasetsOf } from './controls';
import { checkSanity, sanityGate } from './sanity';
import { missingRuns } from '../views';

export interface ClaimRow {
  claim: QuestionClaim;
  status: ClaimStatus;
  /** The numbers behind the verdict, one line per expectation. */
  evidence: string[];
  comparisons: Paired[];
  /** The verdict on each comparison, in the order of `comparisons` (the claim's status combines these and any cost check). */
  verdicts: ClaimStatus[];
  /** The arithmetic behind a cost claim, from the cost model (absent for claims without one). */
  cost?: {
    /** Forward FLOPs per image of the `cheaper` pair, a then b (NaN: not planned). */
    flops?: [number, number];
    /** Log-log slope of attention FLOPs in T over the `scales` runs (NaN: fewer than two sizes). */
    exponent?: number;
  };
}

/** Log-log slope of attention FLOPs in T over the matching runs (one per distinct T); NaN with fewer than two. */
export function attentionExponent(records: Pick<RunRecord, 'name' | 'T' | 'flops'>[], runs: RegExp): number {
  const pts = new Map<number, number>();
  for (const r of records) if (runs.test(r.name) && r.flops.attention > 0) pts.set(r.T, r.flops.attention);
  if (pts.size < 2) return NaN;
  const xs = [...pts.keys()].map(Math.log);
  const ys = [...pts.values()].map(Math.log);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  return xs.reduce((a, x, i) => a + (x - mx) * (ys[i] - my), 0) / xs.reduce((a, x) => a + (x - mx) ** 2, 0);
}

/**
 * Forward FLOPs per image of a model as a suite plans it on a dataset: a property of the
 * config (the cost model, the same numbers every run records), so it needs no run.
 */
function flopsOf(planned: PlannedRun[], name: string, dataset: string): number {
  const run = planned.find((p) => p.config.name === name && p.config.dataset.name === dataset);
  return run ? costModel(run.config.model).flops.total : NaN;
}

/**
 * Every claim of the question, each read from its suite's runs (`recordsOf(suite)`,
 * labelled as that suite plans them); all accuracy expectations are one Holm family.
 */
export function questionClaims(study: Study, recordsOf: (suite: string) => RunRecord[], preset: RunPresetName): ClaimRow[] {
  const suites = [...new Set(study.claims.flatMap((c) => [c.experiment.suite, ...c.expects.flatMap((e) => (e.suite ? [e.suite] : []))]))];
  const refs = study.claims.flatMap((c) =>
    c.expects.map((e) => ({
      ...e,
      suite: e.suite ?? c.experiment.suite,
      records: recordsOf(e.suite ?? c.experiment.suite),
      extension: !!c.extension,
    })),
  );
  const all = distinctRuns(suites.flatMap(recordsOf));
  // Every control is planned by the controls suite, and is read there only: a suite that runs the same model on the
  // task under another recipe (hybrid-relation's spatial-full, with a disjoint validation set) is not the control.
  // The claims' datasets decide which controls are judged (a dataset with no control run fails its control).
  const forControls = recordsOf('controls');
  const controlResults = checkControls(forControls, study.controls, datasetsOf(all, forControls));
  // Sanity reads each suite apart: a model name is one config within a suite, not across suites.
  const sanity = new Map(suites.map((s) => [s, sanityGate(checkSanity(recordsOf(s), study.supersets))]));
  // Each suite's planned runs not in yet: a claim's comparison waits for the rest of its block (blockGate).
  const missing = new Map(suites.map((s) => [s, missingRuns(planSuite(study, s, { preset }), recordsOf(s))]));
  const family = compareFamily(all, refs, {
    blocked: gates<(typeof refs)[number]>(controlGate(controlResults, study.controls), (p) => sanity.get(p.suite)!(p)),
    planned: runPreset(study, preset).seeds,
    incomplete: (p) => blockGate(p.suite, missing.get(p.suite)!)(p),
  });
  const verdicts = runPreset(study, preset).verdicts;
  // Every expectation of the question's claims, tested against the margin, is one Holm family; the
  // workspace's extensions are another, so that adding one never moves a verdict on the question's words.
  const judged: Judgement[] = new Array(refs.length);
  for (const ext of [false, true]) {
    const at = refs.flatMap((r, i) => (r.extension === ext ? [i] : []));
    judgeFamily(
      at.map((i) => family[i]),
      at.map((i) => refs[i].expect),
    ).forEach((j, k) => (judged[at[k]] = j));
  }
  let k = 0;
  return study.claims.map((claim) => {
    const at = claim.expects.map(() => k++);
    const comparisons = at.map((i) => family[i]);
    const onComparisons: ClaimStatus[] = at.map((i) => judged[i].status);
    const statuses = [...onComparisons]; // and a cost check's, below
    const evidence = at.map((i) => judgedEvidence(family[i], refs[i].expect, judged[i]));
    // Cost is arithmetic on the configs the suite plans: it needs no run.
    const planned = claim.cheaper || claim.scales ? planSuite(study, claim.experiment.suite, { preset }) : [];
    const cost: NonNullable<ClaimRow['cost']> = {};
    if (claim.cheaper) {
      const on = claim.cheaper.dataset ?? claim.expects[0]?.dataset ?? 'mnist';
      const [fa, fb] = [flopsOf(planned, claim.cheaper.a, on), flopsOf(planned, claim.cheaper.b, on)];
      cost.flops = [fa, fb];
      statuses.push(Number.isFinite(fa) && Number.isFinite(fb) ? (fa < fb ? 'holds' : 'does not hold') : 'not settled');
      evidence.push(
        `forward FLOPs per image: ${claim.cheaper.a} ${Number.isFinite(fa) ? (fa / 1e6).toFixed(2) : '–'} M, ${claim.cheaper.b} ${Number.isFinite(fb) ? (fb / 1e6).toFixed(2) : '–'} M`,
      );
    }
    if (claim.scales) {
      // The cost model's FLOPs, the same numbers every run records.
      const e = attentionExponent(
        planned.map((p) => ({ name: p.config.name, ...costModel(p.config.model) })),
        claim.scales.runs,
      );
      cost.exponent = e;
      statuses.push(Number.isFinite(e) ? (Math.abs(e - claim.scales.exponent) < 0.05 ? 'holds' : 'does not hold') : 'not settled');
      evidence.push(
        Number.isFinite(e)
          ? `attention FLOPs grow as T^${e.toFixed(2)} over the scaling suite's configs`
          : 'fewer than two sizes in the scaling suite',
      );
    }
    let status: ClaimStatus = statuses.includes('does not hold')
      ? 'does not hold'
      : statuses.includes('not settled') || !statuses.length
        ? 'not settled'
        : 'holds';
    // Accuracy claims need a preset that trains to the plateau.
    if (!verdicts && claim.expects.length) status = 'not settled';
    return { claim, status, evidence, comparisons, verdicts: onComparisons, ...(claim.cheaper || claim.scales ? { cost } : {}) };
  });
}

/** Table rows (for tables that are not markdown): claim, experiment, verdict, numbers, notebook. */
export function claimRows(rows: ClaimRow[]): Record<string, unknown>[] {
  return rows.map((r) => ({
    claim: r.claim.quote,
    'tested by': r.claim.experiment.what,
    verdict: r.status,
    'the numbers': r.evidence.join('; ') || '–',
    notebook: r.claim.experiment.notebook,
  }));
}

/**
 * The claims as a markdown table: the README's findings block, and the top of the
 * report (with `pagePrefix`, each row links to its notebook's page). Text from the
 * store (model names in the evidence) is escaped for markdown and HTML.
 */
export function claimsMarkdown(rows: ClaimRow[], opts: { pagePrefix?: string } = {}): string {
  const esc = (s: string): string =>
    s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const link = opts.pagePrefix !== undefined;
  const lines = [`| claim | tested by | verdict | the numbers |${link ? ' where |' : ''}`, `|---|---|---|---|${link ? '---|' : ''}`];
  for (const r of rows) {
    const nb = r.claim.experiment.notebook;
    const where = link ? ` [${nb}](${opts.pagePrefix}${nb}.html) |` : '';
    lines.push(
      `| ${esc(r.claim.quote)} | ${esc(r.claim.experiment.what)} | **${r.status}** | ${esc(r.evidence.join('; ') || '–')} |${where}`,
    );
  }
  return lines.join('\n');
}

/**
 * What the report's prose says of the question's claims, checked: throws ClaimNotSupported
 * naming every row whose verdict differs from what the prose says. Accuracy claims are
 * checked under presets that give verdicts; cost claims (no convergence needed) always.
 */
export function expectQuestionClaims(
  study: Study,
  rows: ClaimRow[],
  preset: RunPresetName,
  says: Partial<Record<string, ClaimStatus>>,
): void {
  for (const id of Object.keys(says))
    if (!rows.some((r) => r.claim.id === id))
      throw new Error(`no question claim '${id}' (known: ${rows.map((r) => r.claim.id).join(', ')})`);
  const wrong = rows.filter(
    (r) =>
      says[r.claim.id] !== undefined && says[r.claim.id] !== r.status && (runPreset(study, preset).verdicts || !r.claim.expects.length),
  );
  if (wrong.length)
    throw new ClaimNotSupported(
      wrong
        .map((r) => `the report says the ${r.claim.id} claim ${says[r.claim.id]}, the store says it ${r.status} (${r.evidence.join('; ')})`)
        .join('\n'),
    );
}

/**
 * What decides a claim's row: the comparison that settled it (for "does not hold", the first that contradicts it;
 * for "holds", the one nearest to failing), or why it is not settled yet.
 */
export type Decider =
  /** The comparison that decides the verdict: the one that contradicts it, or the weakest of those that hold. */
  | { kind: 'comparison'; comparison: Paired }
  /** Comparisons still waiting for runs. */
  | { kind: 'waiting'; waiting: number; of: number }
  /** A comparison that has its runs and is too uncertain to decide. */
  | { kind: 'uncertain'; comparison: Paired }
  /** No comparison: the first line of evidence (a cost claim's arithmetic). */
  | { kind: 'evidence'; line: string };

/** What decides a claim's verdict, as data; decidingNumber renders it. */
export function decider(r: ClaimRow): Decider {
  const cs = r.comparisons;
  if (!cs.length) return { kind: 'evidence', line: r.evidence[0] ?? '–' };
  if (r.status === 'does not hold') return { kind: 'comparison', comparison: cs[r.verdicts.indexOf('does not hold')] };
  if (r.status === 'holds') return { kind: 'comparison', comparison: cs.reduce((x, y) => (y.pHolm > x.pHolm ? y : x)) };
  const waiting = cs.filter((c) => c.pending).length;
  if (waiting) return { kind: 'waiting', waiting, of: cs.length };
  const open = cs[r.verdicts.indexOf('not settled')];
  return open ? { kind: 'uncertain', comparison: open } : { kind: 'evidence', line: '–' };
}

/** The number that decides a claim, in a few words: a comparison's difference (and an arm that did not learn), or what it waits for. */
export function decidingNumber(r: ClaimRow): string {
  const pp = (c: Paired): string =>
    `${c.diff >= 0 ? '+' : '−'}${Math.abs(100 * c.diff).toFixed(2)}${Number.isFinite(c.ci95) ? ` ± ${(100 * c.ci95).toFixed(2)}` : ''} pp`;
  const what = (c: Paired): string =>
    `${c.a} − ${c.b} on ${c.dataset}: ${pp(c)}${c.underfit ? `; ${c.underfit.arm === 'a' ? c.a : c.b} did not learn (${c.underfit.runs} of ${c.underfit.of} seeds)` : ''}`;
  const d = decider(r);
  if (d.kind === 'comparison') return what(d.comparison);
  if (d.kind === 'waiting') return `${d.waiting} of ${d.of} comparisons wait for runs still to come`;
  if (d.kind === 'uncertain') return `${what(d.comparison)}: too uncertain at ±1 pp`;
  return d.line;
}

/** The claims as a short table, one row per claim (claim, verdict, the deciding number, where the rest is), for a reader's first minute. */
export function claimsSummaryMarkdown(rows: ClaimRow[], opts: { pagePrefix?: string } = {}): string {
  const esc = (s: string): string =>
    s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const lines = ['| claim | verdict | what decides it | details |', '|---|---|---|---|'];
  for (const r of rows) {
    const nb = r.claim.experiment.notebook;
    lines.push(`| ${esc(r.claim.quote)} | **${r.status}** | ${esc(decidingNumber(r))} | [${nb}](${opts.pagePrefix ?? ''}${nb}.html) |`);
  }
  return lines.join('\n');
}
