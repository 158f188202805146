/**
 * The answer, in words, generated from the result store. Every number in the
 * text is computed here from records; the sentences are templates chosen by the
 * numbers (a difference whose 95% CI excludes 0 is called a difference, one whose
 * CI includes 0 is called indistinguishable at this number of seeds). Nothing
 * here is typed by hand except the wording.
 */
import type { RunRecord } from '../../results/record';
import type { RunPresetName } from '../../experiments';
import { RUN_PRESETS } from '../../experiments';
import { difference, Difference, formatAcc, formatDiffPp, Group, judge, tQuantile975, Verdict } from '../statistics';
import { LITERATURE_LONG_SUITE, LITERATURE_SUITE, literatureSection, longTraining } from './literature';
import { suiteView, SuiteView } from '../views';
import type { Section } from './section';

export type { Section };


export interface Findings {
  preset: RunPresetName;
  verdict: string;
  sections: Section[];
  /** Three to five lines for the README. */
  headline: string[];
  /** Counts behind the text, for the record. */
  runs: { ok: number; failed: number; missing: number; missingByDataset: Record<string, number> };
}

const REAL = ['mnist', 'fashion-mnist', 'cifar10'];
const DIAG = ['relation', 'appearance'];

function find(groups: Group[], name: string, dataset: string): Group | undefined {
  return groups.find((g) => g.name === name && g.dataset === dataset && g.n > 0);
}

function compare(groups: Group[], a: string, b: string, dataset: string): { d: Difference; v: Verdict; a: Group; b: Group } | undefined {
  const ga = find(groups, a, dataset);
  const gb = find(groups, b, dataset);
  if (!ga || !gb) return undefined;
  const d = difference(ga, gb);
  return { d, v: judge(d, ga, gb), a: ga, b: gb };
}

const pct = formatAcc;

function phrase(v: Verdict): string {
  if (v === 'not converged') return 'not comparable with (not converged at this preset: no verdict)';
  return v === 'higher' ? 'higher than' : v === 'lower' ? 'lower than' : v === 'indistinguishable' ? 'indistinguishable from' : 'not comparable with (one seed)';
}

function lastEpochGain(records: RunRecord[], name: string, dataset: string): number {
  const rs = records.filter((r) => r.name === name && r.dataset === dataset && r.status === 'ok' && r.metrics.curve.length >= 2);
  if (!rs.length) return NaN;
  return rs.reduce((a, r) => a + r.metrics.curve[r.metrics.curve.length - 1].val_acc - r.metrics.curve[r.metrics.curve.length - 2].val_acc, 0) / rs.length;
}

export function buildFindings(preset: RunPresetName = 'quick', opts: { resultsDir?: string } = {}): Findings {
  const views: Record<string, SuiteView> = {};
  for (const s of ['channel-vs-spatial', 'pooled-vs-full', 'embeddings', 'scaling', LITERATURE_SUITE, LITERATURE_LONG_SUITE]) views[s] = suiteView(s, preset, opts);
  const all = new Map<string, RunRecord>();
  for (const v of Object.values(views)) for (const r of v.records) all.set(r.id, r);
  const records = [...all.values()];
  const missingKeys = new Set(Object.values(views).flatMap((v) => v.missing.map((m) => `${m.dataset}|${m.name}|${m.seed}`)));
  const missingByDataset: Record<string, number> = {};
  for (const k of missingKeys) missingByDataset[k.split('|')[0]] = (missingByDataset[k.split('|')[0]] ?? 0) + 1;
  const runs = { ok: records.filter((r) => r.status === 'ok').length, failed: records.filter((r) => r.status === 'failed').length, missing: missingKeys.size, missingByDataset };
  const cvs = views['channel-vs-spatial'].groups;
  const pvf = views['pooled-vs-full'].groups;
  const emb = views.embeddings.groups;
  const seeds = RUN_PRESETS[preset].seeds.length;
  const sections: Section[] = [];

  // 1. Channel vs spatial on real data.
  const real = REAL.filter((d) => find(cvs, 'channel-full', d));
  const vsSpatial = real.map((d) => ({ d, c: compare(cvs, 'channel-full', 'spatial-full', d) })).filter((x) => x.c);
  const vsCnn = real.map((d) => ({ d, c: compare(cvs, 'channel-full', 'cnn-stem', d) })).filter((x) => x.c);
  const p1: string[] = [];
  for (const { d, c } of vsSpatial) {
    p1.push(
      `- **${d}**: channel tokens ${pct(c!.a)} vs spatial tokens ${pct(c!.b)}; difference ${formatDiffPp(c!.d)}: channel tokens are **${phrase(c!.v)}** spatial tokens.`,
    );
  }
  for (const { d, c } of vsCnn) p1.push(`- **${d}**: against the stem alone (cnn-stem: its maps average-pooled into a linear head, ${pct(c!.b)}), channel tokens are ${phrase(c!.v)} it (${formatDiffPp(c!.d)}).`);
  const hy = real.map((d) => ({ d, c: compare(cvs, 'hybrid', 'channel-full', d) })).filter((x) => x.c);
  for (const { d, c } of hy) p1.push(`- **${d}**: the hybrid sequence (both kinds of token) reaches ${pct(c!.a)}, ${phrase(c!.v)} channel tokens alone (${formatDiffPp(c!.d)}).`);
  sections.push({ title: 'Channel tokens against spatial tokens on real images', paragraphs: [p1.join('\n')] });

  // 2. Where pooling hurts: the diagnostic tasks.
  const p2: string[] = [];
  for (const d of DIAG) {
    const full = find(pvf, 'channel-full', d);
    const pooled = find(pvf, 'channel-pooled', d);
    const k4 = find(pvf, 'channel-pooled-k4', d);
    const sp = find(pvf, 'spatial-full', d);
    if (!full || !pooled) continue;
    const drop = difference(full, pooled);
    p2.push(
      `- **${d}** (chance ${(100 / 4).toFixed(0)}%): channel-full ${pct(full)}, channel-pooled (one number per map) ${pct(pooled)}` +
        `${k4 ? `, channel-pooled-k4 ${pct(k4)}` : ''}${sp ? `, spatial-full ${pct(sp)}` : ''}. Pooling each map to a scalar changes accuracy by ${formatDiffPp({ ...drop, diff: -drop.diff })}.`,
    );
  }
  for (const d of real) {
    const full = find(pvf, 'channel-full', d);
    const pooled = find(pvf, 'channel-pooled', d);
    if (full && pooled) p2.push(`- **${d}**: channel-full ${pct(full)} vs channel-pooled ${pct(pooled)} (${formatDiffPp(difference(pooled, full))} for pooling).`);
  }
  sections.push({
    title: 'Pooled versus full maps: what pooling destroys',
    paragraphs: [
      'The relation task is built so that every image has identical pooled statistics; only the arrangement carries the label. The appearance task is solvable from pooled statistics.',
      p2.join('\n'),
    ],
  });

  // 3. Embeddings.
  const p3: string[] = [];
  for (const d of ['mnist', 'relation']) {
    const id = compare(emb, 'channel-full', 'channel-full-noid', d);
    if (id) p3.push(`- **${d}**: the channel-identity embedding: ${pct(id.a)} with, ${pct(id.b)} without (${formatDiffPp(id.d)}; ${id.v === 'indistinguishable' ? 'no detectable effect' : id.v === 'higher' ? 'it helps' : id.v === 'lower' ? 'it hurts' : 'one seed'}).`);
    const pos = compare(emb, 'spatial-full', 'spatial-full-nopos', d);
    if (pos) p3.push(`- **${d}**: learned positions for spatial tokens: ${pct(pos.a)} with, ${pct(pos.b)} without (${formatDiffPp(pos.d)}).`);
    const cls = compare(emb, 'channel-full-cls', 'channel-full', d);
    if (cls) p3.push(`- **${d}**: [CLS] instead of mean pooling for channel tokens: ${pct(cls.a)} vs ${pct(cls.b)} (${formatDiffPp(cls.d)}).`);
    const se = compare(emb, 'channel-full-se', 'channel-full', d);
    if (se) p3.push(`- **${d}**: squeeze-and-excitation before channel tokenization: ${pct(se.a)} vs ${pct(se.b)} (${formatDiffPp(se.d)}).`);
  }
  sections.push({ title: 'What the embeddings do', paragraphs: [p3.join('\n')] });

  // 4. Cost.
  const p4: string[] = [];
  const chM = find(cvs, 'channel-full', 'mnist');
  const spM = find(cvs, 'spatial-full', 'mnist');
  if (chM && spM) {
    p4.push(
      `On 28×28 inputs the stem makes C = 64 maps of 14×14. Channel tokens: T = ${chM.T} tokens of D_tok = ${chM.Dtok}, ${(chM.flops / 1e6).toFixed(1)} MFLOPs per image forward, ${chM.params.toLocaleString('en-US')} parameters. ` +
        `Spatial tokens: T = ${spM.T} of D_tok = ${spM.Dtok}, ${(spM.flops / 1e6).toFixed(1)} MFLOPs, ${spM.params.toLocaleString('en-US')} parameters. ` +
        `Predicted FLOPs ratio spatial/channel: ${(spM.flops / chM.flops).toFixed(2)}×; measured training throughput ratio channel/spatial in these runs: ${(chM.imgPerS / spM.imgPerS).toFixed(2)}× (same machine, same session).`,
    );
    p4.push('Both share the projection cost (2·C·H·W·d); everything after it scales with T, so channel tokens are cheaper exactly when C < H·W (06_cost_scaling marks the crossover at H·W = C). With more maps than positions the advantage reverses.');
  }
  sections.push({ title: 'Cost', paragraphs: p4 });

  // 5. The published relatives of the idea.
  const long = views[LITERATURE_LONG_SUITE].records;
  const lit = literatureSection(views[LITERATURE_SUITE].groups, views[LITERATURE_SUITE].records, preset, long);
  if (lit) sections.push(lit);

  // 6. Limits of these numbers.
  const p5: string[] = [];
  const pr = RUN_PRESETS[preset];
  p5.push(
    `Preset **${preset}**: ${pr.trainPerClass === null ? 'full training sets' : `${pr.trainPerClass} training images per class`} on real datasets, ${pr.epochs} epochs, ${seeds} seed${seeds > 1 ? 's' : ''}; ${runs.ok} runs succeeded, ${runs.failed} failed, ${runs.missing} planned runs are missing from the store${missingKeys.size ? ` (${Object.entries(missingByDataset).map(([d, n]) => `${d}: ${n}`).join(', ')})` : ''}. ` +
      `With ${seeds} seeds a 95% CI uses t = ${seeds > 1 ? tQuantile975(seeds - 1).toFixed(2) : '–'}, so only large differences are called differences.`,
  );
  const still = ['channel-full', 'spatial-full', 'cnn-stem']
    .flatMap((n) => real.map((d) => ({ n, d, g: lastEpochGain(records, n, d) })))
    .filter((x) => Number.isFinite(x.g) && x.g > 0.01);
  if (still.length) {
    p5.push(`Still improving at the last epoch (mean validation-accuracy gain over the final epoch > 1 pp): ${still.map((x) => `${x.n} on ${x.d} (+${(100 * x.g).toFixed(1)} pp)`).join(', ')}. These comparisons are of short training, not of converged models; the \`full\` preset trains to convergence.`);
  }
  if (!find(cvs, 'channel-full', 'cifar10')) p5.push('CIFAR-10 was not in data/ when these runs were made, so there is no colour, natural-image result here (`npm run data -- cifar10` where a network exists, then rerun).');
  sections.push({ title: 'How far these numbers go', paragraphs: p5 });

  // Verdict: chosen by the comparisons, never asserted.
  const rel = find(pvf, 'channel-full', 'relation');
  const relPooled = find(pvf, 'channel-pooled', 'relation');
  const relCmp = compare(pvf, 'channel-full', 'channel-pooled', 'relation');
  const worse = vsSpatial.filter((x) => x.c!.v === 'lower').map((x) => x.d);
  const better = vsSpatial.filter((x) => x.c!.v === 'higher').map((x) => x.d);
  const same = vsSpatial.filter((x) => x.c!.v === 'indistinguishable').map((x) => x.d);
  // The training-length check: does the short-training gap between channel and spatial tokens persist?
  const lt = longTraining(long, 'channel-full', 'spatial-full');
  const short = vsSpatial.find((x) => x.d === 'mnist')?.c;
  let longNote = '';
  if (lt && short && Number.isFinite(short.d.ci95)) {
    const persists = lt.a - lt.b >= short.d.diff - short.d.ci95;
    const e = RUN_PRESETS[preset].epochs;
    longNote =
      `A longer check on MNIST (${lt.epochs} epochs, seed 0, no interval) gives channel tokens ${(100 * lt.a).toFixed(2)}% and spatial tokens ${(100 * lt.b).toFixed(2)}%: ` +
      (persists ? `the ${e}-epoch advantage persists there.` : `the ${e}-epoch advantage does not persist there, so it measures how fast each learns, not what each reaches.`);
  }
  let verdict: string;
  if (!RUN_PRESETS[preset].verdicts || (vsSpatial.length && vsSpatial.every((x) => x.c!.v === 'not converged'))) {
    verdict =
      `No verdict yet. These are ${preset}-preset runs (${RUN_PRESETS[preset].label}): they stop after ${RUN_PRESETS[preset].epochs} epochs, before a plateau, ` +
      'so they show how fast each model starts, not what it reaches, and no comparison below is a finding. The converged answer comes from the `standard` preset (`npm run ablation -- --preset standard`).';
  } else if (!vsSpatial.length) verdict = 'Not enough results in the store to answer yet: run `npm run ablation`.';
  else if (better.length + same.length + worse.length === 0) {
    verdict = `Undetermined: with one seed per configuration (${preset} preset) there are no confidence intervals to compare. Run the quick or full preset.`;
  } else {
    const head = worse.length === 0 ? 'Yes.' : better.length + same.length > 0 ? 'Partly.' : 'Not as well as spatial tokens.';
    const parts: string[] = [];
    if (better.length) parts.push(`channel tokens score higher than spatial tokens on ${better.join(', ')}`);
    if (same.length) parts.push(`they are indistinguishable from spatial tokens on ${same.join(', ')}`);
    if (worse.length) parts.push(`they score lower on ${worse.join(', ')}`);
    verdict = `${head} Convolving the image into n maps and feeding each flattened map to a Transformer as one token ${worse.length ? 'works in part' : 'works'}: ${parts.join('; ')} (${preset} preset: ${RUN_PRESETS[preset].epochs} epochs, ${seeds} seeds, 95% CIs).`;
    if (rel && relPooled && relCmp) {
      verdict +=
        relCmp.v === 'higher'
          ? ` Because each token keeps its whole map, positions survive tokenization: on the relation task, where pooled statistics carry no information, channel-full reaches ${pct(rel)} while pooling each map to a scalar gives ${pct(relPooled)}.`
          : ` On the relation task, where pooled statistics carry no information, channel-full (${pct(rel)}) is ${phrase(relCmp.v)} pooled channel tokens (${pct(relPooled)}).`;
    }
    if (chM && spM) verdict += ` With C = ${chM.T} maps of ${chM.Dtok} positions it needs ${(spM.flops / chM.flops).toFixed(1)}× fewer FLOPs than spatial tokens; that advantage holds only while C < H·W.`;
    if (preset !== 'full') verdict += ` These are short runs on small training subsets (${preset} preset): they rank the tokenizers early in training, not at convergence (see "How far these numbers go").`;
    if (longNote) verdict += ` ${longNote}`;
  }

  const headline: string[] = [];
  headline.push(verdict.split('. ').slice(0, 2).join('. ') + '.');
  for (const { d, c } of vsSpatial) headline.push(`${d}: channel tokens ${pct(c!.a)}, spatial tokens ${pct(c!.b)} (difference ${formatDiffPp(c!.d)}).`);
  if (rel && relPooled && relCmp) headline.push(`relation task (chance 25%): channel-full ${pct(rel)}, channel-pooled ${pct(relPooled)}${relCmp.v === 'higher' ? ': pooling each map to a scalar destroys the arrangement' : ''}.`);
  const litG = views[LITERATURE_SUITE].groups;
  const litM = ['channel-full', 'channel-full-mix', 'xcit-lite', 'dual'].map((n) => find(litG, n, 'relation')).filter((g): g is Group => !!g);
  if (litM.length > 1) headline.push(`published relatives on the relation task: ${litM.map((g) => `${g.name} ${pct(g)}`).join(', ')} (literature suite; XCiT and DaViT scaled down, short training).`);
  if (chM && spM) headline.push(`cost at 64 maps of 14×14: ${(chM.flops / 1e6).toFixed(1)} vs ${(spM.flops / 1e6).toFixed(1)} MFLOPs per image (channel vs spatial).`);

  if (longNote) headline.push(longNote);
  if (preset !== 'full') headline.push(`Caveat: ${preset}-preset runs are short (${RUN_PRESETS[preset].epochs} epochs on small subsets); they rank the tokenizers early in training, not at convergence.`);
  return { preset, verdict, sections, headline, runs };
}

/** The findings as one markdown document. */
export function findingsMarkdown(f: Findings): string {
  return [`**Answer.** ${f.verdict}`, ...f.sections.map((s) => `### ${s.title}\n\n${s.paragraphs.join('\n\n')}`)].join('\n\n');
}
