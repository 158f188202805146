#!/usr/bin/env node
/**
 * npm run build: compile lib/, study/, scripts/ and test/ into dist/, without ever removing a dist/ that another
 * process may be loading.
 *
 * - dist/ is current when the content hash of the sources (and tsconfig.json, package-lock.json) equals the
 *   one written beside the last build (dist/.build-hash): then nothing is done, in milliseconds. Every task
 *   of a Slurm array runs `npm run ablation`, which builds first: all but the first find dist/ current.
 * - Otherwise one builder at a time (an exclusive lock file, dist.lock; a lock whose process is gone is
 *   taken over) compiles into dist.tmp-<pid>/ and swaps it in with two renames, so a reader never sees a
 *   half-written dist/, and a builder that waited for the lock finds dist/ current and does nothing.
 *
 * Plain JavaScript, not TypeScript: it is what makes the TypeScript runnable.
 */
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
const LOCK = path.join(ROOT, 'dist.lock');
const HASH_FILE = '.build-hash';

/** sha256 over every source file's path and bytes, in a fixed order. */
function sourceHash() {
  const h = crypto.createHash('sha256');
  const walk = (dir) =>
    fs.existsSync(dir)
      ? fs
          .readdirSync(dir, { withFileTypes: true })
          .sort((a, b) => (a.name < b.name ? -1 : 1))
          .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : /\.(ts|js|json)$/.test(e.name) ? [path.join(dir, e.name)] : []))
      : [];
  const files = [
    ...['lib', 'study', 'scripts', 'test'].flatMap((d) => walk(path.join(ROOT, d))),
    path.join(ROOT, 'tsconfig.json'),
    path.join(ROOT, 'package-lock.json'),
  ];
  for (const f of files) if (fs.existsSync(f)) h.update(`\0${path.relative(ROOT, f)}\0`).update(fs.readFileSync(f));
  return h.digest('hex');
}

function current(hash) {
  try {
    return fs.readFileSync(path.join(DIST, HASH_FILE), 'utf8').trim() === hash;
  } catch {
    return false;
  }
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

/** Takes dist.lock (waiting for a live holder, taking over a dead one's); returns its release. */
function lock() {
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      const fd = fs.openSync(LOCK, 'wx');
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      return () => fs.rmSync(LOCK, { force: true });
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      const holder = Number(fs.readFileSync(LOCK, 'utf8') || NaN);
      if (Number.isInteger(holder) && !alive(holder)) {
        fs.rmSync(LOCK, { force: true }); // its builder died: nothing of its is in dist/ yet
        continue;
      }
      if (Date.now() > deadline)
        throw new Error(`${LOCK} has been held by process ${holder} for 15 minutes; if no build is running, delete it`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
}

function build() {
  const hash = sourceHash();
  if (current(hash)) return;
  const release = lock();
  try {
    if (current(hash)) return; // another builder made it while this one waited
    const tmp = `${DIST}.tmp-${process.pid}`;
    fs.rmSync(tmp, { recursive: true, force: true });
    const tsc = require.resolve('typescript/bin/tsc', { paths: [ROOT] });
    const r = spawnSync(process.execPath, [tsc, '-p', path.join(ROOT, 'tsconfig.json'), '--outDir', tmp], { cwd: ROOT, stdio: 'inherit' });
    if (r.status !== 0) {
      fs.rmSync(tmp, { recursive: true, force: true });
      process.exit(r.status ?? 1);
    }
    fs.writeFileSync(path.join(tmp, HASH_FILE), `${hash}\n`);
    // Two renames: dist/ is whole before and after, and missing only between them.
    const old = `${DIST}.old-${process.pid}`;
    if (fs.existsSync(DIST)) fs.renameSync(DIST, old);
    fs.renameSync(tmp, DIST);
    fs.rmSync(old, { recursive: true, force: true });
  } finally {
    release();
  }
}

build();
