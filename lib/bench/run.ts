/**
 * Timing of the reference workloads. Speed is measured here and written down in
 * docs/performance.md; no test ever asserts a time.
 *
 * One training step is forward, backward and an Adam update on one fixed batch.
 * Throughput is the median over timed windows after warm-up (the first steps
 * create Adam's slots and let TensorFlow pick kernels). numTensors is recorded
 * before and after the timed windows: a step that leaks shows up as a difference.
 */
import * as tf from '@tensorflow/tfjs';
import { type BackendName, initBackend } from '../backend';
import { createModel } from '../models/create';
import { TRAIN_DEFAULTS } from '../experiments/config';
import { modelPreset, planSuite, type Study } from '../experiments';
import { referenceModel } from './reference';
import { decays, trainableWithRoles } from '../layers/roles';
import { AdamW } from '../train/adamw';
import { type Trainable, trainStep } from '../train/step';

/** R1, R2: the reference workloads; R3: the quick preset's channel-full; `model:<preset>`: any model preset at the quick preset's batch. */
export type BenchWorkload = 'R1' | 'R2' | 'R3' | `model:${string}`;

export interface BenchOptions {
  /** The study whose models the R3 and model: workloads name. */
  study: Study;
  workload: BenchWorkload;
  backend: BackendName;
  /** Batch size; R3 defaults to the quick preset's training batch. */
  batch?: number;
  /** Timed windows (the median is reported); at least 5. */
  windows?: number;
  /** Steps per timed window. */
  steps?: number;
  warmup?: number;
  /** The training step timed: the workspace's (default) or the previous one, for before/after. */
  stepMode?: StepMode;
}

export interface BenchResult {
  workload: BenchWorkload;
  /** The training step timed (lib/bench/run.ts stepper). */
  step?: StepMode;
  backend: BackendName;
  batch: number;
  threads: number;
  /** null when the backend cannot train this workload (see train_error). */
  train_img_per_s: number | null;
  infer_img_per_s: number;
  ms_per_step: number | null;
  /** Why training could not be timed, e.g. a gradient kernel the backend lacks. */
  train_error?: string;
  /** Every window's training throughput, for the spread. */
  train_windows: number[];
  num_tensors_before: number;
  num_tensors_after: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function build(
  study: Study,
  workload: BenchWorkload,
): { model: tf.LayersModel; shape: [number, number, number]; batch: number; dispose: () => void } {
  if (workload === 'R3') {
    const plan = planSuite(study, 'channel-vs-spatial', { preset: 'quick', datasets: ['mnist'], seeds: [0] }).find(
      (p) => p.config.name === 'channel-full',
    )!;
    const m = createModel(plan.config.model);
    return { model: m.model, shape: plan.config.model.inputShape, batch: plan.config.train.batchSize, dispose: () => m.dispose() };
  }
  if (workload.startsWith('model:')) {
    // A model preset as the suites train it on MNIST (28×28×1, 10 classes), at the training batch size.
    const m = createModel(modelPreset(study, workload.slice('model:'.length)));
    return { model: m.model, shape: m.config.inputShape, batch: TRAIN_DEFAULTS.batchSize, dispose: () => m.dispose() };
  }
  const model = referenceModel(workload as 'R1' | 'R2');
  return { model, shape: [32, 32, 3], batch: 128, dispose: () => model.dispose() };
}

/**
 * The training step a bench times: the workspace's own (lib/train/step.ts: AdamW in one
 * flat update, clipping on the device, nothing read back until the window ends), or the
 * previous one ('legacy': AdamW weight by weight, and the loss, the hit count and the
 * clip norm each read back on every step), kept to measure what the change bought.
 */
export type StepMode = 'workspace' | 'legacy';

interface Stepper {
  /** One step; `sync` waits for it (and every step before it) to finish. */
  step(sync: boolean): void;
  dispose(): void;
}

function stepper(model: tf.LayersModel, x: tf.Tensor4D, labels: tf.Tensor1D, mode: StepMode): Stepper {
  const params = trainableWithRoles(model).map((p) => ({ variable: p.variable, decay: decays(p.role) }));
  const classes = model.outputs[0].shape[1] as number;
  const m: Trainable = { trainLogits: (images) => model.apply(images, { training: true }) as tf.Tensor2D, config: { numClasses: classes } };
  if (mode === 'workspace') {
    const opt = new AdamW(params, { lr: 1e-3, weightDecay: 0.05, gradClip: 1 });
    return {
      step: (sync) => {
        const r = trainStep(m, params, opt, x, labels, { labelSmoothing: 0 });
        if (sync) r.loss.dataSync();
        tf.dispose([r.loss, r.correct]);
      },
      dispose: () => opt.dispose(),
    };
  }
  const opt = new AdamW(params, { lr: 1e-3, weightDecay: 0.05, flat: false });
  return {
    step: () =>
      tf.tidy(() => {
        let hits: tf.Scalar | undefined;
        const { value, grads } = tf.variableGrads(
          () => {
            const logits = m.trainLogits(x);
            hits = tf.keep(logits.argMax(1).equal(labels).sum() as tf.Scalar);
            return tf.losses.softmaxCrossEntropy(tf.oneHot(labels, classes), logits) as tf.Scalar;
          },
          params.map((p) => p.variable),
        );
        value.dataSync();
        hits!.dataSync();
        hits!.dispose();
        let g = params.map((p) => grads[p.variable.name]);
        const norm = Math.sqrt(tf.addN(g.map((t) => tf.sum(tf.square(t)))).dataSync()[0]);
        if (norm > 1) g = g.map((t) => tf.mul(t, 1 / norm));
        opt.step(g);
      }),
    dispose: () => opt.dispose(),
  };
}

/** A fixed batch for a model input: seeded images and labels cycling through 10 classes. */
function fixedBatch(batch: number, shape: number[], seed: number): { x: tf.Tensor4D; y: tf.Tensor1D } {
  return {
    x: tf.randomNormal([batch, ...shape], 0, 1, 'float32', seed) as unknown as tf.Tensor4D,
    y: tf.tensor1d(
      Array.from({ length: batch }, (_, i) => i % 10),
      'int32',
    ),
  };
}

export async function benchWorkload(opts: BenchOptions): Promise<BenchResult> {
  const report = await initBackend({ force: opts.backend, quiet: true });
  const b = build(opts.study, opts.workload);
  const batch = opts.batch ?? b.batch;
  const windows = Math.max(5, opts.windows ?? 5);
  const steps = opts.steps ?? (opts.backend === 'tensorflow' ? 5 : 1);
  const warmup = opts.warmup ?? (opts.backend === 'tensorflow' ? 3 : 1);
  const { x, y } = fixedBatch(batch, b.shape, 1);
  let st: Stepper | undefined;
  // Each timed window ends with a read, as the trainer's progress tick does.
  const step = (sync = true): void => (st ??= stepper(b.model, x, y, opts.stepMode ?? 'workspace')).step(sync);
  const infer = (): void => {
    const out = b.model.predict(x) as tf.Tensor;
    out.dataSync();
    out.dispose();
  };
  try {
    let trainError: string | undefined;
    try {
      for (let i = 0; i < warmup; i++) step();
    } catch (e) {
      // e.g. tfjs-backend-wasm has no Conv2DBackpropFilter: it can run these models, not train them.
      trainError = (e as Error).message.split('\n')[0];
    }
    for (let i = 0; i < warmup; i++) infer();
    const before = tf.memory().numTensors;
    const trainWindows: number[] = [];
    for (let w = 0; w < windows && !trainError; w++) {
      const t = performance.now();
      for (let i = 0; i < steps; i++) step(i === steps - 1);
      trainWindows.push((steps * batch * 1000) / (performance.now() - t));
    }
    const inferWindows: number[] = [];
    for (let w = 0; w < windows; w++) {
      const t = performance.now();
      for (let i = 0; i < steps; i++) infer();
      inferWindows.push((steps * batch * 1000) / (performance.now() - t));
    }
    const after = tf.memory().numTensors;
    const train = trainError ? null : median(trainWindows);
    return {
      workload: opts.workload,
      backend: report.backend,
      batch,
      threads: report.intraOpThreads ?? report.wasmThreads ?? 1,
      train_img_per_s: train,
      infer_img_per_s: median(inferWindows),
      ms_per_step: train === null ? null : (1000 * batch) / train,
      ...(trainError ? { train_error: trainError } : {}),
      train_windows: trainWindows,
      num_tensors_before: before,
      num_tensors_after: after,
    };
  } finally {
    st?.dispose();
    tf.dispose([x, y]);
    b.dispose();
  }
}

/**
 * RSS over many training steps (R1 at a small batch): the slope of a least-squares
 * line through (step, RSS), in KiB per step. Near zero means no native leak.
 */
export async function rssSlope(
  steps: number,
  batch = 32,
): Promise<{ steps: number; kibPerStep: number; startMiB: number; endMiB: number; numTensorsConstant: boolean }> {
  await initBackend({ force: 'tensorflow', quiet: true });
  const model = referenceModel('R1');
  const { x, y } = fixedBatch(batch, [32, 32, 3], 2);
  const st = stepper(model, x, y, 'workspace');
  const pts: [number, number][] = [];
  let n0 = -1;
  let constant = true;
  try {
    for (let s = 0; s < steps; s++) {
      st.step(s % 5 === 4);
      if (s === 10) n0 = tf.memory().numTensors;
      if (s > 10 && tf.memory().numTensors !== n0) constant = false;
      if (s >= 50 && s % 10 === 0) pts.push([s, process.memoryUsage().rss / 1024]);
    }
  } finally {
    st.dispose();
    tf.dispose([x, y]);
    model.dispose();
  }
  const mx = pts.reduce((a, p) => a + p[0], 0) / pts.length;
  const my = pts.reduce((a, p) => a + p[1], 0) / pts.length;
  const slope = pts.reduce((a, p) => a + (p[0] - mx) * (p[1] - my), 0) / pts.reduce((a, p) => a + (p[0] - mx) ** 2, 0);
  return { steps, kibPerStep: slope, startMiB: pts[0][1] / 1024, endMiB: pts[pts.length - 1][1] / 1024, numTensorsConstant: constant };
}

/** What `npm run bench` runs with no arguments. */
export const BENCH_DEFAULT_PLAN: { workload: BenchWorkload; backend: BackendName; batch?: number }[] = [
  { workload: 'R1', backend: 'tensorflow', batch: 128 },
  { workload: 'R2', backend: 'tensorflow', batch: 128 },
  { workload: 'R1', backend: 'tensorflow', batch: 32 },
  { workload: 'R2', backend: 'tensorflow', batch: 32 },
  { workload: 'R3', backend: 'tensorflow' },
  // Without the native backend: what users lose (R1 at batch 32 is the comparison point).
  { workload: 'R1', backend: 'wasm', batch: 32 },
  { workload: 'R2', backend: 'wasm', batch: 32 },
  { workload: 'R3', backend: 'wasm' },
  { workload: 'R1', backend: 'cpu', batch: 32 },
  { workload: 'R2', backend: 'cpu', batch: 32 },
  { workload: 'R3', backend: 'cpu' },
];

export interface KernelTime {
  kernel: string;
  calls: number;
  ms: number;
}

/**
 * Per-kernel time of one training step (tf.profile), summed by kernel name,
 * largest first. On tfjs-node each kernel runs synchronously, so kernelTimeMs is
 * its wall time including the binding's overhead.
 */
export async function profileStep(
  study: Study,
  workload: BenchWorkload,
  batch?: number,
  stepMode: StepMode = 'workspace',
): Promise<{ totalMs: number; kernels: KernelTime[]; calls: number }> {
  await initBackend({ force: 'tensorflow', quiet: true });
  const b = build(study, workload);
  const n = batch ?? b.batch;
  const { x, y } = fixedBatch(n, b.shape, 1);
  const st = stepper(b.model, x, y, stepMode);
  try {
    st.step(true);
    st.step(true);
    const info = await tf.profile(() => st.step(true));
    const kernels = byName(info.kernels);
    return { totalMs: kernels.reduce((a, k) => a + k.ms, 0), kernels, calls: info.kernels.length };
  } finally {
    st.dispose();
    tf.dispose([x, y]);
    b.dispose();
  }
}

/** Sums a profile's kernels by name, largest first. */
function byName(kernels: { name: string; kernelTimeMs: unknown }[], times = 1): KernelTime[] {
  const agg = new Map<string, KernelTime>();
  for (const k of kernels) {
    const e = agg.get(k.name) ?? { kernel: k.name, calls: 0, ms: 0 };
    e.calls += 1 / times;
    e.ms += (Number(k.kernelTimeMs) || 0) / times;
    agg.set(k.name, e);
  }
  return [...agg.values()].sort((a, c) => c.ms - a.ms);
}

/**
 * The kernels of the workspace's optimizer step alone (global-norm clipping and AdamW on the gradients of one
 * step), the mean of `times` updates: what the op table sets apart as the optimizer, since its kernels are
 * elementwise ops that share their names with the model's.
 */
export async function profileOptimizer(study: Study, workload: BenchWorkload, batch?: number, times = 3): Promise<KernelTime[]> {
  await initBackend({ force: 'tensorflow', quiet: true });
  const b = build(study, workload);
  const { x, y } = fixedBatch(batch ?? b.batch, b.shape, 1);
  const params = trainableWithRoles(b.model).map((p) => ({ variable: p.variable, decay: decays(p.role) }));
  const opt = new AdamW(params, { lr: 1e-3, weightDecay: 0.05, gradClip: 1 });
  const classes = b.model.outputs[0].shape[1] as number;
  const { value, grads } = tf.variableGrads(
    () => tf.losses.softmaxCrossEntropy(tf.oneHot(y, classes), b.model.apply(x, { training: true }) as tf.Tensor2D) as tf.Scalar,
    params.map((p) => p.variable),
  );
  const g = params.map((p) => grads[p.variable.name]);
  try {
    opt.step(g);
    const info = await tf.profile(() => {
      for (let k = 0; k < times; k++) opt.step(g);
    });
    return byName(info.kernels, times);
  } finally {
    opt.dispose();
    tf.dispose([value, ...Object.values(grads), x, y]);
    b.dispose();
  }
}
