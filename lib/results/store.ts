/**
 * The result store: append-only JSON lines under results/.
 *
 * - results/runs.jsonl is the main file; `--shard i/n` runs write
 *   results/shards/runs.<suite>.<preset>.shard-<i>-of-<n>.jsonl; quick runs append to results/local/ (storeFileFor);
 *   reading merges every file by run id (the newest `ended` wins, so a --force rerun supersedes).
 * - A record is appended only when its run has finished, as one line in one
 *   write(2) on an O_APPEND descriptor, fsynced. A SIGKILL therefore loses only the
 *   run in progress; every finished record stays intact.
 * - A corrupted or truncated line is reported with file and line number and
 *   skipped, never fatal and never silently dropped: `problems` lists them.
 * - Per-run folders results/runs/<id>/ hold the log and, optionally, weights.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { appendLineAtomic } from '../util/atomic';
import { RESULTS_DIR, ROOT } from '../util/paths';
import { migrateRecord } from './migrate';
import type { RunRecord } from './record';

export interface StoreProblem {
  file: string;
  line: number;
  reason: string;
}

export interface StoreContents {
  /** One record per id (the newest). */
  records: RunRecord[];
  problems: StoreProblem[];
  /** Lines that were superseded by a newer record of the same id. */
  superseded: number;
}

const REQUIRED: (keyof RunRecord)[] = [
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
  'backend',
  'started',
  'ended',
];

export class ResultStore {
  readonly dir: string;
  readonly file: string;

  /**
   * shard: [i, n] writes to a shard file instead of runs.jsonl, named after `sweep` (its suite and preset, so that two
   * arrays of the same size never share a file); file: write exactly there.
   */
  constructor(opts: { dir?: string; shard?: [number, number]; sweep?: string; file?: string } = {}) {
    this.dir = opts.dir ?? RESULTS_DIR;
    this.file = opts.file
      ? opts.file
      : opts.shard
        ? path.join(
            this.dir,
            'shards',
            `runs.${opts.sweep ? `${opts.sweep.replace(/[^A-Za-z0-9_.-]+/g, '+')}.` : ''}shard-${opts.shard[0]}-of-${opts.shard[1]}.jsonl`,
          )
        : path.join(this.dir, 'runs.jsonl');
  }

  /** Every store file: runs.jsonl, the shard files and the local (uncommitted) files. */
  files(): string[] {
    const out: string[] = [];
    const main = path.join(this.dir, 'runs.jsonl');
    if (fs.existsSync(main)) out.push(main);
    for (const sub of ['shards', 'local']) {
      const d = path.join(this.dir, sub);
      if (fs.existsSync(d)) for (const f of fs.readdirSync(d).sort()) if (f.endsWith('.jsonl')) out.push(path.join(d, f));
    }
    return out;
  }

  /** Reads and merges all store files. */
  read(): StoreContents {
    const byId = new Map<string, RunRecord>();
    const problems: StoreProblem[] = [];
    let superseded = 0;
    for (const file of this.files()) {
      const lines = fs.readFileSync(file, 'utf8').split('\n');
      lines.forEach((text, i) => {
        if (text.trim() === '') return;
        let rec: RunRecord;
        try {
          rec = JSON.parse(text) as RunRecord;
        } catch (e) {
          problems.push({ file, line: i + 1, reason: `not valid JSON (${(e as Error).message.split('\n')[0]}); truncated or corrupted` });
          return;
        }
        const missing = REQUIRED.filter((k) => (rec as unknown as Record<string, unknown>)[k] === undefined);
        if (missing.length) {
          problems.push({ file, line: i + 1, reason: `record lacks ${missing.join(', ')}` });
          return;
        }
        try {
          rec = migrateRecord(rec); // an old record, under its current id
        } catch (e) {
          problems.push({ file, line: i + 1, reason: (e as Error).message });
          return;
        }
        const prev = byId.get(rec.id);
        if (prev) {
          superseded++;
          if (prev.ended >= rec.ended) return;
        }
        byId.set(rec.id, rec);
      });
    }
    return { records: [...byId.values()], problems, superseded };
  }

  /** Formats problems as lines for a log: "results/runs.jsonl:17: ... skipped". */
  static describeProblems(p: StoreProblem[], root = ROOT): string[] {
    return p.map((x) => `${path.relative(root, x.file) || x.file}:${x.line}: ${x.reason}; skipped`);
  }

  /** Appends one finished record. */
  append(rec: RunRecord): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    // A line cut short by a crash would swallow the next record: start a fresh line.
    if (fs.existsSync(this.file)) {
      const size = fs.statSync(this.file).size;
      if (size > 0) {
        const fd = fs.openSync(this.file, 'r');
        const last = Buffer.alloc(1);
        fs.readSync(fd, last, 0, 1, size - 1);
        fs.closeSync(fd);
        if (last[0] !== 10) appendLineAtomic(this.file, '');
      }
    }
    appendLineAtomic(this.file, JSON.stringify(rec));
  }

  runDir(id: string): string {
    return path.join(this.dir, 'runs', id);
  }
}
