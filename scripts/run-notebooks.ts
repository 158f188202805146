/**
 * npm run notebooks -- [names…] [--preset smoke|quick|full] [--out DIR] [--timeout SEC]
 *
 * Executes notebooks through nbclient with the tslab kernel and writes the executed
 * copies (default results/notebooks/<preset>/). Exits non-zero when any cell fails,
 * after printing that cell and its error.
 */
import { PRESETS, PresetName, resolveNotebooks, runNotebook } from '../lib/notebook/runner';

function usage(msg: string): never {
  console.error(`${msg}\nusage: npm run notebooks -- [names…] [--preset ${PRESETS.join('|')}] [--out DIR] [--timeout SEC]`);
  process.exit(2);
}

async function main(): Promise<void> {
  const names: string[] = [];
  let preset: PresetName = 'quick';
  let outDir: string | undefined;
  let timeoutSec: number | undefined;
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => argv[++i] ?? usage(`${a} needs a value`);
    if (a === '--preset') {
      const p = value();
      if (!(PRESETS as readonly string[]).includes(p)) usage(`--preset must be one of ${PRESETS.join(', ')}; got '${p}'`);
      preset = p as PresetName;
    } else if (a === '--out') outDir = value();
    else if (a === '--timeout') {
      timeoutSec = Number(value());
      if (!(timeoutSec > 0)) usage('--timeout must be a positive number of seconds');
    } else if (a.startsWith('--')) usage(`unknown option ${a}`);
    else names.push(a);
  }
  let files: string[];
  try {
    files = resolveNotebooks(names);
  } catch (e) {
    usage((e as Error).message);
  }
  const failed: string[] = [];
  for (const [i, f] of files.entries()) {
    console.error(`[${i + 1}/${files.length}] ${f} (preset ${preset})`);
    const r = await runNotebook(f, { preset, outDir, timeoutSec });
    console.error(`${r.ok ? 'ok    ' : 'FAILED'} ${r.name} in ${r.seconds.toFixed(1)}s -> ${r.output}`);
    if (!r.ok) failed.push(r.name);
  }
  if (failed.length) {
    console.error(`\n${failed.length} of ${files.length} notebooks failed: ${failed.join(', ')}`);
    process.exit(1);
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(2);
});
