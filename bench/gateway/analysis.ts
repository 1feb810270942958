// The gateway bench's analysis modes: CPU profiles of the bare proxy and gateway (a), and an
// ablation that adds the gateway's parts one at a time over the bare proxy, with CPU per request.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Variant } from './ablation.ts';
import type { ServerChild } from './children.ts';
import { measureProfiled, measureRounds, type Planned } from './measure.ts';
import { summarize } from './profile.ts';
import { type Measured, ratioTo } from './report.ts';
import { type Settings, type Setup, scenarios, startGateway, startPrimed } from './setup.ts';

function printProfile(row: Measured, file: string): void {
  const summary = summarize(file, row.responses);
  console.log(`\n== ${row.label}: ${row.rps} req/s, ${summary.busyUsPerReq} µs CPU/req (${file})`);
  console.table(summary.byArea);
  console.table(summary.hottest);
  console.table(summary.inclusive);
}

async function profiled(p: Planned, settings: Settings, name: string): Promise<void> {
  const file = join(tmpdir(), `scopegate-bench-${name}.cpuprofile`);
  try {
    printProfile(await measureProfiled(p, settings, file), file);
  } finally {
    await p.server.stop();
  }
}

/** BENCH_PROFILE=1: where the bare proxy's and the gateway's CPU goes, per request. */
export async function profileAll(setup: Setup, settings: Settings): Promise<void> {
  const all = scenarios(setup.tokens, settings);
  const { upstream } = setup;
  const bare = await startPrimed('bare-proxy', upstream.url, setup, settings);
  await profiled({ server: bare, upstream, scenario: all.bare }, settings, 'bare');
  const gateway = await startGateway(setup, settings);
  await profiled({ server: gateway, upstream, scenario: all.warm }, settings, 'gateway-a');
}

const PLAIN: Variant['steps'] = ['canonicalizePath', 'matchRoute', 'passHeaders', 'proxy'];
const NO_AUTH: Variant['steps'] = [
  'canonicalizePath',
  'matchRoute',
  'fixedToken',
  'rewriteHeaders',
  'proxy',
];
const EVERY_STEP: Variant['steps'] = [
  'canonicalizePath',
  'matchRoute',
  'authenticate',
  'checkRevocation',
  'checkScope',
  'rewriteHeaders',
  'proxy',
];
const VARIANTS: { id: string; label: string; variant: Variant }[] = [
  {
    id: 'http-plain',
    label: 'node:http + path, route, proxy steps',
    variant: { transport: 'http', steps: PLAIN },
  },
  {
    id: 'http-no-auth',
    label: '+ identity/forwarding headers (rewriteHeaders)',
    variant: { transport: 'http', steps: NO_AUTH },
  },
  {
    id: 'http-all',
    label: '+ authenticate, revocation, scope steps',
    variant: { transport: 'http', steps: EVERY_STEP },
  },
  { id: 'koa-all', label: '+ Koa (every step)', variant: { transport: 'koa', steps: EVERY_STEP } },
];

function ablationRow(row: Measured, previous: Measured | undefined, bare: Measured) {
  const ratio = ratioTo(row, bare);
  return {
    server: row.label,
    'req/s': row.rps,
    'p50 ms': row.p50Ms,
    'p99 ms': row.p99Ms,
    '× bare req/s': ratio.median,
    'rounds min–max': ratio.range.join('–'),
    'CPU µs/req': row.serverCpuUsPerReq,
    'Δ CPU µs/req': previous ? row.serverCpuUsPerReq - previous.serverCpuUsPerReq : '',
    'other load %': row.otherLoadPct ?? '',
    responses: Object.entries(row.statuses)
      .map(([code, n]) => `${code}×${n}`)
      .join(' '),
  };
}

/** The bare proxy, the ablated gateways and the real one, each in a primed child. */
async function ablationServers(setup: Setup, settings: Settings): Promise<ServerChild[]> {
  const servers = [await startPrimed('bare-proxy', setup.upstream.url, setup, settings)];
  for (const { variant } of VARIANTS) {
    const arg = JSON.stringify({ env: setup.gatewayEnv, variant });
    servers.push(await startPrimed('ablated-gateway', arg, setup, settings));
  }
  servers.push(await startGateway(setup, settings));
  return servers;
}

/** BENCH_ABLATION=1: bare proxy → src steps without auth → with auth → with Koa → real gateway. */
export async function ablateAll(setup: Setup, settings: Settings): Promise<void> {
  const { warm } = scenarios(setup.tokens, settings);
  const labels = [
    { id: 'bare', label: 'bare undici proxy' },
    ...VARIANTS,
    { id: 'real', label: 'real gateway (+ health routes, forwarding, feed)' },
  ];
  const servers = await ablationServers(setup, settings);
  try {
    const plan = servers.map((server, i) => ({
      server,
      upstream: setup.upstream,
      scenario: { ...warm, ...labels[i] },
    }));
    const rows = await measureRounds(plan, settings);
    const [bare] = rows;
    if (!bare) return;
    console.log('gateway ablation, scenario (a) 1 warm token; each row adds to the one above');
    console.table(rows.map((row, i) => ablationRow(row, rows[i - 1], bare)));
    console.log(`BENCH_JSON ${JSON.stringify({ bench: 'gateway-ablation', ...settings, rows })}`);
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}
