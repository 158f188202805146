/**
 * npm run ablation -- [--suite NAME] [--preset smoke|quick|full] [--datasets a,b]
 *                     [--seeds 0,1,2] [--shard i/n] [--workers k] [--force] [--save-weights]
 *
 * With no arguments: the `all` suite under the `quick` preset, on min(2, cores) workers. Finished runs are
 * served from results/; a rerun after a crash trains only what is missing. Ends
 * with a table of mean ± std over seeds per config and dataset.
 */
import * as os from 'os';
import { aggregate } from '../lib/analysis/aggregate';
import { tableText, frame } from '../lib/analysis/table';
import { initBackend, describeBackend } from '../lib/backend';
import { runSuite } from '../lib/train/engine';
import { RUN_PRESETS, RunPresetName, suiteNames } from '../lib/train/suites';

const USAGE = `usage: npm run ablation -- [--suite ${suiteNames().join('|')}] [--preset ${Object.keys(RUN_PRESETS).join('|')}]
       [--datasets a,b] [--seeds 0,1,2] [--shard i/n] [--workers k] [--force] [--save-weights]`;

function fail(msg: string): never {
  console.error(`${msg}\n${USAGE}`);
  process.exit(2);
}

function parse(argv: string[]): Parameters<typeof runSuite>[0] {
  // Two single-threaded workers beat one two-threaded process on small models (docs/performance.md).
  const o: Parameters<typeof runSuite>[0] = { suite: 'all', preset: 'quick', workers: Math.min(2, os.cpus().length) };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = (): string => argv[++i] ?? fail(`${a} needs a value`);
    switch (a) {
      case '--suite':
        o.suite = val();
        if (!suiteNames().includes(o.suite)) fail(`--suite: unknown suite '${o.suite}'`);
        break;
      case '--preset': {
        const p = val();
        if (!(p in RUN_PRESETS)) fail(`--preset: unknown preset '${p}'`);
        o.preset = p as RunPresetName;
        break;
      }
      case '--datasets':
        o.datasets = val().split(',').filter(Boolean);
        break;
      case '--seeds':
        o.seeds = val()
          .split(',')
          .map((s) => {
            const n = Number(s);
            if (!Number.isInteger(n) || n < 0) fail(`--seeds: '${s}' is not a non-negative integer`);
            return n;
          });
        break;
      case '--shard': {
        const m = /^(\d+)\/(\d+)$/.exec(val());
        if (!m || +m[1] < 1 || +m[1] > +m[2]) fail('--shard must be i/n with 1 ≤ i ≤ n, e.g. 2/8 (for a Slurm array: $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT)');
        o.shard = [+m[1], +m[2]];
        break;
      }
      case '--workers': {
        const k = Number(val());
        if (!Number.isInteger(k) || k < 1) fail('--workers must be a positive integer');
        o.workers = k;
        break;
      }
      case '--force':
        o.force = true;
        break;
      case '--save-weights':
        o.saveWeights = true;
        break;
      case '-h':
      case '--help':
        console.log(USAGE);
        process.exit(0);
      // falls through (exit never returns)
      default:
        fail(`unknown argument '${a}'`);
    }
  }
  return o;
}

async function main(): Promise<void> {
  const opts = parse(process.argv.slice(2));
  const report = await initBackend();
  console.error(`backend: ${describeBackend(report)}`);
  const started = Date.now();
  const res = await runSuite(opts);
  const groups = aggregate(res.records, { expectedSeeds: opts.seeds ?? RUN_PRESETS[opts.preset].seeds });
  if (groups.length) {
    const rows = groups
      .sort((a, b) => a.dataset.localeCompare(b.dataset) || a.name.localeCompare(b.name))
      .map((g) => ({
        dataset: g.dataset,
        config: g.name,
        'test acc % (mean ± std)': g.n ? `${(100 * g.mean).toFixed(2)} ± ${Number.isFinite(g.std) ? (100 * g.std).toFixed(2) : '–'}` : '–',
        n: g.n,
        failed: g.failed,
        params: g.params,
        MFLOPs: +(g.flops / 1e6).toFixed(2),
      }));
    console.log(`\n${tableText(frame(rows), 2)}`);
  }
  for (const l of [...res.skipped, ...res.storeProblems]) console.log(l);
  console.log(
    `\n${res.planned.length} runs: ${res.trained} trained, ${res.cached} from the store, ${res.failed} failed; ${((Date.now() - started) / 1000).toFixed(0)} s wall time.`,
  );
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
