/**
 * npm run migrate [-- --results DIR]
 * Rewrites the result store under the current config schema: every record gets its
 * current id (the old one is kept in previousIds) and each run folder follows it.
 * Reading never needs this (the store migrates as it reads); it keeps the files honest.
 */
import * as path from 'node:path';
import { SCHEMA_VERSION } from '../lib/experiments/config';
import { migrateStoreFiles, renameRunIds } from '../lib/results/migrate';
import { ResultStore } from '../lib/results/store';
import { runCommand } from '../lib/util/cli';
import { RESULTS_DIR } from '../lib/util/paths';

const SPEC = {
  usage: `usage: npm run migrate -- [--results DIR]

  Rewrites every store file in DIR (default results/) and its smoke store under config
  schema ${SCHEMA_VERSION}: records get their current ids, run folders are renamed to match,
  and the twin's whole-run pairs (DIR/twin/runs.jsonl) follow their runs' ids.`,
  options: { results: { type: 'string' } },
} as const;

runCommand(SPEC, (a) => {
  const dir = a.results ?? RESULTS_DIR;
  for (const d of [dir, path.join(dir, 'smoke')]) {
    const store = new ResultStore({ dir: d });
    const r = migrateStoreFiles(store.files(), path.join(d, 'runs'));
    console.log(
      `${path.relative(process.cwd(), d) || '.'}: ${r.migrated} records migrated to schema ${SCHEMA_VERSION}, ${r.current} already current${r.problems.length ? `, ${r.problems.length} unreadable line(s) kept as they are` : ''}`,
    );
    for (const p of ResultStore.describeProblems(r.problems)) console.error(`store problem: ${p}`);
  }
  // The twin's whole-run pairs name their runs by experiment id: they follow the store's records.
  const twin = path.join(dir, 'twin', 'runs.jsonl');
  const n = renameRunIds(twin, new ResultStore({ dir }).read().records);
  console.log(`${path.relative(process.cwd(), twin)}: ${n} pairs renamed to their runs' current ids`);
});
