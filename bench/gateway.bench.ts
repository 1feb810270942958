// Measures the gateway's cost over a bare undici proxy (req/s, p50/p99, CPU/request) with 1 warm,
// 1,000 rotating and 10 % forged tokens; BENCH_PROFILE=1 / BENCH_ABLATION=1 say where it goes.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ablateAll, profileAll } from './gateway/analysis.ts';
import {
  forkServer,
  killAll,
  pinLabel,
  type ServerChild,
  youngGenerationLabel,
} from './gateway/children.ts';
import { measureRounds } from './gateway/measure.ts';
import { compare, type Measured, print } from './gateway/report.ts';
import {
  prepare,
  type Scenario,
  type Settings,
  type Setup,
  scenarios,
  startGateway,
  startPrimed,
} from './gateway/setup.ts';
import { measureSideBySide, type PairResult, printSideBySide } from './gateway/side-by-side.ts';

/**
 * Overridden by BENCH_SECONDS, BENCH_ROUNDS, BENCH_WARMUP_SECONDS, BENCH_PRIME_REQUESTS,
 * BENCH_PRIME_SECONDS, BENCH_CONNECTIONS, BENCH_PACED_RATE and BENCH_PACED_SECONDS;
 * BENCH_PIN=0 runs unpinned; BENCH_A_PAIRS sets how many fresh side-by-side pairs judge (a).
 */
const SETTINGS: Settings = {
  seconds: Number(process.env.BENCH_SECONDS ?? 12),
  rounds: Number(process.env.BENCH_ROUNDS ?? 10),
  warmupSeconds: Number(process.env.BENCH_WARMUP_SECONDS ?? 0.5),
  primeRequests: Number(process.env.BENCH_PRIME_REQUESTS ?? 15_000),
  primeMaxSeconds: Number(process.env.BENCH_PRIME_SECONDS ?? 12),
  connections: Number(process.env.BENCH_CONNECTIONS ?? 50),
  pacedRate: Number(process.env.BENCH_PACED_RATE ?? 300),
  pacedConnections: 10,
  pacedSeconds: Number(process.env.BENCH_PACED_SECONDS ?? 30),
  tokens: 1_000,
};
const A_PAIRS = Math.max(1, Number(process.env.BENCH_A_PAIRS ?? 3));
const MODE =
  process.env.BENCH_PROFILE === '1'
    ? 'profile'
    : process.env.BENCH_ABLATION === '1'
      ? 'ablation'
      : 'table';

/** Past this the bench kills its children and fails: scenarios, primings, start-up. */
function budgetMs(): number {
  const counts: Record<typeof MODE, [scenarios: number, paced: number, primings: number]> = {
    table: [6 + 5 + A_PAIRS, 2 + 1, 3 + 6 + A_PAIRS],
    profile: [2, 0, 2],
    ablation: [6, 0, 6],
  };
  const [scenarioCount, pacedCount, primings] = counts[MODE];
  const slices = SETTINGS.rounds * (SETTINGS.warmupSeconds + 1.5);
  const scenarios =
    scenarioCount * (SETTINGS.seconds + slices) + pacedCount * (SETTINGS.pacedSeconds + slices);
  return (scenarios + primings * (SETTINGS.primeMaxSeconds + 2) + 60) * 1_000;
}

/** Children killed and `workDir` removed however the bench ends; a watchdog on its time. */
function guard(workDir: string): void {
  const cleanUp = () => {
    killAll();
    rmSync(workDir, { recursive: true, force: true });
  };
  setTimeout(() => {
    console.error('gateway bench: over its time budget; stopping');
    process.exit(2);
  }, budgetMs()).unref();
  process.on('exit', cleanUp);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => process.exit(130));
  }
}

/**
 * Upstream direct, the bare proxy (also adding the nine headers the gateway must send, to
 * tell their cost apart) and the gateway's token mixes, interleaved in rounds.
 */
async function measureAll(setup: Setup): Promise<Measured[]> {
  const all = scenarios(setup.tokens, SETTINGS);
  const { upstream } = setup;
  const bare = await startPrimed('bare-proxy', upstream.url, setup, SETTINGS);
  const bareHeaders = await startPrimed('bare-proxy-headers', upstream.url, setup, SETTINGS);
  const gateway = await startGateway(setup, SETTINGS);
  try {
    return await measureRounds(
      [
        { server: upstream, scenario: all.upstream },
        { server: bare, upstream, scenario: all.bare },
        { server: bareHeaders, upstream, scenario: all.bareHeaders },
        { server: gateway, upstream, scenario: all.warm },
        { server: gateway, upstream, scenario: all.rotating },
        { server: gateway, upstream, scenario: all.forged },
        { server: bare, upstream, scenario: all.barePaced },
        { server: gateway, upstream, scenario: all.warmPaced },
      ],
      SETTINGS,
    );
  } finally {
    await Promise.all([bare.stop(), bareHeaders.stop(), gateway.stop()]);
  }
}

/**
 * Each proxy and a bare one side by side, every pair started afresh (side-by-side.ts); a
 * second bare proxy first, to say how exact that is. Gateway (a) in A_PAIRS fresh pairs,
 * whose median ratio judges it (side-by-side.ts `verdictOf`), then once more with the
 * access log the default log level writes (not judged: the bare proxy logs nothing).
 */
function sideBySide(setup: Setup): Promise<PairResult[]> {
  const all = scenarios(setup.tokens, SETTINGS);
  const bare = () => forkServer('bare-proxy', setup.upstream.url);
  const gateway = () => startGateway(setup, { ...SETTINGS, primeRequests: 0 });
  const withBare = (start: () => Promise<ServerChild>, scenario: Scenario, base = all.bare) => ({
    base: { start: bare, scenario: base },
    compared: { start, scenario },
  });
  return measureSideBySide(
    [
      withBare(bare, all.secondBare),
      withBare(() => forkServer('bare-proxy-headers', setup.upstream.url), all.bareHeaders),
      ...Array.from({ length: A_PAIRS }, (_, i) =>
        withBare(gateway, { ...all.warm, label: `${all.warm.label}, pair ${i + 1}` }),
      ),
      withBare(
        () => startGateway(setup, { ...SETTINGS, primeRequests: 0 }, 'info'),
        all.warmLogged,
      ),
      withBare(gateway, all.rotating),
      withBare(gateway, all.forged),
      withBare(gateway, all.warmPaced, all.barePaced),
    ],
    setup,
    SETTINGS,
  );
}

async function main(): Promise<void> {
  const workDir = mkdtempSync(join(tmpdir(), 'sg-bench-'));
  guard(workDir);
  const setup = await prepare(workDir, SETTINGS);
  try {
    if (MODE === 'profile') return await profileAll(setup, SETTINGS);
    if (MODE === 'ablation') return await ablateAll(setup, SETTINGS);
    print(compare(await measureAll(setup)), {
      ...SETTINGS,
      cpus: cpus().length,
      pinned: pinLabel,
      youngGeneration: youngGenerationLabel,
      node: process.version,
    });
    printSideBySide(await sideBySide(setup));
  } finally {
    await setup.upstream.stop();
  }
}

await main();
