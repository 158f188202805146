/**
 * The relation probe on a trained model: its accuracy with the task's two shapes a given
 * distance apart (lib/data/diagnostic.ts relationAtDistance), farther than any training image
 * when the distance is past RELATION_DISTANCES.max. It tells a model that reads where each
 * shape is (it keeps its accuracy) from one that reads a local pattern taking in part of
 * each shape (it falls to chance once its window no longer reaches enough of both).
 */
import * as tf from '@tensorflow/tfjs';
import { RELATION_DISTANCES, relationAtDistance } from '../data/diagnostic';
import type { MapTokensModel } from '../models/create';
import type { RunPresetName, Study } from '../experiments';
import { withTrainedModel } from './experiments';

// A type, not an interface, so that rows of it are plain records a table takes.
export type DistanceAccuracy = {
  /** Dominant-axis distance between the shapes, px. */
  distance: number;
  accuracy: number;
  images: number;
};

/** The task's own distances, then past them, to 13 px and beyond, where no 9-px window (TokenLearner's maps) reaches both 5-px shapes. */
export const PROBE_DISTANCES = [RELATION_DISTANCES.min, RELATION_DISTANCES.max, 10, 11, 12, 14, 16];

/** `input` turns image bytes into the model's normalized input (withTrainedModel's sample.input). */
export function accuracyAtDistances(
  model: MapTokensModel,
  input: (images: Uint8Array) => tf.Tensor4D,
  distances: number[],
  perClass = 200,
): DistanceAccuracy[] {
  return distances.map((distance) => {
    const probe = relationAtDistance(distance, { perClass });
    const predicted = tf.tidy(() => model.predict(input(probe.images)).argMax(-1)); // [n]
    const classes = predicted.dataSync();
    predicted.dispose();
    const right = probe.labels.filter((label, i) => classes[i] === label).length;
    return { distance, accuracy: right / probe.labels.length, images: probe.labels.length };
  });
}

/**
 * The probe on the seed-0 relation run of each of a suite's models (withTrainedModel: kept
 * weights, or a retrain; a page built from the store skips a model whose weights it lacks).
 */
export async function relationProbe(
  study: Study,
  suite: string,
  models: string[],
  preset: RunPresetName,
  distances = PROBE_DISTANCES,
): Promise<({ model: string } & DistanceAccuracy)[]> {
  const rows: ({ model: string } & DistanceAccuracy)[] = [];
  for (const model of models)
    await withTrainedModel(study, suite, model, 'relation', preset, [0], (m, sample) => {
      for (const r of accuracyAtDistances(m, sample.input, distances)) rows.push({ model, ...r });
    });
  return rows;
}
