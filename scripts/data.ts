/**
 * npm run data -- <name…> : fetch or prepare datasets into data/.
 * Only cifar10 needs a download; the others are checked and summarized.
 */
import { BUILTIN_DATASETS, downloadCifar10, isDatasetName, loadDataset } from '../lib/data';
import { runCommand, UsageError } from '../lib/util/cli';
import { DATA_DIR } from '../lib/util/paths';

const SPEC = {
  usage: `usage: npm run data -- <${BUILTIN_DATASETS.join('|')}|folder:NAME>…

  Checks and summarizes each dataset; cifar10 is downloaded (checksum-verified) into
  data/ first where a network exists. A failed download leaves nothing behind.`,
  options: {},
  positionals: true,
} as const;

runCommand(SPEC, async (_a, names) => {
  if (names.length === 0) throw new UsageError('name at least one dataset');
  for (const n of names) {
    if (!isDatasetName(n)) throw new UsageError(`unknown dataset '${n}' (not built in, and no folder data/${n.replace(/^folder:/, '')}/)`);
  }
  for (const name of names) {
    if (name === 'cifar10') await downloadCifar10({ dataDir: DATA_DIR });
    const ds = loadDataset(name);
    console.log(
      `${name}: ${ds.meta.splitSizes.train} train / ${ds.meta.splitSizes.test} test, ${ds.meta.shape.join('×')}, ${ds.meta.source}`,
    );
    for (const n of ds.meta.notes) console.log(`  ${n}`);
  }
});
