/**
 * npm run report [-- --pdf] [--execute] [--preset quick|full|smoke] [names…]
 *
 * Executes the notebooks (or reuses fresh executions), renders results/figures/*.svg,
 * exports results/report.html and results/report/<notebook>.html (offline), updates
 * the README's findings block, and with --pdf prints results/report.pdf.
 */
import { buildReport } from '../lib/report/export';
import { RUN_PRESETS, RunPresetName } from '../lib/train/suites';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  let preset: RunPresetName = 'quick';
  const names: string[] = [];
  let pdf = false;
  let execute = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--pdf') pdf = true;
    else if (a === '--execute') execute = true;
    else if (a === '--preset') {
      const p = argv[++i];
      if (!p || !(p in RUN_PRESETS)) {
        console.error(`--preset must be one of ${Object.keys(RUN_PRESETS).join(', ')}`);
        process.exit(2);
      }
      preset = p as RunPresetName;
    } else if (a.startsWith('--')) {
      console.error(`unknown option ${a}\nusage: npm run report -- [--pdf] [--execute] [--preset quick|full|smoke] [names…]`);
      process.exit(2);
    } else names.push(a);
  }
  const r = await buildReport({ preset, pdf, execute, notebooks: names.length ? names : undefined });
  console.log(`report: ${r.html}${r.pdf ? `\npdf: ${r.pdf}` : ''}\nfigures: ${r.figures.length} SVG files in results/figures/`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
