// The resident memory of a process, from /proc/<pid>/status (Linux).
import { readFileSync } from 'node:fs';

/** VmRSS of `pid` in MiB (one decimal). */
export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1]);
  if (!Number.isFinite(kb)) throw new Error(`no VmRSS for process ${pid}`);
  return Math.round((kb / 1024) * 10) / 10;
}
