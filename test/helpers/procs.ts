/** Finding a test's own processes through /proc, to check that none outlive it and to end those that would. */
import * as fs from 'node:fs';

/**
 * The pids (other than this process) whose /proc/<pid>/<file> (cmdline, environ, cgroup) satisfies `match`;
 * a process that ends while it is read, or that is not ours to read, is passed over.
 */
export function pidsWhere(file: 'cmdline' | 'environ' | 'cgroup', match: (text: string) => boolean): number[] {
  return fs.readdirSync('/proc').flatMap((p) => {
    if (!/^\d+$/.test(p) || +p === process.pid) return [];
    try {
      return match(fs.readFileSync(`/proc/${p}/${file}`, 'utf8')) ? [+p] : [];
    } catch {
      return [];
    }
  });
}
