// Puts the proxy under test on a CPU of its own and everything else (the load generator,
// the upstream) on the others, with taskset, so the proxy's own cost decides its req/s as
// on a real host, instead of its share of CPUs it has to split with what drives and
// answers it. The same for the bare proxy and the gateway. BENCH_PIN=0 turns it off.
import { execFileSync } from 'node:child_process';
import { cpus as machineCpus } from 'node:os';

export interface Pinning {
  /** What the run did, for the table's header. */
  readonly label: string;
  /** Pins the process tree rooted at `pid` (all its threads) as a proxy under test. */
  proxy(pid: number): void;
  /** Pins it as the rest: load generator, upstream. */
  rest(pid: number): void;
}

function taskset(cpus: string, pid: number): void {
  execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
}

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const OFF: Pinning = { label: 'not pinned', proxy: () => {}, rest: () => {} };

export function pinning(env: NodeJS.ProcessEnv = process.env): Pinning {
  // The machine's CPUs, not this process's share (pinning changes the latter).
  const cpus = machineCpus().length;
  if (env.BENCH_PIN === '0') return OFF;
  if (cpus < 2 || !hasTaskset()) return { ...OFF, label: 'not pinned (needs taskset, 2+ CPUs)' };
  const last = String(cpus - 1);
  const others = cpus === 2 ? '0' : `0-${cpus - 2}`;
  return {
    label: `proxy pinned to CPU ${last}, load generator and upstream to CPU ${others}`,
    proxy: (pid) => taskset(last, pid),
    rest: (pid) => taskset(others, pid),
  };
}
