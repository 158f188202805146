/** Workspace paths, resolved from the compiled file's place (dist/lib/util/). */
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
/** Datasets that are not in npm packages; override with MAPTOKENS_DATA_DIR. */
export const DATA_DIR = process.env.MAPTOKENS_DATA_DIR || path.join(ROOT, 'data');
/** The result store and everything derived from it; override with MAPTOKENS_RESULTS_DIR. */
export const RESULTS_DIR = process.env.MAPTOKENS_RESULTS_DIR || path.join(ROOT, 'results');

/**
 * Where a preset's runs are stored. Smoke runs (CI, quick checks) go to
 * results/smoke/, which is not committed, so they never mix with the quick and
 * full results that the report is built from.
 */
export function resultsDirFor(preset: string, resultsDir = RESULTS_DIR): string {
  return preset === 'smoke' ? path.join(resultsDir, 'smoke') : resultsDir;
}

/**
 * The file a sweep under `preset` appends to, in a store folder `dir` (resultsDirFor's). The answer's presets (standard,
 * full) and smoke (its own folder) write runs.jsonl. Quick shares results/ so that it reads the quick runs git already
 * holds, but appends to results/local/ (not committed): training under quick never changes a committed file.
 */
export function storeFileFor(preset: string, dir: string): string {
  return preset === 'quick' ? path.join(dir, 'local', `runs.${preset}.jsonl`) : path.join(dir, 'runs.jsonl');
}
