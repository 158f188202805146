/**
 * Run presets: how much data, how many epochs and seeds. A suite says which models
 * and datasets; the preset says at what scale they run. Results of different presets
 * are different results and are never mixed (each record carries its preset).
 * The study declares its presets (study/presets.ts); this is their shape.
 */
import type { TrainConfig } from './config';

export interface RunPreset {
  /** Training images per class on the real datasets (null = all). */
  trainPerClass: number | null;
  /** Test images per class (null = all). */
  testPerClass: number | null;
  epochs: number;
  warmupEpochs: number;
  seeds: number[];
  /** Diagnostic task sizes generated for this preset (images per class). */
  diagnosticPerClass: number;
  /** Scaling runs are about cost: one seed and this many training images per class. */
  scalingPerClass: number | null;
  scalingEpochs: number;
  /** Training-length checks (suites of kind 'long') run one seed for this many epochs on the preset's data. */
  longEpochs: number;
  /** The recipe sweep's own recipe where it differs from this preset's (it ran before the preset's recipe changed). */
  recipeSweep?: Partial<TrainConfig>;
  /** The training recipe over TRAIN_DEFAULTS: batch, learning rate, early stopping. */
  recipe: Partial<TrainConfig>;
  /**
   * A task's changes to the recipe (and its epoch cap), for every model on it, where the task's
   * own learning curves showed the preset's plateau rule to stop runs that were still going to
   * learn (docs/recipe.md says which curves). Suites of kind 'standard' only.
   */
  taskRecipe?: Record<string, Partial<TrainConfig>>;
  /**
   * Changes to the recipe for runs that draw fresh training images every epoch (a suite's `data.freshTrain`), over
   * the task's: with nothing to memorise, their curves pause longer on the way (docs/recipe.md). Suites of kind
   * 'standard' only.
   */
  freshRecipe?: Partial<TrainConfig>;
  /** Whether its runs may be compared at all: a preset that does not train to a plateau gives no verdicts. */
  verdicts: boolean;
  /** What the preset is for, in one line: shown beside its numbers. */
  label: string;
}

/** A run preset's name: a key of the study's presets (study/presets.ts: smoke, quick, standard, full). */
export type RunPresetName = string;
