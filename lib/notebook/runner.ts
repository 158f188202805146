/**
 * Runs notebooks headless through nbclient and the tslab kernel, the same kernel
 * protocol JupyterLab speaks, so "it ran in CI" means "it runs in the lab".
 *
 * The preset reaches the notebook as MAPTOKENS_PRESET in the kernel's
 * environment; the first cell of every notebook reads it with `preset(STUDY)`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import type { RunPresetName } from '../experiments/presets';
import type { Study } from '../experiments/study';
import { ROOT } from '../util/paths';

/** A run preset a notebook can be executed under: one of its study's (study/presets.ts). */
export type PresetName = RunPresetName;

export { ROOT };
export const NOTEBOOK_DIR = path.join(ROOT, 'notebooks');
/** Executes one notebook with nbclient (scripts/run_notebook.py SRC DST [--timeout S] [--kernel NAME]). */
export const PY_RUNNER = path.join(ROOT, 'scripts', 'run_notebook.py');

export interface RunOptions {
  /** Preset passed to the notebook as MAPTOKENS_PRESET. */
  preset: PresetName;
  /** Folder for the executed copies; default results/notebooks/<preset>/. */
  outDir?: string;
  /** Per-cell timeout in seconds. */
  timeoutSec?: number;
  /** Extra environment for the kernel. */
  env?: Record<string, string>;
  /**
   * true: show what the store holds and train nothing (MAPTOKENS_FROM_STORE=1); false: train
   * what the store lacks; unset: the notebooks' default (fromStore below): standard reads the
   * store, any other preset trains.
   */
  fromStore?: boolean;
  /** Where progress and failures are written; default process.stderr. */
  log?: (line: string) => void;
}

export interface NotebookResult {
  name: string;
  source: string;
  output: string;
  ok: boolean;
  seconds: number;
  /** The runner's stderr: progress lines, and on failure the cell and its error. */
  stderr: string;
}

export function venvPython(): string {
  const py = path.join(ROOT, '.venv', 'bin', 'python');
  if (!fs.existsSync(py)) {
    throw new Error(`${py} is missing: the Jupyter environment was not set up. Run \`npm ci\` (or \`npm rebuild\`).`);
  }
  return py;
}

/**
 * Resolves names like `00_setup`, `00`, `00_setup.ipynb` or a path to notebook
 * files. With no names, every notebook in notebooks/ in order.
 */
export function resolveNotebooks(names: string[]): string[] {
  const all = fs
    .readdirSync(NOTEBOOK_DIR)
    .filter((f) => f.endsWith('.ipynb'))
    .sort();
  if (names.length === 0) return all.map((f) => path.join(NOTEBOOK_DIR, f));
  return names.map((n) => {
    if (n.endsWith('.ipynb') && fs.existsSync(n)) return path.resolve(n);
    const hits = all.filter((f) => f === n || f === `${n}.ipynb` || f.startsWith(`${n}_`));
    if (hits.length === 1) return path.join(NOTEBOOK_DIR, hits[0]);
    if (hits.length > 1) throw new Error(`notebook name '${n}' is ambiguous: ${hits.join(', ')}`);
    throw new Error(`no notebook '${n}' in notebooks/ (have: ${all.map((f) => f.replace(/\.ipynb$/, '')).join(', ')})`);
  });
}

/** Executes one notebook; resolves with its result, never rejects on a cell error. */
export function runNotebook(source: string, opts: RunOptions): Promise<NotebookResult> {
  const name = path.basename(source, '.ipynb');
  const outDir = opts.outDir ?? path.join(ROOT, 'results', 'notebooks', opts.preset);
  fs.mkdirSync(outDir, { recursive: true });
  const output = path.join(outDir, `${name}.ipynb`);
  const log = opts.log ?? ((l: string) => process.stderr.write(l));
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(venvPython(), [PY_RUNNER, source, output, '--timeout', String(opts.timeoutSec ?? 3600)], {
      // TF_CPP_MIN_LOG_LEVEL=2 keeps TensorFlow's start-up banner out of the progress log.
      // fromStore unset: the notebook's default, as in the lab (the standard answer is read from the store, other presets train).
      env: {
        TF_CPP_MIN_LOG_LEVEL: '2',
        ...process.env,
        ...opts.env,
        MAPTOKENS_PRESET: opts.preset,
        MAPTOKENS_FROM_STORE: opts.fromStore === undefined ? '' : opts.fromStore ? '1' : '0',
      },
      stdio: ['ignore', 'inherit', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      log(d.toString());
    });
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ name, source, output, ok: code === 0, seconds: (Date.now() - started) / 1000, stderr });
    });
  });
}

/**
 * The preset a notebook was started with (MAPTOKENS_PRESET), default `standard`: a notebook opened in
 * the lab shows the committed answer, read from the store (fromStore). Training is the reader's choice:
 * write another preset in the parameter cell, or start the lab with MAPTOKENS_PRESET set.
 */
export const DEFAULT_NOTEBOOK_PRESET: PresetName = 'standard';
export function preset(study: Pick<Study, 'presets'>, fallback: PresetName = DEFAULT_NOTEBOOK_PRESET): PresetName {
  const v = process.env.MAPTOKENS_PRESET;
  if (v === undefined || v === '') return fallback;
  const known = Object.keys(study.presets);
  if (!known.includes(v)) throw new Error(`MAPTOKENS_PRESET must be one of ${known.join(', ')}; got '${v}'`);
  return v;
}

/**
 * Whether a notebook shows the store only: then cells that would train a missing run say
 * that it is missing instead. MAPTOKENS_FROM_STORE=1 or 0 decides; unset, it is true for the
 * standard preset (the committed answer, whose sweep takes days: opening it never trains)
 * and false for the others, which a reader chooses in order to train.
 */
export function fromStore(forPreset: PresetName = process.env.MAPTOKENS_PRESET || DEFAULT_NOTEBOOK_PRESET): boolean {
  const v = process.env.MAPTOKENS_FROM_STORE;
  if (v === undefined || v === '') return forPreset === 'standard';
  if (v !== '1' && v !== '0') throw new Error(`MAPTOKENS_FROM_STORE must be 1, 0 or unset; got '${v}'`);
  return v === '1';
}
