/**
 * Saving figures for papers. A notebook cell calls saveFigure(name, fig): the
 * plotly JSON goes to results/figures/<name>.json (atomic write), and
 * `npm run report` renders every JSON there to <name>.svg in headless Chromium
 * with the same plotly.js bundle the report embeds (lib/report/render.ts).
 * Saving JSON, not pixels, keeps the figure re-renderable and diffable.
 */
import * as path from 'path';
import { writeFileAtomic } from '../../util/atomic';
import { RESULTS_DIR } from '../../util/paths';
import { Figure, readable } from './plotly';

export function figuresDir(resultsDir = RESULTS_DIR): string {
  return path.join(resultsDir, 'figures');
}

/** Writes results/figures/<name>.json; names are [a-z0-9_-] so they are safe file names. */
export function saveFigure(name: string, fig: Figure, resultsDir = RESULTS_DIR): string {
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(name)) throw new Error(`figure name '${name}' must be lower-case letters, digits, '-' and '_'`);
  const file = path.join(figuresDir(resultsDir), `${name}.json`);
  writeFileAtomic(file, JSON.stringify(readable(fig)));
  return file;
}
