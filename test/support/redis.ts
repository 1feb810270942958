// Starts a real redis-server per test file on a free port, and makes sure none outlives
// the test process: a watcher tied to our stdin pipe kills it however we exit.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.ts';

export interface TestRedis {
  url: string;
  port: number;
  /** The data directory (AOF files when `aof` is on). */
  dir: string;
  /** Graceful shutdown (SIGTERM, resuming a paused server first); resolves when it exited. */
  stop(): Promise<void>;
  /** Sends a signal to redis-server (default SIGKILL: a crash, nothing flushed). */
  kill(signal?: NodeJS.Signals): void;
  /** SIGSTOP: the server keeps its connections open but answers nothing. */
  pause(): void;
  /** SIGCONT after pause(). */
  resume(): void;
  /** Stops the server (if running) and starts it again on the same port and dir. */
  restart(): Promise<void>;
}

export interface StartRedisOptions {
  /** appendonly yes with fsync on every write, so a restart (even after SIGKILL) keeps data. */
  aof?: boolean;
  /** Data directory; a fresh temporary one by default. */
  dir?: string;
}

const READY_TIMEOUT_MS = 10_000;

// `sh` starts redis-server, prints its pid, and waits for it. A background watcher reads
// our stdin pipe (fd 3) and kills redis-server when it closes: on stop(), or when this
// process dies in any way, the 'exit' hook below included.
const WRAPPER = `
exec 3<&0
redis-server "$@" &
pid=$!
echo "$pid"
( cat <&3 >/dev/null; kill -KILL "$pid" 2>/dev/null ) &
exec 3<&-
wait "$pid"
`;

/** Live servers, killed synchronously when the test process exits. */
const running = new Map<number, ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const [pid, wrapper] of running) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
      wrapper.stdin?.destroy();
    }
  });
}

/** A key prefix no other test uses, so tests can share one Redis. */
export function uniquePrefix(): string {
  return `t${randomBytes(6).toString('hex')}:`;
}

/** Spawns redis-server on a free port and resolves once it answers PING. */
export async function startRedis(opts: StartRedisOptions = {}): Promise<TestRedis> {
  installExitHook();
  const port = await freePort();
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'sg-redis-'));
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--logfile',
    join(dir, 'redis.log'),
    '--save',
    '',
    ...(opts.aof ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']),
  ];
  let current = await launch(args, port);

  const signal = (sig: NodeJS.Signals) => {
    if (current.exited) return;
    try {
      process.kill(current.pid, sig);
    } catch (err) {
      // Exited but not yet reported by the wrapper: nothing left to signal.
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  };
  const stop = async () => {
    if (current.exited) return;
    current.wrapper.ref(); // keep the process alive until the server has exited
    signal('SIGCONT');
    signal('SIGTERM');
    await current.done;
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    stop,
    kill: (sig = 'SIGKILL') => signal(sig),
    pause: () => signal('SIGSTOP'),
    resume: () => signal('SIGCONT'),
    async restart() {
      await stop();
      current = await launch(args, port);
    },
  };
}

interface Launched {
  wrapper: ChildProcess;
  pid: number;
  exited: boolean;
  /** Resolves when redis-server has exited (the wrapper waits for it). */
  done: Promise<void>;
}

async function launch(args: string[], port: number): Promise<Launched> {
  const wrapper = spawn('sh', ['-c', WRAPPER, 'sh', ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const launched: Launched = { wrapper, pid: 0, exited: false, done: Promise.resolve() };
  launched.done = new Promise((resolve) => {
    const exited = () => {
      launched.exited = true;
      running.delete(launched.pid);
      wrapper.stdin?.destroy();
      resolve();
    };
    wrapper.once('exit', exited);
    wrapper.once('error', exited);
  });
  // redis-server logs to its logfile; stderr holds start-up errors (and the shell's
  // "Killed" notices after kill(), which are expected and not shown).
  let stderr = '';
  wrapper.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  try {
    launched.pid = await firstLine(wrapper);
    if (!launched.exited) running.set(launched.pid, wrapper);
    await waitForPong(port, launched);
  } catch (err) {
    if (!launched.exited) wrapper.stdin?.destroy();
    await launched.done;
    throw new Error(`${(err as Error).message}: ${stderr.trim()}`, { cause: err });
  }
  // A running server a test forgot to stop must not keep this process alive; when the
  // process exits, the closed stdin pipe makes the watcher kill it.
  wrapper.unref();
  for (const stream of [wrapper.stdin, wrapper.stdout, wrapper.stderr]) {
    (stream as Socket | null)?.unref();
  }
  return launched;
}

function firstLine(wrapper: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = '';
    wrapper.once('error', reject);
    wrapper.once('exit', (code) => reject(new Error(`redis-server wrapper exited (${code})`)));
    wrapper.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) resolve(Number(line));
    });
  });
}

async function waitForPong(port: number, launched: Launched): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (launched.exited) throw new Error(`redis-server on port ${port} exited at start`);
    if (await answersPing(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`redis-server on port ${port} did not answer PING in ${READY_TIMEOUT_MS} ms`);
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}
