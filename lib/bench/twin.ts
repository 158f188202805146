/**
 * One whole run of an experiment in the PyTorch twin (scripts/twin_torch.py), for the
 * validation (docs/validation.md) and the whole-run timing (`npm run bench -- --run`).
 *
 * The twin starts from the tfjs model's initial weights for the seed, sees the same
 * split, the same normalization and the same image order every epoch, and follows the
 * same learning-rate schedule and early-stopping rule: those come from here, from the
 * code the tfjs trainer uses (one source for each), and the Python side only executes
 * epochs. What differs is the implementation of everything inside a step, and the
 * dropout masks.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { spawn } from 'node:child_process';
import { initBackend } from '../backend';
import { epochOrder, numBatches } from '../data/pipeline';
import { loadDataset } from '../data/registry';
import type { Split } from '../data/types';
import { type ExperimentConfig, validateExperiment } from '../experiments/config';
import { decays, trainableWithRoles } from '../layers/roles';
import { createModel } from '../models/create';
import { prepareData } from '../train/prepare';
import { runControl } from '../train/schedule';
import { withSeededRandom } from '../train/seed';
import type { GitInfo } from '../util/git';
import { readJsonLines } from '../util/jsonl';
import { ROOT } from '../util/paths';
import { torchPython } from './torch';

/** What a whole run gives, for either implementation. */
export interface WholeRun {
  implementation: 'tfjs' | 'pytorch';
  test_acc: number;
  best_val_acc: number;
  converged: boolean;
  selectedEpoch: number;
  epochs: number;
  steps: number;
  /** Training images seen. */
  images: number;
  /** Wall time of the whole run: data, training, evaluation. */
  seconds: number;
  /** Training throughput (training time only). */
  img_per_s: number;
  curve: { epoch: number; step: number; train_loss: number; val_acc: number }[];
}

const TWIN_MODELS = ['channel-full', 'spatial-full'];

function writeSplit(dir: string, name: string, s: Split): void {
  const x = new Float32Array(s.images.length);
  for (let i = 0; i < x.length; i++) x[i] = s.images[i] / 255; // the scale the tfjs batches use before normalizing
  fs.writeFileSync(path.join(dir, `${name}_x.f32`), Buffer.from(x.buffer));
  fs.writeFileSync(path.join(dir, `${name}_y.i32`), Buffer.from(Int32Array.from(s.labels).buffer));
}

/** Trains the experiment in the PyTorch twin with `threads` intra-op threads. */
export async function trainTwin(
  e: ExperimentConfig,
  opts: { threads?: number; dataDir?: string; log?: (s: string) => void } = {},
): Promise<WholeRun> {
  validateExperiment(e);
  if (
    !TWIN_MODELS.includes(e.model.tokenizer) ||
    e.model.arch !== 'transformer' ||
    e.model.block !== 'vit' ||
    e.model.pooling !== 'mean' ||
    e.model.se
  ) {
    throw new Error(
      `the PyTorch twin builds ${TWIN_MODELS.join(' and ')} with ViT blocks and mean pooling; '${e.name}' is not one of them`,
    );
  }
  if (e.dataset.augment.cropPad || e.dataset.augment.flip)
    throw new Error('the PyTorch twin does not augment; use a config without augmentation');
  if (e.train.labelSmoothing) throw new Error('the PyTorch twin trains with plain cross-entropy (labelSmoothing 0)');
  await initBackend({ quiet: true });
  const t0 = Date.now();
  const d = prepareData(e, loadDataset(e.dataset.name, { dataDir: opts.dataDir }));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maptokens-twin-run-'));
  try {
    writeSplit(dir, 'train', d.train);
    writeSplit(dir, 'val', d.val);
    writeSplit(dir, 'test', d.test);
    fs.writeFileSync(path.join(dir, 'norm.json'), JSON.stringify(d.normalize));
    // The tfjs model's initial weights for this seed, and which of them decay (by role).
    const spec = await withSeededRandom(e.seed, async () => {
      const m = createModel(e.model);
      try {
        const weights = Object.fromEntries(
          m.model.weights.map((w) => [w.originalName, { shape: w.shape, data: Array.from(w.read().dataSync()) }]),
        );
        const decay = trainableWithRoles(m.model)
          .filter((p) => decays(p.role))
          .map((p) => p.name);
        return { model: e.model.tokenizer, config: e.model, train: e.train, seed: e.seed, threads: opts.threads ?? 1, weights, decay };
      } finally {
        m.dispose();
      }
    });
    const specFile = path.join(dir, 'spec.json');
    fs.writeFileSync(specFile, JSON.stringify(spec));
    return await drive(e, d.train.n, d.val.n, specFile, dir, t0, opts.log);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the epoch loop against the Python process: the same schedule, order and plateau rule as lib/train/trainer.ts. */
async function drive(
  e: ExperimentConfig,
  nTrain: number,
  nVal: number,
  specFile: string,
  dir: string,
  t0: number,
  log?: (s: string) => void,
): Promise<WholeRun> {
  const child = spawn(torchPython(), [path.join(ROOT, 'scripts', 'twin_torch.py'), 'serve', specFile, dir], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const ask = async (cmd: object): Promise<Record<string, number>> => {
    child.stdin.write(`${JSON.stringify(cmd)}\n`);
    const r = await lines.next();
    if (r.done) throw new Error(`the PyTorch twin stopped: ${stderr.trim().split('\n').slice(-3).join(' | ') || 'no message'}`);
    return JSON.parse(r.value);
  };
  try {
    const t = e.train;
    const dropRemainder = nTrain >= t.batchSize;
    const stepsPerEpoch = numBatches(nTrain, t.batchSize, dropRemainder);
    const { schedule, plateau, judge } = runControl(t, stepsPerEpoch, e.model.numClasses, nVal);
    const curve: WholeRun['curve'] = [];
    let step = 0;
    let images = 0;
    let trainSeconds = 0;
    for (let epoch = 1; epoch <= t.epochs; epoch++) {
      const order = epochOrder(nTrain, e.seed * 100003 + epoch).slice(0, stepsPerEpoch * t.batchSize);
      const lrs = Array.from({ length: stepsPerEpoch }, (_, i) => schedule.lr(step + i));
      const r = await ask({ cmd: 'epoch', order, lrs });
      if (!Number.isFinite(r.train_loss)) throw new Error(`the twin's loss became ${r.train_loss} in epoch ${epoch}`);
      step += stepsPerEpoch;
      images += r.seen;
      trainSeconds += r.seconds;
      const val = await ask({ cmd: 'eval', split: 'val' });
      curve.push({ epoch, step, train_loss: r.train_loss, val_acc: val.acc });
      const p = judge({ epoch, step, valAcc: val.acc, trainLoss: r.train_loss });
      if (p.improved) await ask({ cmd: 'snapshot' });
      log?.(
        `twin epoch ${epoch} (step ${step}): train loss ${r.train_loss.toFixed(4)}, val acc ${val.acc.toFixed(4)}${p.improved ? ' (best)' : ''}, ${(r.seen / r.seconds).toFixed(0)} img/s`,
      );
      if (p.end) break;
    }
    const verdict = plateau.result();
    await ask({ cmd: 'restore' });
    const test = await ask({ cmd: 'eval', split: 'test' });
    return {
      implementation: 'pytorch',
      test_acc: test.acc,
      best_val_acc: Math.max(...curve.map((c) => c.val_acc)),
      converged: verdict.converged,
      selectedEpoch: verdict.selectedEpoch,
      epochs: curve.length,
      steps: step,
      images,
      seconds: (Date.now() - t0) / 1000,
      img_per_s: images / trainSeconds,
      curve,
    };
  } finally {
    child.stdin.end();
    child.kill();
  }
}

/** One side-by-side whole run, as stored in results/twin/runs.jsonl. */
export interface WholeRunPair {
  /** The run's experiment id (the same config in the main store, if it was swept). */
  id: string;
  name: string;
  dataset: string;
  seed: number;
  preset: string;
  threads: number;
  /**
   * The machine's 1-minute load average just before the tfjs run started. Above
   * SHARED_LOAD something else was running (a sweep): the accuracies stand, the times are
   * not a timing. Pairs stored before this field existed were timed on a quiet machine.
   */
  loadAtStart?: number;
  tfjs: WholeRun;
  pytorch: WholeRun;
  git: GitInfo;
  ended: string;
}

/** A load average above this at the start means the pair shared the machine (2 cores here; a quiet machine sits near 0). */
export const SHARED_LOAD = 0.5;

/** Whether a pair's times may be read as a timing: it did not share the machine. */
export const timedQuietly = (p: WholeRunPair): boolean => (p.loadAtStart ?? 0) <= SHARED_LOAD;

export const TWIN_STORE = (resultsDir: string): string => path.join(resultsDir, 'twin', 'runs.jsonl');

/** Every stored pair; a line that does not parse is reported, not dropped silently. */
export function readWholeRuns(resultsDir: string): { pairs: WholeRunPair[]; problems: string[] } {
  const { items, problems } = readJsonLines<WholeRunPair>(TWIN_STORE(resultsDir));
  return { pairs: items, problems };
}
