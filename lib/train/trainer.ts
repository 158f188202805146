/**
 * The training loop: one experiment config in, one RunRecord out.
 *
 * Per epoch it records train loss and accuracy, validation accuracy (a seeded,
 * stratified hold-out of the training subset), test accuracy and loss, wall time
 * and training throughput. Everything random (init, dropout, shuffles,
 * augmentation) is a function of the seed. A NaN or Inf loss stops the run, which
 * is then recorded as failed with the epoch and step where it happened.
 * Tensors are created inside tf.tidy and disposed across every await.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { backendReport, initBackend } from '../backend';
import { channelStats, forEachBatch, holdout, numBatches, stratifiedSubset } from '../data/pipeline';
import { loadDataset } from '../data/registry';
import type { Dataset, Split } from '../data/types';
import { costModel } from '../models/cost';
import { createModel, MapTokensModel } from '../models/create';
import { saveModel } from '../models/io';
import type { EpochMetrics, RunRecord } from '../results/record';
import { gitInfo } from '../util/git';
import { ExperimentConfig, experimentHash, validateExperiment } from './config';
import { learningRate } from './schedule';
import { withSeededRandom } from './seed';

export interface TrainProgress {
  epoch: number;
  epochs: number;
  step: number;
  stepsPerEpoch: number;
  loss: number;
  /** Seconds since the run started. */
  elapsed: number;
}

export interface TrainOptions {
  /** Called every few steps and at each epoch end. */
  onProgress?: (p: TrainProgress) => void;
  /** Folder for log.txt (and weights.bin with saveWeights). */
  runDir?: string;
  saveWeights?: boolean;
  preset?: string;
  /** Load options for the dataset registry (data folder, diagnostic sizes). */
  dataDir?: string;
}

class NonFiniteLoss extends Error {
  constructor(
    readonly epoch: number,
    readonly step: number,
    readonly value: number,
  ) {
    super(`loss became ${value} at epoch ${epoch}, step ${step}`);
  }
}

export interface PreparedData {
  train: Split;
  val: Split;
  test: Split;
  shape: [number, number, number];
  flipSafe: boolean;
  normalize: { mean: number[]; std: number[] };
}

/** Subsets, hold-out and normalization statistics for one experiment. */
export function prepareData(e: ExperimentConfig, ds: Dataset): PreparedData {
  const shape = ds.meta.shape;
  const k = ds.meta.numClasses;
  const trainAll = e.dataset.trainPerClass === null ? ds.train : stratifiedSubset(ds.train, shape, k, e.dataset.trainPerClass);
  const test = e.dataset.testPerClass === null ? ds.test : stratifiedSubset(ds.test, shape, k, e.dataset.testPerClass);
  const { train, val } = holdout(trainAll, shape, k, e.dataset.valFraction, e.seed);
  // Statistics of the training part only: nothing about val or test leaks into training.
  return { train, val, test, shape, flipSafe: ds.meta.flipSafe, normalize: channelStats(train, shape) };
}

/** Mean loss and accuracy of a model over a split (inference mode, batched). */
export async function evaluate(m: MapTokensModel, split: Split, d: PreparedData, batchSize = 256): Promise<{ acc: number; loss: number }> {
  let correct = 0;
  let lossSum = 0;
  await forEachBatch(split, d.shape, { batchSize, normalize: d.normalize }, (b) => {
    const [c, l] = tf.tidy(() => {
      const logits = m.predict(b.x);
      const onehot = tf.oneHot(b.y, m.config.numClasses);
      const loss = tf.losses.softmaxCrossEntropy(onehot, logits, undefined, 0, tf.Reduction.SUM);
      return [logits.argMax(1).equal(b.y).sum().dataSync()[0], loss.dataSync()[0]];
    });
    correct += c;
    lossSum += l;
  });
  return { acc: correct / split.n, loss: lossSum / split.n };
}

function globalNorm(grads: tf.Tensor[]): tf.Scalar {
  return tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g))))) as tf.Scalar;
}

/** Trains one experiment and returns its record; never throws for a training failure. */
export async function trainExperiment(e: ExperimentConfig, opts: TrainOptions = {}): Promise<RunRecord> {
  validateExperiment(e);
  await initBackend({ quiet: true });
  const id = experimentHash(e);
  const started = new Date();
  const t0 = Date.now();
  const logLines: string[] = [];
  const log = (s: string): void => {
    logLines.push(`${new Date().toISOString()} ${s}`);
    if (opts.runDir) {
      fs.mkdirSync(opts.runDir, { recursive: true });
      fs.appendFileSync(path.join(opts.runDir, 'log.txt'), `${logLines[logLines.length - 1]}\n`);
    }
  };
  const ds = loadDataset(e.dataset.name, { dataDir: opts.dataDir });
  const d = prepareData(e, ds);
  const cost = costModel(e.model);
  const curve: EpochMetrics[] = [];
  let failure: RunRecord['failure'];
  let trainImages = 0;
  let trainSeconds = 0;
  log(`run ${id} ${e.name} on ${e.dataset.name}, seed ${e.seed}: ${d.train.n} train / ${d.val.n} val / ${d.test.n} test`);

  await withSeededRandom(e.seed, async () => {
    const m = createModel(e.model);
    const t = e.train;
    const opt = tf.train.adam(t.lr);
    const stepsPerEpoch = numBatches(d.train.n, t.batchSize, d.train.n >= t.batchSize);
    const total = stepsPerEpoch * t.epochs;
    const warmup = Math.round(t.warmupEpochs * stepsPerEpoch);
    // Decay weight matrices and kernels only; biases, norms and embeddings stay undecayed.
    const decayed = new Set(
      m.model.trainableWeights.filter((w) => w.shape.length >= 2 && !/embedding|table|cls|gamma|beta/.test(w.originalName)).map((w) => (w.read() as tf.Variable).name),
    );
    const vars = m.model.trainableWeights.map((w) => w.read() as tf.Variable);
    let step = 0;
    let lr = t.lr;
    try {
      for (let epoch = 1; epoch <= t.epochs; epoch++) {
        const te = Date.now();
        let lossSum = 0;
        let correct = 0;
        let seen = 0;
        await forEachBatch(
          d.train,
          d.shape,
          { batchSize: t.batchSize, shuffleSeed: e.seed * 100003 + epoch, augment: e.dataset.augment.cropPad || e.dataset.augment.flip ? e.dataset.augment : undefined, flipSafe: d.flipSafe, dataset: e.dataset.name, normalize: d.normalize, dropRemainder: d.train.n >= t.batchSize },
          async (b, i) => {
            lr = learningRate(step, total, warmup, t.lr);
            (opt as unknown as { learningRate: number }).learningRate = lr;
            const [loss, corr] = tf.tidy(() => {
              let hits: tf.Scalar | undefined;
              const { value, grads } = tf.variableGrads(() => {
                const logits = m.trainLogits(b.x);
                hits = tf.keep(logits.argMax(1).equal(b.y).sum() as tf.Scalar);
                return tf.losses.softmaxCrossEntropy(tf.oneHot(b.y, m.config.numClasses), logits, undefined, t.labelSmoothing) as tf.Scalar;
              }, vars);
              const v = value.dataSync()[0];
              if (!Number.isFinite(v)) return [v, 0];
              let g = grads;
              if (t.gradClip > 0) {
                const norm = globalNorm(Object.values(grads)).dataSync()[0];
                if (norm > t.gradClip) g = Object.fromEntries(Object.entries(grads).map(([k, x]) => [k, tf.mul(x, t.gradClip / norm)]));
              }
              opt.applyGradients(g as tf.NamedTensorMap as Parameters<typeof opt.applyGradients>[0]);
              if (t.optimizer === 'adamw' && t.weightDecay > 0) {
                for (const v of vars) if (decayed.has(v.name)) v.assign(tf.mul(v, 1 - lr * t.weightDecay)); // decoupled: w -= lr·λ·w
              }
              const c = hits!.dataSync()[0];
              hits!.dispose();
              return [v, c];
            });
            if (!Number.isFinite(loss)) throw new NonFiniteLoss(epoch, i + 1, loss);
            lossSum += loss * b.y.shape[0];
            correct += corr;
            seen += b.y.shape[0];
            step++;
            if (opts.onProgress && (i % 5 === 0 || i === stepsPerEpoch - 1)) {
              opts.onProgress({ epoch, epochs: t.epochs, step: i + 1, stepsPerEpoch, loss, elapsed: (Date.now() - t0) / 1000 });
              await new Promise((r) => setImmediate(r)); // let progress output and signals through
            }
          },
        );
        const trainSec = (Date.now() - te) / 1000;
        trainImages += seen;
        trainSeconds += trainSec;
        const val = await evaluate(m, d.val, d);
        const test = await evaluate(m, d.test, d);
        const row: EpochMetrics = {
          epoch,
          train_loss: lossSum / seen,
          train_acc: correct / seen,
          val_acc: val.acc,
          val_loss: val.loss,
          test_acc: test.acc,
          test_loss: test.loss,
          lr,
          seconds: (Date.now() - te) / 1000,
          img_per_s: seen / trainSec,
        };
        curve.push(row);
        log(`epoch ${epoch}/${t.epochs}: train loss ${row.train_loss.toFixed(4)} acc ${row.train_acc.toFixed(4)}, val acc ${row.val_acc.toFixed(4)}, test acc ${row.test_acc.toFixed(4)}, ${row.img_per_s.toFixed(0)} img/s`);
      }
      if (opts.saveWeights && opts.runDir) await saveModel(m, path.join(opts.runDir, 'model'));
    } catch (err) {
      if (err instanceof NonFiniteLoss) {
        failure = { kind: 'nan', epoch: err.epoch, step: err.step, reason: err.message };
      } else {
        failure = { kind: 'error', epoch: curve.length + 1, step: 0, reason: (err as Error).message };
      }
      log(`FAILED: ${failure.reason}`);
    } finally {
      opt.dispose();
      m.dispose();
    }
  });

  const last = curve[curve.length - 1];
  return {
    id,
    status: failure ? 'failed' : 'ok',
    name: e.name,
    dataset: e.dataset.name,
    seed: e.seed,
    data: e.dataset,
    model: e.model,
    train: e.train,
    metrics: {
      test_acc: last?.test_acc ?? NaN,
      test_loss: last?.test_loss ?? NaN,
      best_val_acc: curve.length ? Math.max(...curve.map((c) => c.val_acc)) : NaN,
      final_train_loss: last?.train_loss ?? NaN,
      curve,
    },
    ...(failure ? { failure } : {}),
    params: cost.params,
    flops: cost.flops,
    T: cost.T,
    Dtok: cost.Dtok,
    seconds: (Date.now() - t0) / 1000,
    img_per_s: trainSeconds > 0 ? trainImages / trainSeconds : 0,
    backend: backendReport(),
    git: gitInfo(),
    started: started.toISOString(),
    ended: new Date().toISOString(),
    preset: opts.preset ?? 'custom',
    sizes: { train: d.train.n, val: d.val.n, test: d.test.n },
  };
}
