/**
 * The Python environment with PyTorch that the independent checks use: the
 * throughput twin (`npm run bench -- --torch`) and the model twin
 * (scripts/twin_torch.py, test/twin.test.ts). `npm ci` creates it from
 * scripts/requirements-torch.txt (scripts/setup.js); this only finds it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from '../util/paths';

export function torchPython(): string {
  const py = path.join(ROOT, '.venv-bench', 'bin', 'python');
  if (!fs.existsSync(py))
    throw new Error(`${path.relative(ROOT, py)} is missing: the PyTorch environment was not set up. Run \`npm ci\` (or \`npm rebuild\`).`);
  return py;
}
