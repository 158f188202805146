/**
 * npm run report [-- --pdf] [--execute] [--preset <a run preset>] [--from-store] [names…]
 *
 * With no --preset, the report of the committed answer (the standard preset, from the store).
 * Executes the notebooks whose inputs changed (or reuses fresh executions), renders
 * results/figures/<preset>/*.svg, exports results/report.html and results/report/<notebook>.html (another preset: results/report-<preset>…)
 * (offline), updates the README's findings block, and with --pdf prints results/report.pdf.
 */
import { buildReport } from '../lib/report/export';
import { STUDY } from '../study';
import { oneOf, runCommand } from '../lib/util/cli';

const PRESET_NAMES = Object.keys(STUDY.presets);

const SPEC = {
  usage: `usage: npm run report -- [--pdf] [--execute] [--preset ${PRESET_NAMES.join('|')}] [--from-store] [names…]

  --execute  re-execute every notebook, even those whose inputs did not change
  --pdf      also print results/report.pdf (headless Chromium)
  --preset   the results to report; a preset's notebooks train the runs its store lacks
             (default: the committed answer, --preset standard --from-store)
  --from-store
             train nothing: each notebook shows what the store holds and names the runs it lacks
             (how the standard report is built, since its sweep runs for days through npm run ablation)
  names      restrict execution to these notebooks (every executed page is still linked)`,
  options: { pdf: { type: 'boolean' }, execute: { type: 'boolean' }, preset: { type: 'string' }, 'from-store': { type: 'boolean' } },
  positionals: true,
} as const;

runCommand(SPEC, async (a, names) => {
  // With no --preset the report is the committed answer: the standard sweep as the store holds it. That sweep
  // runs for days through npm run ablation, so the default trains nothing; a named preset trains what it lacks.
  const preset = oneOf('preset', a.preset, PRESET_NAMES) ?? 'standard';
  const fromStore = a['from-store'] || a.preset === undefined;
  const r = await buildReport({
    study: STUDY,
    preset,
    pdf: a.pdf,
    execute: a.execute,
    fromStore,
    notebooks: names.length ? names : undefined,
  });
  console.log(`report: ${r.html}${r.pdf ? `\npdf: ${r.pdf}` : ''}\nfigures: ${r.figures.length} SVG files in results/figures/${preset}/`);
});
