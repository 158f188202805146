/**
 * What a cluster job relies on, short of a real Slurm (test/e2e/slurm.test.ts has that): two processes that append
 * records to one shard file lose none and tear none, and a node whose native TensorFlow does not load stops under
 * Slurm instead of training for hours on wasm.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from '../lib/util/paths';
import { pidsWhere } from './helpers/procs';
import { tempDir } from './helpers/tmp';

test('two processes appending records to the same shard file lose none and tear none', { timeout: 120_000 }, async () => {
  const dir = tempDir('shard-race');
  const perWriter = 300;
  // A real record of the committed store (tens of kilobytes, a whole curve) is the template each writer appends as.
  const lines = fs
    .readFileSync(path.join(ROOT, 'results', 'runs.jsonl'), 'utf8')
    .trim()
    .split('\n');
  const template = path.join(dir, 'template.json');
  fs.writeFileSync(template, lines[lines.length - 1]);
  const writer = (who: number): Promise<number> =>
    new Promise((resolve) => {
      const script = `
        const { ResultStore } = require(${JSON.stringify(path.join(ROOT, 'dist', 'lib', 'results', 'store.js'))});
        const rec = JSON.parse(require('fs').readFileSync(${JSON.stringify(template)}, 'utf8'));
        const store = new ResultStore({ dir: ${JSON.stringify(dir)}, shard: [1, 2], sweep: 'race.standard' });
        for (let i = 0; i < ${perWriter}; i++) store.append({ ...rec, id: 'w${who}-' + i });`;
      const p = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'ignore', 'inherit'] });
      p.on('exit', (code) => resolve(code ?? 1));
    });
  assert.deepEqual(await Promise.all([writer(1), writer(2)]), [0, 0]);
  const files = fs.readdirSync(path.join(dir, 'shards'));
  assert.equal(files.length, 1, 'both wrote the one shard file');
  const written = fs
    .readFileSync(path.join(dir, 'shards', files[0]), 'utf8')
    .split('\n')
    .filter(Boolean);
  const ids = written.map((l, i) => {
    try {
      return (JSON.parse(l) as { id: string }).id;
    } catch {
      return assert.fail(`line ${i + 1} is torn or interleaved (${l.length} characters)`);
    }
  });
  assert.equal(ids.length, 2 * perWriter);
  assert.equal(new Set(ids).size, 2 * perWriter, 'a record was lost or written twice');
  assert.ok(written[0].length > 10_000, `records of ${written[0].length} characters: too short to race`);
});

test('under Slurm a node whose native TensorFlow does not load stops with the fix; elsewhere it falls back to wasm', {
  timeout: 120_000,
}, () => {
  const dir = tempDir('no-native');
  // A real failure mode, injected: the native binding throws on load, as a node with a broken install does.
  const preload = path.join(dir, 'break-native.js');
  fs.writeFileSync(
    preload,
    `const M = require('module'); const load = M._load; M._load = function (req, ...rest) { if (req === '@tensorflow/tfjs-node') throw new Error('libtensorflow.so: cannot open shared object file'); return load.call(this, req, ...rest); };`,
  );
  const env = { ...process.env, MAPTOKENS_RESULTS_DIR: dir, MAPTOKENS_BACKEND: '' };
  const slurm = spawnSync(
    process.execPath,
    [
      '-r',
      preload,
      path.join(ROOT, 'dist', 'scripts', 'ablation.js'),
      '--suite',
      'channel-vs-spatial',
      '--preset',
      'smoke',
      '--datasets',
      'mnist',
      '--seeds',
      '0',
      '--slurm',
    ],
    {
      env: { ...env, SLURM_JOB_ID: '7', SLURM_ARRAY_TASK_ID: '1' },
      encoding: 'utf8',
    },
  );
  assert.equal(slurm.status, 1, slurm.stderr);
  assert.match(slurm.stderr, /under Slurm the native TensorFlow backend is required.*libtensorflow\.so.*npm rebuild/s);
  assert.ok(!fs.existsSync(path.join(dir, 'smoke', 'shards')), 'a record was written');
  // The same break outside Slurm: the workspace carries on, slowly, and says so.
  const local = spawnSync(
    process.execPath,
    [
      '-r',
      preload,
      '-e',
      `require(${JSON.stringify(path.join(ROOT, 'dist', 'lib', 'backend', 'index.js'))}).initBackend().then((r) => console.log(r.backend))`,
    ],
    { env, encoding: 'utf8' },
  );
  assert.equal(local.status, 0, local.stderr);
  assert.equal(local.stdout.trim(), 'wasm');
  assert.match(local.stderr, /running on the 'wasm' backend, not native TensorFlow/);
});

test('a sweep stopped by SIGTERM (scancel, kill) ends its workers and removes its task folder', { timeout: 300_000 }, async () => {
  const dir = tempDir('sigterm');
  const tmp = path.join(dir, 'tmp');
  fs.mkdirSync(tmp);
  const args = [
    path.join(ROOT, 'dist', 'scripts', 'ablation.js'),
    '--suite',
    'channel-vs-spatial',
    '--preset',
    'quick',
    '--datasets',
    'mnist',
    '--seeds',
    '0',
    '--workers',
    '2',
  ];
  const env = { ...process.env, TMPDIR: tmp, MAPTOKENS_RESULTS_DIR: path.join(dir, 'results') };
  const sweep = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  sweep.stdout.on('data', (d: Buffer) => (out += d.toString()));
  sweep.stderr.on('data', (d: Buffer) => (out += d.toString()));
  // The workers' command lines name their task file, under this test's TMPDIR.
  const workers = (): number[] => pidsWhere('cmdline', (t) => t.includes(tmp));
  try {
    for (
      const end = Date.now() + 120_000;
      !/epoch \d+\/\d+/.test(out) || workers().length < 2;
      await new Promise((r) => setTimeout(r, 200))
    )
      if (Date.now() > end || sweep.exitCode !== null) assert.fail(`the workers never started training:\n${out.slice(-2000)}`);
    const code = new Promise<number | null>((resolve) => sweep.on('exit', (c) => resolve(c)));
    sweep.kill('SIGTERM');
    assert.equal(await code, 143);
    for (const end = Date.now() + 10_000; workers().length && Date.now() < end; ) await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(workers(), [], 'a worker outlived its sweep');
    assert.deepEqual(fs.readdirSync(tmp), [], 'the task folder was left behind');
  } finally {
    sweep.kill('SIGKILL');
    for (const p of workers()) process.kill(p, 'SIGKILL');
  }
});
