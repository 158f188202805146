/**
 * How many CPUs this process may use, which on a cluster is not what the machine has: a Slurm task gets
 * SLURM_CPUS_PER_TASK of a 64-core node, a cgroup may cap the CPU time, and a cpuset narrows the affinity
 * mask (os.availableParallelism reads that). Threads and workers are sized from the least of them.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';

/** The CPU quota of a cgroup v2 `cpu.max` file ("200000 100000" is 2 CPUs; "max 100000" is none), or undefined. */
export function cgroupCpus(file = '/sys/fs/cgroup/cpu.max'): number | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
  const [quota, period] = text.split(/\s+/);
  if (quota === 'max' || !Number(period)) return undefined;
  return Math.max(1, Math.ceil(Number(quota) / Number(period)));
}

/** The CPUs allocated to this process: the least of the affinity mask, Slurm's CPUs per task and the cgroup quota. */
export function allocatedCpus(env: NodeJS.ProcessEnv = process.env, cgroupFile?: string): number {
  const slurm = Number(env.SLURM_CPUS_PER_TASK);
  const limits = [os.availableParallelism(), Number.isInteger(slurm) && slurm > 0 ? slurm : undefined, cgroupCpus(cgroupFile)];
  return Math.max(1, Math.min(...limits.filter((n): n is number => n !== undefined)));
}

/** Whether this process runs inside a Slurm job. */
export function underSlurm(env: NodeJS.ProcessEnv = process.env): boolean {
  return !!env.SLURM_JOB_ID;
}
