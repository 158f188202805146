/** What git holds, to show that something a reader did changed no committed file. */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { ROOT } from '../../lib/util/paths';

/** sha256 of every file git tracks, and of what git status says: a change to any committed file shows here. */
export function committedState(): { files: Map<string, string>; status: string } {
  const git = (args: string[]): string => spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' }).stdout;
  const files = new Map<string, string>();
  for (const f of git(['ls-files', '-z']).split('\0').filter(Boolean)) {
    const p = path.join(ROOT, f);
    if (fs.existsSync(p) && fs.statSync(p).isFile()) files.set(f, crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex'));
  }
  return { files, status: git(['status', '--porcelain', '--untracked-files=no']) };
}

/** The files whose content differs between two states. */
export function changedFiles(a: Map<string, string>, b: Map<string, string>): string[] {
  return [...new Set([...a.keys(), ...b.keys()])].filter((k) => a.get(k) !== b.get(k)).sort();
}
