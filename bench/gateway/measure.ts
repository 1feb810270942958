// Measures scenarios in interleaved rounds (one slice of each per round) so other load on a
// shared machine falls on all alike; with each server's CPU per response and that other load.
import { cpus } from 'node:os';
import type { ServerChild } from './children.ts';
import { type LoadSample, merge, p99Of, runLoad } from './load.ts';
import type { Measured } from './report.ts';
import type { Scenario, Settings } from './setup.ts';

export interface Planned {
  server: ServerChild;
  scenario: Scenario;
  /** The upstream behind `server`, whose CPU is the bench's too (unset when it is `server`). */
  upstream?: ServerChild;
}

/** CPU time of the whole machine, ms. */
function machineBusyMs(): number {
  return cpus().reduce((sum, { times: t }) => sum + t.user + t.nice + t.sys + t.irq, 0);
}

interface Snapshot {
  at: number;
  machineMs: number;
  /** CPU of the load generator, the server and its upstream, µs. */
  oursUs: number;
  serverUs: number;
  uncaught: number;
  lastUncaught?: string;
}

async function snapshot(p: Planned): Promise<Snapshot> {
  const [s, u] = await Promise.all([p.server.stats(), p.upstream?.stats()]);
  const { user, system } = process.cpuUsage();
  return {
    at: performance.now(),
    machineMs: machineBusyMs(),
    oursUs: user + system + s.cpuMicros + (u?.cpuMicros ?? 0),
    serverUs: s.cpuMicros,
    uncaught: s.uncaught,
    ...(s.lastUncaught ? { lastUncaught: s.lastUncaught } : {}),
  };
}

/** What the slices of one scenario add up to. */
interface Tally {
  samples: LoadSample[];
  serverUs: number;
  otherMs: number;
  capacityMs: number;
  uncaught: number;
  lastUncaught?: string;
}

/** The load one slice puts on `p`'s server: its scenario's requests, rate and connections. */
export function loadOf(
  p: Pick<Planned, 'server' | 'scenario'>,
  settings: Settings,
  seconds: number,
) {
  const { scenario } = p;
  return {
    url: p.server.url,
    perConnection: scenario.perConnection,
    connections: scenario.paced?.connections ?? settings.connections,
    seconds,
    ...(scenario.paced ? { rate: scenario.paced.rate } : {}),
  };
}

/** A short warm-up: fresh connections, and the rotating tokens into the gateway's cache. */
async function warm(p: Planned, settings: Settings): Promise<void> {
  await runLoad(loadOf(p, settings, settings.warmupSeconds));
}

/** One measured slice, added to `tally`. */
async function timed(p: Planned, settings: Settings, seconds: number, tally: Tally) {
  const before = await snapshot(p);
  tally.samples.push(await runLoad(loadOf(p, settings, seconds)));
  const after = await snapshot(p);
  // Every CPU of the machine (this process may be pinned to some: pinning.ts).
  const capacityMs = (after.at - before.at) * cpus().length;
  tally.serverUs += after.serverUs - before.serverUs;
  tally.otherMs += after.machineMs - before.machineMs - (after.oursUs - before.oursUs) / 1e3;
  tally.capacityMs += capacityMs;
  tally.uncaught += after.uncaught - before.uncaught;
  if (after.lastUncaught) tally.lastUncaught = after.lastUncaught;
}

function measured(scenario: Scenario, tally: Tally): Measured {
  const result = merge(tally.samples);
  return {
    id: scenario.id,
    label: scenario.label,
    ...(scenario.baseline ? { baseline: scenario.baseline } : {}),
    ...result,
    roundRps: tally.samples.map((s) => Math.round(s.responses / s.seconds)),
    roundP99Ms: tally.samples.map(p99Of),
    serverCpuUsPerReq: Math.round(tally.serverUs / Math.max(1, result.responses)),
    otherLoadPct: Math.max(0, Math.round((100 * tally.otherMs) / tally.capacityMs)),
    serverUncaught: tally.uncaught,
    ...(tally.lastUncaught ? { lastUncaught: tally.lastUncaught } : {}),
  };
}

/**
 * `settings.rounds` rounds, each one slice of every planned scenario: in plan order, then
 * reversed, and so on, so a machine slowing down steadily favours no scenario over another.
 */
export async function measureRounds(plan: Planned[], settings: Settings): Promise<Measured[]> {
  const tallies: Tally[] = plan.map(() => ({
    samples: [],
    serverUs: 0,
    otherMs: 0,
    capacityMs: 0,
    uncaught: 0,
  }));
  const forward = [...plan.entries()];
  const backward = forward.toReversed();
  for (let round = 0; round < settings.rounds; round++) {
    for (const [i, p] of round % 2 === 0 ? forward : backward) {
      const seconds =
        (p.scenario.paced ? settings.pacedSeconds : settings.seconds) / settings.rounds;
      await warm(p, settings);
      await timed(p, settings, seconds, tallies[i] as Tally);
    }
  }
  return plan.map((p, i) => measured(p.scenario, tallies[i] as Tally));
}

/** One scenario in one slice, with a CPU profile of the server during it. */
export async function measureProfiled(
  p: Planned,
  settings: Settings,
  file: string,
): Promise<Measured> {
  const tally: Tally = { samples: [], serverUs: 0, otherMs: 0, capacityMs: 0, uncaught: 0 };
  await warm(p, settings);
  await p.server.startProfile();
  await timed(p, settings, settings.seconds, tally);
  await p.server.stopProfile(file);
  return measured(p.scenario, tally);
}
