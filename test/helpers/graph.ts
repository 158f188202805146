/** The library's import graph from TypeScript's own import scanner (test/structure.test.ts, test/study.test.ts). */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { ROOT } from '../../lib/util/paths';

const LIB = path.join(ROOT, 'lib');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** lib-relative file -> the lib-relative files it imports (type-only imports included: they couple too). */
export function importGraph(root = LIB): Map<string, string[]> {
  const g = new Map<string, string[]>();
  for (const file of sources(root)) {
    const info = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
    const deps: string[] = [];
    for (const ref of info.importedFiles) {
      if (!ref.fileName.startsWith('.')) continue;
      const base = path.resolve(path.dirname(file), ref.fileName);
      const hit = [`${base}.ts`, path.join(base, 'index.ts')].find((c) => fs.existsSync(c));
      assert.ok(hit, `${path.relative(root, file)}: cannot resolve '${ref.fileName}'`);
      deps.push(path.relative(root, hit));
    }
    g.set(path.relative(root, file), deps);
  }
  return g;
}

/** Every cycle's files (Tarjan's strongly connected components larger than one, or a self-import). */
