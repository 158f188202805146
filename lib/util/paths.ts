/** Workspace paths, resolved from the compiled file's place (dist/lib/util/). */
import * as path from 'path';

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
