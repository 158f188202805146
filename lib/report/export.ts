/**
 * The report: executed notebooks exported to HTML with nbconvert, made to open
 * from disk with no network, plus static figures, the README's headline and,
 * on request, a PDF.
 *
 * nbconvert's lab template loads require.js and MathJax from a CDN and imports
 * mermaid from one; those tags are removed (no notebook here uses them), and the
 * plotly.js bundle is shipped beside the report (results/report/plotly.min.js)
 * and loaded with a relative path, so the figures' `Plotly.newPlot` scripts work
 * offline. Everything written here is written atomically.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { buildFindings, Findings } from '../analysis/findings';
import { escapeHtml } from '../analysis/html';
import { runNotebook, resolveNotebooks, venvPython } from '../notebook/runner';
import type { RunPresetName } from '../train/suites';
import { writeFileAtomic } from '../util/atomic';
import { RESULTS_DIR, ROOT } from '../util/paths';
import { plotlyBundlePath, printPdf, renderFigures } from './render';

export interface ReportOptions {
  preset: RunPresetName;
  /** Re-execute every notebook even when a fresh execution exists. */
  execute?: boolean;
  pdf?: boolean;
  /** Restrict to these notebooks (names as the runner takes them). */
  notebooks?: string[];
  resultsDir?: string;
  log?: (s: string) => void;
}

function mtime(f: string): number {
  return fs.existsSync(f) ? fs.statSync(f).mtimeMs : 0;
}

function newestIn(dir: string): number {
  if (!fs.existsSync(dir)) return 0;
  let m = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    m = Math.max(m, e.isDirectory() ? newestIn(p) : mtime(p));
  }
  return m;
}

/**
 * An execution is fresh when it is newer than its notebook, the result store and
 * the compiled library: then nothing it shows can have changed.
 */
export function isFresh(executed: string, source: string, resultsDir: string): boolean {
  const t = mtime(executed);
  if (!t) return false;
  const deps = Math.max(mtime(source), mtime(path.join(resultsDir, 'runs.jsonl')), newestIn(path.join(resultsDir, 'shards')), newestIn(path.join(ROOT, 'dist', 'lib')));
  return t > deps;
}

/** Removes every script or stylesheet that would be fetched from the network. */
export function stripRemote(html: string): string {
  return html
    .replace(/<script\b[^>]*\bsrc=["']https?:\/\/[^"']*["'][^>]*>\s*<\/script>/gi, '')
    .replace(/<link\b[^>]*\bhref=["']https?:\/\/[^"']*["'][^>]*>/gi, '')
    .replace(/<script\b[^>]*>(?:(?!<\/script>)[\s\S])*?cdnjs\.cloudflare\.com[\s\S]*?<\/script>/gi, '');
}

/** Adds the local plotly bundle to <head> and a navigation bar listing every page. */
export function finishHtml(html: string, opts: { plotlySrc: string; nav: { href: string; label: string; current: boolean }[] }): string {
  const head = `<script src="${escapeHtml(opts.plotlySrc)}"></script>\n<style>.maptokens-nav{font:14px sans-serif;padding:8px 16px;background:#f4f6f8;border-bottom:1px solid #dde}` +
    `.maptokens-nav a{margin-right:14px}.maptokens-nav b{margin-right:14px}table.maptokens-table{border-collapse:collapse;font-size:13px}` +
    `table.maptokens-table td,table.maptokens-table th{border:1px solid #ccd;padding:3px 7px}td.num{text-align:right;font-variant-numeric:tabular-nums}</style>\n`;
  const nav =
    '<nav class="maptokens-nav">' +
    opts.nav.map((n) => (n.current ? `<b>${escapeHtml(n.label)}</b>` : `<a href="${escapeHtml(n.href)}">${escapeHtml(n.label)}</a>`)).join('') +
    '</nav>\n';
  return stripRemote(html).replace(/<head>/i, `<head>\n${head}`).replace(/<body([^>]*)>/i, `<body$1>\n${nav}`);
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
  const r = spawnSync(venvPython(), ['-m', 'nbconvert', '--to', 'html', '--template', 'lab', '--output-dir', outDir, executed], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`nbconvert failed on ${executed}:\n${(r.stderr || '').slice(-2000)}`);
  return path.join(outDir, `${path.basename(executed, '.ipynb')}.html`);
}

const README_START = '<!-- findings:start (generated by npm run report from results/; do not edit) -->';
const README_END = '<!-- findings:end -->';

/** Replaces the generated block of README.md with the current headline findings. */
export function updateReadme(f: Findings, readme = path.join(ROOT, 'README.md')): boolean {
  const text = fs.readFileSync(readme, 'utf8');
  const a = text.indexOf(README_START);
  const b = text.indexOf(README_END);
  if (a < 0 || b < a) return false;
  const block = [
    README_START,
    '',
    ...f.headline.map((l) => `- ${l}`),
    '',
    `From ${f.runs.ok} runs of the \`${f.preset}\` preset in \`results/runs.jsonl\`${f.runs.failed ? ` (${f.runs.failed} failed)` : ''}${f.runs.missing ? `; planned runs without a record: ${Object.entries(f.runs.missingByDataset).map(([d, n]) => `${n} on ${d}`).join(', ')}` : ''}. Full report: [results/report.html](results/report.html).`,
    '',
  ].join('\n');
  writeFileAtomic(readme, text.slice(0, a) + block + text.slice(b));
  return true;
}

export async function buildReport(opts: ReportOptions): Promise<{ html: string; pages: string[]; figures: string[]; pdf?: string }> {
  const log = opts.log ?? ((s: string) => console.error(s));
  const resultsDir = opts.resultsDir ?? RESULTS_DIR;
  const sources = resolveNotebooks(opts.notebooks ?? []);
  const execDir = path.join(resultsDir, 'notebooks', opts.preset);
  const pagesDir = path.join(resultsDir, 'report');
  fs.mkdirSync(pagesDir, { recursive: true });

  // 1. Execute, or reuse a fresh execution.
  for (const src of sources) {
    const executed = path.join(execDir, path.basename(src));
    if (!opts.execute && isFresh(executed, src, resultsDir)) {
      log(`reusing fresh execution of ${path.basename(src)}`);
      continue;
    }
    log(`executing ${path.basename(src)} (preset ${opts.preset})`);
    const r = await runNotebook(src, { preset: opts.preset, outDir: execDir, log: (l) => log(l.trimEnd()) });
    if (!r.ok) throw new Error(`notebook ${r.name} failed; see ${r.output}\n${r.stderr.slice(-2000)}`);
  }

  // 2. Figures for papers (from the JSON the notebooks saved).
  const figures = await renderFigures(path.join(resultsDir, 'figures'), log);

  // 3. HTML pages: one per notebook under results/report/, the answer as results/report.html.
  fs.copyFileSync(plotlyBundlePath(), path.join(pagesDir, 'plotly.min.js'));
  for (const f of fs.readdirSync(pagesDir)) if (/^notebook-[0-9a-f]{12}\.css$/.test(f)) fs.rmSync(path.join(pagesDir, f));
  // Every executed notebook gets a page, not only the ones executed now: a report restricted
  // to a few notebooks must still link all the others.
  const names = resolveNotebooks([])
    .map((s) => path.basename(s, '.ipynb'))
    .filter((n) => fs.existsSync(path.join(execDir, `${n}.ipynb`)));
  const reportName = names.find((n) => n.startsWith('99_')) ?? names[names.length - 1];
  const pages: string[] = [];
  const tmpDir = fs.mkdtempSync(path.join(pagesDir, '.nbconvert-'));
  try {
    for (const name of names) {
      const raw = fs.readFileSync(nbconvert(path.join(execDir, `${name}.ipynb`), tmpDir), 'utf8');
      const isReport = name === reportName;
      const target = isReport ? path.join(resultsDir, 'report.html') : path.join(pagesDir, `${name}.html`);
      const prefix = isReport ? 'report/' : '';
      const nav = [
        { href: isReport ? 'report.html' : '../report.html', label: 'Report', current: isReport },
        ...names.filter((n) => n !== reportName).map((n) => ({ href: `${prefix}${n}.html`, label: n, current: n === name })),
      ];
      const shared = externalizeStyles(raw, pagesDir, prefix);
      writeFileAtomic(target, finishHtml(shared, { plotlySrc: `${prefix}plotly.min.js`, nav }));
      pages.push(target);
      log(`wrote ${path.relative(ROOT, target)}`);
    }
  } finally {
    fs.rmSync(tmpDir, { recursive: true, force: true });
  }

  // 4. README headline, generated from the store.
  if (opts.preset !== 'smoke' && updateReadme(buildFindings(opts.preset, { resultsDir }))) log('updated the findings block of README.md');

  const html = path.join(resultsDir, 'report.html');
  let pdf: string | undefined;
  if (opts.pdf) {
    pdf = path.join(resultsDir, 'report.pdf');
    await printPdf(html, pdf);
    log(`wrote ${path.relative(ROOT, pdf)}`);
  }
  return { html, pages, figures, pdf };
}
