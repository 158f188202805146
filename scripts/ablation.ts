/**
 * npm run ablation -- [--suite NAME[,NAME…]] [--preset smoke|quick|full] [--datasets a,b]
 *                     [--seeds 0,1,2] [--shard i/n] [--workers k] [--force] [--save-weights]
 *                     [--until HH:MM]
 *
 * With no arguments: the `all` suite under the `quick` preset (under `--preset standard`: the
 * answer's suites on the answer's datasets, as study/answer.ts lists them), on min(2, cores) workers. Finished runs are
 * served from results/; a rerun after a crash trains only what is missing. Ends
 * with a table of mean ± std over seeds per config and dataset. Exits 1 when
 * nothing could run (every planned dataset skipped) or when every run it trained failed.
 */
import { aggregate } from '../lib/analysis/statistics';
import { frame, tableText } from '../lib/analysis/tables';
import { initBackend, describeBackend } from '../lib/backend';
import { finished, runSuite } from '../lib/sweep/engine';
import { parseUntil } from '../lib/sweep/deadline';
import { answerDatasetsAll, planSuite, runPreset, shardOf, suiteNames, suitesOf } from '../lib/experiments';
import { STUDY } from '../study';
import { budgetRows, sweepBudget } from '../lib/sweep/eta';
import { ResultStore } from '../lib/results/store';
import { resultsDirFor } from '../lib/util/paths';
import { allocatedCpus, underSlurm } from '../lib/util/cpus';
import { listOf, oneOf, positiveInt, runCommand, UsageError } from '../lib/util/cli';

const PRESET_NAMES = Object.keys(STUDY.presets);
const ANSWER_DATASETS = answerDatasetsAll(STUDY);

const SPEC = {
  usage: `usage: npm run ablation -- [--suite ${suiteNames(STUDY).join('|')}] [--preset ${PRESET_NAMES.join('|')}]
       [--datasets a,b] [--seeds 0,1,2] [--shard i/n] [--workers k] [--force] [--save-weights] [--until HH:MM|+3h] [--plan] [--slurm]

  --suite         the grid to run, or several as a,b (default under standard: the answer's
                  suites, ${STUDY.answer.suites.join(',')},
                  on ${ANSWER_DATASETS.join(',')}; otherwise all)
  --preset        how much data, how many epochs and seeds (default quick; smoke only proves the code runs)
  --datasets      restrict the suite to these datasets
  --seeds         restrict the preset's seeds
  --shard i/n     run every n-th planned run, starting at i (for a Slurm array)
  --workers k     worker processes (default min(2, cores))
  --force         retrain runs the store already has
  --save-weights  keep each run's weights in results/runs/<id>/model
  --until         start only runs expected to end by then (HH:MM today, tomorrow HH:MM, a
                  duration such as +3h, or a date and time such as 2026-11-28T07:20), judged
                  from the store's finished runs; the rest wait for the next sweep
  --plan          print what the sweep plans, what the store holds and the run time left
                  (estimated from the store's finished runs, as the ETA is), then exit
  --slurm         one planned run per task of a Slurm array: task SLURM_ARRAY_TASK_ID (from 1)
                  of as many as the plan has runs (--plan prints the --array to submit), whatever
                  SLURM_ARRAY_TASK_COUNT says, so a resubmitted subset keeps its numbering`,
  options: {
    suite: { type: 'string' },
    preset: { type: 'string' },
    datasets: { type: 'string' },
    seeds: { type: 'string' },
    shard: { type: 'string' },
    workers: { type: 'string' },
    force: { type: 'boolean' },
    'save-weights': { type: 'boolean' },
    until: { type: 'string' },
    plan: { type: 'boolean' },
    slurm: { type: 'boolean' },
  },
  // Only for `--until tomorrow HH:MM`, written as two words.
  positionals: true,
} as const;

/** 1,2,3,5,8,9 → "1-3,5,8-9", sbatch's --array syntax. */
function arrayRanges(ids: number[]): string {
  const out: string[] = [];
  for (let k = 0; k < ids.length; ) {
    let j = k;
    while (j + 1 < ids.length && ids[j + 1] === ids[j] + 1) j++;
    out.push(j === k ? `${ids[k]}` : `${ids[k]}-${ids[j]}`);
    k = j + 1;
  }
  return out.join(',');
}

runCommand(SPEC, async (a, rest) => {
  // `--until tomorrow 00:00` arrives as the value `tomorrow` and one positional; nothing else takes positionals.
  const untilArg = a.until === 'tomorrow' && rest.length === 1 ? `tomorrow ${rest[0]}` : a.until;
  if (rest.length && untilArg === a.until) throw new UsageError(`unexpected argument '${rest[0]}'`);
  const preset = oneOf('preset', a.preset, PRESET_NAMES) ?? 'quick';
  // The standard preset's answer is the answer's suites on its datasets; the other suites run under it on request.
  const answer = a.suite === undefined && preset === 'standard';
  const suite =
    a.suite === undefined
      ? answer
        ? STUDY.answer.suites.join(',')
        : 'all'
      : (listOf('suite', a.suite, suiteNames(STUDY)) ?? []).join(',');
  const seeds = listOf('seeds', a.seeds)?.map((s) => positiveInt('seeds', s, 0)!);
  let shard: [number, number] | undefined;
  if (a.shard !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(a.shard);
    if (!m || +m[1] < 1 || +m[1] > +m[2])
      throw new UsageError(
        '--shard must be i/n with 1 ≤ i ≤ n, e.g. 2/8 (for a Slurm array: $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT)',
      );
    shard = [+m[1], +m[2]];
  }
  // Two single-threaded workers beat one two-threaded process on small models (docs/performance.md); a Slurm task
  // is one run on the CPUs it was given.
  const workers = positiveInt('workers', a.workers) ?? (underSlurm() ? 1 : Math.min(2, allocatedCpus()));
  const known = [...new Set(suitesOf(STUDY, suite).flatMap((s) => s.datasets))];
  const datasets = listOf('datasets', a.datasets, known) ?? (answer ? ANSWER_DATASETS : undefined);
  const gridSize = (): number => planSuite(STUDY, suite, { preset, datasets, seeds }).length;
  if (a.slurm) {
    if (shard) throw new UsageError('--slurm takes its shard from SLURM_ARRAY_TASK_ID: leave out --shard');
    const id = process.env.SLURM_ARRAY_TASK_ID;
    const n = gridSize();
    if (id === undefined) throw new UsageError(`--slurm: SLURM_ARRAY_TASK_ID is not set; submit it as an array, sbatch --array=1-${n}`);
    const i = Number(id);
    if (!Number.isInteger(i) || i < 1)
      throw new UsageError(`--slurm: array task ids start at 1, one per planned run (sbatch --array=1-${n}); got ${id}`);
    if (i > n) throw new UsageError(`--slurm: task ${i} is past the plan's ${n} runs (sbatch --array=1-${n})`);
    shard = [i, n];
  }
  let until: number | undefined;
  try {
    until = untilArg === undefined ? undefined : parseUntil(untilArg);
  } catch (e) {
    throw new UsageError(`--until: ${(e as Error).message}`);
  }
  const opts = { study: STUDY, suite, preset, datasets, seeds, shard, workers, force: a.force, saveWeights: a['save-weights'], until };
  if (a.plan) {
    const names = suite.split(',').flatMap((n) => (n === 'all' ? suitesOf(STUDY, 'all').map((s) => s.name) : [n]));
    const plans = names.map((n) => {
      const own = new Set(suitesOf(STUDY, n).flatMap((s) => s.datasets));
      const runs = planSuite(STUDY, n, { preset, datasets: datasets?.filter((d) => own.has(d)), seeds });
      return { suite: n, runs: shard ? shardOf(runs, ...shard) : runs };
    });
    const { records } = new ResultStore({ dir: resultsDirFor(preset) }).read();
    const table = budgetRows(sweepBudget(plans, records), workers);
    console.log(
      `${preset}${shard ? `, shard ${shard[0]}/${shard[1]}` : ''}: estimated from the store's finished runs (lib/sweep/eta.ts)\n${tableText(frame(table), 1)}`,
    );
    // The grid's own options, so that every array task plans the same grid (README, "On a Slurm cluster").
    const grid = [
      `--suite ${suite}`,
      `--preset ${preset}`,
      a.datasets ? `--datasets ${a.datasets}` : '',
      a.seeds ? `--seeds ${a.seeds}` : '',
    ]
      .filter(Boolean)
      .join(' ');
    const grid1 = planSuite(STUDY, suite, { preset, datasets, seeds });
    const script = `scripts/slurm/ablation.sbatch ${grid}`;
    console.log(
      `\nThe grid has ${grid1.length} runs. For one Slurm task per run (a task whose run is in the store ends at once), submit:\n  sbatch --array=1-${grid1.length} ${script}`,
    );
    // Task k runs the grid's k-th run (--slurm), so the runs the store lacks name the tasks to resubmit.
    const byId = new Map(records.map((r) => [r.id, r]));
    const missing = grid1.flatMap((p, k) => (finished(byId.get(p.id)) ? [] : [k + 1]));
    if (missing.length && missing.length < grid1.length)
      console.log(
        `${grid1.length - missing.length} of them are in the store. To run the other ${missing.length} (failed, cancelled or never run), submit:\n  sbatch --array=${arrayRanges(missing)} ${script}`,
      );
    else if (!missing.length) console.log('All of them are in the store: nothing to submit.');
    return;
  }

  const report = await initBackend();
  console.error(`backend: ${describeBackend(report)}`);
  const started = Date.now();
  const res = await runSuite(opts);
  const groups = aggregate(res.records, { expectedSeeds: opts.seeds ?? runPreset(STUDY, opts.preset).seeds });
  if (groups.length) {
    const rows = groups
      .sort((x, y) => x.dataset.localeCompare(y.dataset) || x.name.localeCompare(y.name))
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
  if (!runPreset(STUDY, preset).verdicts) console.log(`preset ${runPreset(STUDY, preset).label}.`);
  console.log(
    `\n${res.planned.length} runs: ${res.trained} trained, ${res.cached} from the store, ${res.failed} failed${res.deferred.length ? `, ${res.deferred.length} left for a later sweep (--until)` : ''}; ${((Date.now() - started) / 1000).toFixed(0)} s wall time.`,
  );
  // A Slurm array (or any script) must see failure when the sweep did nothing useful.
  if (res.planned.length === 0 && shard && res.skipped.length === 0) {
    // More shards than runs, or a task whose run another task has: nothing to do is not a failure.
    console.log(`shard ${shard[0]}/${shard[1]} has no run of this grid (${gridSize()} runs in all): nothing to do.`);
    return 0;
  }
  if (res.planned.length === 0) {
    console.error(
      `error: nothing could run: ${res.skipped.length ? 'every planned dataset was skipped (said above)' : 'the plan is empty'}`,
    );
    return 1;
  }
  if (res.trained > 0 && res.failed === res.trained) {
    console.error(`error: every run trained here failed (${res.failed}); see the lines above`);
    return 1;
  }
});
