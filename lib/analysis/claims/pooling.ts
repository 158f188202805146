/**
 * How much accuracy pooling costs: each pooled tokenizer against its full
 * counterpart on each dataset, as a difference of means with a Welch 95% CI.
 */
import { Group, pairDifferences } from '../statistics';

/** Pooled variant -> the full variant it reduces. */
export const POOLED_PAIRS: [string, string][] = [
  ['channel-pooled', 'channel-full'],
  ['channel-pooled-k4', 'channel-full'],
  ['spatial-pooled-k4', 'spatial-full'],
  ['cnn-stem', 'channel-full'],
];

export interface PoolingDrop {
  dataset: string;
  pooled: string;
  full: string;
  /** Accuracy lost, in percentage points (full − pooled). */
  drop: number;
  ci: number;
  ciText: string;
}

export function poolingDrops(groups: Group[]): PoolingDrop[] {
  return pairDifferences(
    groups,
    POOLED_PAIRS.map(([pooled, full]) => [full, pooled]),
  ).map((d) => ({ dataset: d.dataset, pooled: d.b, full: d.a, drop: d.diff, ci: d.ci, ciText: d.ciText }));
}

