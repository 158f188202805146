/**
 * danfojs DataFrames rendered as escaped HTML tables (for notebooks and the
 * report) and as text. danfojs-node loads tfjs-node itself, so it is required
 * lazily: importing lib/analysis never forces the native backend.
 */
import { quietNativeLoad } from '../backend/quiet';
import { escapeHtml } from './html';

/* eslint-disable @typescript-eslint/no-explicit-any */
export type DataFrame = any;

/** The danfojs-node module (loaded on first use). */
export function dfd(): any {
  // danfojs-node requires tfjs-node, which loads native TensorFlow.
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  return quietNativeLoad(() => require('danfojs-node'));
}

/** Builds a DataFrame from row objects (all rows share keys). */
export function frame(rows: Record<string, unknown>[]): DataFrame {
  if (rows.length === 0) throw new Error('frame: no rows');
  return new (dfd().DataFrame)(rows);
}

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
export function tableHtml(df: DataFrame, opts: { caption?: string; digits?: number } = {}): string {
  const cols: string[] = df.columns;
  const rows: unknown[][] = df.values;
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
  return { 'text/html': tableHtml(df, opts), 'text/plain': (opts.caption ? opts.caption + '\n' : '') + tableText(df, opts.digits) };
}
