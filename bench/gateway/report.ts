// The gateway bench's output: one console.table row per scenario with req/s, p50/p99, the
// comparison with its bare-proxy baseline, the targets beside them, and a BENCH_JSON line.
import type { LoadResult } from './load.ts';
import type { Settings } from './setup.ts';

export interface Measured extends LoadResult {
  id: string;
  label: string;
  /** The id of the row this one is compared with (the bare proxy under the same load). */
  baseline?: string;
  /** CPU the server under test (upstream or proxy) spent per response, µs. */
  serverCpuUsPerReq: number;
  /** CPU other processes used meanwhile, % of the machine (a disturbed run when high). */
  otherLoadPct: number;
  /** Uncaught exceptions the server under test raised during the run. */
  serverUncaught: number;
  lastUncaught?: string;
}

export interface Target {
  minRatioVsBare?: number;
  maxAddedP99Ms?: number;
}

/**
 * Gateway (a), one warm token: ≥ 0.9× the bare proxy's req/s and ≤ 1 ms added p99, under
 * the same saturating load; and ≤ 1 ms added p99 at a fixed rate well below saturation.
 */
export const TARGETS: Record<string, Target> = {
  'gateway-a': { minRatioVsBare: 0.9, maxAddedP99Ms: 1 },
  'gateway-a-paced': { maxAddedP99Ms: 1 },
};

export interface Compared extends Measured {
  ratioVsBare?: number;
  addedP99Ms?: number;
  meetsTarget?: boolean;
}

const round = (value: number, digits: number) => Number(value.toFixed(digits));

function meets(target: Target, ratio: number, addedP99Ms: number): boolean {
  return (
    ratio >= (target.minRatioVsBare ?? 0) &&
    addedP99Ms <= (target.maxAddedP99Ms ?? Number.POSITIVE_INFINITY)
  );
}

export function compare(rows: Measured[]): Compared[] {
  return rows.map((row) => {
    const bare = rows.find((r) => r.id === row.baseline);
    if (!bare) return row;
    const ratioVsBare = round(row.rps / bare.rps, 3);
    const addedP99Ms = round(row.p99Ms - bare.p99Ms, 3);
    const target = TARGETS[row.id];
    if (!target) return { ...row, ratioVsBare, addedP99Ms };
    return { ...row, ratioVsBare, addedP99Ms, meetsTarget: meets(target, ratioVsBare, addedP99Ms) };
  });
}

function targetText(target: Target | undefined): string {
  if (!target) return '';
  const parts = [];
  if (target.minRatioVsBare !== undefined) parts.push(`≥ ${target.minRatioVsBare}×`);
  if (target.maxAddedP99Ms !== undefined) parts.push(`≤ +${target.maxAddedP99Ms} ms`);
  return parts.join(', ');
}

function statusText(statuses: Record<string, number>): string {
  return Object.entries(statuses)
    .map(([code, count]) => `${code}×${count}`)
    .join(' ');
}

function tableRow(row: Compared) {
  return {
    scenario: row.label,
    'req/s': row.rps,
    'p50 ms': row.p50Ms,
    'p99 ms': row.p99Ms,
    '× bare req/s': row.ratioVsBare ?? '',
    '+p99 ms vs bare': row.addedP99Ms ?? '',
    target: targetText(TARGETS[row.id]),
    met: row.meetsTarget === undefined ? '' : row.meetsTarget ? 'yes' : 'NO',
    'server CPU µs/req': row.serverCpuUsPerReq,
    responses: statusText(row.statuses),
    'errors/timeouts': `${row.errors}/${row.timeouts}`,
    'server uncaught': row.serverUncaught,
    'other load %': row.otherLoadPct,
  };
}

export interface RunInfo extends Settings {
  cpus: number;
  /** Where the proxies and the rest ran (pinning.ts). */
  pinned: string;
  node: string;
}

export function print(rows: Compared[], info: RunInfo): void {
  console.log(
    `gateway bench: ${info.connections} connections (paced rows: ${info.pacedConnections} at ` +
      `${info.pacedRate} req/s for ${info.pacedSeconds} s), pipelining 1, ${info.seconds} s per scenario after ` +
      `${info.warmupSeconds} s warm-up (each server primed with ${info.primeRequests} requests ` +
      `first), ${info.cpus} CPUs (${info.pinned}), Node ${info.node}`,
  );
  console.table(rows.map(tableRow));
  for (const row of rows) {
    if (row.lastUncaught) console.log(`${row.label}: uncaught in server: ${row.lastUncaught}`);
  }
  const json = { bench: 'gateway', ...info, targets: TARGETS, scenarios: rows };
  console.log(`BENCH_JSON ${JSON.stringify(json)}`);
}
