/**
 * The README's cluster section, run as it stands on a real Slurm: a one-node cluster on loopback (munged, slurmctld and
 * slurmd from Debian's slurm-wlm 22.05, started here from a config in a temporary directory), a 4-task array of a
 * quick grid submitted with the lines `--plan` prints, one task cancelled mid-run, resubmitted under its own number,
 * and a store that then holds every planned run exactly once. Every daemon and task process it started is stopped on
 * every path. Where Slurm is missing it fails with one line that says how to install it; it is never skipped.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { planSuite } from '../../lib/experiments';
import { ResultStore } from '../../lib/results/store';
import { ROOT } from '../../lib/util/paths';
import { pidsWhere } from '../helpers/procs';
import { tempDir } from '../helpers/tmp';
import { STUDY } from '../../study';

// The README's grid, narrowed to 4 runs that each take seconds to minutes on one CPU (channel-full, spatial-full,
// hybrid, cnn-stem): long enough to cancel one mid-run, short enough for CI.
const ARGS = '--suite channel-vs-spatial --preset quick --datasets mnist --seeds 0';
const SBIN = ['/usr/sbin', '/sbin', '/usr/local/sbin'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An executable on PATH or in an sbin folder (daemons live there, and a non-login PATH may lack it). */
function which(exe: string): string | undefined {
  for (const dir of [...(process.env.PATH ?? '').split(':'), ...SBIN]) {
    const f = path.join(dir, exe);
    if (dir && fs.existsSync(f)) return f;
  }
  return undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** The fenced block of the README's "On a Slurm cluster" section, one command per line, comments removed. */
function readmeBlock(): string[] {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## On a Slurm cluster'));
  const m = /```sh\n([\s\S]*?)```/.exec(section);
  assert.ok(m, 'README.md has no ```sh block under "## On a Slurm cluster"');
  return m[1]
    .split('\n')
    .map((l) => l.replace(/\s+#.*$/, '').trim())
    .filter(Boolean);
}

/** Pids whose cgroup path names this test's Slurm node (its daemons' tasks and step daemons), or its array job. */
const slurmPids = (pattern: RegExp): number[] => pidsWhere('cgroup', (t) => pattern.test(t));

/** Pids of processes started by an array task: their environment names the array job and the task. */
const taskPids = (job: string, task: number): number[] =>
  pidsWhere('environ', (t) => {
    const env = t.split('\0');
    return env.includes(`SLURM_ARRAY_JOB_ID=${job}`) && env.includes(`SLURM_ARRAY_TASK_ID=${task}`);
  });

test("the README's cluster section on a one-node Slurm: an array of 4 runs, one cancelled mid-run and resubmitted, leaves every planned run in the store once", {
  timeout: 20 * 60_000,
}, async () => {
  const missing = ['munged', 'slurmctld', 'slurmd', 'sbatch', 'squeue', 'scancel', 'sinfo'].filter((e) => !which(e));
  if (missing.length)
    assert.fail(
      `Slurm not found (${missing.join(', ')}): this test starts a one-node Slurm on loopback. Fix: apt-get install -y slurm-wlm munge (npm ci does it as root)`,
    );
  assert.equal(process.getuid?.(), 0, 'the one-node Slurm runs its daemons as root (SlurmUser=root), as CI does: run this test as root');

  const dir = tempDir('slurm');
  const run = path.join(dir, 'run');
  fs.mkdirSync(run, { mode: 0o711 });
  fs.chmodSync(run, 0o711); // munged refuses a socket folder that others can write to
  const results = path.join(dir, 'results');
  const node = `mt${process.pid}`; // a node name of its own: its cgroups (slurm_<node>) are this test's alone
  const key = path.join(dir, 'munge.key');
  fs.writeFileSync(key, crypto.randomBytes(1024), { mode: 0o400 });
  const [ctldPort, dPort] = [await freePort(), await freePort()];
  const conf = path.join(dir, 'slurm.conf');
  fs.writeFileSync(
    conf,
    `${[
      'ClusterName=maptokens',
      `SlurmctldHost=${os.hostname()}(127.0.0.1)`,
      'SlurmUser=root',
      'SlurmdUser=root',
      `SlurmctldPort=${ctldPort}`,
      `SlurmdPort=${dPort}`,
      'AuthType=auth/munge',
      `AuthInfo=socket=${run}/munge.sock`,
      'CredType=cred/munge',
      `StateSaveLocation=${dir}/state`,
      `SlurmdSpoolDir=${dir}/spool`,
      `SlurmctldPidFile=${run}/slurmctld.pid`,
      `SlurmdPidFile=${run}/slurmd.pid`,
      `SlurmctldLogFile=${dir}/slurmctld.log`,
      `SlurmdLogFile=${dir}/slurmd.log`,
      // Cgroup tracking is what makes scancel end every process of a task; linuxproc let a cancelled task keep writing.
      'ProctrackType=proctrack/cgroup',
      'TaskPlugin=task/cgroup',
      'SelectType=select/cons_tres',
      'SelectTypeParameters=CR_CPU',
      'SchedulerType=sched/backfill',
      'MpiDefault=none',
      'ReturnToService=2',
      'JobAcctGatherType=jobacct_gather/none',
      `NodeName=${node} NodeHostname=${os.hostname()} NodeAddr=127.0.0.1 CPUs=${os.cpus().length} RealMemory=1000 State=UNKNOWN`,
      `PartitionName=debug Nodes=${node} Default=YES MaxTime=INFINITE State=UP`,
    ].join('\n')}\n`,
  );
  // A hybrid hierarchy (this machine's) holds v1 controllers; autodetect may pick v2 there and find none.
  const v1 = fs.existsSync('/sys/fs/cgroup/cpuset/cgroup.procs');
  fs.writeFileSync(path.join(dir, 'cgroup.conf'), `CgroupPlugin=cgroup/${v1 ? 'v1' : 'v2'}\nConstrainCores=yes\n`);
  for (const d of ['state', 'spool']) fs.mkdirSync(path.join(dir, d));
  const env = { ...process.env, SLURM_CONF: conf, MAPTOKENS_RESULTS_DIR: results, PATH: `${process.env.PATH}:${SBIN.join(':')}` };

  const daemons: ChildProcess[] = [];
  const start = (exe: string, args: string[], log: string) => {
    const out = fs.openSync(path.join(dir, log), 'a');
    // Each in its own process group, so that the cleanup ends whatever it forked.
    const p = spawn(which(exe)!, args, { env, detached: true, stdio: ['ignore', out, out] });
    fs.closeSync(out);
    daemons.push(p);
  };
  const sh = (cmd: string) => {
    const r = spawnSync('bash', ['-c', `ARGS="${ARGS}"; ${cmd}`], { cwd: ROOT, env, encoding: 'utf8' });
    assert.equal(r.status, 0, `\`${cmd}\` exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  };
  const tasks = (job: string) =>
    sh(`squeue -h -r -j ${job} -o "%K %T" 2>/dev/null || true`)
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split(' '));
  const until = async (what: string, ok: () => boolean, ms: number) => {
    for (const end = Date.now() + ms; !ok(); await sleep(500))
      if (Date.now() > end) assert.fail(`timed out waiting for ${what}; logs in ${dir}`);
  };
  const jobs: string[] = [];
  try {
    start(
      'munged',
      [
        '-F',
        '-f',
        `--key-file=${key}`,
        `--socket=${run}/munge.sock`,
        `--pid-file=${run}/munged.pid`,
        `--log-file=${dir}/munged.log`,
        `--seed-file=${dir}/munged.seed`,
      ],
      'munged.out',
    );
    await until('munged', () => fs.existsSync(`${run}/munge.sock`), 20_000);
    start('slurmctld', ['-D', '-i', '-f', conf], 'slurmctld.out');
    start('slurmd', ['-D', '-N', node, '-f', conf], 'slurmd.out');
    await until(
      'the node to come up idle',
      () => /idle/.test(spawnSync('sinfo', ['-h', '-n', node, '-o', '%t'], { env, encoding: 'utf8' }).stdout ?? ''),
      60_000,
    );

    const lines = readmeBlock();
    const line = (re: RegExp) => {
      const l = lines.find((x) => re.test(x));
      assert.ok(l, `the README's cluster block has no line like ${re}`);
      return l;
    };
    assert.equal(line(/npm ci$/), 'MAPTOKENS_INSTALL=train npm ci'); // the clone's own install stands in for it
    assert.match(line(/^ARGS=/), /^ARGS="--suite \S+ --preset \S+"$/);
    const planCmd = line(/--plan$/);
    const [submit, resubmit] = lines.filter((l) => l.startsWith('sbatch '));
    const planned = planSuite(STUDY, 'channel-vs-spatial', { preset: 'quick', datasets: ['mnist'], seeds: [0] });
    assert.equal(planned.length, 4);

    // Size the array and submit exactly what --plan printed, which must be the README's line with N filled in.
    const printed = /^\s*(sbatch --array=1-(\d+) .*)$/m.exec(sh(planCmd));
    assert.ok(printed, '--plan printed no sbatch line');
    assert.equal(+printed[2], planned.length);
    assert.equal(printed[1], submit.replace('1-N', `1-${planned.length}`).replace('$ARGS', ARGS));
    const job = /Submitted batch job (\d+)/.exec(sh(printed[1]))?.[1];
    assert.ok(job, 'sbatch printed no job id');
    jobs.push(job);

    // Cancel the hybrid's task (the longest run) once it is training.
    const victim = planned.findIndex((p) => p.config.name === 'hybrid') + 1;
    const outFile = path.join(ROOT, `maptokens-${job}_${victim}.out`);
    await until(
      `task ${victim} to start training`,
      () => fs.existsSync(outFile) && /epoch \d+\//.test(fs.readFileSync(outFile, 'utf8')),
      5 * 60_000,
    );
    sh(`scancel ${job}_${victim}`);
    await until('the array to finish', () => tasks(job).length === 0, 10 * 60_000);
    await until(`task ${victim}'s processes to end`, () => taskPids(job, victim).length === 0, 15_000);
    const holds = () => new Set(new ResultStore({ dir: path.join(results) }).read().records.map((r) => r.id));
    assert.ok(!holds().has(planned[victim - 1].id), 'the cancelled task stored its run');
    for (const [k, p] of planned.entries())
      if (k + 1 !== victim) assert.ok(holds().has(p.id), `task ${k + 1} did not store ${p.config.name}`);
    sh(line(/^squeue/));

    // --plan again names the missing task; resubmit it with the README's line under its own number.
    const again = /^\s*(sbatch --array=(\S+) .*)$/m.exec(sh(planCmd).split('To run the other')[1] ?? '');
    assert.ok(again, '--plan did not name the tasks whose runs the store lacks');
    assert.equal(again[2], String(victim));
    assert.equal(again[1], resubmit.replace('3,7', again[2]).replace('$ARGS', ARGS));
    const job2 = /Submitted batch job (\d+)/.exec(sh(again[1]))?.[1];
    assert.ok(job2);
    jobs.push(job2);
    await until('the resubmitted task to finish', () => tasks(job2).length === 0, 10 * 60_000);

    // Every planned run exactly once over the shard files, each from its own task's file, and all of them ok.
    const shards = path.join(results, 'shards');
    const ids = fs
      .readdirSync(shards)
      .flatMap((f) => fs.readFileSync(path.join(shards, f), 'utf8').split('\n').filter(Boolean))
      .map((l) => JSON.parse(l) as { id: string; status: string });
    assert.deepEqual(ids.map((r) => r.id).sort(), planned.map((p) => p.id).sort());
    assert.ok(
      ids.every((r) => r.status === 'ok'),
      `a run failed: ${JSON.stringify(ids.map((r) => r.status))}`,
    );
    assert.match(sh(planCmd), /All of them are in the store/);
  } finally {
    for (const j of jobs) spawnSync('scancel', [j], { env });
    for (let k = 0; k < 20 && jobs.some((j) => tasks(j).length); k++) await sleep(500);
    for (const d of daemons) {
      try {
        process.kill(-d.pid!, 'SIGTERM');
      } catch {
        /* already gone */
      }
    }
    await sleep(2000);
    for (const d of daemons) {
      try {
        process.kill(-d.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    // Step daemons and task processes live in the node's cgroups, outside the daemons' process groups.
    for (const pid of slurmPids(new RegExp(`slurm_${node}\\b`))) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    for (const j of jobs)
      for (const f of fs.readdirSync(ROOT).filter((f) => f.startsWith(`maptokens-${j}_`))) fs.rmSync(path.join(ROOT, f), { force: true });
    // Empty cgroup folders of the node, deepest first (the kernel refuses a folder with processes or children).
    for (const ctl of fs.existsSync('/sys/fs/cgroup') ? fs.readdirSync('/sys/fs/cgroup') : []) {
      const top = path.join('/sys/fs/cgroup', ctl, `slurm_${node}`);
      if (!fs.existsSync(top)) continue;
      const dirs: string[] = [];
      const walk = (d: string) => {
        dirs.push(d);
        for (const e of fs.readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) walk(path.join(d, e.name));
      };
      walk(top);
      for (const d of dirs.reverse()) {
        try {
          fs.rmdirSync(d);
        } catch {
          /* still busy */
        }
      }
    }
  }
});
