/** Reading a JSON-lines file whose every line is one record: a torn or corrupt line is reported, never dropped in silence. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from './paths';

/** The parsed lines of `file` (none when it does not exist), and "file:line does not parse" for each line that does not. */
export function readJsonLines<T>(file: string): { items: T[]; problems: string[] } {
  if (!fs.existsSync(file)) return { items: [], problems: [] };
  const items: T[] = [];
  const problems: string[] = [];
  fs.readFileSync(file, 'utf8')
    .split('\n')
    .forEach((l, i) => {
      if (!l.trim()) return;
      try {
        items.push(JSON.parse(l) as T);
      } catch {
        problems.push(`${path.relative(ROOT, file)}:${i + 1} does not parse`);
      }
    });
  return { items, problems };
}
