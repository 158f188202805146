/** A worker process of `npm run ablation -- --workers k`: see lib/sweep/engine.ts. */
import { workerMain } from '../lib/sweep/engine';

workerMain(process.argv[2]).catch((e) => {
  // One line: the parent shows it beside the progress display (MAPTOKENS_DEBUG=1 for the stack).
  console.error(`worker: ${process.env.MAPTOKENS_DEBUG === '1' && e instanceof Error ? e.stack : e instanceof Error ? e.message : e}`);
  process.exit(1);
});
