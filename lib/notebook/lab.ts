/**
 * Starts JupyterLab from the workspace's .venv: loopback only, token auth on,
 * rooted at the workspace, with tslab (TypeScript) as the default kernel.
 * Used by `npm run lab` and by the browser test.
 *
 * - The token reaches the server through its environment (JUPYTER_TOKEN), never its
 *   command line, which `ps` shows to every user of the machine; /proc/<pid>/environ
 *   is readable by the owner only.
 * - Every start has a clean layout: the workspace state (open tabs) lives in a
 *   temporary folder that is removed on stop.
 * - News and update pop-ups are off through the .venv's overrides.json, the
 *   lab's own place for a site's defaults.
 * - Notebooks under notebooks/ are saved output-free (scripts/jupyter_server_config.py,
 *   through the same scripts/nbstrip.js as the git clean filter): a save or an
 *   autosave never dirties the committed sources.
 * - The server runs in its own process group, so stopping it (or this process
 *   exiting, even on a failed test) also ends the kernels it started.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileAtomic } from '../util/atomic';
import { ROOT, venvPython } from './runner';

export interface LabOptions {
  /** TCP port on 127.0.0.1; 0 lets Jupyter pick (printed in the URL). */
  port?: number;
  /** Auth token; default JUPYTER_TOKEN or 32 random hex characters. Never empty. */
  token?: string;
  /** Write the server's log lines here; default stderr. */
  log?: (line: string) => void;
  /**
   * false: a session that never autosaves and keeps its user settings in a temporary
   * folder, apart from the user's own. Tests use it so that the lab behaves the same
   * on every machine.
   */
  autosave?: boolean;
}

export interface LabServer {
  url: string;
  token: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** The site defaults every lab of this workspace starts with (JupyterLab's overrides.json). */
export const LAB_OVERRIDES = {
  // The "notified about official Jupyter news?" pop-up covers every page, and there is no network to fetch news from.
  '@jupyterlab/apputils-extension:notification': { fetchNews: 'false', checkForUpdates: false },
};

/** Writes LAB_OVERRIDES into the .venv's lab settings (idempotent). */
export function writeLabOverrides(): string {
  const file = path.join(ROOT, '.venv', 'share', 'jupyter', 'lab', 'settings', 'overrides.json');
  const text = `${JSON.stringify(LAB_OVERRIDES, null, 2)}\n`;
  if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== text) writeFileAtomic(file, text);
  return file;
}

/** Resolves once the server prints its URL; rejects (and leaves nothing running) if it exits first. */
export function startLab(opts: LabOptions = {}): Promise<LabServer> {
  const token = opts.token ?? (process.env.JUPYTER_TOKEN || crypto.randomBytes(16).toString('hex'));
  if (!token) throw new Error('refusing to start JupyterLab without a token');
  const port = opts.port ?? 8888;
  const python = venvPython();
  writeLabOverrides();
  const state = fs.mkdtempSync(path.join(os.tmpdir(), 'maptokens-lab-'));
  const args = [
    '-m',
    'jupyterlab',
    '--no-browser',
    '--ServerApp.ip=127.0.0.1', // never listen beyond loopback
    `--ServerApp.port=${port}`,
    '--ServerApp.port_retries=20',
    `--ServerApp.root_dir=${ROOT}`,
    '--MappingKernelManager.default_kernel_name=tslab',
    `--config=${path.join(ROOT, 'scripts', 'jupyter_server_config.py')}`,
    // No network here: the extension manager would otherwise poll PyPI.
    '--LabApp.extension_manager=readonly',
    // A clean layout on every start: no tabs from the last session.
    `--LabApp.workspaces_dir=${path.join(state, 'workspaces')}`,
  ];
  if (opts.autosave === false) {
    const put = (rel: string, v: unknown): void => {
      fs.mkdirSync(path.dirname(path.join(state, rel)), { recursive: true });
      fs.writeFileSync(path.join(state, rel), JSON.stringify(v));
    };
    put('settings/@jupyterlab/docmanager-extension/plugin.jupyterlab-settings', { autosave: false });
    args.push(`--LabApp.user_settings_dir=${path.join(state, 'settings')}`);
  }
  // Containers and CI run as root; Jupyter refuses that unless told.
  if (process.getuid?.() === 0) args.push('--allow-root');
  const child = spawn(python, args, {
    cwd: ROOT,
    env: { ...process.env, JUPYTER_TOKEN: token, TF_CPP_MIN_LOG_LEVEL: process.env.TF_CPP_MIN_LOG_LEVEL ?? '3' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group: the kernels end with it
  });
  const killGroup = (signal: NodeJS.Signals): void => {
    try {
      if (child.pid) process.kill(-child.pid, signal);
    } catch {
      /* already gone */
    }
  };
  // Whatever happens to this process (a failed test, an uncaught error), the lab goes with it.
  const onExit = (): void => killGroup('SIGKILL');
  process.on('exit', onExit);
  const cleanup = (): void => {
    process.off('exit', onExit);
    fs.rmSync(state, { recursive: true, force: true });
  };
  const stop = (): Promise<void> =>
    new Promise<void>((res) => {
      if (child.exitCode !== null || child.signalCode !== null) {
        killGroup('SIGKILL'); // kernels that outlived the server
        cleanup();
        return res();
      }
      const timer = setTimeout(() => killGroup('SIGKILL'), 10_000);
      child.once('exit', () => {
        clearTimeout(timer);
        killGroup('SIGKILL');
        cleanup();
        res();
      });
      // SIGTERM first: the server shuts its kernels down cleanly.
      child.kill('SIGTERM');
    });
  const log = opts.log ?? ((l: string) => process.stderr.write(l));
  return new Promise((resolve, reject) => {
    let buf = '';
    let done = false;
    const onData = (d: Buffer): void => {
      const s = d.toString();
      log(s);
      if (done) return;
      buf += s;
      const m = buf.match(/http:\/\/127\.0\.0\.1:(\d+)\/lab/);
      if (m) {
        done = true;
        resolve({ url: `http://127.0.0.1:${m[1]}/lab`, token, process: child, stop });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('error', (e) => {
      cleanup();
      reject(e);
    });
    child.on('exit', (code) => {
      if (done) return;
      killGroup('SIGKILL');
      cleanup();
      reject(new Error(`JupyterLab exited with ${code} before it was ready:\n${buf.slice(-2000)}`));
    });
  });
}
