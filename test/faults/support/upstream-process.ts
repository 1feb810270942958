// Runs upstream-server.ts as a child process that a test can crash (SIGKILL), freeze
// (SIGSTOP) and start again on the same port, as a real platform API might behave.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

export interface UpstreamProcess {
  url: string;
  port: number;
  /** The current child's pid. */
  readonly pid: number;
  /** SIGKILL (a crash): resolves once the process is gone. */
  kill(): Promise<void>;
  /** SIGSTOP: connections are still accepted by the kernel, nothing answers. */
  pause(): void;
  /** SIGCONT after pause(). */
  resume(): void;
  /** Starts it again on the same port (after kill()). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

const SCRIPT = join(import.meta.dirname, 'upstream-server.ts');
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

function launch(port: number): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [SCRIPT, String(port)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  return new Promise((resolve, reject) => {
    let out = '';
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`upstream process exited (${code})`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve({ child, port: Number(out.split('\n')[0]) });
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Starts the upstream on `port` (0: a free one). */
export async function startUpstreamProcess(port = 0): Promise<UpstreamProcess> {
  let current = await launch(port);
  const bound = current.port;
  const signal = (sig: NodeJS.Signals) => {
    if (current.child.exitCode === null && current.child.signalCode === null)
      current.child.kill(sig);
  };
  return {
    url: `http://127.0.0.1:${bound}`,
    port: bound,
    get pid() {
      return current.child.pid ?? 0;
    },
    async kill() {
      signal('SIGKILL');
      await exited(current.child);
    },
    pause: () => signal('SIGSTOP'),
    resume: () => signal('SIGCONT'),
    async restart() {
      signal('SIGKILL');
      await exited(current.child);
      current = await launch(bound);
    },
    async stop() {
      signal('SIGCONT');
      current.child.stdin?.end();
      signal('SIGTERM');
      await exited(current.child);
    },
  };
}
