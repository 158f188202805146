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
 * Static SVG/PNG files for papers are rendered from the same JSON in Chromium
 * (lib/analysis/figures-export.ts).
 */
import { escapeHtml, jsonForScript } from './html';

/** A trace: plotly's own JSON (type, x, y, ...). */
export type Trace = Record<string, unknown>;

export interface Figure {
  data: Trace[];
  layout: Record<string, unknown>;
}

let counter = 0;

/** The div+script HTML for a figure; assumes a global `Plotly`. */
export function figureHtml(fig: Figure, id = `maptokens-plot-${Date.now().toString(36)}-${counter++}`): string {
  const safeId = escapeHtml(id);
  return (
    `<div id="${safeId}" class="maptokens-plot" style="width:100%;max-width:900px;height:${Number(fig.layout.height) || 420}px"></div>\n` +
    `<script>(function(){var f=${jsonForScript(fig)};` +
    `if(window.Plotly){Plotly.newPlot("${safeId}",f.data,f.layout,{responsive:true,displaylogo:false});}` +
    `else{document.getElementById("${safeId}").textContent="(plotly.js is not loaded on this page)";}})();</script>`
  );
}

/** The MIME bundle for one figure. */
export function figureBundle(fig: Figure): Record<string, unknown> {
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
    layout: layout(opts.title, { barmode: 'group', yaxis: { title: { text: opts.yTitle ?? '' } }, xaxis: { title: { text: opts.xTitle ?? '' } } }),
  };
}

/** Line chart: one trace per series over x. */
export function lineChart(opts: { title: string; series: { name: string; x: number[]; y: number[]; dash?: string }[]; xTitle?: string; yTitle?: string; logX?: boolean; logY?: boolean }): Figure {
  return {
    data: opts.series.map((s) => ({ type: 'scatter', mode: 'lines+markers', name: s.name, x: s.x, y: s.y, line: s.dash ? { dash: s.dash } : {} })),
    layout: layout(opts.title, {
      xaxis: { title: { text: opts.xTitle ?? '' }, type: opts.logX ? 'log' : 'linear' },
      yaxis: { title: { text: opts.yTitle ?? '' }, type: opts.logY ? 'log' : 'linear' },
    }),
  };
}

/** Heatmap of a row-major [rows, cols] matrix. */
export function heatmap(opts: { title: string; z: number[][]; xTitle?: string; yTitle?: string; x?: (string | number)[]; y?: (string | number)[]; colorscale?: string; height?: number }): Figure {
  return {
    data: [{ type: 'heatmap', z: opts.z, x: opts.x, y: opts.y, colorscale: opts.colorscale ?? 'Viridis' }],
    layout: layout(opts.title, {
      height: opts.height ?? 420,
      xaxis: { title: { text: opts.xTitle ?? '' } },
      yaxis: { title: { text: opts.yTitle ?? '' }, autorange: 'reversed' },
    }),
  };
}
