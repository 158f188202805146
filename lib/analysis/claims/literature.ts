/**
 * The question's channel tokens beside their published relatives, from the
 * `literature` suite: what each refinement buys in accuracy and cost, how the
 * attention cost of each grows with image size, and what the numbers here say
 * about the papers' claims.
 *
 * - XCiT (El-Nouby et al. 2021): cross-covariance attention, linear in positions,
 *   with L2-normalized Q, K and a learned temperature; local patch interaction.
 * - DaViT (Ding et al. 2022): window attention alternating with channel group
 *   attention; convolutional position encoding.
 * - iTransformer (Liu et al. 2024): the inversion itself, a whole series (here a
 *   whole map) as one token.
 * - ChannelViT (Bao et al. 2024): channel identity embeddings (the embeddings suite).
 * - ViT hybrid (Dosovitskiy et al. 2021): spatial tokens, the reference.
 *
 * Every number in the text comes from the store or the cost model; sentences are
 * templates chosen by the numbers (see findings.ts for the convention).
 */
import type { RunRecord } from '../../results/record';
import { costModel } from '../../models/cost';
import { resolveModelConfig } from '../../models/presets';
import { RUN_PRESETS, RunPresetName } from '../../experiments';
import { formatAcc, Group, PairDifference, pairDifferences, Verdict } from '../statistics';
import { aggregateRows, DataFrame, frame } from '../tables';
import type { Section } from './section';

export const LITERATURE_SUITE = 'literature';
/** The training-length check: the same models on MNIST for the preset's longEpochs, one seed. */
export const LITERATURE_LONG_SUITE = 'literature-long';

/** Final test accuracy of two models in the training-length check, or undefined if either is absent. */
export function longTraining(records: RunRecord[], a: string, b: string): { a: number; b: number; epochs: number } | undefined {
  const ra = records.find((r) => r.name === a && r.status === 'ok');
  const rb = records.find((r) => r.name === b && r.status === 'ok');
  return ra && rb ? { a: ra.metrics.test_acc, b: rb.metrics.test_acc, epochs: ra.train.epochs } : undefined;
}

/** The suite's models, what each is, and whom it follows. */
export const LITERATURE_MODELS: { name: string; what: string; after: string }[] = [
  { name: 'channel-full', what: 'the question: each feature map, flattened, is one token (T = C); ViT blocks; channel identities', after: 'iTransformer (Liu et al. 2024), ChannelViT (Bao et al. 2024)' },
  { name: 'channel-full-xca', what: "the same tokens; attention with XCiT's unit-norm Q, K and a learned temperature per head", after: 'XCiT (El-Nouby et al. 2021), §3.1' },
  { name: 'channel-full-mix', what: 'the same tokens; between attention and MLP each token goes back to its map for a depthwise 3×3 conv', after: "XCiT's local patch interaction, §3.2" },
  { name: 'xcit-lite', what: 'spatial tokens (T = H·W); cross-covariance attention between channels over all positions; local patch interaction', after: 'XCiT (El-Nouby et al. 2021)' },
  { name: 'dual', what: 'spatial tokens; window attention, then channel group attention; conv position encodings, no position embedding', after: 'DaViT (Ding et al. 2022)' },
  { name: 'spatial-full', what: 'spatial tokens, ViT blocks, learned positions', after: 'ViT hybrid (Dosovitskiy et al. 2021)' },
];

/** Refinement (a) against what it refines (b), and what the comparison isolates. */
export const REFINEMENTS: { a: string; b: string; isolates: string }[] = [
  { a: 'channel-full-xca', b: 'channel-full', isolates: "XCiT's normalization and temperature, same tokens and blocks" },
  { a: 'channel-full-mix', b: 'channel-full', isolates: 'spatial mixing after tokenization, at the price of more parameters (sizes below)' },
  { a: 'xcit-lite', b: 'spatial-full', isolates: 'XCiT blocks in place of ViT blocks, same spatial tokens and positions' },
  { a: 'dual', b: 'spatial-full', isolates: "DaViT's dual blocks and conv position encodings in place of ViT blocks and learned positions" },
  { a: 'xcit-lite', b: 'channel-full', isolates: "XCiT's channel attention in place of the question's channel tokens" },
  { a: 'dual', b: 'channel-full', isolates: "DaViT's dual blocks in place of the question's channel tokens" },
];

function attentionFlops(records: RunRecord[], name: string, dataset: string): number {
  const r = records.find((x) => x.name === name && x.dataset === dataset);
  return r ? r.flops.attention : NaN;
}

/**
 * One row per (dataset, model): accuracy over seeds, parameters, FLOPs (attention apart).
 * No throughput column: runs shared with other suites may come from another session, and
 * times are only comparable within one run (08_literature times all models in one).
 */
export function literatureTable(groups: Group[], records: RunRecord[]): DataFrame {
  const order = LITERATURE_MODELS.map((m) => m.name);
  const timing = ['train s', 'img/s'];
  const rows = aggregateRows(groups, { order }).map((r) => ({
    ...Object.fromEntries(Object.entries(r).filter(([k]) => !timing.includes(k))),
    'attention MFLOPs': attentionFlops(records, r.config as string, r.dataset as string) / 1e6,
  }));
  return frame(rows);
}

/** What each refinement buys: (a − b) per dataset, Welch 95% CI, verdict. */
export function refinementEffects(groups: Group[]): (PairDifference & { isolates: string })[] {
  const diffs = pairDifferences(
    groups,
    REFINEMENTS.map((r) => [r.a, r.b]),
  );
  return diffs.map((d) => ({ ...d, isolates: REFINEMENTS.find((r) => r.a === d.a && r.b === d.b)!.isolates }));
}

/** Growth exponent of a model's predicted attention FLOPs in H·W, from 14×14 to 28×28 maps. */
export function attentionGrowth(model: string): number {
  const at = (side: number) => costModel(resolveModelConfig(model, { inputShape: [2 * side, 2 * side, 1], memoryLimitMB: 1e9 })).flops.attention;
  return Math.log(at(28) / at(14)) / Math.log(4);
}

const VERB: Record<Verdict, string> = { higher: 'higher', lower: 'lower', indistinguishable: 'indistinguishable', unknown: 'not comparable (one seed)', 'not converged': 'no verdict (not converged)' };

/** The widest 95% interval among some differences, in percentage points. */
function widest(ds: PairDifference[]): number {
  return Math.max(0, ...ds.map((d) => (Number.isFinite(d.ci) ? d.ci : 0)));
}

/** "higher on a, b; indistinguishable on c" for one refinement across datasets. */
function summary(ds: PairDifference[]): string {
  const by = new Map<Verdict, string[]>();
  for (const d of ds) by.set(d.verdict, [...(by.get(d.verdict) ?? []), d.dataset]);
  return (['higher', 'indistinguishable', 'lower', 'unknown', 'not converged'] as Verdict[])
    .filter((v) => by.has(v))
    .map((v) => `${VERB[v]} on ${by.get(v)!.join(', ')}`)
    .join('; ');
}

/**
 * The report's section on the published refinements: what each buys here, and
 * where these numbers agree or disagree with what the papers report.
 */
export function literatureSection(groups: Group[], records: RunRecord[], preset: RunPresetName, long: RunRecord[] = []): Section | undefined {
  if (!groups.some((g) => g.n > 0)) return undefined;
  const effects = refinementEffects(groups);
  const of = (a: string, b: string) => effects.filter((e) => e.a === a && e.b === b);
  const datasets = [...new Set(groups.map((g) => g.dataset))];
  const g = (name: string, dataset: string) => groups.find((x) => x.name === name && x.dataset === dataset && x.n > 0);
  const paragraphs: string[] = [];

  paragraphs.push(
    datasets
      .map((d) => `- **${d}**: ${LITERATURE_MODELS.map((m) => g(m.name, d)).filter((x): x is Group => !!x).map((x) => `${x.name} ${formatAcc(x)}`).join(', ')}.`)
      .join('\n'),
  );

  const lines: string[] = [];
  for (const r of REFINEMENTS) {
    const ds = of(r.a, r.b);
    if (!ds.length) continue;
    lines.push(`- **${r.a} − ${r.b}** — ${r.isolates}: ${ds.map((d) => `${d.dataset} ${d.ciText}`).join(', ')}. ${r.a} is ${summary(ds)}.`);
  }
  paragraphs.push(`What each refinement changes (difference of mean test accuracy, Welch 95% CI):\n\n${lines.join('\n')}`);

  // Against the papers. Each claim is the paper's own, at the level of its abstract; each verdict is ours.
  const claims: string[] = [];
  const xs = of('xcit-lite', 'spatial-full');
  const ref = records.find((r) => r.name === 'spatial-full' && r.dataset === 'mnist');
  const xca = records.find((r) => r.name === 'xcit-lite' && r.dataset === 'mnist');
  if (xs.length) {
    const lower = xs.filter((d) => d.verdict === 'lower').map((d) => d.dataset);
    const cost =
      ref && xca
        ? ` Cost: on 14×14 maps XCA's attention takes ${(xca.flops.attention / 1e6).toFixed(2)} MFLOPs per image against ${(ref.flops.attention / 1e6).toFixed(2)} for token attention, and from 14×14 to 28×28 maps the cost model's attention FLOPs grow as (H·W)^${attentionGrowth('xcit-lite').toFixed(2)} against (H·W)^${attentionGrowth('spatial-full').toFixed(2)}. ` +
          `Attention is ${((100 * ref.flops.attention) / ref.flops.total).toFixed(0)}% of spatial-full's forward FLOPs and ${((100 * xca.flops.attention) / xca.flops.total).toFixed(0)}% of xcit-lite's at this size; 08_literature times the forward pass of every model in one run as the image grows.`
        : '';
    claims.push(
      `- **XCiT** (El-Nouby et al. 2021) reports that cross-covariance attention matches the accuracy of token self-attention at a cost linear in the number of tokens. ` +
        (lower.length
          ? `Here xcit-lite is lower than spatial tokens on ${lower.join(', ')}: in this short training the accuracy claim does not hold.`
          : `Here, xcit-lite against spatial tokens: ${summary(xs)}. No dataset where it falls behind, consistent with the claim${widest(xs) > 5 ? `, though with intervals up to ±${widest(xs).toFixed(1)} pp this is weak evidence either way` : ''}.`) +
        cost,
    );
  }
  const mix = of('channel-full-mix', 'channel-full');
  const mixRel = mix.find((d) => d.dataset === 'relation');
  if (mix.length) {
    claims.push(
      `- **Local mixing.** XCiT adds its local patch interaction because XCA never exchanges information between positions. The question's channel tokens have the same gap after their projection. ` +
        (mixRel
          ? `On the relation task, where only the arrangement carries the label, adding a depthwise conv on each map between attention and MLP changes accuracy by ${mixRel.ciText} (${VERB[mixRel.verdict]}); over all datasets it is ${summary(mix)}.`
          : `Against the naive channel tokens it is ${summary(mix)}.`),
    );
  }
  const nrm = of('channel-full-xca', 'channel-full');
  if (nrm.length) {
    claims.push(
      `- **XCiT's normalization on the question's tokens.** XCiT L2-normalizes Q and K and rescales the logits by a learned temperature per head (§3.1). Moved onto channel tokens with ordinary attention, it compares with plain scaled dot-product attention as follows: ${summary(nrm)}. ` +
        `Its temperature starts at 1, so attention starts almost uniform; 08_literature shows the temperatures the runs learned.`,
    );
  }
  const dv = of('dual', 'spatial-full');
  if (dv.length) {
    claims.push(
      `- **DaViT** (Ding et al. 2022) reports that alternating window attention with channel group attention gives every block global context at linear cost, and improves on window-only attention of similar size. Here the comparison is with full token attention over all positions, not with window-only attention: dual against spatial tokens, ${summary(dv)}.`,
    );
  }
  const vsQ = [...of('xcit-lite', 'channel-full'), ...of('dual', 'channel-full')];
  if (vsQ.length) {
    const list = (v: Verdict): string[] => {
      const by = new Map<string, string[]>();
      for (const d of vsQ.filter((x) => x.verdict === v)) by.set(d.a, [...(by.get(d.a) ?? []), d.dataset]);
      return [...by].map(([m, ds]) => `${m} on ${ds.join(', ')}`);
    };
    const parts = [
      list('lower').length ? `higher than ${list('lower').join(' and ')}` : '',
      list('higher').length ? `lower than ${list('higher').join(' and ')}` : '',
      list('indistinguishable').length ? `indistinguishable from ${list('indistinguishable').join(' and ')}` : '',
      list('unknown').length ? `not comparable, for lack of seeds, with ${list('unknown').join(' and ')}` : '',
    ].filter(Boolean);
    claims.push(
      `- **The question's tokens against the published channel attention.** The naive channel tokens score ${parts.join('; ')}. iTransformer (Liu et al. 2024) makes the same inversion for time series; these numbers are its image-classification analogue at small scale.`,
    );
  }
  paragraphs.push(`Against the papers:\n\n${claims.join('\n')}`);

  const longOk = long.filter((r) => r.status === 'ok');
  if (longOk.length) {
    const spread = (xs: number[]) => 100 * (Math.max(...xs) - Math.min(...xs));
    const names = longOk.map((r) => r.name);
    const shortAcc = names.map((n) => g(n, 'mnist')?.mean).filter((x): x is number => Number.isFinite(x));
    paragraphs.push(
      `Training length (literature-long: MNIST, ${longOk[0].train.epochs} epochs, seed ${longOk[0].seed}, one run each, so no interval): ` +
        `${longOk.map((r) => `${r.name} ${(100 * r.metrics.test_acc).toFixed(2)}%`).join(', ')}. ` +
        (shortAcc.length === names.length
          ? `The same models span ${spread(shortAcc).toFixed(1)} pp after ${RUN_PRESETS[preset].epochs} epochs (means over seeds) and ${spread(longOk.map((r) => r.metrics.test_acc)).toFixed(1)} pp after ${longOk[0].train.epochs}: ` +
            (spread(longOk.map((r) => r.metrics.test_acc)) < spread(shortAcc) / 2
              ? 'the short-training ranking above is in large part a ranking of how fast each design learns, not of what it reaches.'
              : 'most of the spread remains with longer training.')
          : ''),
    );
  }
  const params = LITERATURE_MODELS.map((m) => g(m.name, 'mnist')).filter((x): x is Group => !!x);
  const pr = RUN_PRESETS[preset];
  paragraphs.push(
    `Sizes differ: ${params.map((x) => `${x.name} ${x.params.toLocaleString('en-US')} parameters`).join(', ')} (MNIST heads). ` +
      `The papers train for hundreds of epochs on ImageNet; these runs are the ${preset} preset (${pr.trainPerClass === null ? 'full training sets' : `${pr.trainPerClass} images per class on real data`}, ${pr.epochs} epochs, ${pr.seeds.length} seeds), so a disagreement here says how the designs behave early in small-data training, not that a paper is wrong.`,
  );
  return { title: 'Published refinements: XCiT, DaViT and local mixing', paragraphs };
}
