/**
 * The question's channel tokens beside their published relatives (the `literature`
 * suite): who each model follows, and a table of accuracy and cost. What each
 * refinement changes is a declared comparison of the suite (lib/experiments/suites/
 * literature.ts), read like every other one (comparisons.ts).
 *
 * - XCiT (El-Nouby et al. 2021): cross-covariance attention, linear in positions,
 *   with L2-normalized Q, K and a learned temperature; local patch interaction.
 * - DaViT (Ding et al. 2022): window attention alternating with channel group
 *   attention; convolutional position encoding.
 * - iTransformer (Liu et al. 2024): the inversion itself, a whole series (here a
 *   whole map) as one token.
 * - ChannelViT (Bao et al. 2024): channel identity embeddings (the embeddings suite).
 * - ViT hybrid (Dosovitskiy et al. 2021): spatial tokens, the reference.
 */
import type { RunRecord } from '../../results/record';
import type { Group } from '../statistics';
import { aggregateRows, DataFrame, frame } from '../tables';

/** The suite's models, what each is, and whom it follows. */
export const LITERATURE_MODELS: { name: string; what: string; after: string }[] = [
  { name: 'channel-full', what: 'the question: each feature map, flattened, is one token (T = C); ViT blocks; channel identities', after: 'iTransformer (Liu et al. 2024), ChannelViT (Bao et al. 2024)' },
  { name: 'channel-full-xca', what: "the same tokens; attention with XCiT's unit-norm Q, K and a learned temperature per head", after: 'XCiT (El-Nouby et al. 2021), §3.1' },
  { name: 'channel-full-mix', what: 'the same tokens; between attention and MLP each token goes back to its map for a depthwise 3×3 conv', after: "XCiT's local patch interaction, §3.2" },
  { name: 'xcit-lite', what: 'spatial tokens (T = H·W); cross-covariance attention between channels over all positions; local patch interaction', after: 'XCiT (El-Nouby et al. 2021)' },
  { name: 'dual', what: 'spatial tokens; window attention, then channel group attention; conv position encodings, no position embedding', after: 'DaViT (Ding et al. 2022)' },
  { name: 'spatial-full', what: 'spatial tokens, ViT blocks, learned positions', after: 'ViT hybrid (Dosovitskiy et al. 2021)' },
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
