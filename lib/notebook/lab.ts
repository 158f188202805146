/**
 * Starts JupyterLab from the workspace's .venv: loopback only, token auth on,
 * rooted at the workspace, with tslab (TypeScript) as the default kernel.
 * Used by `npm run lab` and by the browser test.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ChildProcess, spawn } from 'child_process';
import { ROOT, venvPython } from './runner';

export interface LabOptions {
  /** TCP port on 127.0.0.1; 0 lets Jupyter pick (printed in the URL). */
  port?: number;
  /** Auth token; default JUPYTER_TOKEN or 32 random hex characters. Never empty. */
  token?: string;
  /** Write the server's log lines here; default stderr. */
  log?: (line: string) => void;
  /**
   * false: a session that never writes notebooks back (no autosave) and keeps its
   * settings and workspace state in a temporary folder. Tests use it so that
   * running cells in the browser never edits the committed notebooks.
   */
  autosave?: boolean;
}

export interface LabServer {
  url: string;
  token: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Resolves once the server prints its URL. */
export function startLab(opts: LabOptions = {}): Promise<LabServer> {
  const token = opts.token ?? (process.env.JUPYTER_TOKEN || crypto.randomBytes(16).toString('hex'));
  if (!token) throw new Error('refusing to start JupyterLab without a token');
  const port = opts.port ?? 8888;
  const args = [
    '-m', 'jupyterlab',
    '--no-browser',
    '--ServerApp.ip=127.0.0.1', // never listen beyond loopback
    `--ServerApp.port=${port}`,
    '--ServerApp.port_retries=20',
    `--ServerApp.root_dir=${ROOT}`,
    `--IdentityProvider.token=${token}`,
    '--MappingKernelManager.default_kernel_name=tslab',
    // No network here: the extension manager would otherwise poll PyPI.
    '--LabApp.extension_manager=readonly',
  ];
  if (opts.autosave === false) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maptokens-lab-settings-'));
    const put = (rel: string, v: unknown): void => {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), JSON.stringify(v));
    };
    put('settings/@jupyterlab/docmanager-extension/plugin.jupyterlab-settings', { autosave: false });
    put('settings/@jupyterlab/apputils-extension/notification.jupyterlab-settings', { fetchNews: 'false' });
    args.push(`--LabApp.user_settings_dir=${path.join(dir, 'settings')}`, `--LabApp.workspaces_dir=${path.join(dir, 'workspaces')}`);
  }
  // Containers and CI run as root; Jupyter refuses that unless told.
  if (process.getuid?.() === 0) args.push('--allow-root');
  const child = spawn(venvPython(), args, {
    cwd: ROOT,
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: process.env.TF_CPP_MIN_LOG_LEVEL ?? '2' },
    stdio: ['ignore', 'pipe', 'pipe'],
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
        const url = `http://127.0.0.1:${m[1]}/lab`;
        resolve({
          url,
          token,
          process: child,
          stop: () =>
            new Promise<void>((res) => {
              if (child.exitCode !== null) return res();
              child.once('exit', () => res());
              child.kill('SIGTERM');
              setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
            }),
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('error', reject);
    child.on('exit', (code) => {
      if (!done) reject(new Error(`JupyterLab exited with ${code} before it was ready:\n${buf.slice(-2000)}`));
    });
  });
}
