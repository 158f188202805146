/**
 * Run presets: how much data, how many epochs and seeds. A suite says which models
 * and datasets; the preset says at what scale they run. Results of different presets
 * are different results and are never mixed (each record carries its preset).
 */
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
}

export const RUN_PRESETS: Record<'smoke' | 'quick' | 'full', RunPreset> = {
  // Seconds per run, for CI: proves every path runs, says nothing about accuracy.
  smoke: { trainPerClass: 20, testPerClass: 10, epochs: 1, warmupEpochs: 0.5, seeds: [0], diagnosticPerClass: 50, scalingPerClass: 10, scalingEpochs: 1, longEpochs: 2 },
  // A fast look: 150 images per class (1,500 on MNIST), 3 epochs, 3 seeds. Not converged:
  // it ranks how fast each model starts, not what it reaches.
  quick: { trainPerClass: 150, testPerClass: 100, epochs: 3, warmupEpochs: 0.5, seeds: [0, 1, 2], diagnosticPerClass: 300, scalingPerClass: 100, scalingEpochs: 2, longEpochs: 15 },
  // Paper grade: full datasets, 3 seeds, epochs to convergence.
  full: { trainPerClass: null, testPerClass: null, epochs: 30, warmupEpochs: 2, seeds: [0, 1, 2], diagnosticPerClass: 2500, scalingPerClass: null, scalingEpochs: 10, longEpochs: 30 },
};
export type RunPresetName = keyof typeof RUN_PRESETS;
export const RUN_PRESET_NAMES = Object.keys(RUN_PRESETS) as RunPresetName[];
