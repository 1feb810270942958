// Runs each bench server in its own child process (so the load generator, the upstream
// and the proxy under test do not share an event loop) and makes sure none outlives the bench.
import { type ChildProcess, fork } from 'node:child_process';
import { pinning } from './pinning.ts';
import type { ChildMessage, ChildStats, ParentMessage } from './server.ts';
import type { ServerKind } from './server-kinds.ts';

const ENTRY = new URL('./server.ts', import.meta.url);
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;
const running = new Set<ChildProcess>();

/**
 * Every server starts with its young generation at the size V8 grows it to on this class
 * of machine (64 MB semi-spaces with 24 GB), instead of each growing it from 1 MB on its
 * own schedule: a proxy with more survivors grows it sooner, and meanwhile the comparison
 * measures the two schedules (side by side, the gateway was 0.86-0.90× the bare proxy
 * while only one of them had grown, 0.95-1.0× once both had; with both fixed at 16 MB it
 * was 0.875× throughout). BENCH_SEMI_SPACE_MB sets another size, 0 leaves V8 to grow it.
 */
const SEMI_SPACE_MB = Number(process.env.BENCH_SEMI_SPACE_MB ?? 64);
const V8_FLAGS = SEMI_SPACE_MB
  ? [`--min-semi-space-size=${SEMI_SPACE_MB}`, `--max-semi-space-size=${SEMI_SPACE_MB}`]
  : [];
export const youngGenerationLabel = SEMI_SPACE_MB
  ? `${SEMI_SPACE_MB} MB semi-spaces from the start`
  : 'young generation grown by V8';

export interface ServerChild {
  kind: ServerKind;
  url: string;
  /** CPU used and uncaught exceptions survived so far; rejects if the child died. */
  stats(): Promise<ChildStats>;
  /** Starts the V8 CPU profiler in the child. */
  startProfile(): Promise<void>;
  /** Stops it and has the child write the profile to `file` (.cpuprofile). */
  stopProfile(file: string): Promise<void>;
  /** Asks the child to close and exit, then kills it if it has not. */
  stop(): Promise<void>;
}

function exited(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

function ready(child: ChildProcess, kind: ServerKind): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${kind} did not start`)), START_TIMEOUT_MS);
    child.once('exit', (code) => reject(new Error(`${kind} exited (${code}) before starting`)));
    child.once('message', (message: ChildMessage) => {
      clearTimeout(timer);
      if (message.type === 'ready') resolve(message.url);
      else if (message.type === 'failed')
        reject(new Error(`${kind} failed to start: ${message.error}`));
    });
  });
}

/** Sends `message` and waits for the child's answer of type `answer`. */
function ask<T extends ChildMessage['type']>(
  child: ChildProcess,
  message: ParentMessage,
  answer: T,
): Promise<Extract<ChildMessage, { type: T }>> {
  return new Promise((resolve, reject) => {
    const gone = () => reject(new Error(`the child died before answering ${message.type}`));
    const onMessage = (reply: ChildMessage) => {
      if (reply.type !== answer) return;
      child.off('message', onMessage).off('exit', gone);
      resolve(reply as Extract<ChildMessage, { type: T }>);
    };
    if (!child.connected) return gone();
    child.on('message', onMessage).once('exit', gone);
    child.send(message);
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.connected) child.send({ type: 'stop' } satisfies ParentMessage);
  if (!(await exited(child, STOP_TIMEOUT_MS))) child.kill('SIGKILL');
  running.delete(child);
}

function handle(child: ChildProcess, kind: ServerKind, url: string): ServerChild {
  return {
    kind,
    url,
    stats: async () => (await ask(child, { type: 'stats' }, 'stats')).stats,
    startProfile: async () => {
      await ask(child, { type: 'profile-start' }, 'profiling');
    },
    stopProfile: async (file) => {
      await ask(child, { type: 'profile-stop', file }, 'profiled');
    },
    stop: () => stopChild(child),
  };
}

/** Where servers run (set once by the bench): the upstream with the load, proxies apart. */
const pins = pinning();
export const pinLabel = pins.label;
pins.rest(process.pid);

/** `stdout: 'ignore'` sends the child's standard output to /dev/null (a server that logs). */
export async function forkServer(
  kind: ServerKind,
  arg = '',
  stdout: 'inherit' | 'ignore' = 'inherit',
): Promise<ServerChild> {
  const child = fork(ENTRY, [kind, arg], {
    execArgv: [...process.execArgv, ...V8_FLAGS],
    stdio: ['ignore', stdout, 'inherit', 'ipc'],
  });
  running.add(child);
  try {
    const url = await ready(child, kind);
    if (child.pid !== undefined) {
      if (kind === 'upstream') pins.rest(child.pid);
      else pins.proxy(child.pid);
    }
    return handle(child, kind, url);
  } catch (err) {
    child.kill('SIGKILL');
    running.delete(child);
    throw err;
  }
}

/** Kills every child still running; for exits, signals and the watchdog. */
export function killAll(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}
