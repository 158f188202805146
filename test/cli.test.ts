/**
 * Every command behaves alike: `--help` prints its usage and exits 0, a usage error
 * exits 2 with the usage, a runtime failure exits 1 with one line and no stack trace,
 * and a sweep in which nothing could run exits non-zero.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import { ROOT } from '../lib/util/paths';
import { allocatedCpus, cgroupCpus, underSlurm } from '../lib/util/cpus';
import { tempDir } from './helpers/tmp';

const COMMANDS = ['ablation', 'bench', 'data', 'lab', 'migrate', 'report', 'run-notebooks'];

function run(cmd: string, args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'scripts', `${cmd}.js`), ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('every command answers --help with its usage and exits 0, without doing anything', () => {
  for (const cmd of COMMANDS) {
    for (const flag of ['--help', '-h']) {
      const r = run(cmd, [flag]);
      assert.equal(r.status, 0, `${cmd} ${flag} exited ${r.status}: ${r.stderr}`);
      assert.match(r.stdout, /^usage: npm run /, `${cmd} ${flag} printed no usage`);
      assert.doesNotMatch(r.stdout + r.stderr, /JupyterLab \(tslab kernel\) on loopback|backend: /, `${cmd} ${flag} started work`);
    }
  }
  // The bench usage names every option the command takes.
  const bench = run('bench', ['--help']).stdout;
  for (const o of ['--profile', '--fused', '--soak', '--torch', '--models']) assert.ok(bench.includes(o), `bench usage omits ${o}`);
});

test('usage errors exit 2 with the usage; unknown options are never ignored', () => {
  const cases: [string, string[], RegExp][] = [
    ['ablation', ['--bogus'], /Unknown option '--bogus'/],
    ['ablation', ['--preset', 'huge'], /--preset must be one of/],
    ['ablation', ['--suite', 'channel-vs-spatial', '--datasets', 'imagenet'], /--datasets must be one of/],
    ['ablation', ['--workers', '0'], /--workers must be an integer ≥ 1/],
    ['ablation', ['--shard', '3/2'], /--shard must be i\/n/],
    ['ablation', ['--preset'], /argument missing/],
    ['bench', ['--batch', 'x'], /--batch must be an integer/],
    ['bench', ['--fused', 'maybe'], /--fused must be one of on, off/],
    ['bench', ['--models', 'channel-full,nope'], /--models must be one of/],
    ['data', [], /name at least one dataset/],
    ['data', ['--help-me'], /Unknown option/],
    ['data', ['imagenet'], /unknown dataset 'imagenet'/],
    ['lab', ['--port', '70000'], /--port must be at most 65535/],
    ['lab', ['extra'], /unexpected argument 'extra'/],
    ['report', ['--preset', 'x'], /--preset must be one of/],
    ['run-notebooks', ['--timeout', '-1'], /--timeout/],
    ['run-notebooks', ['no_such_notebook'], /no_such_notebook/],
  ];
  for (const [cmd, args, msg] of cases) {
    const r = run(cmd, args);
    assert.equal(r.status, 2, `${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    assert.match(r.stderr, msg, `${cmd} ${args.join(' ')}`);
    assert.match(r.stderr, /usage: npm run /, `${cmd} ${args.join(' ')} did not print the usage`);
  }
});

test('a sweep in which nothing could run exits 1 and says why once', () => {
  const dir = tempDir('cli');
  // No CIFAR-10 in an empty data folder: every planned run is skipped.
  const r = run('ablation', ['--suite', 'channel-vs-spatial', '--preset', 'smoke', '--datasets', 'cifar10'], {
    MAPTOKENS_RESULTS_DIR: dir,
    MAPTOKENS_DATA_DIR: dir,
  });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /nothing could run/);
  assert.equal(r.stderr.match(/CIFAR-10 is not in/g)?.length, 1, 'the reason is not said exactly once');
});

test('runtime failures exit 1 with one line naming the cause, and a failed download leaves nothing', () => {
  const dir = tempDir('cli');
  // A download that cannot connect (a closed local port: tests never reach outside the machine).
  const r = run('data', ['cifar10'], { MAPTOKENS_DATA_DIR: dir, MAPTOKENS_CIFAR10_URL: 'http://127.0.0.1:1/cifar-10-binary.tar.gz' });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /^error: cannot download CIFAR-10/m);
  assert.doesNotMatch(r.stderr, /^\s+at /m, 'a stack trace was printed');
  assert.deepEqual(fs.readdirSync(dir), [], 'the failed download left files behind');
});

test('a corrupt dataset stops a sweep with one line naming the file, no stack trace', () => {
  const dir = tempDir('cli');
  const batches = path.join(dir, 'cifar10', 'cifar-10-batches-bin');
  fs.mkdirSync(batches, { recursive: true });
  fs.writeFileSync(path.join(batches, 'test_batch.bin'), Buffer.alloc(3073));
  fs.writeFileSync(path.join(batches, 'data_batch_1.bin'), Buffer.alloc(100)); // truncated
  const r = run('ablation', ['--suite', 'channel-vs-spatial', '--preset', 'smoke', '--datasets', 'cifar10'], {
    MAPTOKENS_RESULTS_DIR: dir,
    MAPTOKENS_DATA_DIR: dir,
  });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /^error: .*data_batch_1\.bin.*truncated/m);
  assert.equal(r.stderr.match(/data_batch_1\.bin/g)?.length, 1, 'the broken file is not named exactly once');
  assert.match(r.stderr, /Repair: delete .*cifar10 and download it again with npm run data -- cifar10/);
  assert.doesNotMatch(r.stderr, /^\s+at /m, 'a stack trace was printed');
});

test('--slurm: one planned run per array task, numbered from 1 and sized by the plan, never by SLURM_ARRAY_TASK_COUNT', () => {
  const dir = tempDir('slurm');
  const sweep = ['--suite', 'hybrid-relation', '--preset', 'smoke'];
  const env = (id?: string): Record<string, string> => ({
    MAPTOKENS_RESULTS_DIR: dir,
    SLURM_JOB_ID: '7',
    ...(id === undefined ? {} : { SLURM_ARRAY_TASK_ID: id }),
  });
  const plan = run('ablation', [...sweep, '--plan'], env());
  assert.equal(plan.status, 0, plan.stderr);
  // The command to submit, with the grid's own options, so that every task plans the same grid.
  assert.match(
    plan.stdout,
    /The grid has 3 runs\..*\n\s+sbatch --array=1-3 scripts\/slurm\/ablation\.sbatch --suite hybrid-relation --preset smoke\n/,
  );
  for (const [id, msg] of [
    [undefined, /SLURM_ARRAY_TASK_ID is not set; submit it as an array, sbatch --array=1-3/],
    ['0', /array task ids start at 1/],
    ['4', /task 4 is past the plan's 3 runs/],
  ] as const) {
    const r = run('ablation', [...sweep, '--slurm'], env(id));
    assert.equal(r.status, 2, `task ${id}: ${r.stderr}`);
    assert.match(r.stderr, msg);
  }
  // A resubmitted single task (sbatch --array=2 sets SLURM_ARRAY_TASK_COUNT=1) still runs the plan's second run.
  const r = run('ablation', [...sweep, '--slurm'], { ...env('2'), SLURM_ARRAY_TASK_COUNT: '1' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /1 runs: 1 trained/);
  // Its shard file names the sweep, so two arrays of the same size never share one.
  assert.deepEqual(fs.readdirSync(path.join(dir, 'smoke', 'shards')), ['runs.hybrid-relation.smoke.shard-2-of-3.jsonl']);
  // More shards than runs: an empty shard is not a failure.
  const empty = run('ablation', [...sweep, '--shard', '5/5'], { MAPTOKENS_RESULTS_DIR: dir });
  assert.equal(empty.status, 0, empty.stderr);
  assert.match(empty.stdout, /shard 5\/5 has no run of this grid \(3 runs in all\): nothing to do/);
});

test('threads and workers follow the CPUs allocated, not the machine: Slurm, the cgroup quota, the affinity mask', () => {
  const dir = tempDir('cpus');
  const file = (text: string): string => {
    const f = path.join(dir, `cpu.max.${text.replace(/\W/g, '_')}`);
    fs.writeFileSync(f, text);
    return f;
  };
  assert.equal(cgroupCpus(file('150000 100000')), 2);
  assert.equal(cgroupCpus(file('max 100000')), undefined);
  assert.equal(cgroupCpus(path.join(dir, 'absent')), undefined);
  assert.equal(allocatedCpus({ SLURM_CPUS_PER_TASK: '1' }, path.join(dir, 'absent')), 1);
  assert.equal(allocatedCpus({}, file('100000 100000')), 1);
  assert.equal(allocatedCpus({}, path.join(dir, 'absent')), os.availableParallelism());
  assert.equal(underSlurm({ SLURM_JOB_ID: '12' }), true);
  assert.equal(underSlurm({}), false);
});
