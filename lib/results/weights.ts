/**
 * Kept weights, and the run they come from. A run trained with `saveWeights` keeps its model in
 * results/runs/<id>/model, and beside it `record.json`: the record of the run that made them. A retrain
 * (retrainRun in lib/sweep/engine.ts) writes its own record there. So a notebook can say whether it looks inside the
 * stored run or inside another draw of the same config: on another CPU TensorFlow sums in another order, and the
 * curves part.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunRecord } from './record';
import { writeFileAtomic } from '../util/atomic';

const FILE = 'record.json';

export function writeWeightsRecord(modelDir: string, record: RunRecord): void {
  writeFileAtomic(path.join(modelDir, FILE), `${JSON.stringify(record)}\n`);
}

/** The record of the run that made the weights in `modelDir`; undefined when they were kept without one. */
export function readWeightsRecord(modelDir: string): RunRecord | undefined {
  const file = path.join(modelDir, FILE);
  if (!fs.existsSync(file)) return undefined;
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as RunRecord;
  } catch (e) {
    throw new Error(`${file}: the record of these weights does not parse (${(e as Error).message})`);
  }
}
