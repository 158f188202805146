/**
 * danfojs, the workspace's table library, typed. danfojs-node loads tfjs-node
 * itself, so it is required lazily (and quietly): importing lib/analysis never
 * forces the native backend.
 */
import type { DataFrame as DanfoFrame } from 'danfojs-node';
import { quietNativeLoad } from '../backend/quiet';

export type DataFrame = DanfoFrame;

/** The danfojs-node module (loaded on first use). */
export function dfd(): typeof import('danfojs-node') {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  return quietNativeLoad(() => require('danfojs-node'));
}

/** A DataFrame from row objects that share their keys. */
export function frame(rows: Record<string, unknown>[]): DataFrame {
  if (rows.length === 0) throw new Error('frame: no rows');
  return new (dfd().DataFrame)(rows as Record<string, (string | number | boolean)[]>[]);
}

/** The rows of a DataFrame as objects keyed by column. */
export function rowsOf(df: DataFrame): Record<string, unknown>[] {
  const cols = df.columns as string[];
  return (df.values as unknown[][]).map((r) => Object.fromEntries(cols.map((c, i) => [c, r[i]])));
}
