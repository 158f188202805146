/**
 * Progress for long work, in three forms: a redrawn two-line bar on a terminal,
 * plain periodic lines when output is not a TTY (CI logs, nohup), and one output
 * that updates in place in a notebook cell. All three get the same events.
 */
import type { RunRecord } from '../results/record';
import type { TrainProgress } from '../train/trainer';

export interface ProgressSink {
  /** Run `id` starts: index (1-based, in start order) of total, a label, and its predicted work. */
  startRun(id: string, index: number, total: number, label: string, weight: number): void;
  /** Progress of run `id`; with several workers, runs interleave. */
  step(id: string, p: TrainProgress): void;
  endRun(rec: RunRecord, cached: boolean): void;
  /** A line worth keeping (skips, store problems, failures). */
  log(line: string): void;
  done(): void;
}

function fmtTime(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '?';
  if (s < 90) return `${Math.round(s)}s`;
  if (s < 5400) return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.round((s % 3600) / 60)).padStart(2, '0')}m`;
}

function bar(frac: number, width = 24): string {
  const f = Math.max(0, Math.min(1, frac));
  const full = Math.round(f * width);
  return `[${'#'.repeat(full)}${'.'.repeat(width - full)}]`;
}

interface ActiveRun {
  index: number;
  label: string;
  weight: number;
  started: number;
  current?: TrainProgress;
}

/** Fraction of one run done, from its last progress event. */
function runFrac(r: ActiveRun): number {
  const p = r.current;
  return p ? (p.epoch - 1 + p.step / p.stepsPerEpoch) / p.epochs : 0;
}

/**
 * Tracks overall progress. Runs differ in cost by 10× or more, so the ETA weighs
 * each run by its expected cost (lib/sweep/eta.ts) rather than counting runs.
 * Several runs can be active at once (worker processes); each is tracked by id.
 */
export class ProgressState {
  total = 0;
  /** Runs trained to the end in this invocation (cached ones are not counted). */
  finished = 0;
  private readonly active = new Map<string, ActiveRun>();
  /** The run whose progress arrived last: the one the run line shows. */
  private shown?: string;
  private readonly started = Date.now();
  private doneWeight = 0;
  private readonly totalWeight: number;

  constructor(totalWeight: number) {
    this.totalWeight = totalWeight;
  }

  start(id: string, index: number, total: number, label: string, weight: number): void {
    this.total = total;
    this.active.set(id, { index, label, weight, started: Date.now() });
    this.shown = id;
  }

  step(id: string, p: TrainProgress): void {
    const r = this.active.get(id);
    if (!r) return;
    r.current = p;
    this.shown = id;
  }

  /** Run `id` finished; returns how many runs have finished so far. */
  end(id: string): number {
    const r = this.active.get(id);
    if (r) {
      this.doneWeight += r.weight;
      this.active.delete(id);
      this.finished++;
    }
    if (this.shown === id) this.shown = [...this.active.keys()].pop();
    return this.finished;
  }

  overallFrac(): number {
    const running = [...this.active.values()].reduce((a, r) => a + r.weight * runFrac(r), 0);
    return this.totalWeight > 0 ? (this.doneWeight + running) / this.totalWeight : 0;
  }

  /** Whether there is anything to train (all cached: no bar worth drawing). */
  hasWork(): boolean {
    return this.totalWeight > 0;
  }

  elapsed(): number {
    return (Date.now() - this.started) / 1000;
  }

  eta(): number {
    const f = this.overallFrac();
    return f > 0.002 ? (this.elapsed() * (1 - f)) / f : NaN;
  }

  lines(): [string, string] {
    const r = this.shown ? this.active.get(this.shown) : undefined;
    const p = r?.current;
    let run = this.finished > 0 && !r ? `${this.finished}/${this.total} runs finished` : 'starting';
    if (r && p) {
      const f = runFrac(r);
      const eta = f > 0.01 ? (((Date.now() - r.started) / 1000) * (1 - f)) / f : NaN;
      // The bar and its ETA run to the epoch cap; most runs stop at their plateau well before it, hence "≤".
      run = `run ${r.index}/${this.total} ${bar(f)} ${r.label}  epoch ${p.epoch}/${p.epochs} step ${p.step}/${p.stepsPerEpoch} loss ${p.loss.toFixed(3)}  ETA ≤${fmtTime(eta)}`;
    } else if (r) run = `run ${r.index}/${this.total} ${r.label}`;
    const more = this.active.size > 1 ? ` (+${this.active.size - 1} running)` : '';
    const all = `all ${bar(this.overallFrac())} ${(100 * this.overallFrac()).toFixed(1)}%  ${this.finished}/${this.total} done${more}  elapsed ${fmtTime(this.elapsed())}  ETA ${fmtTime(this.eta())}`;
    return [run, all];
  }
}

function recordLine(rec: RunRecord, cached: boolean): string {
  const what = `${rec.name} on ${rec.dataset} seed ${rec.seed}`;
  if (rec.status === 'failed') return `FAILED ${what}: ${rec.failure?.reason ?? 'unknown'}`;
  return `${cached ? 'cached' : 'done  '} ${what}: test acc ${(100 * rec.metrics.test_acc).toFixed(2)}%${cached ? '' : ` in ${fmtTime(rec.seconds)}`}`;
}

/** Shared by the two sinks that redraw one view: a run and an overall line, throttled. */
abstract class RedrawProgress implements ProgressSink {
  protected state: ProgressState;
  private lastDraw = 0;

  constructor(
    totalWeight: number,
    private readonly everyMs: number,
  ) {
    this.state = new ProgressState(totalWeight);
  }

  /** Writes the current view. */
  protected abstract render(): void;
  /** Keeps a line above the view. */
  abstract log(line: string): void;

  protected draw(force = false): void {
    if (!force && Date.now() - this.lastDraw < this.everyMs) return;
    this.lastDraw = Date.now();
    this.render();
  }

  startRun(id: string, i: number, n: number, label: string, weight: number): void {
    this.state.start(id, i, n, label, weight);
    this.draw(true);
  }
  step(id: string, p: TrainProgress): void {
    this.state.step(id, p);
    this.draw();
  }
  endRun(rec: RunRecord, cached: boolean): void {
    if (!cached) this.state.end(rec.id);
    this.log(recordLine(rec, cached));
  }
  done(): void {
    this.draw(true);
  }
}

/** A two-line bar redrawn in place (TTY). */
export class TerminalProgress extends RedrawProgress {
  private drawn = false;

  constructor(
    totalWeight: number,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {
    super(totalWeight, 200);
  }

  private clear(): void {
    if (this.drawn) this.out.write('\x1b[1A\x1b[2K\r\x1b[1A\x1b[2K\r');
    this.drawn = false;
  }

  protected render(): void {
    this.clear();
    const cols = this.out.columns || 120;
    const [a, b] = this.state.lines();
    this.out.write(`${a.slice(0, cols - 1)}\n${b.slice(0, cols - 1)}\n`);
    this.drawn = true;
  }

  log(line: string): void {
    this.clear();
    this.out.write(`${line}\n`);
    this.draw(true);
  }

  override done(): void {
    this.clear();
  }
}

/** Plain lines: one per finished run, and a status line at most every `everySec` seconds. */
export class PlainProgress implements ProgressSink {
  private state: ProgressState;
  private last = 0;

  constructor(
    totalWeight: number,
    private readonly write: (l: string) => void = (l) => process.stderr.write(`${l}\n`),
    private readonly everySec = 15,
  ) {
    this.state = new ProgressState(totalWeight);
  }

  startRun(id: string, i: number, n: number, label: string, weight: number): void {
    this.state.start(id, i, n, label, weight);
  }
  step(id: string, p: TrainProgress): void {
    this.state.step(id, p);
    if (Date.now() - this.last > this.everySec * 1000) {
      this.last = Date.now();
      const [a, b] = this.state.lines();
      this.write(`${a} | ${b}`);
    }
  }
  endRun(rec: RunRecord, cached: boolean): void {
    if (cached) {
      this.write(recordLine(rec, true));
      return;
    }
    const n = this.state.end(rec.id);
    const [, b] = this.state.lines();
    this.write(`[${n}/${this.state.total}] ${recordLine(rec, false)} | ${b}`);
  }
  log(line: string): void {
    this.write(line);
  }
  done(): void {}
}

/** For notebooks: one output rewritten in place (pass a LiveDisplay's text method). */
export class CallbackProgress extends RedrawProgress {
  private logLines: string[] = [];

  constructor(
    totalWeight: number,
    private readonly show: (text: string) => void,
  ) {
    super(totalWeight, 500);
  }

  protected render(): void {
    const tail = this.logLines.slice(-12);
    const more = this.logLines.length - tail.length;
    this.show([...(more > 0 ? [`… ${more} earlier lines`] : []), ...tail, ...(this.state.hasWork() ? this.state.lines() : [])].join('\n'));
  }

  log(line: string): void {
    this.logLines.push(line);
    this.draw(true);
  }
}
