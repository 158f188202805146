/** The shape of one line of results/runs.jsonl: everything needed to trust and redo a number. */
import type { BackendReport } from '../backend';
import type { FlopBreakdown } from '../models/cost';
import type { ModelConfig } from '../models/config';
import type { DatasetSpec, TrainConfig } from '../experiments/config';
import type { GitInfo } from '../util/git';

export interface EpochMetrics {
  epoch: number;
  train_loss: number;
  train_acc: number;
  val_acc: number;
  val_loss: number;
  /** Optimizer steps at the end of this epoch (learning curves use steps: runs of different lengths compare). */
  step?: number;
  /** Test accuracy after this epoch: only in records from before model selection (test is now evaluated once, at the selected epoch). */
  test_acc?: number;
  test_loss?: number;
  /** Learning rate at the end of the epoch. */
  lr: number;
  /** Seconds of this epoch (training and evaluation). */
  seconds: number;
  /** Training images per second in this epoch (evaluation excluded). */
  img_per_s: number;
}

export interface RunRecord {
  /** Content hash of the experiment config (experimentHash). */
  id: string;
  /** The config schema the id was computed under (SCHEMA_VERSION; absent on the first store's records = 1). */
  schema?: number;
  /** Ids this record had under earlier schemas, newest last (lib/results/migrate.ts). */
  previousIds?: string[];
  status: 'ok' | 'failed';
  /** The readable label of the config ('channel-full'). */
  name: string;
  dataset: string;
  seed: number;
  data: DatasetSpec;
  model: ModelConfig;
  train: TrainConfig;
  metrics: {
    /** At the selected (best-validation) epoch; the test set takes no part in the selection. */
    test_acc: number;
    test_loss: number;
    best_val_acc: number;
    final_train_loss: number;
    curve: EpochMetrics[];
  };
  /** Whether the run reached its validation plateau (lib/train/plateau.ts): without it, its numbers get no verdict. */
  converged: boolean;
  /** The rule that decided `converged` (or why not), the epoch and step selected on validation, and whether it stopped early. */
  convergence: { rule: string; selectedEpoch: number; selectedStep: number; stoppedEarly: boolean };
  /** Present when status is 'failed'. */
  failure?: { kind: 'nan' | 'error'; epoch: number; step: number; reason: string };
  params: number;
  flops: FlopBreakdown;
  /** Sequence length and token width from the cost model. */
  T: number;
  Dtok: number;
  seconds: number;
  img_per_s: number;
  backend: BackendReport;
  git: GitInfo;
  /** When the run started (its first segment's start, if resumed) and ended. */
  started: string;
  ended: string;
  /** Only on a run resumed from a checkpoint: the stretches of wall time it trained in, one per process. */
  segments?: { started: string; ended: string }[];
  /** The preset that produced this run (smoke, quick, full, or custom). */
  preset: string;
  /** Train/val/test sizes actually used. */
  sizes: { train: number; val: number; test: number };
}

/**
 * The convergence rule's text with the cooldown appended: the record keeps the step the
 * cooldown began at only in this text, so the format and its reader live here together.
 */
export function ruleWithCooldown(rule: string, cooldown: { from: number; steps: number } | null): string {
  return cooldown ? `${rule}; then a cooldown of ${cooldown.steps} steps from step ${cooldown.from}` : rule;
}

/** The step a run's cooldown began at, read back from its rule (ruleWithCooldown); NaN for a run without one. */
export function cooldownStart(r: Pick<RunRecord, 'convergence'>): number {
  const m = r.convergence?.rule.match(/; then a cooldown of \d+ steps from step (\d+)/);
  return m ? Number(m[1]) : NaN;
}

/** How far a cooldown may lift validation accuracy above the best before it, for the plateau before it to count as the end. */
export const COOLDOWN_CLIMB = 0.05;

/**
 * How much a run's cooldown lifted validation accuracy: the best of the cooldown's epochs minus the best before it
 * (0 without a cooldown). On fixed data the decay adds a point or three (at most 3.3 pp over the 212 standard runs
 * with a cooldown when this was written); more says the run stopped on a step of a staircase, not at its top: the
 * co-occurrence runs on fresh images sat near half accuracy for thousands of steps, and one climbed 19 pp in its cooldown.
 */
export function cooldownClimb(curve: readonly { step?: number; val_acc: number }[], from: number | undefined): number {
  if (from === undefined) return 0;
  const best = (rows: readonly { val_acc: number }[]): number => Math.max(-Infinity, ...rows.map((c) => c.val_acc));
  // A row without a step (records older than step counts) cannot be placed against the cooldown: it is left out.
  const before = best(curve.filter((c) => c.step !== undefined && c.step <= from));
  const during = best(curve.filter((c) => c.step !== undefined && c.step > from));
  return Number.isFinite(before) && Number.isFinite(during) ? Math.max(0, during - before) : 0;
}

/**
 * The convergence verdict with the cooldown's check: a run that the plateau rule ended but whose cooldown climbed
 * more than COOLDOWN_CLIMB did not converge (its outcome is then `capped`: no verdict), and its rule says why.
 */
export function checkCooldownClimb(
  verdict: { converged: boolean; rule: string },
  curve: readonly { step?: number; val_acc: number }[],
  from: number | undefined,
): { converged: boolean; rule: string } {
  const climb = cooldownClimb(curve, from);
  if (!verdict.converged || climb <= COOLDOWN_CLIMB) return verdict;
  return {
    converged: false,
    rule: `${verdict.rule}; the cooldown lifted validation accuracy by ${(100 * climb).toFixed(1)} pp (more than ${100 * COOLDOWN_CLIMB}), so the plateau was a pause on the way, not the end`,
  };
}

/** Each run once, by id: suites share runs (the controls' relation runs are the core grid's), and a shared run must count once. */
export function distinctRuns(records: RunRecord[]): RunRecord[] {
  return [...new Map(records.map((r) => [r.id, r])).values()];
}

/**
 * How a run ended, which decides what it can say:
 * - `plateau`: it converged (plateau.ts): its numbers are a result;
 * - `underfit`: it ended (at its plateau or its cap) with its best training accuracy within
 *   UNDERFIT_POINTS of chance. The recipe fits every arm that learns anything to far above that
 *   (35% on four classes, 20% on ten), so this arm did not learn the task: evidence that its
 *   representation does not carry the signal, which supports "lower" for it and nothing else;
 * - `capped`: it stopped while still able to improve, or trained for fixed epochs: no verdict;
 * - `failed`: it did not finish (NaN loss, an error).
 */
export type Outcome = 'plateau' | 'underfit' | 'capped' | 'failed';

/** How far above chance (in accuracy) a best training fit still counts as not having learned. */
export const UNDERFIT_POINTS = 0.1;

/** A run's best accuracy over its epochs, on training or validation data (NaN for a run without a curve). */
export function bestOf(r: Pick<RunRecord, 'metrics'>, k: 'train_acc' | 'val_acc'): number {
  const xs = r.metrics.curve.map((c) => c[k]).filter(Number.isFinite);
  return xs.length ? Math.max(...xs) : NaN;
}

export function runOutcome(r: Pick<RunRecord, 'status' | 'converged' | 'model' | 'metrics' | 'train'>): Outcome {
  if (r.status !== 'ok') return 'failed';
  if (r.converged) return 'plateau';
  // Fixed-epoch runs (smoke, quick) stop by design, not because they could learn no more: they say nothing either way.
  if (r.train.patienceSteps === null) return 'capped';
  return bestOf(r, 'train_acc') < 1 / r.model.numClasses + UNDERFIT_POINTS ? 'underfit' : 'capped';
}
