/**
 * The experiment engine: config hashing and validation, training outcomes
 * (seeded, NaN recorded as failure), the result store (cache hits, corrupt lines,
 * shards), and kill-and-resume with a real SIGKILL.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { assertNoLeak, backend } from './helpers/tf';
import { ConfigError } from '../lib/models';
import { canonicalJson, type ExperimentConfig, experimentHash, validateExperiment } from '../lib/experiments/config';
import { planSuite, shardOf } from '../lib/experiments';
import { trainExperiment, type TrainProgress } from '../lib/train/trainer';
import { cooldownStart } from '../lib/results/record';
import type { RunRecord } from '../lib/results/record';
import { retrainRun, runSuite } from '../lib/sweep/engine';
import { loadModel } from '../lib/models/io';
import { sameRun } from '../lib/notebook/experiments';
import { ResultStore } from '../lib/results/store';
import { readWeightsRecord } from '../lib/results/weights';
import { PlainProgress } from '../lib/sweep/progress';
import { expectedSeconds } from '../lib/sweep/eta';
import { costModel } from '../lib/models/cost';
import { runRecord } from './helpers/records';
import { ROOT } from '../lib/util/paths';
import { tempDir } from './helpers/tmp';
import { childrenMatching } from './helpers/lab-browser';
import { STUDY } from '../study';

const CLI = path.join(ROOT, 'dist', 'scripts', 'ablation.js');
const quiet = (w: number): PlainProgress => new PlainProgress(w, () => undefined);

function smokeConfig(name = 'channel-full', dataset = 'relation'): ExperimentConfig {
  const p = planSuite(STUDY, 'pooled-vs-full', { preset: 'smoke', datasets: [dataset], seeds: [0] }).find((x) => x.config.name === name);
  assert.ok(p, `no ${name} on ${dataset} in the smoke plan`);
  return p.config;
}

/** Rebuilds an object with its keys in reverse order, at every depth. */
function reversedKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reversedKeys);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v)
        .reverse()
        .map(([k, x]) => [k, reversedKeys(x)]),
    );
  return v;
}

test('the config hash is stable across key order and changes with any value', () => {
  const c = smokeConfig();
  const r = reversedKeys(c) as ExperimentConfig;
  assert.notEqual(JSON.stringify(r), JSON.stringify(c), 'the reordering did not reorder');
  assert.equal(canonicalJson(r), canonicalJson(c));
  assert.equal(experimentHash(r), experimentHash(c));
  assert.match(experimentHash(c), /^[0-9a-f]{16}$/);
  assert.notEqual(experimentHash({ ...c, seed: 1 }), experimentHash(c));
  assert.notEqual(experimentHash({ ...c, train: { ...c.train, lr: c.train.lr * 2 } }), experimentHash(c));
  assert.equal(experimentHash({ ...c, name: 'another label' }), experimentHash(c), 'the label is not part of the identity');
});

test('invalid experiment configs give field-level errors', () => {
  const c = smokeConfig();
  const cases: [ExperimentConfig, RegExp][] = [
    [{ ...c, train: { ...c.train, lr: -1 } }, /^train\.lr: must be a positive number; got -1/],
    [{ ...c, train: { ...c.train, epochs: 2.5 } }, /^train\.epochs: must be a positive integer/],
    [{ ...c, train: { ...c.train, optimizer: 'sgd' as 'adam' } }, /^train\.optimizer: must be 'adamw' or 'adam'/],
    [
      { ...c, dataset: { ...c.dataset, augment: { cropPad: 2, flip: false, flipp: true } as never } },
      /^dataset\.augment\.flipp: unknown key/,
    ],
    [{ ...c, dataset: { ...c.dataset, valFraction: 1 } }, /^dataset\.valFraction: must be in \(0, 1\)/],
    [{ ...c, model: { ...c.model, heads: 5 } }, /^model\.heads: 5 heads do not divide dModel 64/],
    [{ ...c, epochs: 3 } as unknown as ExperimentConfig, /^epochs: unknown key/],
  ];
  for (const [cfg, re] of cases) {
    assert.throws(
      () => validateExperiment(cfg),
      (e: Error) => e instanceof ConfigError && re.test(e.message),
    );
  }
});

test('training is seeded: the same config twice gives identical curves; another seed does not', async () => {
  await backend();
  const c = smokeConfig('channel-full', 'mnist');
  const a = await assertNoLeak('a training run', () => trainExperiment(c));
  const b = await trainExperiment(c);
  const other = await trainExperiment({ ...c, seed: 1 });
  assert.equal(a.status, 'ok');
  assert.deepEqual(
    a.metrics.curve.map((e) => [e.train_loss, e.val_acc, e.test_loss]),
    b.metrics.curve.map((e) => [e.train_loss, e.val_acc, e.test_loss]),
  );
  assert.notEqual(a.metrics.curve[0].train_loss, other.metrics.curve[0].train_loss);
  // The record carries what the brief asks of it.
  for (const k of [
    'id',
    'status',
    'dataset',
    'seed',
    'model',
    'train',
    'metrics',
    'params',
    'flops',
    'seconds',
    'img_per_s',
    'backend',
    'git',
    'started',
    'ended',
  ] as const) {
    assert.ok(a[k] !== undefined, `record lacks ${k}`);
  }
  assert.equal(a.model.tokenizer, 'channel-full');
  assert.ok(a.metrics.test_acc >= 0 && a.metrics.test_acc <= 1 && Number.isFinite(a.metrics.best_val_acc));
  assert.equal(a.metrics.curve.length, c.train.epochs);
});

/** The epoch a checkpoint file was saved after (its JSON header), or 0 when there is none yet. */
function checkpointEpoch(file: string): number {
  if (!fs.existsSync(file)) return 0;
  const b = fs.readFileSync(file);
  return (JSON.parse(b.toString('utf8', 8, 8 + b.readUInt32LE(4))) as { epoch: number }).epoch;
}

test('a run killed mid-way resumes from its last epoch checkpoint and ends exactly as an uninterrupted run', async () => {
  await backend();
  // Several epochs, dropout on (the seeded Math.random must come back too), and the
  // plateau-then-cooldown schedule, whose decisions a resumed run must replay.
  const base = smokeConfig('channel-full', 'relation');
  const c: ExperimentConfig = {
    ...base,
    train: { ...base.train, epochs: 6, patienceSteps: 2, minSteps: 0, minDelta: 0.002, cooldownFraction: 0.5 },
  };
  const runDir = path.join(tempDir('engine'), 'run');
  // A child trains with checkpoints and is killed without warning once one is on disk.
  const driver = path.join(tempDir('engine'), 'driver.js');
  fs.writeFileSync(
    driver,
    `const { trainExperiment } = require(${JSON.stringify(path.join(ROOT, 'dist', 'lib', 'train', 'trainer.js'))});
     const slow = () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300); // each epoch takes a while
     trainExperiment(JSON.parse(process.argv[2]), { runDir: process.argv[3], onProgress: slow }).then(() => console.log('finished'));`,
  );
  const child = spawn(process.execPath, [driver, JSON.stringify(c), runDir], { stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  try {
    // Killed once the checkpoint is from epoch 4 or later: inside the cooldown, which the cap forces from epoch 4 at the latest.
    const deadline = Date.now() + 120_000;
    while (checkpointEpoch(path.join(runDir, 'checkpoint.bin')) < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  } finally {
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
  }
  assert.ok(fs.existsSync(path.join(runDir, 'checkpoint.bin')), 'no checkpoint was written');
  assert.equal(out, '', 'the child finished before it was killed');

  const resumed = await assertNoLeak('a resumed run', () => trainExperiment(c, { runDir }));
  const whole = await trainExperiment(c);
  const log = fs.readFileSync(path.join(runDir, 'log.txt'), 'utf8');
  assert.match(log, /resumed after epoch \d+ \(step \d+\) from its checkpoint/);
  const key = (r: RunRecord): unknown =>
    r.metrics.curve.map((e) => [e.epoch, e.step, e.lr, e.train_loss, e.train_acc, e.val_acc, e.val_loss]);
  assert.equal(resumed.status, 'ok');
  assert.deepEqual(key(resumed), key(whole));
  assert.equal(resumed.metrics.test_acc, whole.metrics.test_acc);
  assert.deepEqual(resumed.convergence, whole.convergence);
  // Its time is its segments': the killed process's and this one's, not the gap between them.
  assert.equal(resumed.segments?.length, 2);
  assert.equal(resumed.started, resumed.segments![0].started);
  // The schedule did cool down: the peak held, then a decay towards zero by the last epoch.
  const lrs = whole.metrics.curve.map((e) => e.lr);
  assert.equal(lrs[1], c.train.lr);
  assert.ok(lrs[lrs.length - 1] < c.train.lr / 2, `no cooldown: ${lrs.join(', ')}`);
  // The record keeps where the cooldown began, and cooldownStart reads it back: the last epoch end at the peak rate.
  const lastAtPeak = whole.metrics.curve.filter((e) => e.lr === c.train.lr).pop()!;
  assert.equal(cooldownStart(whole), lastAtPeak.step, whole.convergence.rule);

  // A checkpoint that cannot resume the run is reported and the run starts over, to the same result.
  const bad = path.join(tempDir('engine'), 'bad');
  fs.mkdirSync(bad);
  fs.copyFileSync(path.join(runDir, 'checkpoint.bin'), path.join(bad, 'checkpoint.bin'));
  const buf = fs.readFileSync(path.join(bad, 'checkpoint.bin'));
  buf[buf.length - 5] ^= 0xff; // one flipped byte in the tensors
  fs.writeFileSync(path.join(bad, 'checkpoint.bin'), buf);
  const over = await trainExperiment(c, { runDir: bad });
  assert.match(fs.readFileSync(path.join(bad, 'log.txt'), 'utf8'), /checkpoint ignored, starting over: .*checksum/);
  assert.deepEqual(key(over), key(whole));
  assert.equal(over.segments, undefined);
});

test('a NaN loss stops the run and is recorded as failed with epoch and step', async () => {
  await backend();
  const c = smokeConfig('channel-full', 'mnist');
  const r = await trainExperiment({ ...c, train: { ...c.train, lr: 1e9, gradClip: 0, warmupEpochs: 0, epochs: 3 } });
  assert.equal(r.status, 'failed');
  assert.equal(r.failure?.kind, 'nan');
  assert.match(r.failure!.reason, /loss became (NaN|Infinity|-Infinity) at epoch \d+, step \d+/);
  assert.ok(r.failure!.epoch >= 1 && r.failure!.step >= 1);
});

test('a finished config is served from the store without retraining; --force retrains', async () => {
  await backend();
  const dir = tempDir('engine');
  const opts = {
    study: STUDY,
    suite: 'channel-vs-spatial',
    preset: 'smoke' as const,
    datasets: ['mnist'],
    seeds: [0],
    resultsDir: dir,
    progress: quiet,
  };
  const first = await runSuite(opts);
  assert.equal(first.trained, 4);
  assert.equal(first.records.length, 4);
  const lines = fs.readFileSync(path.join(dir, 'runs.jsonl'), 'utf8');
  const second = await runSuite(opts);
  assert.equal(second.trained, 0);
  assert.equal(second.cached, 4);
  assert.equal(fs.readFileSync(path.join(dir, 'runs.jsonl'), 'utf8'), lines, 'a cache hit must not write to the store');
  assert.deepEqual(second.records.map((r) => r.started).sort(), first.records.map((r) => r.started).sort());
  const forced = await runSuite({ ...opts, force: true, datasets: ['mnist'] });
  assert.equal(forced.trained, 4);
  const read = new ResultStore({ dir }).read();
  assert.equal(read.records.length, 4, 'a forced rerun supersedes, it does not duplicate');
  assert.equal(read.superseded, 4);
  assert.ok(fs.existsSync(path.join(dir, 'runs', first.records[0].id, 'log.txt')));
});

test('a corrupted or truncated store line is reported with its line number and skipped', async () => {
  await backend();
  const dir = path.join(tempDir('engine'), 'smoke');
  await runSuite({
    study: STUDY,
    suite: 'channel-vs-spatial',
    preset: 'smoke',
    datasets: ['mnist'],
    seeds: [0],
    resultsDir: dir,
    progress: quiet,
  });
  const file = path.join(dir, 'runs.jsonl');
  const good = fs.readFileSync(file, 'utf8').trim().split('\n');
  fs.writeFileSync(file, [good[0], 'this is not json', good[1], '{"id": "abc"}', good[2].slice(0, 200)].join('\n'));
  const store = new ResultStore({ dir });
  const r = store.read();
  assert.equal(r.records.length, 2);
  assert.deepEqual(
    r.problems.map((p) => p.line),
    [2, 4, 5],
  );
  assert.match(ResultStore.describeProblems(r.problems, dir)[0], /^runs\.jsonl:2: not valid JSON .*; skipped$/);
  assert.match(r.problems[1].reason, /record lacks status/);
  // The next append starts a fresh line instead of gluing onto the truncated one.
  store.append(r.records[0]);
  assert.equal(new ResultStore({ dir }).read().problems.length, 3);
  // The CLI reports them too, and re-trains the run whose line was truncated.
  // The CLI keeps smoke runs in <results>/smoke/: point it at the parent of this store.
  const cli = spawnSync(
    process.execPath,
    [CLI, '--suite', 'channel-vs-spatial', '--preset', 'smoke', '--datasets', 'mnist', '--seeds', '0'],
    {
      encoding: 'utf8',
      env: { ...process.env, MAPTOKENS_RESULTS_DIR: path.dirname(dir) },
    },
  );
  assert.equal(cli.status, 0, cli.stderr);
  assert.match(cli.stderr + cli.stdout, /runs\.jsonl:2: not valid JSON/);
  assert.match(cli.stdout, /4 runs: 2 trained, 2 from the store/);
});

test('shards of a grid are disjoint and their union is the grid', () => {
  const plan = planSuite(STUDY, 'all', { preset: 'smoke' });
  assert.ok(plan.length > 50);
  for (const n of [1, 3, 7]) {
    const shards = Array.from({ length: n }, (_, i) => shardOf(plan, i + 1, n).map((p) => p.id));
    const all = shards.flat();
    assert.equal(new Set(all).size, all.length, `shards of ${n} overlap`);
    assert.deepEqual([...all].sort(), plan.map((p) => p.id).sort());
  }
  assert.throws(() => shardOf(plan, 0, 3), /--shard must be i\/n/);
  // Every suite of the brief exists, and ids are unique in the plan.
  for (const s of ['channel-vs-spatial', 'pooled-vs-full', 'embeddings', 'scaling']) assert.ok(STUDY.suites[s], s);
  assert.equal(new Set(plan.map((p) => p.id)).size, plan.length);
});

test("the ETA expects a run to cost what its other seeds cost, and an unseen config its work at the epochs the store's runs of its recipe took", () => {
  const plan = planSuite(STUDY, 'core', { preset: 'standard', datasets: ['mnist'] });
  const of = (name: string, seed: number): (typeof plan)[number] => plan.find((p) => p.config.name === name && p.config.seed === seed)!;
  const images = (p: (typeof plan)[number]): number =>
    p.config.dataset.trainPerClass! * p.config.model.numClasses * (1 - p.config.dataset.valFraction);
  const work = (name: string): number => costModel(of(name, 0).config.model).flops.total * images(of(name, 0));
  // Two finished seeds of channel-full and one of cnn-stem (10 times slower per unit of work), each at 10 epochs of a
  // 40-epoch cap; nothing of spatial-full.
  const stored = (
    [
      ['channel-full', 0, 100],
      ['channel-full', 1, 300],
      ['cnn-stem', 0, (3000 * work('cnn-stem')) / work('channel-full')],
    ] as const
  ).map(([name, seed, seconds]) => {
    const c = of(name, seed).config;
    return runRecord(name, 'mnist', seed, 0.9, {
      data: c.dataset,
      model: c.model,
      train: c.train,
      seconds,
      flops: costModel(c.model).flops,
      sizes: { train: images(of(name, seed)), val: 1, test: 1 },
      metrics: {
        test_acc: 0.9,
        test_loss: 0,
        best_val_acc: 0.9,
        final_train_loss: 0,
        curve: Array.from({ length: 10 }, () => ({}) as RunRecord['metrics']['curve'][number]),
      },
    });
  });
  assert.ok(of('channel-full', 2).config.train.epochs > 10);
  const expected = expectedSeconds(stored);
  assert.equal(expected(of('channel-full', 2)), 200);
  // spatial-full: its work at the recipe's 10 epochs (not its cap), at the median seconds per unit of work (channel-full's seed 1).
  assert.ok(Math.abs(expected(of('spatial-full', 0)) / (300 * (work('spatial-full') / work('channel-full'))) - 1) < 1e-9);
  // With nothing stored, runs weigh their work to the cap: comparable with one another, in no unit.
  const none = expectedSeconds([]);
  assert.ok(Math.abs(none(of('spatial-full', 0)) / none(of('channel-full', 0)) - work('spatial-full') / work('channel-full')) < 1e-9);
});

test('SIGKILL mid-run loses no finished record; rerunning completes only the missing runs, without duplicates', async () => {
  const root = tempDir('engine');
  const dir = path.join(root, 'smoke'); // smoke runs are kept apart from committed results
  const env = { ...process.env, MAPTOKENS_RESULTS_DIR: root };
  const args = [CLI, '--suite', 'pooled-vs-full', '--preset', 'smoke', '--datasets', 'relation', '--workers', '1'];
  const file = path.join(dir, 'runs.jsonl');
  const child = spawn(process.execPath, args, { env, stdio: 'ignore' });
  // Wait until at least two runs have finished, then kill without warning.
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (fs.existsSync(file) && fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).length >= 2) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  const before = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
  assert.ok(before.length >= 2 && before.length < 7, `expected a partial store, got ${before.length} lines`);
  const r = spawnSync(process.execPath, args, { env, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const after = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
  assert.deepEqual(after.slice(0, before.length), before, 'finished records changed');
  const ids = after.map((l) => (JSON.parse(l) as { id: string }).id);
  assert.equal(new Set(ids).size, ids.length, 'duplicate records');
  assert.equal(ids.length, 7, 'the suite is not complete');
  assert.match(r.stdout, new RegExp(`7 runs: ${7 - before.length} trained, ${before.length} from the store`));
  assert.deepEqual(new ResultStore({ dir }).read().problems, []);
});

test("when the sweep's process is killed, its workers stop on their own, quietly, and leave no process behind", async () => {
  const root = tempDir('engine');
  const child = spawn(process.execPath, [CLI, '--suite', 'all', '--preset', 'smoke', '--workers', '2'], {
    // A killed sweep cannot remove its scratch directory: it goes under root, which this test file removes.
    env: { ...process.env, MAPTOKENS_RESULTS_DIR: root, TMPDIR: root },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  // Progress and the workers' errors share the sweep's stderr; the pipe closes only when the last of them has exited.
  let stderr = '';
  const closed = new Promise<void>((r) => child.stderr.once('close', () => r()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`never two runs at once within 120 s:\n${stderr.slice(-2000)}`)), 120_000);
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      // Two runs in flight means both workers are mid-run. The run line shows only the run heard from last, and it
      // is throttled, so waiting for a line naming worker 2 can miss smoke runs of a second each (CI on a busy machine did).
      if (/\(\+1 running\)/.test(stderr)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  child.kill('SIGKILL'); // no chance to tell its workers anything
  const killedAt = stderr.length;
  const timeout = new Promise<string>((r) => setTimeout(() => r('timeout'), 60_000));
  assert.notEqual(
    await Promise.race([closed.then(() => 'closed'), timeout]),
    'timeout',
    'a worker was still running 60 s after its sweep was killed',
  );
  const after = stderr.slice(killedAt);
  assert.doesNotMatch(after, /EPIPE|Unhandled|\bat .*\.js:\d+/, `a worker died noisily:\n${after.slice(-2000)}`);
});

test("a run retrained for its weights, with its stored run's thread counts, is the stored run bit for bit; the store and its log are not touched", async () => {
  await backend();
  const root = tempDir('engine');
  const dir = path.join(root, 'smoke');
  // The sweep's way: two workers, each with its share of the cores.
  const r = spawnSync(
    process.execPath,
    [CLI, '--suite', 'pooled-vs-full', '--preset', 'smoke', '--datasets', 'relation', '--seeds', '0', '--workers', '2'],
    { env: { ...process.env, MAPTOKENS_RESULTS_DIR: root }, encoding: 'utf8' },
  );
  assert.equal(r.status, 0, r.stderr.slice(-3000));
  const plan = planSuite(STUDY, 'pooled-vs-full', { preset: 'smoke', datasets: ['relation'], seeds: [0] }).find(
    (p) => p.config.name === 'spatial-full',
  )!;
  const store = new ResultStore({ dir });
  const stored = store.read().records.find((x) => x.id === plan.id)!;
  const storeBefore = fs.readFileSync(store.file, 'utf8');
  const logBefore = fs.readFileSync(path.join(store.runDir(plan.id), 'log.txt'), 'utf8');
  const weightsDir = path.join(store.runDir(plan.id), 'model');
  const again = await retrainRun(plan, {
    preset: 'smoke',
    threads: { intra: stored.backend.intraOpThreads!, inter: stored.backend.interOpThreads! },
    weightsDir,
    progress: quiet,
  });
  assert.deepEqual(
    again.metrics.curve.map((c) => [c.train_loss, c.val_acc, c.val_loss]),
    stored.metrics.curve.map((c) => [c.train_loss, c.val_acc, c.val_loss]),
  );
  assert.equal(again.metrics.test_acc, stored.metrics.test_acc);
  (await loadModel(weightsDir)).dispose();
  // The weights carry the record of the run that made them (the retrain's, not the stored one's).
  assert.deepEqual(readWeightsRecord(weightsDir), JSON.parse(JSON.stringify(again)));
  assert.equal(readWeightsRecord(path.join(store.runDir(plan.id), 'nowhere')), undefined);
  assert.equal(fs.readFileSync(store.file, 'utf8'), storeBefore, 'the retrain wrote to the store');
  assert.equal(
    fs.readFileSync(path.join(store.runDir(plan.id), 'log.txt'), 'utf8'),
    logBefore,
    "the retrain wrote to the stored run's log",
  );
  assert.ok(!fs.existsSync(`${weightsDir}.partial`));
  // What the notebook says of it: the stored run, or where the two part.
  assert.match(sameRun(stored, again), /the stored run's, to the last digit/);
  const n = again.metrics.curve.length;
  const curve = again.metrics.curve.map((c, i) => (i === n - 1 ? { ...c, val_acc: c.val_acc + 0.01 } : c));
  assert.match(
    sameRun(stored, { ...again, metrics: { ...again.metrics, curve } }),
    new RegExp(`not the stored run.*part at epoch ${n}\\b`),
  );
  assert.match(
    sameRun(stored, { ...again, metrics: { ...again.metrics, test_acc: again.metrics.test_acc + 0.01 } }),
    /the curves agree, the test accuracy does not/,
  );
});

test('the smoke preset of the whole `all` suite completes', () => {
  const root = tempDir('engine');
  const dir = path.join(root, 'smoke');
  const r = spawnSync(process.execPath, [CLI, '--suite', 'all', '--preset', 'smoke'], {
    env: { ...process.env, MAPTOKENS_RESULTS_DIR: root },
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr.slice(-3000));
  const planned = planSuite(STUDY, 'all', { preset: 'smoke' }).filter(
    (p) => p.config.dataset.name !== 'cifar10' || fs.existsSync(path.join(ROOT, 'data', 'cifar10')),
  );
  const store = new ResultStore({ dir }).read();
  assert.equal(store.records.length, planned.length);
  assert.equal(store.records.filter((x) => x.status !== 'ok').length, 0, 'smoke runs failed');
  assert.match(r.stdout, /test acc % \(mean ± std\)/);
});

test('progress with two workers: finished runs are counted as they finish, and each run weighs its own work', () => {
  const lines: string[] = [];
  const sink = new PlainProgress(4, (l) => lines.push(l), 1e9);
  const rec = (id: string) =>
    ({ id, name: id, dataset: 'mnist', seed: 0, status: 'ok', metrics: { test_acc: 0.5 }, seconds: 1 }) as unknown as RunRecord;
  const p = (step: number) => ({ epoch: 1, epochs: 1, step, stepsPerEpoch: 10, loss: 1 }) as TrainProgress;
  sink.startRun('a', 1, 2, 'light run', 1);
  sink.startRun('b', 2, 2, 'heavy run', 3);
  sink.step('a', p(5));
  sink.step('b', p(5));
  sink.endRun(rec('b'), false); // the heavy run, started second, finishes first
  sink.endRun(rec('a'), false);
  const done = lines.filter((l) => l.startsWith('['));
  assert.match(done[0], /^\[1\/2\] done {3}b on mnist/);
  assert.match(done[0], /all \[#+\.*\] 87\.5% {2}1\/2 done/); // 3 of 4 units done + half of the light run's 1
  assert.match(done[1], /^\[2\/2\] done {3}a on mnist.*100\.0% {2}2\/2 done/);
});

test('a sweep whose worker is killed fails with the worker named, and leaves no scratch files behind', async () => {
  const scratch = tempDir('scratch');
  const p = planSuite(STUDY, 'pooled-vs-full', { preset: 'smoke', datasets: ['relation'], seeds: [0] })[0];
  // The engine's scratch directories go where os.tmpdir() says, read at each call.
  const before = process.env.TMPDIR;
  process.env.TMPDIR = scratch;
  let killed = false;
  const killer = setInterval(() => {
    for (const pid of childrenMatching('train-worker')) {
      process.kill(pid, 'SIGKILL');
      killed = true;
    }
  }, 20);
  try {
    await assert.rejects(
      retrainRun(p, { preset: 'smoke', threads: { intra: 1, inter: 1 }, weightsDir: path.join(scratch, 'model'), progress: quiet }),
      /worker 1 exited with/,
    );
  } finally {
    clearInterval(killer);
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
  }
  assert.ok(killed, 'no worker was seen to kill');
  assert.deepEqual(fs.readdirSync(scratch), [], 'scratch files left behind');
});
