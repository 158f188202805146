/**
 * The epoch loop: one experiment config in, one RunRecord out. Its parts live
 * beside it: the data (prepare.ts), one optimizer step (step.ts), AdamW
 * (adamw.ts), evaluation (evaluate.ts) and the learning-rate schedule.
 *
 * Per epoch it records train loss and accuracy, validation accuracy and loss (a
 * seeded, stratified hold-out of the training subset), wall time and throughput.
 * Early stopping and the convergence verdict follow plateau.ts; the model is
 * selected at its best validation accuracy (the last gain > minDelta: plateau.ts)
 * and the test set is evaluated once, there. Everything random (init, dropout, shuffles,
 * augmentation) is a function of the seed. A NaN or Inf loss stops the run, which
 * is then recorded as failed with the epoch and step where it happened.
 * Tensors are created inside tf.tidy and disposed across every await.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { backendReport, initBackend } from '../backend';
import { forEachBatch, numBatches } from '../data/pipeline';
import { loadDataset } from '../data/registry';
import { decays, trainableWithRoles } from '../layers/roles';
import { buildResolved } from '../models/create';
import { saveModel } from '../models/io';
import { writeWeightsRecord } from '../results/weights';
import { checkCooldownClimb, ruleWithCooldown } from '../results/record';
import type { EpochMetrics, RunRecord } from '../results/record';
import { gitInfo } from '../util/git';
import { type ExperimentConfig, SCHEMA_VERSION } from '../experiments/config';
import { isResolved, type ResolvedExperiment, resolveExperiment } from '../experiments/resolved';
import { AdamW } from './adamw';
import { type CheckpointState, clearCheckpoint, loadCheckpoint, saveCheckpoint, segmentSeconds } from './checkpoint';
import { evaluate } from './evaluate';
import { type PreparedData, prepareData } from './prepare';
import { freshTrainingSplit } from '../data/diagnostic';
import type { Split } from '../data/types';
import { runControl } from './schedule';
import { withSeededRandom } from './seed';
import { type StepResult, trainStep } from './step';

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
  /**
   * With a runDir: save a checkpoint after every epoch and resume from one left by a
   * killed process (checkpoint.ts). Default true; false starts over (--force).
   */
  checkpoints?: boolean;
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

/** Trains one experiment and returns its record; never throws for a training failure. */
export async function trainExperiment(experiment: ExperimentConfig | ResolvedExperiment, opts: TrainOptions = {}): Promise<RunRecord> {
  // A planned run is resolved already (checked, costed, its architecture known); a bare config is resolved here, once.
  const r = isResolved(experiment) ? experiment : resolveExperiment(experiment);
  const { config: e, id, cost } = r;
  await initBackend({ quiet: true });
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
  const curve: EpochMetrics[] = [];
  let failure: RunRecord['failure'];
  let trainImages = 0;
  let trainSeconds = 0;
  let test = { acc: NaN, loss: NaN };
  let stoppedEarly = false;
  let converged = false;
  let convergence: RunRecord['convergence'] = { rule: 'did not finish', selectedEpoch: 0, selectedStep: 0, stoppedEarly: false };
  // The stretches of wall time this run trained in before this process (a resumed run).
  let earlier: CheckpointState['segments'] = [];
  log(`run ${id} ${e.name} on ${e.dataset.name}, seed ${e.seed}: ${d.train.n} train / ${d.val.n} val / ${d.test.n} test`);

  await withSeededRandom(e.seed, async (rng) => {
    const m = buildResolved(r);
    const t = e.train;
    const params = trainableWithRoles(m.model).map((p) => ({ variable: p.variable, decay: decays(p.role) }));
    const opt = new AdamW(params, { lr: t.lr, weightDecay: t.optimizer === 'adamw' ? t.weightDecay : 0, gradClip: t.gradClip });
    const stepsPerEpoch = numBatches(d.train.n, t.batchSize, d.train.n >= t.batchSize);
    const { schedule, plateau, judge, cooldownSelection } = runControl(t, stepsPerEpoch, e.model.numClasses, d.val.n);
    // The weights at the best validation accuracy so far (up to minDelta): the model that is selected and tested.
    let best: tf.Tensor[] | undefined;
    let step = 0;
    let firstEpoch = 1;
    const checkpoints = !!opts.runDir && opts.checkpoints !== false;
    if (checkpoints) {
      const resumed = resume(opts.runDir!, id, m.model, opt, params, log);
      if (resumed) {
        ({ step, trainImages, trainSeconds } = resumed.state);
        best = resumed.best;
        rng.state = resumed.state.rng;
        earlier = resumed.state.segments;
        // The plateau rule and the schedule's decisions are functions of the curve: replayed, not stored.
        for (const row of resumed.state.curve) {
          curve.push(row);
          judge({ epoch: row.epoch, step: row.step ?? 0, valAcc: row.val_acc, trainLoss: row.train_loss });
        }
        firstEpoch = resumed.state.epoch + 1;
      }
    }
    try {
      for (let epoch = firstEpoch; epoch <= t.epochs; epoch++) {
        const te = Date.now();
        let lossSum = 0;
        let correct = 0;
        let seen = 0;
        const batches = {
          batchSize: t.batchSize,
          shuffleSeed: e.seed * 100003 + epoch,
          augment: e.dataset.augment.cropPad || e.dataset.augment.flip ? e.dataset.augment : undefined,
          flipSafe: d.flipSafe,
          dataset: e.dataset.name,
          normalize: d.normalize,
          dropRemainder: d.train.n >= t.batchSize,
        };
        // Losses and hit counts stay on the device until a progress tick reads them all at once.
        let pending: { r: StepResult; n: number }[] = [];
        let lastLoss = NaN;
        const drain = (lastIndex: number): void => {
          if (!pending.length) return;
          const held = pending;
          pending = [];
          const tensors = held.flatMap((p) => [p.r.loss, p.r.correct]);
          let vals: Float32Array | Int32Array | Uint8Array;
          try {
            vals = tf.tidy(() => tf.stack(tensors).dataSync()); // [2k]: loss, hits per step
          } finally {
            tf.dispose(tensors);
          }
          const first = lastIndex - held.length + 1;
          held.forEach((p, j) => {
            const loss = vals[2 * j];
            if (!Number.isFinite(loss)) throw new NonFiniteLoss(epoch, first + j + 1, loss);
            lossSum += loss * p.n;
            correct += vals[2 * j + 1];
            lastLoss = loss;
          });
        };
        try {
          await forEachBatch(trainingSplit(e, d, epoch), d.shape, batches, async (b, i) => {
            opt.lr = schedule.lr(step);
            pending.push({ r: trainStep(m, params, opt, b.x, b.y, t), n: b.y.shape[0] });
            seen += b.y.shape[0];
            step++;
            if (i % 5 === 4 || i === stepsPerEpoch - 1) {
              drain(i);
              if (opts.onProgress) {
                opts.onProgress({ epoch, epochs: t.epochs, step: i + 1, stepsPerEpoch, loss: lastLoss, elapsed: (Date.now() - t0) / 1000 });
                await new Promise((res) => setImmediate(res)); // let progress output and signals through
              }
            }
          });
          drain(stepsPerEpoch - 1);
        } finally {
          tf.dispose(pending.flatMap((p) => [p.r.loss, p.r.correct])); // an error mid-epoch leaves nothing behind
        }
        const trainSec = (Date.now() - te) / 1000;
        trainImages += seen;
        trainSeconds += trainSec;
        const val = await evaluate(m, d.val, d);
        const row: EpochMetrics = {
          epoch,
          step,
          train_loss: lossSum / seen,
          train_acc: correct / seen,
          val_acc: val.acc,
          val_loss: val.loss,
          lr: opt.lr,
          seconds: (Date.now() - te) / 1000,
          img_per_s: seen / trainSec,
        };
        curve.push(row);
        const p = judge({ epoch, step, valAcc: val.acc, trainLoss: row.train_loss });
        if (p.improved) {
          for (const w of best ?? []) w.dispose();
          best = params.map((x) => x.variable.clone());
        }
        log(
          `epoch ${epoch}/${t.epochs} (step ${step}): train loss ${row.train_loss.toFixed(4)} acc ${row.train_acc.toFixed(4)}, val acc ${row.val_acc.toFixed(4)}${p.improved ? ' (best)' : ''}, ${row.img_per_s.toFixed(0)} img/s`,
        );
        if (p.end) {
          stoppedEarly = epoch < t.epochs;
          break;
        }
        if (schedule.cooldown?.from === step)
          log(
            `cooldown: the rate decays to zero over the next ${schedule.cooldown.steps} steps (${schedule.cooldown.after === 'plateau' ? 'validation has plateaued' : 'the epoch cap is near'})`,
          );
        if (checkpoints && epoch < t.epochs) {
          const o = opt.snapshot();
          saveCheckpoint(
            opts.runDir!,
            {
              id,
              epoch,
              step,
              curve,
              rng: rng.state,
              optimizerSteps: o.steps,
              trainImages,
              trainSeconds,
              segments: [...earlier, { started: started.toISOString(), ended: new Date().toISOString() }],
            },
            { weights: m.model.weights.map((w) => w.read()), best: best ?? [], moments: o.moments },
          );
        }
      }
      const verdict = plateau.result();
      // A cooldown that climbs far past the plateau shows the plateau was a pause, not the end (COOLDOWN_CLIMB).
      const judged = checkCooldownClimb(
        { converged: verdict.converged, rule: ruleWithCooldown(verdict.rule, schedule.cooldown) },
        curve,
        schedule.cooldown?.from,
      );
      converged = judged.converged;
      convergence = {
        rule: judged.rule,
        selectedEpoch: verdict.selectedEpoch,
        selectedStep: verdict.selectedStep,
        ...cooldownSelection(),
        stoppedEarly,
      };
      // Select on validation only: back to the best weights, then the test set, once.
      if (best) params.forEach((x, i) => x.variable.assign(best![i]));
      test = await evaluate(m, d.test, d);
      log(
        `selected epoch ${convergence.selectedEpoch} (step ${convergence.selectedStep}): test acc ${test.acc.toFixed(4)}; ${converged ? 'converged' : 'not converged'}: ${convergence.rule}`,
      );
      if (opts.saveWeights && opts.runDir) await saveModel(m, path.join(opts.runDir, 'model'));
    } catch (err) {
      if (err instanceof NonFiniteLoss) {
        failure = { kind: 'nan', epoch: err.epoch, step: err.step, reason: err.message };
      } else {
        failure = { kind: 'error', epoch: curve.length + 1, step: 0, reason: (err as Error).message };
      }
      log(`FAILED: ${failure.reason}`);
    } finally {
      for (const w of best ?? []) w.dispose();
      opt.dispose();
      m.dispose();
    }
  });

  const last = curve[curve.length - 1];
  const ended = new Date();
  const segments = [...earlier, { started: started.toISOString(), ended: ended.toISOString() }];
  const record: RunRecord = {
    id,
    schema: SCHEMA_VERSION,
    status: failure ? 'failed' : 'ok',
    name: e.name,
    dataset: e.dataset.name,
    seed: e.seed,
    data: e.dataset,
    model: e.model,
    train: e.train,
    metrics: {
      test_acc: test.acc,
      test_loss: test.loss,
      best_val_acc: curve.length ? Math.max(...curve.map((c) => c.val_acc)) : NaN,
      final_train_loss: last?.train_loss ?? NaN,
      curve,
    },
    converged,
    convergence,
    ...(failure ? { failure } : {}),
    params: cost.params,
    flops: cost.flops,
    T: cost.T,
    Dtok: cost.Dtok,
    // A resumed run's time is the sum of its segments: the gaps between them are not its.
    seconds: segmentSeconds(segments),
    img_per_s: trainSeconds > 0 ? trainImages / trainSeconds : 0,
    backend: backendReport(),
    git: gitInfo(),
    started: segments[0].started,
    ended: ended.toISOString(),
    ...(segments.length > 1 ? { segments } : {}),
    preset: opts.preset ?? 'custom',
    sizes: { train: d.train.n, val: d.val.n, test: d.test.n },
  };
  // The weights carry the record of the run that made them: a notebook can then tell the stored run's own weights from a retrain's.
  if (!failure && opts.saveWeights && opts.runDir) writeWeightsRecord(path.join(opts.runDir, 'model'), record);
  return record;
}

/**
 * The images an epoch trains on: the run's fixed training part, or, for a task drawn fresh each epoch
 * (DatasetSpec.freshTrain), as many new images of each class as that part holds, from (seed, epoch), none
 * a copy of a validation or test image.
 */
export function trainingSplit(e: ExperimentConfig, d: PreparedData, epoch: number): Split {
  if (!e.dataset.freshTrain) return d.train;
  const perClass = d.train.n / e.model.numClasses;
  if (!Number.isInteger(perClass))
    throw new Error(
      `fresh training images: ${d.train.n} training images are not the same number per class for ${e.model.numClasses} classes`,
    );
  return freshTrainingSplit(e.dataset.name, { size: d.shape[0], perClass, seed: e.seed, epoch, exclude: d.heldOut });
}

/**
 * Puts a run back where its checkpoint left it: weights, optimizer, and the best
 * weights (returned, the caller owns them). Null when there is no checkpoint, or when
 * the one there cannot resume this run: that is logged, the file is removed, and the
 * run starts over.
 */
function resume(
  runDir: string,
  id: string,
  model: tf.LayersModel,
  opt: AdamW,
  params: { variable: tf.Variable }[],
  log: (s: string) => void,
): { state: CheckpointState; best?: tf.Tensor[] } | null {
  let ck: ReturnType<typeof loadCheckpoint>;
  try {
    const o = opt.snapshot();
    ck = loadCheckpoint(
      runDir,
      id,
      {
        weights: model.weights.map((w) => w.shape as number[]),
        best: params.map((p) => p.variable.shape),
        moments: o.moments.map((x) => x.shape),
      },
      ['best'],
    );
  } catch (err) {
    log(`checkpoint ignored, starting over: ${(err as Error).message}`);
    clearCheckpoint(runDir);
    return null;
  }
  if (!ck) return null;
  const { weights, moments, best } = ck.groups;
  model.weights.forEach((w, i) => w.write(weights[i]));
  opt.restore(ck.state.optimizerSteps, moments);
  tf.dispose([...weights, ...moments]);
  log(`resumed after epoch ${ck.state.epoch} (step ${ck.state.step}) from its checkpoint`);
  return { state: ck.state, best };
}
