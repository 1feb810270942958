// The bare proxy and a proxy compared with it measured at the same time: both pinned to the
// proxy CPU, each under its own load. This machine's speed drifts and has bursts of 1-2 s
// in which throughput halves; measured one after the other, two slices seconds apart
// differ by up to 2x whatever the proxies are. Side by side, a slow moment falls on both
// at the same instant, and with the CPU shared at saturation the req/s ratio is the ratio
// of their CPU per request. Each pair is started afresh and primed together: a bare proxy
// that had served hundreds of thousands of requests more than a second one ran 12 % faster
// than it (V8 tunes its code and, unless children.ts fixes it, its young generation as it
// goes). A second bare proxy against the
// first says how exact the pairing is. CFS shares the CPU in slices of milliseconds, so
// latency at saturation says nothing here; the paced pair's p99 does.
import type { ServerChild } from './children.ts';
import { type LoadSample, merge, p99Of, runLoad } from './load.ts';
import { loadOf } from './measure.ts';
import { addedP99To, type Measured, median, ratioTo, statusText, TARGET } from './report.ts';
import { prime, type Scenario, type Settings, type Setup } from './setup.ts';

export interface Side {
  server: ServerChild;
  scenario: Scenario;
}

/** The bare proxy (`base`) and the proxy compared with it, each under its own load. */
export interface Pair {
  base: Side;
  compared: Side;
}

interface Tally {
  samples: LoadSample[];
  serverUs: number;
  uncaught: number;
}

export interface PairResult {
  id: string;
  label: string;
  base: Measured;
  compared: Measured;
  /** Median over rounds of compared ÷ base req/s in the same slice, and their min–max. */
  ratio: number;
  range: [number, number];
  /** The median over slices of the two p99s' difference, ms; and of all slices pooled. */
  addedP99Ms: number;
  pooledAddedP99Ms: number;
  /** CPU both proxies used, % of one CPU: near 100 when the proxies decide the req/s. */
  proxyBusyPct: number;
  /** A fixed-rate pair: its p99 is compared; a saturating one: only its req/s. */
  paced: boolean;
}

/** One slice of both at once; returns its wall time, ms. */
async function together(pair: Pair, settings: Settings, seconds: number, tallies: Tally[]) {
  const sides = [pair.base, pair.compared];
  await Promise.all(sides.map((s) => runLoad(loadOf(s, settings, settings.warmupSeconds))));
  const before = await Promise.all(sides.map((s) => s.server.stats()));
  const started = performance.now();
  const samples = await Promise.all(sides.map((s) => runLoad(loadOf(s, settings, seconds))));
  const wallMs = performance.now() - started;
  const after = await Promise.all(sides.map((s) => s.server.stats()));
  samples.forEach((sample, i) => {
    const tally = tallies[i] as Tally;
    tally.samples.push(sample);
    tally.serverUs += (after[i]?.cpuMicros ?? 0) - (before[i]?.cpuMicros ?? 0);
    tally.uncaught += (after[i]?.uncaught ?? 0) - (before[i]?.uncaught ?? 0);
  });
  return wallMs;
}

/** As a Measured row, for `ratioTo`. */
function asMeasured(side: Side, tally: Tally): Measured {
  const result = merge(tally.samples);
  return {
    id: side.scenario.id,
    label: side.scenario.label,
    ...result,
    roundRps: tally.samples.map((s) => Math.round(s.responses / s.seconds)),
    roundP99Ms: tally.samples.map(p99Of),
    serverCpuUsPerReq: Math.round(tally.serverUs / Math.max(1, result.responses)),
    serverUncaught: tally.uncaught,
  };
}

function resultOf(pair: Pair, tallies: Tally[], wallMs: number): PairResult {
  const [base, compared] = [
    asMeasured(pair.base, tallies[0] as Tally),
    asMeasured(pair.compared, tallies[1] as Tally),
  ];
  const ratio = ratioTo(compared, base);
  const { median: addedP99Ms, pooled: pooledAddedP99Ms } = addedP99To(compared, base);
  const busyUs = (tallies[0]?.serverUs ?? 0) + (tallies[1]?.serverUs ?? 0);
  return {
    id: compared.id,
    label: compared.label,
    base,
    compared,
    ratio: ratio.median,
    range: ratio.range,
    addedP99Ms,
    pooledAddedP99Ms,
    proxyBusyPct: Math.round(busyUs / 10 / wallMs),
    paced: pair.compared.scenario.paced !== undefined,
  };
}

/** How a pair's two servers start (unprimed). */
export interface PairPlan {
  base: { start: () => Promise<ServerChild>; scenario: Scenario };
  compared: { start: () => Promise<ServerChild>; scenario: Scenario };
}

/** `settings.rounds` slices of one pair, both started and primed together, then stopped. */
async function measurePair(plan: PairPlan, setup: Setup, settings: Settings): Promise<PairResult> {
  const servers = await Promise.all([plan.base.start(), plan.compared.start()]);
  try {
    await Promise.all(servers.map((server) => prime(server, setup, settings)));
    const [base, compared] = servers as [ServerChild, ServerChild];
    const pair: Pair = {
      base: { server: base, scenario: plan.base.scenario },
      compared: { server: compared, scenario: plan.compared.scenario },
    };
    const tallies = [0, 1].map((): Tally => ({ samples: [], serverUs: 0, uncaught: 0 }));
    const total = plan.compared.scenario.paced ? settings.pacedSeconds : settings.seconds;
    let wallMs = 0;
    for (let round = 0; round < settings.rounds; round++) {
      wallMs += await together(pair, settings, total / settings.rounds, tallies);
    }
    return resultOf(pair, tallies, wallMs);
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
}

/** Every pair in turn. */
export async function measureSideBySide(
  plans: PairPlan[],
  setup: Setup,
  settings: Settings,
): Promise<PairResult[]> {
  const results: PairResult[] = [];
  for (const plan of plans) results.push(await measurePair(plan, setup, settings));
  return results;
}

export function printSideBySide(results: PairResult[]): void {
  console.log(
    'side by side: each row and a bare proxy at the same time, both started and primed ' +
      'together, both on the proxy CPU, each under its own load (× bare: median over rounds ' +
      'of the two req/s in the same slice; p99 for the paced pair only)',
  );
  console.table(
    results.map((r) => ({
      scenario: r.label,
      'req/s': r.compared.rps,
      'bare req/s': r.base.rps,
      '× bare req/s': r.ratio,
      'rounds min–max': r.range.join('–'),
      'p99 ms': r.paced ? r.compared.p99Ms : '',
      'bare p99 ms': r.paced ? r.base.p99Ms : '',
      '+p99 ms vs bare (median of slices)': r.paced ? r.addedP99Ms : '',
      '+p99 ms, slices pooled': r.paced ? r.pooledAddedP99Ms : '',
      'proxies CPU %': r.proxyBusyPct,
      responses: statusText(r.compared.statuses),
      'errors/timeouts': `${r.compared.errors}/${r.compared.timeouts}`,
      'uncaught (both)': r.base.serverUncaught + r.compared.serverUncaught,
    })),
  );
  const verdict = verdictOf(results);
  console.log(verdictText(verdict));
  console.log(`BENCH_JSON ${JSON.stringify({ bench: 'gateway-side-by-side', results, verdict })}`);
}

/** Target (a) (report.ts TARGET), judged on a run's side-by-side pairs. */
export interface Verdict {
  met: boolean;
  /** The median over the fresh (a) pairs of their req/s ratio; and each pair's. */
  ratio: number;
  pairRatios: number[];
  /** The paced pair's added p99, ms (the median over its slices). */
  addedP99Ms: number;
  /** The bare × bare pair's ratio: how exact the pairing was (1 when exact). */
  calibration: number;
}

/**
 * Gateway (a) is measured in several fresh pairs, each new pair of processes: one
 * process's JIT state moves its pair's ratio by about ±2 %, more than the slices of one
 * pair vary. The verdict takes the median of those pairs' ratios, and the paced pair's
 * added p99. A missing pair or figure is NaN, which fails its comparison.
 */
export function verdictOf(results: readonly PairResult[]): Verdict {
  const pairRatios = results.filter((r) => r.id === 'gateway-a').map((r) => r.ratio);
  const ratio = pairRatios.length ? Number(median(pairRatios).toFixed(3)) : Number.NaN;
  const addedP99Ms = results.find((r) => r.id === 'gateway-a-paced')?.addedP99Ms ?? Number.NaN;
  return {
    met: ratio >= TARGET.minRatioVsBare && addedP99Ms <= TARGET.maxAddedP99Ms,
    ratio,
    pairRatios,
    addedP99Ms,
    calibration: results.find((r) => r.id === 'bare-2')?.ratio ?? Number.NaN,
  };
}

export function verdictText(v: Verdict): string {
  return (
    `target (a), ≥ ${TARGET.minRatioVsBare}× the bare proxy's req/s and ≤ +${TARGET.maxAddedP99Ms} ms p99: ` +
    `${v.met ? 'met' : 'NOT met'}. Side by side: ${v.ratio}× (median of ${v.pairRatios.length} ` +
    `fresh pairs: ${v.pairRatios.join(', ')}); p99 added at the paced rate ${v.addedP99Ms} ms; ` +
    `calibration bare × bare ${v.calibration}.`
  );
}
