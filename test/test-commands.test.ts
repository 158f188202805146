/**
 * The two test commands: `npm test` (the fast suite, two files at a time) and `npm run test:e2e` (the long end-to-end
 * tests, one at a time). Between them they run every test file exactly once, and only test files: a helper under
 * dist/test/helpers/ is never loaded as a test (node's runner waited forever on one that registered a hook).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from '../lib/util/paths';

const scripts = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>;

/** The files a script's `node --test … <globs>` runs, expanded by the shell as npm's would. */
function filesOf(script: string): string[] {
  const cmd = scripts[script];
  assert.ok(cmd, `package.json has no script '${script}'`);
  const globs = cmd
    .slice(cmd.lastIndexOf('node --test'))
    .split(/\s+/)
    .filter((w) => w.startsWith('dist/'));
  assert.ok(globs.length, `'${script}' names no files under dist/`);
  const r = spawnSync('sh', ['-c', `for f in ${globs.join(' ')}; do echo "$f"; done`], { cwd: ROOT, encoding: 'utf8' });
  return r.stdout.split('\n').filter((f) => f && fs.existsSync(path.join(ROOT, f)));
}

/** Every source file under test/ that registers a test with node:test, as its compiled path. */
function testSources(dir = path.join(ROOT, 'test')): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'fixtures' ? [] : testSources(p);
    if (!e.name.endsWith('.ts') || !/from 'node:test'/.test(fs.readFileSync(p, 'utf8'))) return [];
    return [path.join('dist', path.relative(ROOT, p)).replace(/\.ts$/, '.js')];
  });
}

test('npm test and npm run test:e2e run every test file once between them, and nothing else', () => {
  const fast = filesOf('test');
  const e2e = filesOf('test:e2e');
  for (const f of [...fast, ...e2e]) assert.match(f, /\.test\.js$/, `${f} runs as a test but is not a *.test.js file`);
  assert.deepEqual(
    fast.filter((f) => e2e.includes(f)),
    [],
    'a file runs in both suites',
  );
  assert.deepEqual([...fast, ...e2e].sort(), testSources().sort(), 'the two commands do not run exactly the test files under test/');
  assert.ok(e2e.length >= 4 && fast.length > 20, `odd split: ${fast.length} fast files, ${e2e.length} end-to-end`);
  // The fast suite runs two files at a time; the end-to-end tests each want the whole machine.
  assert.match(scripts.test, /--test-concurrency=2/);
  // The formatter and the linter are checked first: CI runs `npm test`, so a change that breaks either does not land.
  assert.match(scripts.test, /^biome ci && /);
  assert.match(scripts['test:e2e'], /--test-concurrency=1/);
  // CI runs both.
  const ci = fs.readFileSync(path.join(ROOT, '.ci', 'run'), 'utf8');
  assert.match(ci, /^phase npm test$/m);
  assert.match(ci, /^phase npm run test:e2e$/m);
});
