/**
 * The experiment engine: plan a suite, serve finished runs from the store, train
 * the rest (in this process or in k worker processes), and append each record the
 * moment its run finishes. Rerunning the same suite after a crash or a SIGKILL
 * trains only what is missing.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { spawn } from 'node:child_process';
import { datasetAbsent, loadDataset } from '../data/registry';
import type { RunRecord } from '../results/record';
import { ResultStore } from '../results/store';
import { DATA_DIR, ROOT, resultsDirFor, storeFileFor } from '../util/paths';
import { allocatedCpus } from '../util/cpus';
import { experimentHash } from '../experiments/config';
import { PlainProgress, type ProgressSink, TerminalProgress } from './progress';
import { type PlannedRun, planSuite, type RunPresetName, shardOf, type Study } from '../experiments';
import { checkpointSeconds, clearCheckpoint } from '../train/checkpoint';
import { expectedRuns } from './eta';
import { fitsBefore, takeFitting } from './deadline';
import { trainExperiment, type TrainProgress } from '../train/trainer';

export interface EngineOptions {
  /** The study whose suite runs. */
  study: Study;
  suite: string;
  preset: RunPresetName;
  datasets?: string[];
  seeds?: number[];
  /** [i, n]: run only shard i of n, writing to its own store file. */
  shard?: [number, number];
  /** Worker processes on this machine; each gets cores/k TensorFlow threads. */
  workers?: number;
  /** Retrain even when the store has the run. */
  force?: boolean;
  resultsDir?: string;
  dataDir?: string;
  /** Where progress goes; default a terminal bar on a TTY, plain lines otherwise. */
  progress?: (totalWeight: number) => ProgressSink;
  saveWeights?: boolean;
  /** Start only runs expected to end by this time (ms since the epoch; `--until`, lib/sweep/deadline.ts). */
  until?: number;
}

export interface SuiteResult {
  planned: PlannedRun[];
  /** The store's record of every planned run that has one (after this call). */
  records: RunRecord[];
  trained: number;
  cached: number;
  failed: number;
  /** Runs left untrained because they were not expected to end before `until`: the next sweep trains them. */
  deferred: PlannedRun[];
  /** One line per dataset skipped (CIFAR-10 absent offline). */
  skipped: string[];
  storeProblems: string[];
}

/** A run in the store counts as finished if it succeeded, or failed deterministically (NaN). */
export function finished(r: RunRecord | undefined): boolean {
  return !!r && (r.status === 'ok' || r.failure?.kind === 'nan');
}

function defaultProgress(total: number): ProgressSink {
  return process.stderr.isTTY ? new TerminalProgress(total) : new PlainProgress(total);
}

export async function runSuite(opts: EngineOptions): Promise<SuiteResult> {
  const skipped: string[] = [];
  let plan = planSuite(opts.study, opts.suite, { preset: opts.preset, datasets: opts.datasets, seeds: opts.seeds });
  // A dataset this machine cannot load (CIFAR-10 offline) is skipped with its reason; the rest run.
  for (const name of new Set(plan.map((p) => p.config.dataset.name).filter((d) => opts.study.datasets[d]?.source === 'download'))) {
    const why = datasetAbsent(name, { dataDir: opts.dataDir ?? DATA_DIR });
    if (why === undefined) continue;
    skipped.push(`skipped ${name}: ${why}`);
    plan = plan.filter((p) => p.config.dataset.name !== name);
  }
  if (opts.shard) plan = shardOf(plan, opts.shard[0], opts.shard[1]);
  const dir = opts.resultsDir ?? resultsDirFor(opts.preset);
  const store = new ResultStore({
    dir,
    shard: opts.shard,
    sweep: `${opts.suite}.${opts.preset}`,
    file: opts.shard ? undefined : storeFileFor(opts.preset, dir),
  });
  const before = store.read();
  const storeProblems = ResultStore.describeProblems(before.problems);
  const have = new Map(before.records.map((r) => [r.id, r]));
  const pending = plan.filter((p) => opts.force || !finished(have.get(p.id)));
  const cachedRuns = plan.filter((p) => !pending.includes(p));

  // A broken dataset file is said once, here, rather than once per run in every worker.
  for (const name of new Set(pending.map((p) => p.config.dataset.name))) loadDataset(name, { dataDir: opts.dataDir });
  const expect = expectedRuns(before.records);
  const weight = (p: PlannedRun): number => expect(p).seconds;
  const until = opts.until;
  // A run with an epoch checkpoint needs only what it has not yet trained (a quarter of its expectation at least: it may run long).
  const fits = (p: PlannedRun): boolean => {
    if (until === undefined) return true;
    const e = expect(p);
    return fitsBefore(until, Date.now(), {
      ...e,
      seconds: Math.max(e.seconds - checkpointSeconds(store.runDir(p.id), p.id), e.seconds / 4),
    });
  };
  const totalWeight = pending.reduce((a, p) => a + weight(p), 0);
  const progress = (opts.progress ?? defaultProgress)(totalWeight);
  for (const l of [...skipped, ...storeProblems]) progress.log(l);
  progress.log(
    `${opts.suite} / ${opts.preset}: ${plan.length} runs planned, ${cachedRuns.length} served from the store, ${pending.length} to train`,
  );
  for (const p of cachedRuns) progress.endRun(have.get(p.id)!, true);

  let failed = 0;
  let deferred: PlannedRun[] = [];
  const workers = Math.max(1, Math.min(opts.workers ?? 1, pending.length || 1));
  if (workers === 1) {
    for (const [i, p] of pending.entries()) {
      if (!fits(p)) {
        deferred.push(p);
        continue;
      }
      progress.startRun(p.id, i + 1, pending.length, `${p.config.name} / ${p.config.dataset.name} / seed ${p.config.seed}`, weight(p));
      let rec: RunRecord;
      try {
        rec = await trainExperiment(p, {
          onProgress: (tp) => progress.step(p.id, tp),
          runDir: store.runDir(p.id),
          saveWeights: opts.saveWeights,
          preset: opts.preset,
          dataDir: opts.dataDir,
          checkpoints: !opts.force,
        });
      } catch (e) {
        // As in a worker: one line naming the run, nothing stored, on to the next run.
        failed++;
        progress.log(`FAILED ${p.config.name} / ${p.config.dataset.name} / seed ${p.config.seed}: ${(e as Error).message}`);
        continue;
      }
      store.append(rec);
      clearCheckpoint(store.runDir(p.id)); // only now: a kill before the append resumes from it
      if (rec.status === 'failed') failed++;
      progress.endRun(rec, false);
    }
  } else {
    ({ failed, deferred } = await runInWorkers(pending, workers, store, opts, progress, weight, fits));
  }
  if (deferred.length && until !== undefined) {
    progress.log(
      `${deferred.length} runs left for a later sweep: none was expected to end by ${new Date(until).toLocaleString()} (--until); rerun the same command to train them`,
    );
  }
  progress.done();

  const after = store.read();
  const names = new Map(plan.map((p) => [p.id, p.config.name]));
  return {
    planned: plan,
    // Labelled as this plan names them: one stored run can serve suites that label it differently.
    records: after.records.filter((r) => names.has(r.id)).map((r) => ({ ...r, name: names.get(r.id)! })),
    trained: pending.length - deferred.length,
    cached: cachedRuns.length,
    failed,
    deferred,
    skipped,
    storeProblems: ResultStore.describeProblems(after.problems),
  };
}

/** TensorFlow's thread counts in a worker: intra-op (within one kernel) and inter-op (kernels at once). */
export interface Threads {
  intra: number;
  inter: number;
}

/** What each of k workers gets: its share of the cores within a kernel, one kernel at a time. */
export function workerThreads(k: number): Threads {
  // The CPUs this process was given (a Slurm task's, a cgroup's), not the machine's.
  return { intra: Math.max(1, Math.floor(allocatedCpus() / k)), inter: 1 };
}

/**
 * Trains one planned run again, in a child process with the thread counts its stored run
 * had, keeps its weights in `weightsDir` and returns the new record without storing it.
 * Seeded runs are deterministic for one thread count, but TensorFlow sums in another
 * order with another, and the curves part within an epoch; with the stored counts (and
 * the same code and CPU) the run is the stored run again, bit for bit, which the caller
 * can check on the curves. The new log and record stay in a temporary folder: the stored
 * run's own are not touched.
 */
export async function retrainRun(
  p: PlannedRun,
  opts: { preset: RunPresetName; threads: Threads; weightsDir: string; dataDir?: string; progress?: (totalWeight: number) => ProgressSink },
): Promise<RunRecord> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'maptokens-retrain-'));
  try {
    const store = new ResultStore({ dir: tmp });
    // One run: its share of the whole is all there is, whatever it weighs.
    const progress = (opts.progress ?? defaultProgress)(1);
    await runInWorkers(
      [p],
      1,
      store,
      { preset: opts.preset, dataDir: opts.dataDir, saveWeights: true, force: true },
      progress,
      () => 1,
      () => true,
      opts.threads,
    );
    progress.done();
    const rec = store.read().records.find((r) => r.id === p.id);
    if (rec?.status !== 'ok')
      throw new Error(
        `retraining ${p.config.name} on ${p.config.dataset.name} (seed ${p.config.seed}) failed${rec?.failure ? `: ${rec.failure.reason}` : ''}`,
      );
    // Copied next to its place, then renamed into it: a kill leaves either no weights or whole ones.
    const staged = `${opts.weightsDir}.partial`;
    fs.rmSync(staged, { recursive: true, force: true });
    fs.cpSync(path.join(store.runDir(p.id), 'model'), staged, { recursive: true });
    fs.rmSync(opts.weightsDir, { recursive: true, force: true });
    fs.renameSync(staged, opts.weightsDir);
    return rec;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * Runs the pending runs in k child processes, each with cores/k TensorFlow threads (or
 * `threads`). The runs form one queue: a worker gets its next run when it finishes one
 * (over its stdin), so that runs of very different lengths (early stopping) keep every
 * worker busy. It gets the first run of the queue that `fits` (the deadline); a worker for
 * which none fits ends. Returns the failures and the runs left in the queue.
 */
async function runInWorkers(
  pending: PlannedRun[],
  k: number,
  store: ResultStore,
  opts: Pick<EngineOptions, 'preset' | 'dataDir' | 'saveWeights' | 'force'>,
  progress: ProgressSink,
  weight: (p: PlannedRun) => number,
  fits: (p: PlannedRun) => boolean,
  threads: Threads = workerThreads(k),
): Promise<{ failed: number; deferred: PlannedRun[] }> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'maptokens-workers-'));
  const script = path.join(ROOT, 'dist', 'scripts', 'train-worker.js');
  // A sweep stopped by a signal (scancel, kill, Ctrl-C) must not leave its workers training on, nor its task folder:
  // Node's default on SIGTERM/SIGINT exits without running `finally` or 'exit' hooks. Each run resumes from its last
  // checkpoint, so ending the workers loses at most an epoch.
  const children = new Set<ReturnType<typeof spawn>>();
  const cleanUp = (): void => {
    for (const c of children) c.kill('SIGKILL');
    fs.rmSync(tmp, { recursive: true, force: true });
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    cleanUp();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  // Only where the signal would kill the process anyway: a host with its own handler (a notebook kernel's
  // interrupt) keeps it.
  const signals = (['SIGTERM', 'SIGINT'] as const).filter((sig) => process.listenerCount(sig) === 0);
  process.on('exit', cleanUp);
  for (const sig of signals) process.once(sig, onSignal);
  const queue = [...pending];
  // What every worker needs besides its runs (which arrive on its stdin).
  const taskFile = path.join(tmp, 'task.json');
  fs.writeFileSync(
    taskFile,
    JSON.stringify({
      storeFile: store.file,
      preset: opts.preset,
      dataDir: opts.dataDir,
      saveWeights: !!opts.saveWeights,
      force: !!opts.force,
    }),
  );
  let started = 0;
  let failed = 0;
  // Worker j: resolves when it has run out of input and exited cleanly; rejects if it dies.
  const worker = (j: number): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, [script, taskFile], {
        env: {
          ...process.env,
          TF_NUM_INTRAOP_THREADS: String(threads.intra),
          TF_NUM_INTEROP_THREADS: String(threads.inter),
          TF_CPP_MIN_LOG_LEVEL: '2',
        },
        stdio: ['pipe', 'pipe', 'inherit'],
      });
      children.add(child);
      // The next run of the queue, or the end of this worker's input when the queue is empty.
      const feed = (): void => {
        const next = takeFitting(queue, fits);
        if (next) child.stdin.write(`${JSON.stringify(next.config)}\n`);
        else child.stdin.end();
      };
      let buf = '';
      child.stdout.on('data', (d: Buffer) => {
        buf += d.toString();
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          let msg: { type: string; progress?: TrainProgress; record?: RunRecord; label?: string; id?: string; message?: string };
          try {
            msg = JSON.parse(line);
          } catch {
            progress.log(`worker ${j + 1}: ${line}`);
            continue;
          }
          const p = pending.find((x) => x.id === msg.id);
          if (msg.type === 'start' && p) progress.startRun(p.id, ++started, pending.length, `${msg.label} (worker ${j + 1})`, weight(p));
          else if (msg.type === 'progress' && msg.progress && msg.id) progress.step(msg.id, msg.progress);
          else if (msg.type === 'done' && msg.record) {
            if (msg.record.status === 'failed') failed++;
            progress.endRun(msg.record, false);
            feed();
          } else if (msg.type === 'error') {
            failed++;
            progress.log(`FAILED ${msg.label}: ${msg.message}`);
            feed();
          }
        }
      });
      child.stdin.on('error', () => undefined); // a worker that died is reported by its exit code
      child.on('error', reject);
      child.on('exit', (code) => {
        children.delete(child);
        if (code === 0) resolve();
        else reject(new Error(`worker ${j + 1} exited with ${code}`));
      });
      feed();
    });
  // The task file goes whether the workers end well or one dies (a killed worker rejects).
  await Promise.all(Array.from({ length: k }, (_, j) => worker(j))).finally(() => {
    cleanUp();
    process.off('exit', cleanUp);
    for (const sig of signals) process.off(sig, onSignal);
  });
  return { failed, deferred: queue };
}

/** Used by scripts/train-worker.ts: trains each run config that arrives on stdin (one JSON line each), appending each record. */
export async function workerMain(taskFile: string): Promise<void> {
  const task = JSON.parse(fs.readFileSync(taskFile, 'utf8')) as {
    storeFile: string;
    preset: string;
    dataDir?: string;
    saveWeights: boolean;
    force: boolean;
  };
  const dir = path.dirname(task.storeFile).replace(/[/\\]shards$/, '');
  // Append to the parent's store file (runs.jsonl or its shard file), one write per record.
  const store = new ResultStore({ dir, file: task.storeFile });
  const send = (o: unknown): boolean => process.stdout.write(`${JSON.stringify(o)}\n`);
  // The parent is gone (killed, or Ctrl-C reached it first): there is no one to report to, so
  // stop at once and quietly; the run in flight resumes from its last epoch checkpoint.
  process.stdout.on('error', () => process.exit(1));
  for await (const line of readline.createInterface({ input: process.stdin })) {
    if (!line.trim()) continue;
    const config = JSON.parse(line) as PlannedRun['config'];
    const id = experimentHash(config);
    const label = `${config.name} / ${config.dataset.name} / seed ${config.seed}`;
    send({ type: 'start', id, label });
    try {
      const rec = await trainExperiment(config, {
        onProgress: (p) => send({ type: 'progress', id, progress: p }),
        runDir: store.runDir(id),
        preset: task.preset,
        dataDir: task.dataDir,
        saveWeights: task.saveWeights,
        checkpoints: !task.force,
      });
      store.append(rec);
      clearCheckpoint(store.runDir(id)); // only now: a kill before the append resumes from it
      send({ type: 'done', id, record: rec });
    } catch (e) {
      // A run that could not even start (its data, say): one line naming it, no stack trace,
      // nothing stored (it is not a result), and the worker goes on with its other runs.
      send({ type: 'error', id, label, message: (e as Error).message });
    }
  }
}
