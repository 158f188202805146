/** The git commit and dirty flag of the workspace, for result records. */
import { spawnSync } from 'node:child_process';
import { ROOT } from './paths';

export interface GitInfo {
  commit: string | null;
  dirty: boolean | null;
}

let cached: GitInfo | undefined;

export function gitInfo(): GitInfo {
  if (cached) return cached;
  const run = (args: string[]): string | null => {
    const r = spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' });
    return r.status === 0 ? r.stdout.trim() : null;
  };
  const commit = run(['rev-parse', 'HEAD']);
  // Only tracked source files count: results/ and data/ change with every run.
  const status = run([
    'status',
    '--porcelain',
    '--untracked-files=no',
    '--',
    'lib',
    'scripts',
    'package.json',
    'package-lock.json',
    'tsconfig.json',
  ]);
  cached = { commit, dirty: status === null ? null : status.length > 0 };
  return cached;
}
