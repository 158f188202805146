/**
 * The report: executed notebooks exported to HTML with nbconvert, made to open
 * from disk with no network, plus static figures, the README's headline, the
 * generated blocks of docs/ (docs.ts) and, on request, a PDF.
 *
 * nbconvert's lab template loads require.js and MathJax from a CDN and imports
 * mermaid from one; those tags are removed (no notebook here uses them), and the
 * plotly.js bundle is shipped beside the report (results/report/plotly.min.js)
 * and loaded with a relative path, so the figures' `Plotly.newPlot` scripts work
 * offline. Everything written here is written atomically.
 */
import { describeModel } from '../models/architecture';
import { DEFAULTS } from '../models/config';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { claimsSummaryMarkdown, questionClaims } from '../analysis/claims/question';
import { checkControls } from '../analysis/claims/controls';
import { answerRecords, recordsBySuite } from '../analysis/views';
import { planAnswer, runPreset, type Study } from '../experiments';
import { escapeHtml } from '../util/html';
import { ResultStore } from '../results/store';
import { runNotebook, resolveNotebooks, venvPython } from '../notebook/runner';
import type { RunPresetName } from '../experiments';
import { writeFileAtomic } from '../util/atomic';
import { RESULTS_DIR, ROOT, resultsDirFor } from '../util/paths';
import { plotlyBundlePath, printPdf, renderFigures } from './render';
import { figuresDir, storeDigest } from '../analysis/figures/save';
import { updateDocs } from './docs';

export interface ReportOptions {
  /** The study whose answer the README and docs blocks state. */
  study: Study;
  preset: RunPresetName;
  /** Re-execute every notebook even when a fresh execution exists. */
  execute?: boolean;
  pdf?: boolean;
  /** Restrict to these notebooks (names as the runner takes them). */
  notebooks?: string[];
  /** Execute the notebooks from the store only: no cell trains (MAPTOKENS_FROM_STORE). */
  fromStore?: boolean;
  resultsDir?: string;
  log?: (s: string) => void;
}

function filesUnder(dir: string, keep: (f: string) => boolean): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name), keep) : keep(e.name) ? [path.join(dir, e.name)] : []))
    .sort();
}

/**
 * What an executed notebook shows is decided by its inputs: the notebook's cells (as
 * git stores them: sources, not outputs), the preset, the result store it reads and
 * the compiled library. Their content hash, not their modification times (`tsc`
 * rewrites dist/ on every `npm run`), says whether an execution is still fresh.
 * Weights kept under results/runs/ are left out: they are retrained from the store's
 * configs, seeded, so they add nothing the store does not already decide.
 */
export function inputsHash(source: string, preset: string, resultsDir: string, fromStore = false): string {
  const h = crypto.createHash('sha256');
  const nb = JSON.parse(fs.readFileSync(source, 'utf8')) as { cells: { cell_type: string; source: string | string[] }[] };
  h.update(JSON.stringify(nb.cells.map((c) => [c.cell_type, [c.source].flat().join('')])));
  h.update(`\0${preset}\0${fromStore ? 'from-store' : ''}\0`);
  const store = resultsDirFor(preset, resultsDir);
  const files = [
    ...filesUnder(store, (f) => f === 'runs.jsonl').filter((f) => path.dirname(f) === store),
    ...filesUnder(path.join(store, 'shards'), (f) => f.endsWith('.jsonl')),
    ...['lib', 'study'].flatMap((d) => filesUnder(path.join(ROOT, 'dist', d), (f) => f.endsWith('.js'))),
  ];
  for (const f of files) h.update(`\0${path.relative(ROOT, f)}\0`).update(fs.readFileSync(f));
  return h.digest('hex');
}

interface ExecutedMeta {
  metadata?: { maptokens?: { inputs?: string } };
}

/** An execution is fresh when the inputs hash recorded in it equals the current one. */
export function isFresh(executed: string, source: string, preset: string, resultsDir: string, fromStore = false): boolean {
  if (!fs.existsSync(executed)) return false;
  try {
    const nb = JSON.parse(fs.readFileSync(executed, 'utf8')) as ExecutedMeta;
    return nb.metadata?.maptokens?.inputs === inputsHash(source, preset, resultsDir, fromStore);
  } catch {
    return false; // unreadable: execute again
  }
}

/** Records the inputs hash in the executed notebook (rewritten only when it changes). */
function stampInputs(executed: string, hash: string): void {
  const text = fs.readFileSync(executed, 'utf8');
  const nb = JSON.parse(text) as ExecutedMeta & Record<string, unknown>;
  if (nb.metadata?.maptokens?.inputs === hash) return;
  nb.metadata = { ...(nb.metadata ?? {}), maptokens: { inputs: hash } };
  writeFileAtomic(executed, `${JSON.stringify(nb, null, 1)}\n`);
}

/** Removes every script or stylesheet that would be fetched from the network. */
export function stripRemote(html: string): string {
  return html
    .replace(/<script\b[^>]*\bsrc=["']https?:\/\/[^"']*["'][^>]*>\s*<\/script>/gi, '')
    .replace(/<link\b[^>]*\bhref=["']https?:\/\/[^"']*["'][^>]*>/gi, '')
    .replace(/<script\b[^>]*>(?:(?!<\/script>)[\s\S])*?cdnjs\.cloudflare\.com[\s\S]*?<\/script>/gi, '');
}

/** What the pages hide until asked: code inputs and prompts, so a page reads as a document. */
const DOCUMENT_CSS =
  'body:not(.maptokens-show-code) .jp-CodeCell .jp-Cell-inputWrapper{display:none}' +
  'body:not(.maptokens-show-code) .jp-OutputPrompt,body:not(.maptokens-show-code) .jp-InputPrompt{display:none}' +
  '.maptokens-header{font:14px sans-serif;padding:10px 16px;border-bottom:1px solid #dde}' +
  '.maptokens-header h1{font-size:20px;margin:0 0 4px}.maptokens-header .meta{color:#555}' +
  '.maptokens-problems{background:#fff4e5;border:1px solid #f0b429;padding:6px 10px;margin-top:8px}' +
  '.maptokens-header button{margin-left:12px;font-size:12px}' +
  // Printed (npm run report -- --pdf), a page is a document: no navigation or code toggle, and outputs may break
  // across pages, so that the claims table starts on page one instead of being pushed whole to page two.
  '@media print{.maptokens-nav,.maptokens-header button{display:none}.jp-Cell,.jp-OutputArea,.jp-OutputArea-child,.jp-OutputArea-output,table{break-inside:auto!important;page-break-inside:auto!important}tr{break-inside:avoid}}';

/**
 * Adds the local plotly bundle to <head>, a navigation bar listing every page, and a
 * header: the title, the date and commit of the code it was built from, the store's
 * problems, a link to the notebook's source and a button that shows the code.
 */
export function finishHtml(
  html: string,
  opts: {
    plotlySrc: string;
    nav: { href: string; label: string; current: boolean }[];
    header?: ReportHeader & { sourceHref: string; name: string };
  },
): string {
  const head =
    `<script src="${escapeHtml(opts.plotlySrc)}"></script>\n<style>.maptokens-nav{font:14px sans-serif;padding:8px 16px;background:#f4f6f8;border-bottom:1px solid #dde}` +
    `.maptokens-nav a{margin-right:14px}.maptokens-nav b{margin-right:14px}table.maptokens-table{border-collapse:collapse;font-size:13px}` +
    `table.maptokens-table td,table.maptokens-table th{border:1px solid #ccd;padding:3px 7px}td.num{text-align:right;font-variant-numeric:tabular-nums}${DOCUMENT_CSS}</style>\n`;
  const nav =
    '<nav class="maptokens-nav">' +
    opts.nav
      .map((n) => (n.current ? `<b>${escapeHtml(n.label)}</b>` : `<a href="${escapeHtml(n.href)}">${escapeHtml(n.label)}</a>`))
      .join('') +
    '</nav>\n';
  let header = '';
  const h = opts.header;
  if (h) {
    const built = h.commit
      ? `built from commit ${escapeHtml(h.commit)} of ${escapeHtml(h.date ?? '')}${h.dirty ? ' with uncommitted changes' : ''}`
      : 'built outside a git checkout';
    const problems = h.problems.length
      ? `<div class="maptokens-problems"><b>The result store has ${h.problems.length} unreadable line${h.problems.length > 1 ? 's' : ''}</b>, skipped in every table below:<ul>${h.problems.map((p) => `<li><code>${escapeHtml(p)}</code></li>`).join('')}</ul></div>`
      : '';
    header =
      '<header class="maptokens-header">' +
      `<h1>Can feature maps be tokens? · ${escapeHtml(h.name)}</h1>` +
      `<div class="meta">maptokens report, preset ${escapeHtml(h.preset)} (${h.runs} runs in the store${h.fromStore ? '; executed from the store only, nothing trained' : ''}), ${built}. ` +
      `Code is hidden; <a href="${escapeHtml(h.sourceHref)}">the notebook</a> has it` +
      '<button type="button" onclick="document.body.classList.toggle(\'maptokens-show-code\')">show / hide code</button></div>' +
      `${problems}</header>\n`;
  }
  return stripRemote(html)
    .replace(/<head>/i, `<head>\n${head}`)
    .replace(/<body([^>]*)>/i, `<body$1>\n${nav}${header}`);
}

/**
 * Moves the <style> blocks of <head> (nbconvert inlines the same ~7,000 lines of CSS
 * into every page) into one stylesheet named by its content hash, written once in
 * `dir` and linked with a relative path, so the pages stay offline and share it.
 */
export function externalizeStyles(html: string, dir: string, hrefPrefix: string): string {
  const end = html.search(/<\/head>/i);
  if (end < 0) return html;
  const head = html.slice(0, end);
  const blocks = [...head.matchAll(/<style(?![^>]*\bmedia=)[^>]*>([\s\S]*?)<\/style>/gi)];
  if (!blocks.length) return html;
  const css = blocks.map((m) => m[1]).join('\n');
  const name = `notebook-${crypto.createHash('sha256').update(css).digest('hex').slice(0, 12)}.css`;
  const file = path.join(dir, name);
  if (!fs.existsSync(file)) writeFileAtomic(file, css);
  let first = true;
  const newHead = head.replace(/<style(?![^>]*\bmedia=)[^>]*>[\s\S]*?<\/style>/gi, () => {
    const out = first ? `<link rel="stylesheet" href="${escapeHtml(hrefPrefix + name)}">` : '';
    first = false;
    return out;
  });
  return newHead + html.slice(end);
}

function nbconvert(executed: string, outDir: string): string {
  const r = spawnSync(venvPython(), ['-m', 'nbconvert', '--to', 'html', '--template', 'lab', '--output-dir', outDir, executed], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`nbconvert failed on ${executed}:\n${(r.stderr || '').slice(-2000)}`);
  return path.join(outDir, `${path.basename(executed, '.ipynb')}.html`);
}

const README_START = '<!-- findings:start (generated by npm run report from results/; do not edit) -->';
const README_END = '<!-- findings:end -->';

/**
 * The README's findings block: the question's claims table from the `standard` runs
 * alone (the preset that trains to the plateau), with the conditions the answer holds
 * under. Other presets never write an answer here.
 */
export function findingsBlock(study: Study, resultsDir = RESULTS_DIR): string {
  const { recordsOf } = recordsBySuite(study, 'standard', { resultsDir });
  // The answer is the answer's suites, complete: runs of other suites (the recipe sweep) are not it.
  const planned = planAnswer(study, 'standard');
  const records = answerRecords(study, recordsOf);
  const ok = records.filter((r) => r.status === 'ok');
  const p = runPreset(study, 'standard');
  const table = claimsSummaryMarkdown(questionClaims(study, recordsOf, 'standard'), { pagePrefix: 'results/report/' });
  const controls = checkControls(recordsOf('controls'), study.controls);
  const progress =
    records.length < planned.length
      ? `The sweep is under way: the store holds ${records.length} of the ${planned.length} runs it plans (\`npm run ablation -- --preset standard --plan\` says which and how long the rest take); a row whose runs are still to come says so. `
      : '';
  return [
    table,
    '',
    `${progress}From the \`standard\` runs in \`results/runs.jsonl\` (${ok.filter((r) => r.converged).length} of ${records.length} converged; controls ${controls.every((c) => c.pass) ? 'pass' : 'fail'}): ` +
      `small Transformers (${describeModel(DEFAULTS)}) on 28×28 grey images, ${p.trainPerClass?.toLocaleString('en')} training images per class unless a row says otherwise, ` +
      `each run trained to its validation plateau, ${p.seeds.length} or more seeds paired by seed, Holm-corrected; a row marked "Extension" goes beyond the question and is judged apart. ` +
      'Full report: [results/report.html](results/report.html).',
  ].join('\n');
}

/** Replaces the generated block of README.md with the findings from the standard runs. */
export function updateReadme(study: Study, resultsDir = RESULTS_DIR, readme = path.join(ROOT, 'README.md')): boolean {
  const text = fs.readFileSync(readme, 'utf8');
  const a = text.indexOf(README_START);
  const b = text.indexOf(README_END);
  if (a < 0 || b < a) return false;
  const next = text.slice(0, a) + [README_START, '', findingsBlock(study, resultsDir), ''].join('\n') + text.slice(b);
  if (next === text) return false;
  writeFileAtomic(readme, next);
  return true;
}

/**
 * Where a preset's report goes. The committed answer (standard) is results/report.html with its pages in
 * results/report/; any other preset's report is results/report-<preset>.html and results/report-<preset>/
 * (ignored by git), at the same depth, so that building it can never overwrite the answer's pages.
 */
export function reportPaths(preset: string, resultsDir = RESULTS_DIR): { html: string; pages: string } {
  const stem = preset === 'standard' ? 'report' : `report-${preset}`;
  return { html: path.join(resultsDir, `${stem}.html`), pages: path.join(resultsDir, stem) };
}

export async function buildReport(
  opts: ReportOptions,
): Promise<{ html: string; pages: string[]; figures: string[]; pdf?: string; executed: number; converted: number }> {
  const log = opts.log ?? ((s: string) => console.error(s));
  const resultsDir = opts.resultsDir ?? RESULTS_DIR;
  const sources = resolveNotebooks(opts.notebooks ?? []);
  const execDir = path.join(resultsDir, 'notebooks', opts.preset);
  const { html: htmlFile, pages: pagesDir } = reportPaths(opts.preset, resultsDir);
  fs.mkdirSync(pagesDir, { recursive: true });

  // 0. Store problems (a corrupt line, say) are said first, in the terminal and at the top of the report.
  const store = new ResultStore({ dir: resultsDirFor(opts.preset, resultsDir) }).read();
  const problems = ResultStore.describeProblems(store.problems);
  for (const p of problems) log(`store problem: ${p}`);

  // 1. Execute what changed; reuse executions whose inputs (by content) did not.
  const env = opts.resultsDir ? { MAPTOKENS_RESULTS_DIR: resultsDir } : undefined;
  let executedNow = 0;
  for (const src of sources) {
    const executed = path.join(execDir, path.basename(src));
    if (!opts.execute && isFresh(executed, src, opts.preset, resultsDir, opts.fromStore)) {
      log(`reusing ${path.basename(src)}: its inputs are unchanged`);
      continue;
    }
    log(`executing ${path.basename(src)} (preset ${opts.preset}${opts.fromStore ? ', from the store only' : ''})`);
    executedNow++;
    const r = await runNotebook(src, {
      preset: opts.preset,
      outDir: execDir,
      env,
      fromStore: opts.fromStore,
      log: (l) => log(l.trimEnd()),
    });
    if (!r.ok) throw new Error(`notebook ${r.name} failed; see ${r.output}\n${r.stderr.slice(-2000)}`);
  }
  // Stamped once all have run: a notebook that trained runs changed the store the others read.
  for (const src of sources) stampInputs(path.join(execDir, path.basename(src)), inputsHash(src, opts.preset, resultsDir, opts.fromStore));
  const header = {
    ...reportHeader(opts.preset, problems, store.records.filter((r) => r.preset === opts.preset).length),
    fromStore: opts.fromStore,
  };

  // 2. Figures for papers (from the JSON the notebooks saved).
  const figures = await renderFigures(figuresDir(opts.preset, resultsDir), log, {
    preset: opts.preset,
    store: storeDigest(opts.preset, resultsDir),
  });

  // 3. HTML pages: one per notebook under results/report/, the answer as results/report.html.
  fs.copyFileSync(plotlyBundlePath(), path.join(pagesDir, 'plotly.min.js'));
  // Every executed notebook gets a page, not only the ones executed now: a report restricted
  // to a few notebooks must still link all the others.
  const names = resolveNotebooks([])
    .map((s) => path.basename(s, '.ipynb'))
    .filter((n) => fs.existsSync(path.join(execDir, `${n}.ipynb`)));
  const reportName = names.find((n) => n.startsWith('99_')) ?? names[names.length - 1];
  const pages: string[] = [];
  let converted = 0;
  const tmpDir = fs.mkdtempSync(path.join(pagesDir, '.nbconvert-'));
  try {
    for (const name of names) {
      const isReport = name === reportName;
      const target = isReport ? htmlFile : path.join(pagesDir, `${name}.html`);
      const prefix = isReport ? `${path.basename(pagesDir)}/` : '';
      const nav = [
        { href: isReport ? path.basename(htmlFile) : `../${path.basename(htmlFile)}`, label: 'Report', current: isReport },
        ...names.filter((n) => n !== reportName).map((n) => ({ href: `${prefix}${n}.html`, label: n, current: n === name })),
      ];
      const sourceHref = `${isReport ? '../' : '../../'}notebooks/${name}.ipynb`;
      // A page made from the same executed notebook, header and links is not converted again (nbconvert takes seconds a page).
      const executed = fs.readFileSync(path.join(execDir, `${name}.ipynb`));
      const key = `<!-- maptokens-page ${crypto.createHash('sha256').update(executed).update(JSON.stringify({ nav, header, sourceHref, name, prefix })).digest('hex').slice(0, 16)} -->`;
      if (fs.existsSync(target) && fs.readFileSync(target, 'utf8').includes(key)) {
        pages.push(target);
        continue;
      }
      const raw = fs.readFileSync(nbconvert(path.join(execDir, `${name}.ipynb`), tmpDir), 'utf8');
      converted++;
      const shared = externalizeStyles(raw, pagesDir, prefix);
      const text = finishHtml(shared, { plotlySrc: `${prefix}plotly.min.js`, nav, header: { ...header, sourceHref, name } }).replace(
        /<head>/i,
        `<head>\n${key}`,
      );
      if (!fs.existsSync(target) || fs.readFileSync(target, 'utf8') !== text) writeFileAtomic(target, text);
      pages.push(target);
      log(`wrote ${path.relative(ROOT, target)}`);
    }
  } finally {
    fs.rmSync(tmpDir, { recursive: true, force: true });
  }
  // Shared stylesheets no page links any more go; the ones in use stay as they are.
  const used = new Set(pages.flatMap((p) => fs.readFileSync(p, 'utf8').match(/notebook-[0-9a-f]{12}\.css/g) ?? []));
  for (const f of fs.readdirSync(pagesDir)) if (/^notebook-[0-9a-f]{12}\.css$/.test(f) && !used.has(f)) fs.rmSync(path.join(pagesDir, f));

  // 4. README headline, generated from the store.
  if (opts.preset !== 'smoke' && updateReadme(opts.study, resultsDir)) log('updated the findings block of README.md');
  // The docs' generated blocks read the workspace's own stores: a report of another store (a test's) leaves them alone.
  if (opts.preset !== 'smoke' && resultsDir === RESULTS_DIR)
    for (const d of updateDocs(opts.study)) if (d.changed) log(`updated the ${d.block} block of ${path.relative(ROOT, d.file)}`);

  const html = htmlFile;
  let pdf: string | undefined;
  if (opts.pdf) {
    pdf = htmlFile.replace(/\.html$/, '.pdf');
    await printPdf(html, pdf);
    log(`wrote ${path.relative(ROOT, pdf)}`);
  }
  return { html, pages, figures, pdf, executed: executedNow, converted };
}

export interface ReportHeader {
  preset: string;
  /** The last commit that changed the code or notebooks (the report's own files do not count). */
  commit: string | null;
  date: string | null;
  /** Uncommitted changes in lib/, notebooks/ or scripts/. */
  dirty: boolean;
  runs: number;
  problems: string[];
  /** Executed from the store only: no cell trained. */
  fromStore?: boolean;
}

/**
 * Which code the report was built from. The commit is the last one that touched the
 * code, not HEAD: committing the rebuilt report must not make the next rebuild differ.
 */
export function reportHeader(preset: RunPresetName, problems: string[], runs: number): ReportHeader {
  const git = (args: string[]): string | null => {
    const r = spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' });
    return r.status === 0 ? r.stdout.trim() : null;
  };
  const code = ['lib', 'study', 'notebooks', 'scripts', 'package-lock.json'];
  const [commit, date] = (git(['log', '-1', '--format=%h %cs', '--', ...code]) ?? '').split(' ');
  const dirty = (git(['status', '--porcelain', '--untracked-files=no', '--', ...code]) ?? '') !== '';
  return { preset, commit: commit || null, date: date || null, dirty, runs, problems };
}
