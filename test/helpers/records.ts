/** A finished run's record with only what the analysis reads, for tests of statistics and claims. */
import { planSuite, type RunPresetName } from '../../lib/experiments';
import type { RunRecord } from '../../lib/results/record';
import { STUDY } from '../../study';

export function runRecord(name: string, dataset: string, seed: number, acc: number, over: Partial<RunRecord> = {}): RunRecord {
  const converged = over.converged ?? true;
  return {
    id: `${name}-${dataset}-${seed}`,
    status: 'ok',
    name,
    dataset,
    seed,
    model: { numClasses: dataset === 'relation' || dataset === 'cooccurrence' ? 4 : 10 },
    train: { batchSize: 128 },
    metrics: { test_acc: acc, test_loss: 0, best_val_acc: acc, final_train_loss: 0, curve: [] },
    converged,
    convergence: {
      rule: converged ? 'plateau' : 'epoch cap reached while still improving',
      selectedEpoch: 1,
      selectedStep: 1,
      stoppedEarly: converged,
    },
    sizes: { train: 1000, val: 1000, test: 10000 },
    params: 1,
    flops: { total: 1e6, attention: 1 },
    T: 1,
    Dtok: 1,
    seconds: 1,
    img_per_s: 1,
    ...over,
  } as unknown as RunRecord;
}

/**
 * The rest of a suite's block on a dataset: for each model the suite plans there that has no
 * run in `records`, its planned seeds as finished runs that did not converge. They complete
 * the block (the claims table gives no verdict before it is), and stay out of what it reads:
 * the pooled spread, sanity and the controls all skip unconverged runs.
 */
export function restOfBlock(records: RunRecord[], suite: string, dataset: string, preset: RunPresetName = 'standard'): RunRecord[] {
  const present = new Set(records.filter((r) => r.dataset === dataset).map((r) => r.name));
  return planSuite(STUDY, suite, { preset, datasets: [dataset] })
    .filter((p) => !present.has(p.config.name))
    .map((p) => runRecord(p.config.name, dataset, p.config.seed, 0.5, { converged: false }));
}
