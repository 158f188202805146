/**
 * The Python environment with PyTorch that the independent checks use: the
 * throughput twin (`npm run bench -- --torch`) and the model twin
 * (scripts/twin_torch.py, test/twin.test.ts). `npm ci` creates it (scripts/setup.js);
 * this makes it on first use where it is missing. torch comes from the local pip index.
 */
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { ROOT } from '../util/paths';

/** The pins, shared with scripts/setup.js. */
export const TORCH_REQUIREMENTS = path.join(ROOT, 'scripts', 'requirements-torch.txt');

export function torchPython(log: (s: string) => void = (s) => console.error(s)): string {
  const venv = path.join(ROOT, '.venv-bench');
  const py = path.join(venv, 'bin', 'python');
  if (!fs.existsSync(py)) {
    log('creating .venv-bench with the pinned torch (first use only)');
    let r = spawnSync('python3', ['-m', 'venv', venv], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('python3 -m venv failed');
    r = spawnSync(py, ['-m', 'pip', 'install', '-qq', '-r', TORCH_REQUIREMENTS], { stdio: 'inherit', env: { ...process.env, PIP_RETRIES: '0' } });
    if (r.status !== 0) {
      fs.rmSync(venv, { recursive: true, force: true });
      throw new Error(`pip install -r ${path.relative(ROOT, TORCH_REQUIREMENTS)} failed (is the local package index reachable?)`);
    }
  }
  return py;
}
