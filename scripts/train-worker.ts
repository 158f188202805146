/** A worker process of `npm run ablation -- --workers k`: see lib/train/engine.ts. */
import { workerMain } from '../lib/train/engine';

workerMain(process.argv[2]).catch((e) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(1);
});
