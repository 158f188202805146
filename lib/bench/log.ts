/**
 * The benchmark's log: every throughput invocation of `npm run bench` against PyTorch appends
 * one line (when, at which commit, under what load, and each pair's img/s and ratios), and
 * `npm run docs` renders the log as the history in docs/performance-history.md. So the history
 * is what the benchmark printed, not what someone copied from it.
 */
import * as path from 'node:path';
import { appendLineAtomic } from '../util/atomic';
import type { GitInfo } from '../util/git';
import { readJsonLines } from '../util/jsonl';

export const BENCH_LOG = (resultsDir: string): string => path.join(resultsDir, 'bench', 'log.jsonl');

export interface BenchPair {
  workload: string;
  batch: number;
  threads: number;
  tfjs: { train: number | null; infer: number };
  torch: { train: number; infer: number };
}

export interface BenchLogEntry {
  /** ISO time of the invocation. */
  at: string;
  git: GitInfo;
  /** The 1-minute load average when it started: above ~0.5 on two cores, something else ran. */
  loadAtStart: number;
  /** The command-line arguments, as typed. */
  args: string[];
  pairs: BenchPair[];
}

export function appendBenchLog(resultsDir: string, entry: BenchLogEntry): void {
  appendLineAtomic(BENCH_LOG(resultsDir), JSON.stringify(entry));
}

/** Every logged invocation, oldest first; a line that does not parse is reported, not dropped silently. */
export function readBenchLog(resultsDir: string): { entries: BenchLogEntry[]; problems: string[] } {
  const { items, problems } = readJsonLines<BenchLogEntry>(BENCH_LOG(resultsDir));
  return { entries: items, problems };
}
