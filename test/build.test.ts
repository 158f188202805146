/**
 * npm run build never removes a dist/ that another process may be loading: a current dist/ is left alone,
 * and builders that start together take turns, the later one finding dist/ current (the Slurm array case:
 * every task builds before it trains).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { ROOT } from '../lib/util/paths';
import { tempDir } from './helpers/tmp';

/** A copy of the workspace's sources, with its packages linked: a place to build without touching the real dist/. */
function workspaceCopy(): string {
  const dir = tempDir('build');
  for (const f of ['lib', 'study', 'scripts', 'test']) fs.cpSync(path.join(ROOT, f), path.join(dir, f), { recursive: true });
  for (const f of ['tsconfig.json', 'package.json', 'package-lock.json']) fs.copyFileSync(path.join(ROOT, f), path.join(dir, f));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  return dir;
}

function buildAsync(dir: string): Promise<number | null> {
  return new Promise((resolve) =>
    spawn(process.execPath, [path.join(dir, 'scripts', 'build.js')], { stdio: 'ignore' }).on('close', resolve),
  );
}

test('a current dist/ is not rebuilt, and two builds started together both finish while a reader keeps loading dist/', {
  timeout: 600_000,
}, async () => {
  const dir = workspaceCopy();
  const hashFile = path.join(dir, 'dist', '.build-hash');
  assert.equal(spawnSync(process.execPath, [path.join(dir, 'scripts', 'build.js')]).status, 0);
  const first = fs.statSync(hashFile).mtimeMs;
  assert.equal(spawnSync(process.execPath, [path.join(dir, 'scripts', 'build.js')]).status, 0);
  assert.equal(fs.statSync(hashFile).mtimeMs, first, 'a current dist/ was rebuilt');
  // A source changes: two builders start at once, and a reader loads the library over and over meanwhile.
  fs.appendFileSync(path.join(dir, 'lib', 'util', 'rng.ts'), '\n// changed\n');
  const builds = Promise.all([buildAsync(dir), buildAsync(dir)]);
  let done = false;
  void builds.then(() => (done = true));
  let loads = 0;
  const failures: string[] = [];
  while (!done) {
    const r = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(path.join(dir, 'dist', 'lib', 'util', 'rng.js'))})`], {
      encoding: 'utf8',
    });
    loads++;
    if (r.status !== 0) failures.push(r.stderr.split('\n').find((l) => /Error/.test(l)) ?? r.stderr);
    await new Promise((res) => setTimeout(res, 20));
  }
  assert.deepEqual(await builds, [0, 0]);
  assert.ok(loads > 3, `the reader loaded only ${loads} times`);
  assert.deepEqual(failures, [], 'a reader found dist/ missing or half-written');
  assert.ok(fs.statSync(hashFile).mtimeMs > first, 'the changed source was not built');
  assert.match(fs.readFileSync(path.join(dir, 'dist', 'lib', 'util', 'rng.js'), 'utf8'), /changed/);
  assert.deepEqual(
    fs.readdirSync(dir).filter((f) => /^dist\.(tmp|old)-|^dist\.lock$/.test(f)),
    [],
    'a builder left its scratch behind',
  );
});
