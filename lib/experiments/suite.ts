/**
 * A suite: a named grid of models × datasets, declared as data. The run preset
 * decides the scale (data, epochs, seeds); `kind` says how a suite uses it.
 */
import type { ModelConfig } from '../models/config';

export interface SuiteModel {
  /** The label in tables and plots. */
  name: string;
  /** The model preset it is built from (lib/models/presets.ts). */
  preset: string;
  /** Changes to the preset, for sweeps (scaling). */
  overrides?: Partial<ModelConfig>;
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
   */
  kind: 'standard' | 'scaling' | 'long';
}

/** A model of a suite, labelled by its preset's name unless told otherwise. */
export const model = (name: string, preset = name, overrides?: Partial<ModelConfig>): SuiteModel => ({ name, preset, ...(overrides ? { overrides } : {}) });

export const REAL = ['mnist', 'fashion-mnist', 'cifar10'];
export const DIAGNOSTIC = ['relation', 'appearance'];
