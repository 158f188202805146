/**
 * Display helpers for notebook cells. tslab's public `display` sends one MIME
 * type per output; figures need a bundle (plotly JSON for JupyterLab, HTML for
 * nbconvert, text for the rest), so this sends the bundle through the same
 * display_data channel tslab uses. Outside a kernel (plain node, tests) it prints
 * the text/plain part instead.
 */
import { figureBundle, type Figure } from '../analysis/figures/plotly';
import { type DataFrame, tableBundle } from '../analysis/tables';
import { escapeHtml } from '../util/html';

type Writer = (
  data: { data: Record<string, unknown>; metadata: Record<string, unknown>; transient: Record<string, unknown> },
  update: boolean,
) => void;

function writer(): Writer | undefined {
  try {
    // The kernel's own module instance: notebooks resolve 'tslab' to this workspace's copy.
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const jupyter = require('tslab/dist/jupyter');
    return typeof jupyter.lastWriteDisplayData === 'function' ? jupyter.lastWriteDisplayData : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Outputs waiting for the kernel's socket. tslab sends each output with zeromq's
 * asynchronous send and drops the promise, so a burst of large outputs (a loop of
 * images) can find the socket still busy with the previous one: zeromq throws EBUSY,
 * and the cell dies without a message, since its error report goes to the same busy
 * socket. Such an output waits here and is sent, in order, once the socket frees.
 */
const waiting: (() => void)[] = [];
let draining: Promise<void> | undefined;

const isBusy = (e: unknown): boolean => (e as { code?: string })?.code === 'EBUSY';

function send(fn: () => void): void {
  if (!waiting.length) {
    try {
      fn();
      return;
    } catch (e) {
      if (!isBusy(e)) throw e;
    }
  }
  waiting.push(fn);
  if (!draining) {
    draining = drain();
    // An output that fails for another reason rejects displaysSent() for whoever awaits it; unawaited, it must not crash the kernel.
    draining.catch(() => undefined);
  }
}

async function drain(): Promise<void> {
  try {
    while (waiting.length) {
      try {
        waiting[0]();
        waiting.shift();
      } catch (e) {
        if (!isBusy(e)) {
          waiting.length = 0;
          throw e;
        }
        await new Promise((r) => setTimeout(r, 2));
      }
    }
  } finally {
    draining = undefined;
  }
}

/**
 * Resolves when every output so far has reached the kernel's socket. Helpers that
 * show many outputs await it before they return, so that the outputs belong to the
 * cell that made them (nbclient, and so `npm run report`, stops listening when the
 * cell ends).
 */
export function displaysSent(): Promise<void> {
  return draining ?? Promise.resolve();
}

/** Sends a MIME bundle as one display_data output; with `displayId`, later calls replace it in place. */
export function displayBundle(data: Record<string, unknown>, displayId?: string, update = false): void {
  const w = writer();
  if (!w) {
    console.log(String(data['text/plain'] ?? Object.keys(data).join(', ')));
    return;
  }
  const toWire: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) toWire[k] = v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v;
  send(() => w({ data: toWire, metadata: {}, transient: displayId ? { display_id: displayId } : {} }, update));
}

export function showPlot(fig: Figure): void {
  displayBundle(figureBundle(fig));
}

export function showTable(df: DataFrame, opts: { caption?: string; digits?: number } = {}): void {
  displayBundle(tableBundle(df, opts));
}

export function showPng(png: Uint8Array, caption?: string): void {
  displayBundle({ 'image/png': png, 'text/plain': caption ?? '<image>' });
  if (caption) showHtml(`<p><em>${escapeHtml(caption)}</em></p>`, caption);
}

export function showHtml(html: string, text = ''): void {
  displayBundle({ 'text/html': html, 'text/plain': text });
}

export function showMarkdown(md: string): void {
  displayBundle({ 'text/markdown': md, 'text/plain': md });
}

/**
 * A display that updates in place (one output, rewritten), for progress in long
 * cells instead of a wall of lines.
 */
export class LiveDisplay {
  private readonly id = `maptokens-live-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  private started = false;

  text(s: string): void {
    const w = writer();
    if (!w) {
      process.stderr.write(`${s}\n`);
      return;
    }
    displayBundle({ 'text/plain': s, 'text/html': `<pre>${escapeHtml(s)}</pre>` }, this.id, this.started);
    this.started = true;
  }
}
