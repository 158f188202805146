/**
 * npm run bench -- [--workload R1,R2,R3] [--models preset,…] [--backend tensorflow|wasm|cpu] [--batch N]
 *                  [--windows N] [--steps N] [--json] [--torch] [--soak STEPS] [--fused on|off] [--profile]
 *
 * Default: R1 and R2 at batch 128 and 32, and R3, on all three backends (the wasm
 * and cpu backends with one step per window: they are slow, which is the point).
 * --torch also runs the PyTorch twin (scripts/bench_torch.py) in .venv-bench/ with
 * the same threads and prints the ratio, measured in the same session.
 * --soak N trains R1 (batch 32) for N steps and reports the RSS slope.
 * --models a,b,… times model presets as the suites train them (MNIST input, batch 64)
 * and prints each one's throughput relative to the first.
 */
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { BENCH_DEFAULT_PLAN, benchWorkload, BenchResult, BenchWorkload, profileStep, rssSlope } from '../lib/bench/run';
import { BackendName, BACKENDS } from '../lib/backend';
import { ROOT } from '../lib/util/paths';
import { setFusedOps } from '../lib/layers';
import { PRESETS } from '../lib/models/presets';
import { listOf, oneOf, positiveInt, runCommand } from '../lib/util/cli';
import { torchPython } from '../lib/bench/torch';

const SPEC = {
  usage: `usage: npm run bench -- [--workload R1,R2,R3] [--models preset,…] [--backend tensorflow,wasm,cpu] [--batch N]
       [--windows N] [--steps N] [--json] [--torch] [--soak STEPS] [--fused on|off] [--profile]

  --workload  reference workloads (R1 channel tokens, R2 spatial tokens, R3 inference only)
  --models    model presets timed side by side (MNIST input, batch 64), ratios to the first
  --backend   backends to time (default all three for the reference plan)
  --batch     batch size; --windows, --steps: timing windows and steps per window
  --json      one JSON line per result
  --torch     also time the PyTorch twin in .venv-bench/ and print the ratio (same session)
  --soak N    train R1 (batch 32) for N steps and report the RSS slope and numTensors
  --fused     on|off: the hand-written gradients (layer norm, relu) or the plain ops
  --profile   per-kernel time of one training step instead of throughput`,
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
    profile: { type: 'boolean' },
  },
} as const;

runCommand(SPEC, async (a) => {
  let workloads = listOf('workload', a.workload, ['R1', 'R2', 'R3'] as const) as BenchWorkload[] | undefined;
  // Model presets side by side (e.g. the literature suite's), timed in one invocation so their ratios compare.
  const models = listOf('models', a.models, Object.keys(PRESETS));
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
  if (fused) setFusedOps(fused === 'on'); // A/B: hand-written gradients (layer norm, relu) vs plain ops
  if (profile) {
    // Per-kernel time of one training step on the native backend, then stop.
    for (const w of workloads ?? ['R1', 'R2']) {
      const p = await profileStep(w, batch);
      if (json) console.log(JSON.stringify({ workload: w, profile: p }));
      else {
        console.log(`\n${w}: ${p.totalMs.toFixed(1)} ms of kernel time in one training step`);
        for (const k of p.kernels.slice(0, 15)) console.log(`  ${k.kernel.padEnd(26)} ${String(k.calls).padStart(5)} calls  ${k.ms.toFixed(1).padStart(8)} ms  ${((100 * k.ms) / p.totalMs).toFixed(1).padStart(5)}%`);
      }
    }
    return;
  }
  const plan = BENCH_DEFAULT_PLAN.filter((p) => (!workloads || workloads.includes(p.workload)) && (!backends || backends.includes(p.backend))).map((p) => ({
    ...p,
    batch: batch ?? p.batch,
  }));
  // With explicit choices, run every combination asked for.
  // --soak alone measures only memory; explicit choices run every combination asked for.
  const runs = soak && !workloads && !backends ? [] : workloads || backends || batch ? dedupe(plan.length ? plan : cross(workloads ?? ['R1'], backends ?? ['tensorflow'], batch)) : plan;
  const results: BenchResult[] = [];
  for (const r of runs) {
    const res = await benchWorkload({ workload: r.workload, backend: r.backend, batch: r.batch, windows, steps });
    results.push(res);
    if (json) console.log(JSON.stringify(res));
  }
  const torchResults: Record<string, unknown>[] = [];
  if (torch) {
    const threads = Number(process.env.TF_NUM_INTRAOP_THREADS) || os.cpus().length;
    // PyTorch builds only the reference workloads.
    const wanted = [...new Set(results.filter((r) => r.backend === 'tensorflow' && (r.workload === 'R1' || r.workload === 'R2')).map((r) => `${r.workload}@${r.batch}`))];
    for (const wb of wanted) {
      const [w, b] = wb.split('@');
      const out = spawnSync(torchPython(), [path.join(ROOT, 'scripts', 'bench_torch.py'), '--workload', w, '--batch', b, '--threads', String(threads), ...(windows ? ['--windows', String(windows)] : []), ...(steps ? ['--steps', String(steps)] : [])], { encoding: 'utf8' });
      if (out.status !== 0) throw new Error(`bench_torch.py failed:\n${out.stderr}`);
      for (const line of out.stdout.trim().split('\n')) {
        const rec = JSON.parse(line) as Record<string, unknown>;
        const tfr = results.find((r) => r.backend === 'tensorflow' && r.workload === w && r.batch === Number(b))!;
        rec.ratio_train = (tfr.train_img_per_s ?? NaN) / (rec.train_img_per_s as number);
        rec.ratio_infer = tfr.infer_img_per_s / (rec.infer_img_per_s as number);
        torchResults.push(rec);
        if (json) console.log(JSON.stringify(rec));
      }
    }
  }
  if (!json) {
    const rows = [...results, ...(torchResults as unknown as BenchResult[])];
    console.log('workload  backend     batch  threads  train img/s  infer img/s  ms/step   tensors before→after');
    for (const r of rows) {
      console.log(
        `${r.workload.padEnd(9)} ${r.backend.padEnd(11)} ${String(r.batch).padStart(5)}  ${String(r.threads).padStart(7)}  ${(r.train_img_per_s?.toFixed(1) ?? 'n/a').padStart(11)}  ${r.infer_img_per_s.toFixed(1).padStart(11)}  ${(r.ms_per_step?.toFixed(1) ?? 'n/a').padStart(7)}   ${r.num_tensors_before ?? '–'}→${r.num_tensors_after ?? '–'}${r.train_error ? `   (no training: ${r.train_error})` : ''}`,
      );
    }
    for (const t of torchResults) console.log(`tfjs-node / PyTorch on ${t.workload} batch ${t.batch}: train ${(t.ratio_train as number).toFixed(2)}×, inference ${(t.ratio_infer as number).toFixed(2)}×`);
    const models = results.filter((r) => r.workload.startsWith('model:'));
    if (models.length > 1) {
      const base = models[0];
      for (const r of models.slice(1)) {
        console.log(`${r.workload.slice(6)} / ${base.workload.slice(6)}: train ${((r.train_img_per_s ?? NaN) / (base.train_img_per_s ?? NaN)).toFixed(2)}×, inference ${(r.infer_img_per_s / base.infer_img_per_s).toFixed(2)}× (same invocation, batch ${r.batch})`);
      }
    }
  }
  if (soak) {
    const s = await rssSlope(soak);
    if (json) console.log(JSON.stringify({ soak: s }));
    else console.log(`RSS over ${s.steps} steps of R1 (batch 32): ${s.startMiB.toFixed(0)} → ${s.endMiB.toFixed(0)} MiB, slope ${s.kibPerStep.toFixed(2)} KiB/step; numTensors constant: ${s.numTensorsConstant}`);
  }
});

function cross(ws: BenchWorkload[], bs: BackendName[], batch?: number): { workload: BenchWorkload; backend: BackendName; batch?: number }[] {
  return ws.flatMap((workload) => bs.map((backend) => ({ workload, backend, batch })));
}

function dedupe<T>(xs: T[]): T[] {
  const seen = new Set<string>();
  return xs.filter((x) => !seen.has(JSON.stringify(x)) && !!seen.add(JSON.stringify(x)));
}

