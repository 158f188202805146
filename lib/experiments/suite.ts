/**
 * A suite: a named grid of models × datasets, declared as data. The run preset
 * decides the scale (data, epochs, seeds); `kind` says how a suite uses it.
 */
import type { ModelConfig } from '../models/config';
import type { DatasetSpec, TrainConfig } from './config';

export interface SuiteModel {
  /** The label in tables and plots. */
  name: string;
  /** The model preset it is built from (study/models.ts). */
  preset: string;
  /** Changes to the preset, for sweeps (scaling). */
  overrides?: Partial<ModelConfig>;
  /** Changes to the preset's training recipe (the recipe sweep): one arm per candidate. */
  train?: Partial<TrainConfig>;
  /** Training images per class for this arm on the real datasets, where it differs from the preset's (null: all); the data-size curve. */
  trainPerClass?: number | null;
}

/** One comparison a suite asks about: model a against model b, on each of the suite's datasets. */
export interface Comparison {
  a: string;
  b: string;
  /** What the difference isolates, in one sentence. */
  asks: string;
}

export interface Suite {
  name: string;
  /** What the suite asks, in one or two sentences. */
  description: string;
  datasets: string[];
  models: SuiteModel[];
  /**
   * 'standard': the preset's data, epochs and seeds.
   * 'scaling': about cost: one seed, the preset's scalingPerClass and scalingEpochs.
   * 'long': a training-length check: one seed for the preset's longEpochs.
   * 'recipe': the recipe sweep: the preset's data and early stopping, its first seed.
   */
  kind: 'standard' | 'scaling' | 'long' | 'recipe';
  /** The comparisons read from its runs: one family, Holm-corrected together (lib/analysis/claims/comparisons.ts). */
  comparisons: Comparison[];
  /** How the data of a dataset is drawn in this suite, where it differs from the default (fresh images each epoch, a disjoint validation). */
  data?: Record<string, Pick<DatasetSpec, 'freshTrain' | 'valDisjoint'>>;
  /** Changes to every model's recipe in this suite (a change that needs a cooldown is dropped under a preset without one). */
  train?: Partial<TrainConfig>;
  /** Seeds under a preset that gives verdicts (standard, full), where the preset's three cannot decide; other presets keep theirs. */
  verdictSeeds?: number[];
}

/** A comparison, for the suite files: `vs('channel-pooled', 'channel-full', 'what pooling to one value per map loses')`. */
export const vs = (a: string, b: string, asks: string): Comparison => ({ a, b, asks });

/** A model of a suite, labelled by its preset's name unless told otherwise. */
export const model = (name: string, preset = name, overrides?: Partial<ModelConfig>, train?: Partial<TrainConfig>): SuiteModel => ({
  name,
  preset,
  ...(overrides ? { overrides } : {}),
  ...(train ? { train } : {}),
});
