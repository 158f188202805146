/**
 * Plotly figures as plain data, and the MIME bundle that makes one figure render
 * everywhere a person looks:
 *
 * - JupyterLab renders `application/vnd.plotly.v1+json` with the jupyterlab-plotly
 *   extension (installed with the pinned plotly package in .venv), no scripts
 *   involved, so it survives reopening an untrusted notebook.
 * - nbconvert's HTML export has no plotly renderer, so the bundle also carries
 *   `text/html`: a div and a script calling `Plotly.newPlot`. The report embeds the
 *   plotly.js bundle once (no CDN), so the script finds `Plotly` offline.
 * - `text/plain` says what the figure is for any other front end.
 * Static SVG files for papers are rendered from the same JSON in Chromium
 * (lib/report/render.ts).
 *
 * Every figure goes through `readable()` on its way out (displayed or saved): error
 * bars show their interval on hover, and log axes get full tick labels.
 */
import { escapeHtml, jsonForScript } from '../../util/html';

/** A trace: plotly's own JSON (type, x, y, ...). */
export type Trace = Record<string, unknown>;

export interface Figure {
  data: Trace[];
  layout: Record<string, unknown>;
}

let counter = 0;

/** A div id from the figure's content, so that re-running a cell writes the same HTML. */
function figureId(fig: Figure): string {
  let h = 2166136261;
  for (const ch of JSON.stringify(fig)) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return h.toString(36);
}

/** The div+script HTML for a figure; assumes a global `Plotly`. */
export function figureHtml(fig: Figure, id = `maptokens-plot-${figureId(fig)}-${counter++}`): string {
  const safeId = escapeHtml(id);
  return (
    `<div id="${safeId}" class="maptokens-plot" style="width:100%;max-width:900px;height:${Number(fig.layout.height) || 420}px"></div>\n` +
    `<script>(function(){var f=${jsonForScript(fig)};` +
    `if(window.Plotly){Plotly.newPlot("${safeId}",f.data,f.layout,{responsive:true,displaylogo:false});}` +
    `else{document.getElementById("${safeId}").textContent="(plotly.js is not loaded on this page)";}})();</script>`
  );
}

/** "20", "0.5", "2k", "1.5M": short, unambiguous tick labels. */
export function tickLabel(v: number): string {
  const units: [number, string][] = [
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [u, s] of units) if (Math.abs(v) >= u) return `${+(v / u).toPrecision(3)}${s}`;
  return String(+v.toPrecision(3));
}

/** Ticks at 1, 2, 3 and 5 × 10^k covering [lo, hi] (both > 0). */
export function logTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++)
    for (const m of [1, 2, 3, 5]) {
      const v = m * 10 ** e;
      if (v >= lo / 1.5 && v <= hi * 1.5) out.push(+v.toPrecision(12));
    }
  return out;
}

/**
 * A string safe to put in a hover template or hover text. Plotly renders a subset of HTML
 * there, so a model name or a reason from a record could inject markup. The characters
 * that could open a tag or an entity are dropped, not escaped: a hover label is only read,
 * and it loses little without them.
 */
export function hoverSafe(s: string): string {
  return s.replace(/[<>&"]/g, '');
}

/**
 * A copy of the figure as people should see it:
 * - a trace with error bars shows its interval on hover ("mean ± half-width"), not
 *   only the mean; `meta.interval` names the interval (default "95% CI");
 * - a log axis gets ticks at 1, 2, 3, 5 × 10^k labelled in full ("20", not plotly's
 *   bare "2" between decades).
 */
export function readable(fig: Figure): Figure {
  const data = fig.data.map((t) => {
    const err = (t.error_y as { array?: number[] } | undefined)?.array;
    if (!err || (typeof t.hovertemplate === 'string' && t.hovertemplate.includes('customdata'))) return t;
    const what = hoverSafe((t.meta as { interval?: string } | undefined)?.interval ?? '95% CI');
    const name = hoverSafe(String(t.name ?? ''));
    const xy = t.orientation === 'h' ? '%{y}: %{x:.2f}' : '%{x}: %{y:.2f}';
    return { ...t, customdata: err, hovertemplate: `${xy} ± %{customdata:.2f} (${what})<extra>${name}</extra>` };
  });
  const lay: Record<string, unknown> = { ...fig.layout };
  for (const [key, axis] of Object.entries(fig.layout)) {
    const m = /^([xy])axis(\d*)$/.exec(key);
    if (!m || (axis as { type?: string })?.type !== 'log' || (axis as { tickvals?: unknown }).tickvals) continue;
    const ref = `${m[1]}${m[2]}`; // 'x', 'y2', …
    const values = data
      .filter((t) => ((t[`${m[1]}axis`] as string | undefined) ?? m[1]) === ref)
      .flatMap((t) => (t[m[1]] as unknown[] | undefined) ?? [])
      .filter((v): v is number => typeof v === 'number' && v > 0);
    if (!values.length) continue;
    const ticks = logTicks(Math.min(...values), Math.max(...values));
    lay[key] = { ...(axis as object), tickvals: ticks, ticktext: ticks.map(tickLabel) };
  }
  return { data, layout: lay };
}

/** The MIME bundle for one figure. */
export function figureBundle(figIn: Figure): Record<string, unknown> {
  const fig = readable(figIn);
  const title = (fig.layout.title as { text?: string } | string | undefined) ?? '';
  const text = typeof title === 'string' ? title : (title.text ?? '');
  return {
    'application/vnd.plotly.v1+json': { data: fig.data, layout: fig.layout, config: { displaylogo: false, responsive: true } },
    'text/html': figureHtml(fig),
    'text/plain': `<plotly figure${text ? `: ${text}` : ''}>`,
  };
}

/** A plain layout with our defaults; `extra` wins. */
export function layout(title: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: { text: title },
    font: { family: 'DejaVu Sans, Arial, sans-serif', size: 13 },
    margin: { l: 60, r: 20, t: 50, b: 60 },
    height: 420,
    template: 'plotly_white',
    ...extra,
  };
}

/** Bar chart of one or more series over shared categories, with optional error bars. */
export function barChart(opts: {
  title: string;
  categories: string[];
  series: { name: string; values: number[]; errors?: number[] }[];
  yTitle?: string;
  xTitle?: string;
}): Figure {
  return {
    data: opts.series.map((s) => ({
      type: 'bar',
      name: s.name,
      x: opts.categories,
      y: s.values,
      ...(s.errors ? { error_y: { type: 'data', array: s.errors, visible: true } } : {}),
    })),
    layout: layout(opts.title, {
      barmode: 'group',
      yaxis: { title: { text: opts.yTitle ?? '' } },
      xaxis: { title: { text: opts.xTitle ?? '' } },
    }),
  };
}

/** Heatmap of a row-major [rows, cols] matrix. */
export function heatmap(opts: {
  title: string;
  z: number[][];
  xTitle?: string;
  yTitle?: string;
  x?: (string | number)[];
  y?: (string | number)[];
  colorscale?: string;
  height?: number;
}): Figure {
  return {
    data: [{ type: 'heatmap', z: opts.z, x: opts.x, y: opts.y, colorscale: opts.colorscale ?? 'Viridis' }],
    layout: layout(opts.title, {
      height: opts.height ?? 420,
      xaxis: { title: { text: opts.xTitle ?? '' } },
      yaxis: { title: { text: opts.yTitle ?? '' }, autorange: 'reversed' },
    }),
  };
}
