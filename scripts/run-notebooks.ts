/**
 * npm run notebooks -- [names…] [--preset smoke|quick|standard|full] [--from-store] [--out DIR] [--timeout SEC]
 *
 * Executes notebooks through nbclient with the tslab kernel and writes the executed
 * copies (default results/notebooks/<preset>/). Exits 1 when any cell fails,
 * after printing that cell and its error.
 */
import { resolveNotebooks, runNotebook } from '../lib/notebook/runner';
import { oneOf, positiveInt, runCommand, UsageError } from '../lib/util/cli';
import { STUDY } from '../study';

const PRESETS = Object.keys(STUDY.presets);

const SPEC = {
  usage: `usage: npm run notebooks -- [names…] [--preset ${PRESETS.join('|')}] [--from-store] [--out DIR] [--timeout SEC]

  names      notebooks to run (03, 03_channel_vs_spatial or a path); default all
  --preset   passed to the notebooks as MAPTOKENS_PRESET (default quick; the lab's default is standard from the store)
  --from-store
             train nothing: cells show what the store holds and name what it lacks
  --out      folder for the executed copies (default results/notebooks/<preset>/)
  --timeout  per-cell timeout in seconds`,
  options: { preset: { type: 'string' }, 'from-store': { type: 'boolean' }, out: { type: 'string' }, timeout: { type: 'string' } },
  positionals: true,
} as const;

runCommand(SPEC, async (a, names) => {
  const preset = oneOf('preset', a.preset, PRESETS) ?? 'quick';
  const timeoutSec = positiveInt('timeout', a.timeout);
  let files: string[];
  try {
    files = resolveNotebooks(names);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const failed: string[] = [];
  for (const [i, f] of files.entries()) {
    console.error(`[${i + 1}/${files.length}] ${f} (preset ${preset})`);
    const r = await runNotebook(f, { preset, outDir: a.out, timeoutSec, fromStore: a['from-store'] });
    console.error(`${r.ok ? 'ok    ' : 'FAILED'} ${r.name} in ${r.seconds.toFixed(1)}s -> ${r.output}`);
    if (!r.ok) failed.push(r.name);
  }
  if (failed.length) {
    console.error(`\n${failed.length} of ${files.length} notebooks failed: ${failed.join(', ')}`);
    return 1;
  }
});
