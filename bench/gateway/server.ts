// Child-process entry of the gateway bench: starts one server kind (argv), reports its URL
// to the parent over IPC, answers stats and profiling requests, and exits when told or orphaned.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import type { BenchServer } from './bench-server.ts';
import { isServerKind, startServer } from './server-kinds.ts';

/** What a child has used and suffered so far. */
export interface ChildStats {
  /** CPU time, user + system, µs. */
  cpuMicros: number;
  /** Uncaught exceptions survived (a server that crashes would end the bench otherwise). */
  uncaught: number;
  lastUncaught?: string;
}

export type ChildMessage =
  | { type: 'ready'; url: string }
  | { type: 'failed'; error: string }
  | { type: 'stats'; stats: ChildStats }
  | { type: 'profiling' }
  | { type: 'profiled' };
export type ParentMessage =
  | { type: 'stop' }
  | { type: 'stats' }
  | { type: 'profile-start' }
  | { type: 'profile-stop'; file: string };

const stats: ChildStats = { cpuMicros: 0, uncaught: 0 };
const inspector = new Session();

function send(message: ChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) resolve();
    else process.send(message, () => resolve());
  });
}

/** Counts uncaught exceptions instead of dying of them; the parent reports them. */
function survive(): void {
  process.on('uncaughtException', (err) => {
    stats.uncaught++;
    stats.lastUncaught = err.stack?.split('\n').slice(0, 3).join(' | ') ?? String(err);
  });
}

async function startProfile(): Promise<void> {
  inspector.connect();
  await inspector.post('Profiler.enable');
  await inspector.post('Profiler.setSamplingInterval', { interval: 200 });
  await inspector.post('Profiler.start');
  await send({ type: 'profiling' });
}

async function stopProfile(file: string): Promise<void> {
  const { profile } = await inspector.post('Profiler.stop');
  writeFileSync(file, JSON.stringify(profile));
  inspector.disconnect();
  await send({ type: 'profiled' });
}

function serve(server: BenchServer): void {
  const stop = () => {
    void server.close().finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 2_000).unref();
  };
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'stop') return stop();
    if (message.type === 'profile-start') return void startProfile();
    if (message.type === 'profile-stop') return void stopProfile(message.file);
    const { user, system } = process.cpuUsage();
    void send({ type: 'stats', stats: { ...stats, cpuMicros: user + system } });
  });
  process.on('disconnect', stop);
}

const [kind, arg = ''] = process.argv.slice(2);
try {
  if (!isServerKind(kind)) throw new Error(`unknown server kind ${String(kind)}`);
  const server = await startServer(kind, arg);
  survive();
  serve(server);
  await send({ type: 'ready', url: server.url });
} catch (err) {
  await send({ type: 'failed', error: err instanceof Error ? err.message : String(err) });
  process.exit(1);
}
