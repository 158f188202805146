/**
 * Progress for long work, in three forms: a redrawn two-line bar on a terminal,
 * plain periodic lines when output is not a TTY (CI logs, nohup), and one output
 * that updates in place in a notebook cell. All three get the same events.
 */
import type { RunRecord } from '../results/record';
import type { TrainProgress } from './trainer';

export interface ProgressSink {
  /** A new run starts: index (1-based) of total, and a label. */
  startRun(index: number, total: number, label: string, weight: number): void;
  step(p: TrainProgress): void;
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

/**
 * Tracks overall progress. Runs differ in cost by 10× or more, so the ETA weighs
 * each run by its predicted work (FLOPs × images × epochs) rather than counting runs.
 */
export class ProgressState {
  index = 0;
  total = 0;
  label = '';
  current?: TrainProgress;
  private readonly started = Date.now();
  private doneWeight = 0;
  private runWeight = 0;
  private readonly totalWeight: number;
  private runStarted = Date.now();

  constructor(totalWeight: number) {
    this.totalWeight = totalWeight;
  }

  start(index: number, total: number, label: string, weight: number): void {
    Object.assign(this, { index, total, label, current: undefined });
    this.runWeight = weight;
    this.runStarted = Date.now();
  }

  end(): void {
    this.doneWeight += this.runWeight;
    this.runWeight = 0;
    this.current = undefined;
  }

  /** Fraction of the current run done. */
  runFrac(): number {
    const p = this.current;
    if (!p) return 0;
    return (p.epoch - 1 + p.step / p.stepsPerEpoch) / p.epochs;
  }

  overallFrac(): number {
    return this.totalWeight > 0 ? (this.doneWeight + this.runWeight * this.runFrac()) / this.totalWeight : 0;
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

  runEta(): number {
    const f = this.runFrac();
    return f > 0.01 ? (((Date.now() - this.runStarted) / 1000) * (1 - f)) / f : NaN;
  }

  lines(): [string, string] {
    const p = this.current;
    const run = this.index === 0
      ? 'starting'
      : p
      ? `run ${this.index}/${this.total} ${bar(this.runFrac())} ${this.label}  epoch ${p.epoch}/${p.epochs} step ${p.step}/${p.stepsPerEpoch} loss ${p.loss.toFixed(3)}  ETA ${fmtTime(this.runEta())}`
      : `run ${this.index}/${this.total} ${this.label}`;
    const all = `all ${bar(this.overallFrac())} ${(100 * this.overallFrac()).toFixed(1)}%  elapsed ${fmtTime(this.elapsed())}  ETA ${fmtTime(this.eta())}`;
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

  startRun(i: number, n: number, label: string, weight: number): void {
    this.state.start(i, n, label, weight);
    this.draw(true);
  }
  step(p: TrainProgress): void {
    this.state.current = p;
    this.draw();
  }
  endRun(rec: RunRecord, cached: boolean): void {
    this.state.end();
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

  startRun(i: number, n: number, label: string, weight: number): void {
    this.state.start(i, n, label, weight);
  }
  step(p: TrainProgress): void {
    this.state.current = p;
    if (Date.now() - this.last > this.everySec * 1000) {
      this.last = Date.now();
      const [a, b] = this.state.lines();
      this.write(`${a} | ${b}`);
    }
  }
  endRun(rec: RunRecord, cached: boolean): void {
    this.state.end();
    const [, b] = this.state.lines();
    this.write(`[${this.state.index}/${this.state.total}] ${recordLine(rec, cached)} | ${b}`);
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
