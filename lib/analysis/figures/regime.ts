/**
 * The regime map's figures: where channel tokens stand against spatial tokens as the stem gets deeper and
 * wider (a heatmap of the paired difference over H·W and C), and as the training set grows (accuracy
 * against images per class, log x).
 */
import type { RunRecord } from '../../results/record';
import { stemOutputShape } from '../../models/stem';
import { aggregate, pairedDifference } from '../statistics';
import { type Figure, hoverSafe, layout } from './plotly';

/** [H·W, C] of a run's stem output. */
function mapsOf(r: RunRecord): { hw: number; c: number } {
  const [h, w, c] = stemOutputShape(r.model.inputShape, r.model.stem);
  return { hw: h * w, c };
}

/**
 * channel-full − spatial-full (pp, paired over seeds) at each stem of the records, on one dataset: rows are H·W,
 * columns C, the interval and the seeds in the hover. `arm(r)` says which arm a record is ('channel' or 'spatial'),
 * or undefined for the others (vit-patch7, XCiT).
 */
export function regimeHeatmap(
  records: RunRecord[],
  dataset: string,
  arm: (r: RunRecord) => 'channel' | 'spatial' | undefined,
  title: string,
): Figure {
  const rs = records.filter((r) => r.dataset === dataset && r.status === 'ok' && arm(r));
  const key = (r: RunRecord): string => JSON.stringify(mapsOf(r));
  const cells = new Map<string, { hw: number; c: number; channel: RunRecord[]; spatial: RunRecord[] }>();
  for (const r of rs) {
    const m = mapsOf(r);
    const cell = cells.get(key(r)) ?? { ...m, channel: [], spatial: [] };
    cell[arm(r)!].push(r);
    cells.set(key(r), cell);
  }
  const hws = [...new Set([...cells.values()].map((c) => c.hw))].sort((a, b) => b - a);
  const cs = [...new Set([...cells.values()].map((c) => c.c))].sort((a, b) => a - b);
  const at = (hw: number, c: number) => [...cells.values()].find((x) => x.hw === hw && x.c === c);
  const diff = (hw: number, c: number) => {
    const cell = at(hw, c);
    return cell?.channel.length && cell.spatial.length ? pairedDifference(cell.channel, cell.spatial) : undefined;
  };
  const z = hws.map((hw) => cs.map((c) => (diff(hw, c)?.seeds.length ? 100 * diff(hw, c)!.diff : null)));
  const text = hws.map((hw) =>
    cs.map((c) => {
      const d = diff(hw, c);
      if (!d?.seeds.length) return hoverSafe(`${Math.sqrt(hw)}×${Math.sqrt(hw)}×${c}: no paired runs yet`);
      return hoverSafe(
        `${Math.sqrt(hw)}×${Math.sqrt(hw)}×${c} (${c > hw ? 'C > H·W' : c < hw ? 'C < H·W' : 'C = H·W'}): ${(100 * d.diff).toFixed(2)} ± ${Number.isFinite(d.ci95) ? (100 * d.ci95).toFixed(2) : '–'} pp over ${d.seeds.length} paired seeds`,
      );
    }),
  );
  const span = Math.max(
    1,
    ...z
      .flat()
      .filter((v): v is number => v !== null)
      .map(Math.abs),
  );
  return {
    data: [
      {
        type: 'heatmap',
        x: cs.map(String),
        y: hws.map((hw) => `${Math.sqrt(hw)}×${Math.sqrt(hw)}`),
        z,
        text,
        hovertemplate: '%{text}<extra></extra>',
        colorscale: 'RdBu',
        zmin: -span,
        zmax: span,
        colorbar: { title: { text: 'pp' } },
      },
    ],
    layout: layout(title, {
      xaxis: { title: { text: 'C: maps (channel tokens)' }, type: 'category' },
      yaxis: { title: { text: 'H×W: map size (spatial tokens)' }, type: 'category' },
    }),
  };
}

/** Training images per class a run saw (its training and validation parts, before the hold-out). */
export function imagesPerClass(r: RunRecord): number {
  return Math.round((r.sizes.train + r.sizes.val) / r.model.numClasses);
}

/** Test accuracy against training images per class (log x), mean ± 95% CI over seeds, one line per arm. */
export function dataSizeCurve(records: RunRecord[], dataset: string, arm: (r: RunRecord) => string, title: string): Figure {
  const rs = records.filter((r) => r.dataset === dataset && r.status === 'ok');
  const arms = [...new Set(rs.map(arm))];
  return {
    data: arms.map((a) => {
      const own = rs.filter((r) => arm(r) === a);
      const sizes = [...new Set(own.map(imagesPerClass))].sort((x, y) => x - y);
      const gs = sizes.map((n) => aggregate(own.filter((r) => imagesPerClass(r) === n))[0]);
      return {
        type: 'scatter',
        mode: 'lines+markers',
        name: a,
        x: sizes,
        y: gs.map((g) => 100 * g.mean),
        error_y: { type: 'data', array: gs.map((g) => (Number.isFinite(g.ci95) ? 100 * g.ci95 : 0)), visible: true },
        hovertemplate: `${hoverSafe(a)}: %{y:.2f}% at %{x} images per class<extra></extra>`,
      };
    }),
    layout: layout(title, {
      xaxis: { title: { text: 'training images per class (log)' }, type: 'log' },
      yaxis: { title: { text: 'test accuracy (%), mean ± 95% CI' } },
    }),
  };
}
