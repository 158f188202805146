/**
 * Saving figures for papers. A notebook cell calls saveFigure(name, fig, PRESET): the
 * plotly JSON goes to results/figures/<preset>/<name>.json (atomic write), and
 * `npm run report` renders every JSON of its preset to <name>.svg in headless Chromium
 * with the same plotly.js bundle the report embeds (lib/report/render.ts).
 * Saving JSON, not pixels, keeps the figure re-renderable and diffable.
 *
 * Figures are keyed by preset, so that a quick run in the lab can never overwrite the
 * committed answer's figures (standard). Each saved figure names its preset in its title
 * and carries, as `maptokens`, the preset and a digest of that preset's records in the
 * store it was drawn from: the report refuses to render a figure whose store has moved on.
 */
import * as crypto from 'node:crypto';
import * as path from 'node:path';
import { writeFileAtomic } from '../../util/atomic';
import { RESULTS_DIR, resultsDirFor } from '../../util/paths';
import { ResultStore } from '../../results/store';
import type { RunPresetName } from '../../experiments/presets';
import { runPreset, type Study } from '../../experiments/study';
import { type Figure, readable } from './plotly';

/** What a saved figure says about where it came from. */
export interface FigureProvenance {
  preset: string;
  /** storeDigest of its preset when it was saved. */
  store: string;
}

/** results/figures/<preset>: one folder per preset, so presets never share a file. */
export function figuresDir(preset: string, resultsDir = RESULTS_DIR): string {
  return path.join(resultsDir, 'figures', preset);
}

/** A digest of the preset's records in the store (their ids and when they ended): changes when a run of the preset lands. */
export function storeDigest(preset: string, resultsDir = RESULTS_DIR): string {
  const { records } = new ResultStore({ dir: resultsDirFor(preset, resultsDir) }).read();
  const keys = records
    .filter((r) => r.preset === preset)
    .map((r) => `${r.id} ${r.ended}`)
    .sort();
  return crypto.createHash('sha256').update(keys.join('\n')).digest('hex').slice(0, 16);
}

/** The figure's title with its preset's label beneath, so that nothing shows a figure without saying which runs drew it. */
export function withPresetCaption(study: Study, fig: Figure, preset: RunPresetName): Figure {
  const t = fig.layout.title as { text?: string } | string | undefined;
  const text = typeof t === 'string' ? t : (t?.text ?? '');
  const caption = `<sub>preset ${runPreset(study, preset).label}</sub>`;
  return {
    ...fig,
    layout: { ...fig.layout, title: { ...(typeof t === 'object' ? t : {}), text: text ? `${text}<br>${caption}` : caption } },
  };
}

/** Writes results/figures/<preset>/<name>.json; names are [a-z0-9_-] so they are safe file names. */
export function saveFigure(study: Study, name: string, fig: Figure, preset: RunPresetName, resultsDir = RESULTS_DIR): string {
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(name)) throw new Error(`figure name '${name}' must be lower-case letters, digits, '-' and '_'`);
  runPreset(study, preset); // an unknown preset fails here, with the known ones
  const file = path.join(figuresDir(preset, resultsDir), `${name}.json`);
  const maptokens: FigureProvenance = { preset, store: storeDigest(preset, resultsDir) };
  writeFileAtomic(file, JSON.stringify({ ...readable(withPresetCaption(study, fig, preset)), maptokens }));
  return file;
}
