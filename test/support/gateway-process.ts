// A second gateway in its own process (`scopegate start --role gateway`) sharing the test
// system's Redis and keys, as in a scaled-out deployment.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from './ports.ts';
import type { TestSystem } from './system.ts';

export interface GatewayProcess {
  url: string;
  /** The child's process id (e.g. to read its memory from /proc/<pid>/status). */
  pid: number;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of running) p.kill('SIGKILL');
});

export async function startGatewayProcess(
  sys: TestSystem,
  env: Record<string, string> = {},
): Promise<GatewayProcess> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.ts'), 'start', '--role', 'gateway'],
    {
      env: {
        ...process.env,
        NODE_ENV: 'test',
        LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
        DEMO: 'false',
        ISSUER: sys.issuer,
        KEYS_DIR: sys.config.keysDir,
        GATEWAY_PORT: String(port),
        ADMIN_TOKEN: sys.adminToken,
        REDIS_URL: sys.config.redisUrl ?? '',
        PLATFORM_API_URL: sys.config.platformApiUrl ?? '',
        REVOCATION_STALENESS_MS: String(sys.config.revocationStalenessMs),
        ...env,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  running.add(child);
  child.once('exit', () => running.delete(child));
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`gateway process exited with ${child.exitCode}`);
    const ok = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > until) throw new Error('gateway process did not become ready');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    pid: child.pid ?? 0,
    async stop() {
      // A process killed by a signal has a signalCode and no exitCode.
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
