/**
 * npm run bench -- [--workload R1,R2,R3] [--models preset,…] [--backend tensorflow|wasm|cpu] [--batch N]
 *                  [--windows N] [--steps N] [--json] [--torch] [--soak STEPS] [--fused on|off] [--profile] [--ops]
 *
 * Default: R1 and R2 at batch 128 and 32, and R3, on all three backends (the wasm
 * and cpu backends with one step per window: they are slow, which is the point).
 * --torch also runs the PyTorch twin (scripts/bench_torch.py) in .venv-bench/ with
 * the same threads and prints the ratio, measured in the same session.
 * --soak N trains R1 (batch 32) for N steps and reports the RSS slope.
 * --models a,b,… times model presets as the suites train them (MNIST input, batch 64)
 * and prints each one's throughput relative to the first.
 * --run model/dataset trains one whole run of a preset's recipe (early stopping included)
 * in tfjs-node and in the PyTorch twin, one after the other with the same threads, and
 * appends the pair to results/twin/runs.jsonl (docs/validation.md reads it).
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import {
  BENCH_DEFAULT_PLAN,
  benchWorkload,
  type BenchResult,
  type BenchWorkload,
  type KernelTime,
  profileOptimizer,
  profileStep,
  rssSlope,
  type StepMode,
} from '../lib/bench/run';
import { type BackendName, BACKENDS } from '../lib/backend';
import { ROOT } from '../lib/util/paths';
import { setFusedOps, setNativeLayerNorm } from '../lib/layers';
import { listOf, oneOf, positiveInt, runCommand } from '../lib/util/cli';
import { torchPython } from '../lib/bench/torch';
import { opTable, opTableText, tfjsKernelsOnly } from '../lib/bench/ops';
import * as fs from 'node:fs';
import { SHARED_LOAD, trainTwin, TWIN_STORE, type WholeRun, type WholeRunPair } from '../lib/bench/twin';
import { planSuite, type RunPresetName, suitesOf } from '../lib/experiments';
import { STUDY } from '../study';
import { trainExperiment } from '../lib/train/trainer';
import { appendBenchLog, type BenchPair } from '../lib/bench/log';
import { appendLineAtomic } from '../lib/util/atomic';
import { gitInfo } from '../lib/util/git';
import { RESULTS_DIR } from '../lib/util/paths';
import { UsageError } from '../lib/util/cli';

const SPEC = {
  usage: `usage: npm run bench -- [--workload R1,R2,R3] [--models preset,…] [--backend tensorflow,wasm,cpu] [--batch N]
       [--windows N] [--steps N] [--json] [--torch] [--soak STEPS] [--fused on|off] [--native on|off] [--profile] [--ops]

  --workload  reference workloads (R1 channel tokens, R2 spatial tokens, R3 inference only)
  --models    model presets timed side by side (MNIST input, batch 64), ratios to the first
  --backend   backends to time (default all three for the reference plan)
  --batch     batch size; --windows, --steps: timing windows and steps per window
  --json      one JSON line per result
  --torch     also time the PyTorch twin in .venv-bench/ and print the ratio (same session)
  --soak N    train R1 (batch 32) for N steps and report the RSS slope and numTensors
  --fused     on|off: the hand-written gradients (layer norm, relu) or the plain ops
  --native    on|off (or on,off: timed in turn, twice, in this invocation): oneDNN's one-kernel layer
              norm at inference (the default) or the fused plain ops
  --profile   per-kernel time of one training step instead of throughput, and the kernels per step
  --ops       where one training step's time goes in tfjs-node and in the PyTorch twin, op by op, matched by
              category (R1 unless --workload, at batch 128 and 32 unless --batch; the same threads)
  --step      workspace|legacy (or both, workspace,legacy: timed in turn, twice, in this invocation):
              the workspace's step (flat AdamW, clipping on the device, one read per window; the
              default) or the previous one (AdamW weight by weight, three reads per step)
  --run M/D   one whole run of model M on dataset D (core grid) in tfjs-node and in the PyTorch
              twin: wall time, img/s, accuracies and their ratio; with --preset (default standard)
              and --seeds (default 0)`,
  options: {
    workload: { type: 'string' },
    models: { type: 'string' },
    backend: { type: 'string' },
    batch: { type: 'string' },
    windows: { type: 'string' },
    steps: { type: 'string' },
    json: { type: 'boolean' },
    torch: { type: 'boolean' },
    soak: { type: 'string' },
    fused: { type: 'string' },
    native: { type: 'string' },
    profile: { type: 'boolean' },
    ops: { type: 'boolean' },
    run: { type: 'string' },
    step: { type: 'string' },
    preset: { type: 'string' },
    seeds: { type: 'string' },
  },
} as const;

runCommand(SPEC, async (a) => {
  const loadAtStart = os.loadavg()[0];
  if (a.run !== undefined) {
    const m = /^([^/]+)\/([^/]+)$/.exec(a.run);
    if (!m) throw new UsageError('--run must be model/dataset, e.g. channel-full/relation');
    const preset = oneOf('preset', a.preset, Object.keys(STUDY.presets)) ?? 'standard';
    const seeds = listOf('seeds', a.seeds)?.map((x) => positiveInt('seeds', x, 0)!) ?? [0];
    for (const seed of seeds) await wholeRun(m[1], m[2], preset, seed);
    return;
  }
  let workloads = listOf('workload', a.workload, ['R1', 'R2', 'R3'] as const) as BenchWorkload[] | undefined;
  // Model presets side by side (e.g. the literature suite's), timed in one invocation so their ratios compare.
  const models = listOf('models', a.models, Object.keys(STUDY.models));
  if (models) workloads = [...(workloads ?? []), ...models.map((n) => `model:${n}` as BenchWorkload)];
  const backends = listOf('backend', a.backend, BACKENDS);
  const batch = positiveInt('batch', a.batch);
  const windows = positiveInt('windows', a.windows);
  const steps = positiveInt('steps', a.steps);
  const json = !!a.json;
  const torch = !!a.torch;
  const soak = positiveInt('soak', a.soak) ?? 0;
  const profile = !!a.profile;
  const fused = oneOf('fused', a.fused, ['on', 'off'] as const);
  // One mode, or several compared in this invocation (each timed twice, in turn: A B A B).
  const stepModes = (listOf('step', a.step, ['workspace', 'legacy'] as const) ?? ['workspace']) as StepMode[];
  const nativeModes = listOf('native', a.native, ['on', 'off'] as const) ?? ['on'];
  if (stepModes.length > 1 && nativeModes.length > 1) throw new UsageError('compare --step or --native in one invocation, not both');
  if (fused) setFusedOps(fused === 'on'); // A/B: hand-written gradients (layer norm, relu) vs plain ops
  if (a.ops) {
    // Both sides with the same threads, one after the other in this invocation: compare shares and ratios, not times across runs.
    const threads = Number(process.env.TF_NUM_INTRAOP_THREADS) || os.cpus().length;
    for (const w of (workloads ?? ['R1']).filter((x) => x === 'R1' || x === 'R2'))
      for (const b of batch ? [batch] : [128, 32]) {
        const tfjs = await profileStep(STUDY, w, b);
        const out = spawnSync(
          torchPython(),
          [
            path.join(ROOT, 'scripts', 'bench_torch.py'),
            '--workload',
            w,
            '--batch',
            String(b),
            '--threads',
            String(threads),
            '--ops',
            '--steps',
            String(steps ?? 3),
          ],
          { encoding: 'utf8' },
        );
        if (out.status !== 0) throw new Error(`bench_torch.py --ops failed:\n${out.stderr}`);
        const torchOps = JSON.parse(out.stdout.trim().split('\n').pop()!) as {
          ops: KernelTime[];
          optimizer: KernelTime[];
          totalMs: number;
        };
        const rows = opTable(tfjs.kernels, torchOps.ops, { tfjs: await profileOptimizer(STUDY, w, b), torch: torchOps.optimizer });
        const tfjsMs = tfjsKernelsOnly(tfjs.kernels).reduce((s, k) => s + k.ms, 0);
        if (json) console.log(JSON.stringify({ workload: w, batch: b, threads, tfjsMs, torchMs: torchOps.totalMs, rows }));
        else
          console.log(
            `\n${w} at batch ${b}, ${threads} threads: one training step, ${tfjsMs.toFixed(1)} ms of kernel time in tfjs-node (ops that wrap kernels not added), ` +
              `${torchOps.totalMs.toFixed(1)} ms of op self time in PyTorch (${(tfjsMs / torchOps.totalMs).toFixed(2)}×)\n${opTableText(rows)}`,
          );
      }
    return;
  }
  if (profile) {
    // Per-kernel time of one training step on the native backend, then stop.
    for (const w of workloads ?? ['R1', 'R2'])
      for (const stepMode of stepModes) {
        const p = await profileStep(STUDY, w, batch, stepMode);
        if (json) console.log(JSON.stringify({ workload: w, step: stepMode, profile: p }));
        else {
          console.log(`\n${w} (${stepMode} step): ${p.calls} kernels, ${p.totalMs.toFixed(1)} ms of kernel time in one training step`);
          for (const k of p.kernels.slice(0, 15))
            console.log(
              `  ${k.kernel.padEnd(26)} ${String(k.calls).padStart(5)} calls  ${k.ms.toFixed(1).padStart(8)} ms  ${((100 * k.ms) / p.totalMs).toFixed(1).padStart(5)}%`,
            );
        }
      }
    return;
  }
  const plan = BENCH_DEFAULT_PLAN.filter(
    (p) => (!workloads || workloads.includes(p.workload)) && (!backends || backends.includes(p.backend)),
  ).map((p) => ({
    ...p,
    batch: batch ?? p.batch,
  }));
  // With explicit choices, run every combination asked for.
  // --soak alone measures only memory; explicit choices run every combination asked for.
  const runs =
    soak && !workloads && !backends
      ? []
      : workloads || backends || batch
        ? dedupe(plan.length ? plan : cross(workloads ?? ['R1'], backends ?? ['tensorflow'], batch))
        : plan;
  const results: BenchResult[] = [];
  const native: Record<string, { train: number[]; infer: number[] }> = {};
  for (const r of runs) {
    for (let round = 0; round < (stepModes.length > 1 || nativeModes.length > 1 ? 2 : 1); round++)
      for (const stepMode of stepModes)
        for (const n of nativeModes) {
          setNativeLayerNorm(n === 'on');
          const res = {
            ...(await benchWorkload({ study: STUDY, workload: r.workload, backend: r.backend, batch: r.batch, windows, steps, stepMode })),
            step: stepMode,
          };
          results.push(res);
          const key = `${res.workload} batch ${res.batch}, native layer norm ${n}`;
          native[key] ??= { train: [], infer: [] };
          native[key].train.push(res.train_img_per_s ?? NaN);
          native[key].infer.push(res.infer_img_per_s);
          if (json) console.log(JSON.stringify({ ...res, native: n }));
        }
  }
  if (nativeModes.length > 1 && !json)
    for (const [key, v] of Object.entries(native))
      console.log(
        `${key}: training ${v.train.map((x) => x.toFixed(1)).join(', ')} img/s; inference ${v.infer.map((x) => x.toFixed(1)).join(', ')} img/s`,
      );
  if (stepModes.length > 1 && !json) {
    for (const w of [...new Set(results.map((r) => `${r.workload}@${r.batch}`))]) {
      const of = (m: StepMode): number[] =>
        results
          .filter((r) => `${r.workload}@${r.batch}` === w && r.step === m && r.train_img_per_s !== null)
          .map((r) => r.train_img_per_s!);
      const mean = (xs: number[]): number => xs.reduce((x, y) => x + y, 0) / xs.length;
      console.log(
        `${w.replace('@', ' batch ')}: ${stepModes
          .map(
            (m) =>
              `${m} step ${of(m)
                .map((x) => x.toFixed(1))
                .join(', ')} img/s`,
          )
          .join(
            '; ',
          )}; ${stepModes[0]} / ${stepModes[1]} = ${(mean(of(stepModes[0])) / mean(of(stepModes[1]))).toFixed(2)}× (same invocation, in turn)`,
      );
    }
  }
  const torchResults: Record<string, unknown>[] = [];
  const pairs: BenchPair[] = [];
  if (torch) {
    const threads = Number(process.env.TF_NUM_INTRAOP_THREADS) || os.cpus().length;
    // PyTorch builds only the reference workloads.
    const wanted = [
      ...new Set(
        results
          .filter((r) => r.backend === 'tensorflow' && (r.workload === 'R1' || r.workload === 'R2'))
          .map((r) => `${r.workload}@${r.batch}`),
      ),
    ];
    for (const wb of wanted) {
      const [w, b] = wb.split('@');
      const out = spawnSync(
        torchPython(),
        [
          path.join(ROOT, 'scripts', 'bench_torch.py'),
          '--workload',
          w,
          '--batch',
          b,
          '--threads',
          String(threads),
          ...(windows ? ['--windows', String(windows)] : []),
          ...(steps ? ['--steps', String(steps)] : []),
        ],
        { encoding: 'utf8' },
      );
      if (out.status !== 0) throw new Error(`bench_torch.py failed:\n${out.stderr}`);
      for (const line of out.stdout.trim().split('\n')) {
        const rec = JSON.parse(line) as Record<string, unknown>;
        // Against the first mode asked for (the workspace's step unless told otherwise).
        const tfr = results.find(
          (r) => r.backend === 'tensorflow' && r.workload === w && r.batch === Number(b) && r.step === stepModes[0],
        )!;
        rec.ratio_train = (tfr.train_img_per_s ?? NaN) / (rec.train_img_per_s as number);
        rec.ratio_infer = tfr.infer_img_per_s / (rec.infer_img_per_s as number);
        torchResults.push(rec);
        pairs.push({
          workload: w,
          batch: Number(b),
          threads,
          tfjs: { train: tfr.train_img_per_s, infer: tfr.infer_img_per_s },
          torch: { train: Number(rec.train_img_per_s), infer: Number(rec.infer_img_per_s) },
        });
        if (json) console.log(JSON.stringify(rec));
      }
    }
  }
  // The history in docs/performance-history.md is rendered from this log (npm run docs).
  if (pairs.length)
    appendBenchLog(RESULTS_DIR, { at: new Date().toISOString(), git: gitInfo(), loadAtStart, args: process.argv.slice(2), pairs });
  if (!json) {
    const rows = [...results, ...(torchResults as unknown as BenchResult[])];
    console.log('workload  backend     batch  threads  train img/s  infer img/s  ms/step   tensors before→after');
    for (const r of rows) {
      console.log(
        `${r.workload.padEnd(9)} ${r.backend.padEnd(11)} ${String(r.batch).padStart(5)}  ${String(r.threads).padStart(7)}  ${(r.train_img_per_s?.toFixed(1) ?? 'n/a').padStart(11)}  ${r.infer_img_per_s.toFixed(1).padStart(11)}  ${(r.ms_per_step?.toFixed(1) ?? 'n/a').padStart(7)}   ${r.num_tensors_before ?? '–'}→${r.num_tensors_after ?? '–'}${r.train_error ? `   (no training: ${r.train_error})` : ''}`,
      );
    }
    for (const t of torchResults)
      console.log(
        `tfjs-node / PyTorch on ${t.workload} batch ${t.batch}: train ${(t.ratio_train as number).toFixed(2)}×, inference ${(t.ratio_infer as number).toFixed(2)}×`,
      );
    const models = results.filter((r) => r.workload.startsWith('model:'));
    if (models.length > 1) {
      const base = models[0];
      for (const r of models.slice(1)) {
        console.log(
          `${r.workload.slice(6)} / ${base.workload.slice(6)}: train ${((r.train_img_per_s ?? NaN) / (base.train_img_per_s ?? NaN)).toFixed(2)}×, inference ${(r.infer_img_per_s / base.infer_img_per_s).toFixed(2)}× (same invocation, batch ${r.batch})`,
        );
      }
    }
  }
  if (soak) {
    const s = await rssSlope(soak);
    if (json) console.log(JSON.stringify({ soak: s }));
    else
      console.log(
        `RSS over ${s.steps} steps of R1 (batch 32): ${s.startMiB.toFixed(0)} → ${s.endMiB.toFixed(0)} MiB, slope ${s.kibPerStep.toFixed(2)} KiB/step; numTensors constant: ${s.numTensorsConstant}`,
      );
  }
});

/** One run of the core grid, trained by tfjs-node and by the PyTorch twin with the same threads; prints and stores the pair. */
async function wholeRun(model: string, dataset: string, preset: RunPresetName, seed: number): Promise<void> {
  const plan = planSuite(STUDY, 'core', {
    preset,
    datasets: suitesOf(STUDY, 'core')[0].datasets.includes(dataset) ? [dataset] : undefined,
    seeds: [seed],
  });
  const run = plan.find((p) => p.config.name === model && p.config.dataset.name === dataset);
  if (!run)
    throw new UsageError(
      `--run: ${model}/${dataset} is not in the core grid (models: ${[...new Set(plan.map((p) => p.config.name))].join(', ')}; datasets: ${suitesOf(STUDY, 'core')[0].datasets.join(', ')})`,
    );
  const threads = Number(process.env.TF_NUM_INTRAOP_THREADS) || os.cpus().length;
  const loadAtStart = os.loadavg()[0];
  const log = (s: string): void => console.error(s);
  if (loadAtStart > SHARED_LOAD)
    log(`the machine is busy (load ${loadAtStart.toFixed(2)}): the accuracies will stand, the times will be stored as not a timing`);
  log(`whole run ${model} / ${dataset} / seed ${seed} (${preset} recipe), ${threads} threads each: tfjs-node first`);
  const rec = await trainExperiment(run.config, {
    preset,
    onProgress: (p) => p.step === p.stepsPerEpoch && log(`tfjs epoch ${p.epoch} done, ${p.elapsed.toFixed(0)} s`),
  });
  if (rec.status !== 'ok') throw new Error(`the tfjs run failed: ${rec.failure?.reason}`);
  const last = rec.metrics.curve[rec.metrics.curve.length - 1];
  const tfjs: WholeRun = {
    implementation: 'tfjs',
    test_acc: rec.metrics.test_acc,
    best_val_acc: rec.metrics.best_val_acc,
    converged: rec.converged,
    selectedEpoch: rec.convergence.selectedEpoch,
    epochs: rec.metrics.curve.length,
    steps: last.step ?? 0,
    images: (last.step ?? 0) * run.config.train.batchSize, // every step a full batch (the remainder is dropped)
    seconds: rec.seconds,
    img_per_s: rec.img_per_s,
    curve: rec.metrics.curve.map((c) => ({ epoch: c.epoch, step: c.step ?? 0, train_loss: c.train_loss, val_acc: c.val_acc })),
  };
  log('PyTorch twin next');
  const pytorch = await trainTwin(run.config, { threads, log });
  const pair: WholeRunPair = {
    id: run.id,
    name: model,
    dataset,
    seed,
    preset,
    threads,
    loadAtStart,
    tfjs,
    pytorch,
    git: gitInfo(),
    ended: new Date().toISOString(),
  };
  fs.mkdirSync(path.dirname(TWIN_STORE(RESULTS_DIR)), { recursive: true });
  appendLineAtomic(TWIN_STORE(RESULTS_DIR), JSON.stringify(pair));
  console.log('implementation  epochs  steps  best val  test acc  converged  wall s  train img/s');
  for (const r of [tfjs, pytorch])
    console.log(
      `${r.implementation.padEnd(14)}  ${String(r.epochs).padStart(6)}  ${String(r.steps).padStart(5)}  ${r.best_val_acc.toFixed(4).padStart(8)}  ${r.test_acc.toFixed(4).padStart(8)}  ${String(r.converged).padStart(9)}  ${r.seconds.toFixed(0).padStart(6)}  ${r.img_per_s.toFixed(0).padStart(11)}`,
    );
  console.log(
    `tfjs-node / PyTorch, whole run of ${model} on ${dataset}: wall-time speed ${(pytorch.seconds / tfjs.seconds).toFixed(2)}×, training throughput ${(tfjs.img_per_s / pytorch.img_per_s).toFixed(2)}× (same invocation)`,
  );
}

function cross(
  ws: BenchWorkload[],
  bs: BackendName[],
  batch?: number,
): { workload: BenchWorkload; backend: BackendName; batch?: number }[] {
  return ws.flatMap((workload) => bs.map((backend) => ({ workload, backend, batch })));
}

function dedupe<T>(xs: T[]): T[] {
  const seen = new Set<string>();
  return xs.filter((x) => !seen.has(JSON.stringify(x)) && !!seen.add(JSON.stringify(x)));
}
