/**
 * danfojs DataFrames rendered as escaped HTML tables (for notebooks and the
 * report) and as text, and the aggregate table every notebook shows.
 */
import { escapeHtml } from '../util/html';
import { type DataFrame, frame, rowsOf } from './frame';
import { formatPct, type Group } from './statistics';
import { bestTrainAcc } from './speed';
import { runOutcome } from '../results/record';
import type { RunRecord } from '../results/record';

export { DataFrame, dfd, frame } from './frame';

function fmt(v: unknown, digits: number): string {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return Number.isNaN(v) ? '–' : String(v);
    if (Number.isInteger(v)) return v.toLocaleString('en-US');
    return v.toFixed(digits);
  }
  if (v === null || v === undefined) return '–';
  return String(v);
}

/** An HTML table; every cell and header is escaped. */
/** 0.123 → "12.3%": a share or an accuracy in a table cell, as text so that the table's rounding leaves it alone. */
export function percent(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

export function tableHtml(df: DataFrame, opts: { caption?: string; digits?: number } = {}): string {
  const cols: string[] = df.columns;
  const rows = df.values as unknown[][];
  const digits = opts.digits ?? 3;
  const head = cols.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const body = rows
    .map((r) => `<tr>${r.map((v) => `<td${typeof v === 'number' ? ' class="num"' : ''}>${escapeHtml(fmt(v, digits))}</td>`).join('')}</tr>`)
    .join('\n');
  const caption = opts.caption ? `<caption>${escapeHtml(opts.caption)}</caption>` : '';
  return `<table class="maptokens-table">${caption}<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table>`;
}

/** A fixed-width text table (for logs and text/plain). */
export function tableText(df: DataFrame, digits = 3): string {
  const cols: string[] = df.columns;
  const rows: string[][] = (df.values as unknown[][]).map((r) => r.map((v) => fmt(v, digits)));
  const w = cols.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(w[i])).join('  ');
  return [line(cols), line(w.map((n) => '-'.repeat(n))), ...rows.map(line)].join('\n');
}

export function tableBundle(df: DataFrame, opts: { caption?: string; digits?: number } = {}): Record<string, unknown> {
  return { 'text/html': tableHtml(df, opts), 'text/plain': (opts.caption ? `${opts.caption}\n` : '') + tableText(df, opts.digits) };
}

/** The aggregate as a danfojs DataFrame, one row per (config, dataset), sorted by dataset and then by `order`. */
export function aggregateFrame(groups: Group[], opts: { order?: string[] } = {}): DataFrame {
  return frame(aggregateRows(groups, opts));
}

/**
 * The rows of aggregateFrame, for tables that add or drop columns. danfojs sorts them
 * (by dataset name, then by the place of the config in `order`, then by its name).
 * The interval column already carries the mean, so there is no separate mean column; "missing seeds"
 * appears only when some group misses one; models without tokens (the CNN baselines) show "–" for T and D_tok.
 */
export function aggregateRows(groups: Group[], opts: { order?: string[] } = {}): Record<string, unknown>[] {
  if (!groups.length) return [];
  const order = opts.order ?? [];
  const anyMissing = groups.some((g) => g.missingSeeds.length > 0);
  const datasets = [...new Set(groups.map((g) => g.dataset))].sort();
  const names = [...new Set(groups.map((g) => g.name))].sort(
    (a, b) =>
      (order.includes(a) ? order.indexOf(a) : order.length) - (order.includes(b) ? order.indexOf(b) : order.length) || a.localeCompare(b),
  );
  const rows = groups.map((g) => ({
    _order: datasets.indexOf(g.dataset) * names.length + names.indexOf(g.name),
    dataset: g.dataset,
    config: g.name,
    'test acc % (95% CI)': formatPct(g),
    'std %': 100 * g.std,
    n: g.n,
    // Every run of the group reached its validation plateau: without it the group gets no verdict.
    converged: g.converged ? 'yes' : 'no',
    failed: g.failed,
    ...(anyMissing ? { 'missing seeds': g.missingSeeds.length ? g.missingSeeds.join(',') : '' } : {}),
    T: g.T > 0 ? g.T : '–',
    D_tok: g.Dtok > 0 ? g.Dtok : '–',
    params: g.params,
    MFLOPs: g.flops / 1e6,
    'train s': g.seconds,
    'img/s': g.imgPerS,
  }));
  const sorted = frame(rows)
    .sortValues('_order')
    .drop({ columns: ['_order'] });
  return rowsOf(sorted);
}

/**
 * One row per run, for the tables that show a claim's runs seed by seed: model, seed, test accuracy, the
 * selected epoch, the best training accuracy, the epochs trained and how the run ended, accuracies in
 * percent as everywhere else. `extra` adds a table's own columns after the seed.
 */
export function seedRows(records: RunRecord[], extra: (r: RunRecord) => Record<string, unknown> = () => ({})): Record<string, unknown>[] {
  const pct = (x: number | undefined): number => (x === undefined || !Number.isFinite(x) ? NaN : +(100 * x).toFixed(2));
  return records.map((r) => ({
    model: r.name,
    seed: r.seed,
    'test acc (%)': pct(r.metrics.test_acc),
    'selected epoch': r.convergence.selectedEpoch,
    ...extra(r),
    'best train acc (%)': pct(bestTrainAcc(r)),
    'epochs trained': r.metrics.curve.length,
    outcome: runOutcome(r),
  }));
}
