/**
 * npm run docs
 *
 * Rewrites the generated blocks of docs/ (lib/report/docs.ts) from the result stores;
 * `npm run report` does the same at its end.
 */
import * as path from 'node:path';
import { updateDocs } from '../lib/report/docs';
import { runCommand } from '../lib/util/cli';
import { ROOT } from '../lib/util/paths';
import { STUDY } from '../study';

const SPEC = {
  usage: `usage: npm run docs

  Rewrites the generated blocks of docs/recipe.md, docs/validation.md and docs/performance.md from the result stores.`,
  options: {},
} as const;

runCommand(SPEC, () => {
  for (const d of updateDocs(STUDY)) console.log(`${path.relative(ROOT, d.file)} (${d.block}): ${d.changed ? 'updated' : 'unchanged'}`);
});
