/**
 * Static figures for papers: every results/figures/<preset>/<name>.json (a plotly figure
 * saved by a notebook) is rendered to <name>.svg in headless Chromium with the
 * plotly.js bundle from node_modules, offline. Writes are atomic.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../util/atomic';
import { launchChromium } from './browser';
import type { FigureProvenance } from '../analysis/figures/save';

export function plotlyBundlePath(): string {
  return require.resolve('plotly.js-dist-min/plotly.min.js');
}

/**
 * Plotly names its clip paths and defs with a random 6-hex uid per plot
 * (`clip3fa2c1xyplot`, `defs-3fa2c1`), so two renders of the same figure differ.
 * Replacing the uid where it is used as a name (in id="…", url(#…) and href="#…")
 * makes a rebuilt figure byte-identical, and `git status` clean.
 */
export function deterministicSvgIds(svg: string): string {
  const uids = [...new Set([...svg.matchAll(/\bid="(?:top)?defs-([0-9a-f]+)"/g)].map((m) => m[1]))];
  let out = svg;
  uids.forEach((uid, i) => {
    out = out.replace(new RegExp(`((?:\\bid="|url\\(#|href="#)[A-Za-z_-]*)${uid}`, 'g'), `$1fig${i}`);
  });
  return out;
}

/**
 * Each figure must come from the preset and the store it is rendered for (its `maptokens`
 * provenance, written by saveFigure): a figure of another preset, or one drawn from an older
 * store, stops the build with a message rather than render numbers that are not the answer's.
 */
export function checkFigureProvenance(dir: string, expect: FigureProvenance): void {
  const bad: string[] = [];
  for (const f of fs
    .readdirSync(dir)
    .filter((x) => x.endsWith('.json'))
    .sort()) {
    let got: Partial<FigureProvenance> | undefined;
    try {
      got = (JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as { maptokens?: FigureProvenance }).maptokens;
    } catch (e) {
      bad.push(`${f}: not readable JSON (${(e as Error).message})`);
      continue;
    }
    if (!got) bad.push(`${f}: says nothing of its preset and store (saved before figures were keyed by preset)`);
    else if (got.preset !== expect.preset) bad.push(`${f}: drawn under preset ${got.preset}, not ${expect.preset}`);
    else if (got.store !== expect.store)
      bad.push(`${f}: drawn from another state of the ${expect.preset} store (${got.store}, now ${expect.store})`);
  }
  if (bad.length)
    throw new Error(
      `${bad.length} figure(s) in ${dir} do not come from the ${expect.preset} store as it is now:\n  ${bad.join('\n  ')}\n` +
        `Rebuild them with \`npm run report -- --execute\` (a figure no notebook writes any more can be deleted).`,
    );
}

/** Renders all figure JSON files in dir to SVG (after checking their provenance, when given); returns the SVG paths. */
export async function renderFigures(dir: string, log: (s: string) => void = () => undefined, expect?: FigureProvenance): Promise<string[]> {
  if (!fs.existsSync(dir)) return [];
  const specs = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  if (!specs.length) return [];
  if (expect) checkFigureProvenance(dir, expect);
  const out: string[] = [];
  // A figure whose SVG was rendered from the same JSON (its key inside the SVG) is not rendered again: a report
  // build with nothing to do starts no browser.
  const todo = specs.filter((f) => {
    const target = path.join(dir, f.replace(/\.json$/, '.svg'));
    const fresh = fs.existsSync(target) && fs.readFileSync(target, 'utf8').includes(figureKey(fs.readFileSync(path.join(dir, f), 'utf8')));
    if (fresh) out.push(target);
    return !fresh;
  });
  if (!todo.length) return out;
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    // Nothing leaves the machine: the page is blank and plotly is injected from disk.
    await page.route('**/*', (r) => (r.request().url().startsWith('about:') ? r.continue() : r.abort()));
    await page.setContent('<!doctype html><html><body><div id="fig" style="width:900px;height:480px"></div></body></html>');
    await page.addScriptTag({ content: fs.readFileSync(plotlyBundlePath(), 'utf8') });
    for (const f of todo) {
      const json = fs.readFileSync(path.join(dir, f), 'utf8');
      const { maptokens: _provenance, ...fig } = JSON.parse(json) as {
        data: Record<string, unknown>[];
        layout: Record<string, unknown>;
        maptokens?: unknown;
      };
      // Plotly names each trace's group after a random uid unless the trace has one: give each a fixed one.
      fig.data = fig.data.map((t, i) => ({ uid: `t${i}`, ...t }));
      const svg = await page.evaluate(async (spec) => {
        const P = (
          window as unknown as {
            Plotly: {
              newPlot: (...a: unknown[]) => Promise<unknown>;
              toImage: (...a: unknown[]) => Promise<string>;
              purge: (...a: unknown[]) => void;
            };
          }
        ).Plotly;
        const el = document.getElementById('fig')!;
        P.purge(el);
        await P.newPlot(el, spec.data, { ...spec.layout, width: 900, height: (spec.layout.height as number) || 480 }, { staticPlot: true });
        const url: string = await P.toImage(el, { format: 'svg', width: 900, height: (spec.layout.height as number) || 480 });
        return decodeURIComponent(url.replace(/^data:image\/svg\+xml,/, ''));
      }, fig);
      const target = path.join(dir, f.replace(/\.json$/, '.svg'));
      const text = deterministicSvgIds(svg).replace(/^(<svg\b[^>]*>)/, `$1${figureKey(json)}`);
      // Unchanged figures are not rewritten: a rebuilt report leaves the tree as it was.
      if (!fs.existsSync(target) || fs.readFileSync(target, 'utf8') !== text) writeFileAtomic(target, text);
      out.push(target);
      log(`rendered ${path.basename(target)}`);
    }
  } finally {
    await browser.close();
  }
  return out.sort();
}

/** The mark an SVG carries of the figure JSON it was rendered from. */
function figureKey(json: string): string {
  return `<!-- maptokens-figure ${crypto.createHash('sha256').update(json).digest('hex').slice(0, 16)} -->`;
}

/** Prints an HTML file to PDF once its plots have rendered. */
export async function printPdf(htmlFile: string, pdfFile: string): Promise<void> {
  const browser = await launchChromium();
  try {
    // About the printable width of A4 at 96 dpi, so responsive plots lay out for the page, not the screen.
    const page = await browser.newPage({ viewport: { width: 760, height: 1000 } });
    await page.route('**/*', (r) => (r.request().url().startsWith('file:') ? r.continue() : r.abort()));
    await page.goto(`file://${path.resolve(htmlFile)}`, { waitUntil: 'load' });
    // Every plot div must have drawn its SVG before printing, or the PDF shows blank boxes.
    await page.waitForFunction(
      () => [...document.querySelectorAll('.maptokens-plot')].every((d) => d.querySelector('svg.main-svg')),
      undefined,
      { timeout: 60_000 },
    );
    await page.emulateMedia({ media: 'print' });
    const pdf = await page.pdf({
      format: 'A4',
      printBackground: true,
      margin: { top: '12mm', bottom: '16mm', left: '10mm', right: '10mm' },
      // Page numbers in the footer: a printed report is read and cited by page.
      displayHeaderFooter: true,
      headerTemplate: '<span></span>',
      footerTemplate:
        '<div style="font-size:9px;width:100%;text-align:center;color:#555"><span class="pageNumber"></span> / <span class="totalPages"></span></div>',
    });
    writeFileAtomic(pdfFile, pdf);
  } finally {
    await browser.close();
  }
}
