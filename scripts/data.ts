/**
 * npm run data -- <name…> : fetch or prepare datasets into data/.
 * Only cifar10 needs a download; the others are checked and summarized.
 */
import { downloadCifar10, loadDataset } from '../lib/data';
import { DATA_DIR } from '../lib/util/paths';

async function main(): Promise<void> {
  const names = process.argv.slice(2);
  if (names.length === 0) {
    console.error('usage: npm run data -- <mnist|fashion-mnist|cifar10|relation|appearance|folder:NAME>…');
    process.exit(2);
  }
  for (const name of names) {
    if (name === 'cifar10') await downloadCifar10({ dataDir: DATA_DIR });
    const ds = loadDataset(name);
    console.log(`${name}: ${ds.meta.splitSizes.train} train / ${ds.meta.splitSizes.test} test, ${ds.meta.shape.join('×')}, ${ds.meta.source}`);
    for (const n of ds.meta.notes) console.log(`  ${n}`);
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
