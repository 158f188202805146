/**
 * The question came with its own analysis; each of its claims is tested here, one
 * row each, from converged runs only. A claim is a set of expectations on paired
 * comparisons (and, for cost, on the FLOPs the runs recorded): it holds when every
 * expectation is met, does not hold when one is contradicted, and is not settled
 * while any lacks a verdict (missing, unconverged, a failed control, a model that failed
 * sanity by fitting its training set worse, or a preset that gives no verdicts).
 */
import { PlannedRun, planSuite, RUN_PRESETS, RunPresetName } from '../../experiments';
import { costModel } from '../../models/cost';
import { distinctRuns, RunRecord } from '../../results/record';
import { blockGate, compareFamily, formatPaired, gates, Paired } from '../statistics';
import { ClaimNotSupported, ClaimStatus, Expectation, ExpectationRef, judgedEvidence, judgeFamily, Judgement } from './claim';
import { checkControls, controlGate, datasetsOf } from './controls';
import { checkSanity, sanityGate } from './sanity';
import { missingRuns } from '../views';

export interface QuestionClaim {
  id: string;
  /**
   * A row the question did not state: the workspace's own extension of a claim (the k×k grid). It is
   * tested and shown as such, in a row of its own, and never changes a row in the question's words.
   */
  extension?: true;
  /** The claim, quoted or paraphrased from the question's analysis. */
  quote: string;
  /** The experiment that tests it: the suite whose runs it reads, its notebook, and what it compares. */
  experiment: { suite: string; notebook: string; section: string; what: string };
  /** Accuracy expectations; all must be met. Each reads the claim's suite unless it names its own. */
  expects: (ExpectationRef & { suite?: string })[];
  /** A cost expectation on the recorded FLOPs: a's are lower than b's (on `dataset`, else the first expectation's, else MNIST). */
  cheaper?: { a: string; b: string; dataset?: string };
  /** A scaling expectation: attention FLOPs of these runs grow as T^exponent. */
  scales?: { runs: RegExp; exponent: number };
}

const ON = (datasets: string[], a: string, b: string, expect: Expectation, suite?: string): QuestionClaim['expects'] => datasets.map((dataset) => ({ dataset, a, b, expect, ...(suite ? { suite } : {}) }));

export const QUESTION_CLAIMS: QuestionClaim[] = [
  {
    id: 'cost',
    quote: 'Attention over n channel tokens of dimension H·W costs O(n²·d).',
    experiment: { suite: 'scaling', notebook: '06_cost_scaling', section: 'cost-scaling', what: 'attention FLOPs of channel-full as C grows (C = 16 … 128), from the cost model of the scaling suite\'s configs (the numbers its runs record)' },
    expects: [],
    scales: { runs: /^channel-full (C=\d+|base)$/, exponent: 2 },
  },
  {
    id: 'flattening',
    quote: 'Flattening each map into a token loses spatial structure: channel tokens cannot see where things are.',
    experiment: { suite: 'core', notebook: '04_pooled_vs_full', section: 'pooled-vs-full', what: 'the relation task, where only the arrangement of two shapes decides the class: channel-full against spatial-full' },
    expects: ON(['relation'], 'channel-full', 'spatial-full', 'lower'),
  },
  {
    id: 'pooling',
    quote: 'Pooling each map to a scalar first reduces cost and loses information.',
    experiment: { suite: 'core', notebook: '04_pooled_vs_full', section: 'pooled-vs-full', what: 'channel-pooled (one number per map) against channel-full on the relation task, and their FLOPs' },
    expects: ON(['relation'], 'channel-pooled', 'channel-full', 'lower'),
    cheaper: { a: 'channel-pooled', b: 'channel-full' },
  },
  {
    // The question speaks of a scalar per map; a k×k grid is this workspace's own step between the two, so its row can never refute the question's.
    id: 'pooling-grid',
    extension: true,
    quote: 'Extension: pooling each map to a 4×4 grid first also loses information.',
    experiment: { suite: 'core', notebook: '04_pooled_vs_full', section: 'pooled-vs-full', what: 'channel-pooled-k4 against channel-full on the relation task' },
    expects: ON(['relation'], 'channel-pooled-k4', 'channel-full', 'lower'),
  },
  {
    id: 'style',
    quote: 'If the task depends on interactions between feature channels, such as style, channel tokens may be the right choice.',
    // Read on unlimited data since 2026-12-07 (declared before its runs): on the style suite's fixed 9,000 images every
    // arm memorised, so that suite ranked sample efficiency, not what a tokenizer can represent (99 says what it showed).
    experiment: { suite: 'style-unlimited', notebook: '09_style_and_learned_maps', section: 'style', what: 'the co-occurrence task, decided by a Gram-matrix entry of the maps, with fresh training images every epoch: channel-full against spatial-full and channel-pooled, 5 seeds' },
    expects: [...ON(['cooccurrence'], 'channel-full', 'spatial-full', 'not lower'), ...ON(['cooccurrence'], 'channel-full', 'channel-pooled', 'higher')],
  },
  {
    id: 'hybrid',
    quote: 'Channel and spatial tokens together (a hybrid sequence) keep the strengths of both.',
    // "The strengths of both": hybrid is no more than a point below the better of the two (so below neither) on each
    // task. MNIST and Fashion-MNIST were declared first, but the two token kinds are within a point or two of each other
    // there, so the tasks where they differ were added on 2026-12-07, before any of their runs: relation and co-occurrence.
    experiment: { suite: 'channel-vs-spatial', notebook: '03_channel_vs_spatial', section: 'channel-vs-spatial', what: 'hybrid against channel-full and spatial-full on MNIST and Fashion-MNIST (3 seeds), the relation task and co-occurrence with fresh images every epoch (5 seeds)' },
    expects: [
      ...ON(['mnist', 'fashion-mnist'], 'hybrid', 'channel-full', 'not lower'),
      ...ON(['mnist', 'fashion-mnist'], 'hybrid', 'spatial-full', 'not lower'),
      ...ON(['relation'], 'hybrid', 'channel-full', 'not lower', 'hybrid-relation'),
      ...ON(['relation'], 'hybrid', 'spatial-full', 'not lower', 'hybrid-relation'),
      ...ON(['cooccurrence'], 'hybrid', 'channel-full', 'not lower', 'style-unlimited'),
      ...ON(['cooccurrence'], 'hybrid', 'spatial-full', 'not lower', 'style-unlimited'),
    ],
  },
  {
    id: 'learned-maps',
    quote: "The other reading: each of n learned maps selects positions, and the features it pools become one token (VT's filter tokenizer, TokenLearner: \"8 or 16 tokens are often sufficient\").",
    // The papers' tokenizers carry positions (TokenLearner pools ViT tokens that hold position embeddings; VT encodes
    // each token's map position): the claim is theirs, so it reads the arms built as they are. The position-free arms
    // are the suite's own finding, beside it.
    experiment: { suite: 'learned-maps', notebook: '09_style_and_learned_maps', section: 'learned-maps', what: 'tokenlearner-16-pos and filter-16-pos (16 learned maps over position-embedded features, as the papers build them) against channel-full on MNIST, Fashion-MNIST and the relation task' },
    expects: [...ON(['mnist', 'fashion-mnist', 'relation'], 'tokenlearner-16-pos', 'channel-full', 'not lower'), ...ON(['mnist', 'fashion-mnist', 'relation'], 'filter-16-pos', 'channel-full', 'not lower')],
  },
  // The regime map's facts (the stem family and the data-size curve), declared on 2026-12-07 before any of their
  // runs: extensions of the answer to other operating points, each a row of its own and a Holm family apart.
  {
    id: 'regime-cost',
    extension: true,
    quote: 'Extension: where maps outnumber positions (C > H·W), channel tokens cost more per image than spatial tokens.',
    experiment: { suite: 'regime', notebook: '10_regime_map', section: 'regime-map', what: 'forward FLOPs per image of spatial-full and channel-full on 256 maps of 4×4, from the cost model of the configs the regime suite plans' },
    expects: [],
    cheaper: { a: 'spatial-full 4x4x256', b: 'channel-full 4x4x256', dataset: 'fashion-mnist' },
  },
  {
    id: 'regime-small-maps',
    extension: true,
    quote: 'Extension: where maps are small and many (256 maps of 4×4), channel tokens are no more than a point below spatial tokens.',
    experiment: { suite: 'regime', notebook: '10_regime_map', section: 'regime-map', what: 'channel-full against spatial-full after three stride-2 stages (256 maps of 4×4) on Fashion-MNIST and the relation task' },
    expects: ON(['fashion-mnist', 'relation'], 'channel-full 4x4x256', 'spatial-full 4x4x256', 'not lower'),
  },
  {
    id: 'data-size',
    extension: true,
    quote: "Extension: with the full training set, channel-full's deficit to spatial-full on Fashion-MNIST shrinks to no more than a point.",
    experiment: { suite: 'data-size', notebook: '10_regime_map', section: 'regime-map', what: 'channel-full against spatial-full trained on all of Fashion-MNIST (about 6,000 images per class)' },
    expects: ON(['fashion-mnist'], 'channel-full n=all', 'spatial-full n=all', 'not lower'),
  },
];

export interface ClaimRow {
  claim: QuestionClaim;
  status: ClaimStatus;
  /** The numbers behind the verdict, one line per expectation. */
  evidence: string[];
  comparisons: Paired[];
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
export function questionClaims(recordsOf: (suite: string) => RunRecord[], preset: RunPresetName): ClaimRow[] {
  const suites = [...new Set(QUESTION_CLAIMS.flatMap((c) => [c.experiment.suite, ...c.expects.flatMap((e) => (e.suite ? [e.suite] : []))]))];
  const refs = QUESTION_CLAIMS.flatMap((c) => c.expects.map((e) => ({ ...e, suite: e.suite ?? c.experiment.suite, records: recordsOf(e.suite ?? c.experiment.suite), extension: !!c.extension })));
  const all = distinctRuns(suites.flatMap(recordsOf));
  // Every control is planned by the controls suite, and is read there only: a suite that runs the same model on the
  // task under another recipe (hybrid-relation's spatial-full, with a disjoint validation set) is not the control.
  // The claims' datasets decide which controls are judged (a dataset with no control run fails its control).
  const forControls = recordsOf('controls');
  const controlResults = checkControls(forControls, datasetsOf(all, forControls));
  // Sanity reads each suite apart: a model name is one config within a suite, not across suites.
  const sanity = new Map(suites.map((s) => [s, sanityGate(checkSanity(recordsOf(s)))]));
  // Each suite's planned runs not in yet: a claim's comparison waits for the rest of its block (blockGate).
  const missing = new Map(suites.map((s) => [s, missingRuns(planSuite(s, { preset }), recordsOf(s))]));
  const family = compareFamily(all, refs, {
    blocked: gates<(typeof refs)[number]>(controlGate(controlResults), (p) => sanity.get(p.suite)!(p)),
    planned: RUN_PRESETS[preset].seeds,
    incomplete: (p) => blockGate(p.suite, missing.get(p.suite)!)(p),
  });
  const verdicts = RUN_PRESETS[preset].verdicts;
  // Every expectation of the question's claims, tested against the margin, is one Holm family; the
  // workspace's extensions are another, so that adding one never moves a verdict on the question's words.
  const judged: Judgement[] = new Array(refs.length);
  for (const ext of [false, true]) {
    const at = refs.flatMap((r, i) => (r.extension === ext ? [i] : []));
    judgeFamily(at.map((i) => family[i]), at.map((i) => refs[i].expect)).forEach((j, k) => (judged[at[k]] = j));
  }
  let k = 0;
  return QUESTION_CLAIMS.map((claim) => {
    const at = claim.expects.map(() => k++);
    const comparisons = at.map((i) => family[i]);
    const statuses: ClaimStatus[] = at.map((i) => judged[i].status);
    const evidence = at.map((i) => judgedEvidence(family[i], refs[i].expect, judged[i]));
    // Cost is arithmetic on the configs the suite plans: it needs no run.
    const planned = claim.cheaper || claim.scales ? planSuite(claim.experiment.suite, { preset }) : [];
    if (claim.cheaper) {
      const on = claim.cheaper.dataset ?? claim.expects[0]?.dataset ?? 'mnist';
      const [fa, fb] = [flopsOf(planned, claim.cheaper.a, on), flopsOf(planned, claim.cheaper.b, on)];
      statuses.push(Number.isFinite(fa) && Number.isFinite(fb) ? (fa < fb ? 'holds' : 'does not hold') : 'not settled');
      evidence.push(`forward FLOPs per image: ${claim.cheaper.a} ${Number.isFinite(fa) ? (fa / 1e6).toFixed(2) : '–'} M, ${claim.cheaper.b} ${Number.isFinite(fb) ? (fb / 1e6).toFixed(2) : '–'} M`);
    }
    if (claim.scales) {
      // The cost model's FLOPs, the same numbers every run records.
      const e = attentionExponent(planned.map((p) => ({ name: p.config.name, ...costModel(p.config.model) })), claim.scales.runs);
      statuses.push(Number.isFinite(e) ? (Math.abs(e - claim.scales.exponent) < 0.05 ? 'holds' : 'does not hold') : 'not settled');
      evidence.push(Number.isFinite(e) ? `attention FLOPs grow as T^${e.toFixed(2)} over the scaling suite's configs` : 'fewer than two sizes in the scaling suite');
    }
    let status: ClaimStatus = statuses.includes('does not hold') ? 'does not hold' : statuses.includes('not settled') || !statuses.length ? 'not settled' : 'holds';
    // Accuracy claims need a preset that trains to the plateau.
    if (!verdicts && claim.expects.length) status = 'not settled';
    return { claim, status, evidence, comparisons };
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
  const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const link = opts.pagePrefix !== undefined;
  const lines = [`| claim | tested by | verdict | the numbers |${link ? ' where |' : ''}`, `|---|---|---|---|${link ? '---|' : ''}`];
  for (const r of rows) {
    const nb = r.claim.experiment.notebook;
    const where = link ? ` [${nb}](${opts.pagePrefix}${nb}.html) |` : '';
    lines.push(`| ${esc(r.claim.quote)} | ${esc(r.claim.experiment.what)} | **${r.status}** | ${esc(r.evidence.join('; ') || '–')} |${where}`);
  }
  return lines.join('\n');
}

/**
 * What the report's prose says of the question's claims, checked: throws ClaimNotSupported
 * naming every row whose verdict differs from what the prose says. Accuracy claims are
 * checked under presets that give verdicts; cost claims (no convergence needed) always.
 */
export function expectQuestionClaims(rows: ClaimRow[], preset: RunPresetName, says: Partial<Record<string, ClaimStatus>>): void {
  for (const id of Object.keys(says)) if (!rows.some((r) => r.claim.id === id)) throw new Error(`no question claim '${id}' (known: ${rows.map((r) => r.claim.id).join(', ')})`);
  const wrong = rows.filter((r) => says[r.claim.id] !== undefined && says[r.claim.id] !== r.status && (RUN_PRESETS[preset].verdicts || !r.claim.expects.length));
  if (wrong.length) throw new ClaimNotSupported(wrong.map((r) => `the report says the ${r.claim.id} claim ${says[r.claim.id]}, the store says it ${r.status} (${r.evidence.join('; ')})`).join('\n'));
}

/**
 * The one number that decides a claim's row, in a few words: the comparison that settled it (for "does not hold",
 * the first that contradicts it; for "holds", the one nearest to failing), or why it is not settled yet.
 */
export function decidingNumber(r: ClaimRow): string {
  const pp = (c: Paired): string => `${c.diff >= 0 ? '+' : '−'}${Math.abs(100 * c.diff).toFixed(2)}${Number.isFinite(c.ci95) ? ` ± ${(100 * c.ci95).toFixed(2)}` : ''} pp`;
  const what = (c: Paired): string => `${c.a} − ${c.b} on ${c.dataset}: ${pp(c)}${c.underfit ? `; ${c.underfit.arm === 'a' ? c.a : c.b} did not learn (${c.underfit.runs} of ${c.underfit.of} seeds)` : ''}`;
  const cs = r.comparisons;
  if (!cs.length) return r.evidence[0] ?? '–';
  const statuses = r.evidence.map((e) => (/: holds,/.test(e) ? 'holds' : /: does not hold,/.test(e) ? 'does not hold' : 'not settled'));
  if (r.status === 'does not hold') return what(cs[statuses.indexOf('does not hold')]);
  if (r.status === 'holds') return what(cs.reduce((x, y) => (y.pHolm > x.pHolm ? y : x)));
  const waiting = cs.filter((c) => c.pending).length;
  if (waiting) return `${waiting} of ${cs.length} comparisons wait for runs still to come`;
  const open = cs[statuses.indexOf('not settled')];
  return open ? `${what(open)}: too uncertain at ±1 pp` : '–';
}

/** The claims as a short table, one row per claim (claim, verdict, the deciding number, where the rest is), for a reader's first minute. */
export function claimsSummaryMarkdown(rows: ClaimRow[], opts: { pagePrefix?: string } = {}): string {
  const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const lines = ['| claim | verdict | what decides it | details |', '|---|---|---|---|'];
  for (const r of rows) {
    const nb = r.claim.experiment.notebook;
    lines.push(`| ${esc(r.claim.quote)} | **${r.status}** | ${esc(decidingNumber(r))} | [${nb}](${opts.pagePrefix ?? ''}${nb}.html) |`);
  }
  return lines.join('\n');
}
