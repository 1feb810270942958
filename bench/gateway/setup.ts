// What every gateway-bench mode shares: its settings, the keys and upstream child, tokens
// minted for the gateway's issuer and audience, the gateway child, and the scenarios.
import { join } from 'node:path';
import type { Request } from 'autocannon';
import { loadConfig } from '../../src/config/index.ts';
import { loadKeys } from '../../src/keys/index.ts';
import { freePort } from '../../test/support/ports.ts';
import { forkServer, type ServerChild } from './children.ts';
import { runLoad } from './load.ts';
import { PATH, rotating, rotatingWithForged, single } from './scenarios.ts';
import { gatewayEnv } from './scopegate.ts';
import type { ServerKind } from './server-kinds.ts';
import { forge, mintTokens, signerFor } from './tokens.ts';

export interface Settings {
  /** Measured seconds per scenario, split over `rounds` slices. */
  seconds: number;
  rounds: number;
  /** Unmeasured load before each slice. */
  warmupSeconds: number;
  /** Requests a freshly started proxy serves before its first scenario (JIT warm-up)... */
  primeRequests: number;
  /** ...unless this many seconds pass first. */
  primeMaxSeconds: number;
  connections: number;
  /** The fixed rate (req/s) and connections of the paced, below-saturation rows. */
  pacedRate: number;
  pacedConnections: number;
  /**
   * Measured seconds of each paced row: p99 needs many samples below saturation (at
   * 300 req/s, 30 s give 9,000 responses, so p99 is the 90th slowest, not the 18th).
   */
  pacedSeconds: number;
  tokens: number;
}

export interface Scenario {
  id: string;
  label: string;
  perConnection: Request[][];
  /** The row this one is compared with. */
  baseline?: string;
  /** Fixed overall rate, req/s, with `connections`; unset: saturating, settings.connections. */
  paced?: { rate: number; connections: number };
}

export interface Setup {
  upstream: ServerChild;
  gatewayEnv: Record<string, string>;
  tokens: string[];
}

/** Keys in `workDir`, the upstream child and the tokens. */
export async function prepare(workDir: string, settings: Settings): Promise<Setup> {
  const keysDir = join(workDir, 'keys');
  await loadKeys(keysDir, { generate: true });
  const upstream = await forkServer('upstream');
  const env = gatewayEnv({ keysDir, upstreamUrl: upstream.url, port: await freePort() });
  const config = loadConfig({ env });
  const sign = await signerFor({ issuer: config.issuer, audience: config.apiAudience, keysDir });
  return { upstream, gatewayEnv: env, tokens: await mintTokens(sign, settings.tokens) };
}

/** `url` answers GET PATH with `token` by `status`, or the bench stops here. */
export async function expectStatus(url: string, token: string, status: number): Promise<void> {
  const res = await fetch(`${url}${PATH}`, { headers: { authorization: `Bearer ${token}` } });
  await res.arrayBuffer();
  if (res.status !== status) throw new Error(`${url}${PATH}: ${res.status}, expected ${status}`);
}

/**
 * Loads a freshly started server with the warm-token request until it has served
 * `primeRequests`: on this class of machine both proxies need about 10,000 requests before
 * their CPU per request settles (at first up to twice the steady state).
 */
export async function prime(server: ServerChild, setup: Setup, settings: Settings) {
  const until = performance.now() + settings.primeMaxSeconds * 1_000;
  const spec = {
    url: server.url,
    perConnection: single(setup.tokens[0] ?? ''),
    connections: settings.connections,
    seconds: 2,
  };
  let served = 0;
  while (served < settings.primeRequests && performance.now() < until) {
    served += (await runLoad(spec)).responses;
  }
}

/** A server kind in a child, primed. */
export async function startPrimed(
  kind: ServerKind,
  arg: string,
  setup: Setup,
  settings: Settings,
): Promise<ServerChild> {
  const server = await forkServer(kind, arg);
  await prime(server, setup, settings);
  return server;
}

/**
 * The real gateway in a child, checked to accept a valid token and refuse a forged one, primed.
 * Silent unless `logLevel` is given; its log lines then go to /dev/null.
 */
export async function startGateway(
  setup: Setup,
  settings: Settings,
  logLevel?: string,
): Promise<ServerChild> {
  const env = logLevel ? { ...setup.gatewayEnv, LOG_LEVEL: logLevel } : setup.gatewayEnv;
  const gateway = await forkServer('gateway', JSON.stringify(env), logLevel ? 'ignore' : 'inherit');
  const token = setup.tokens[0] ?? '';
  await expectStatus(gateway.url, token, 200);
  await expectStatus(gateway.url, forge(token), 401);
  await prime(gateway, setup, settings);
  return gateway;
}

export function scenarios(tokens: string[], settings: Settings) {
  const warm = single(tokens[0] ?? '');
  const { connections, pacedRate: rate, pacedConnections } = settings;
  const paced = { rate, connections: pacedConnections };
  const bare = 'bare';
  return {
    upstream: { id: 'upstream', label: 'upstream direct', perConnection: warm },
    bare: { id: bare, label: 'bare undici proxy', perConnection: warm },
    secondBare: {
      id: 'bare-2',
      label: 'bare undici proxy, a second one (calibration: 1 when exact)',
      perConnection: warm,
    },
    bareHeaders: {
      id: 'bare-headers',
      label: 'bare proxy + the 9 headers the gateway adds',
      perConnection: warm,
      baseline: bare,
    },
    barePaced: {
      id: 'bare-paced',
      label: `bare proxy @ ${rate} req/s`,
      perConnection: warm,
      paced,
    },
    warm: {
      id: 'gateway-a',
      label: 'gateway (a) 1 warm token',
      perConnection: warm,
      baseline: bare,
    },
    warmLogged: {
      id: 'gateway-a-logged',
      label: 'gateway (a) with its access log (LOG_LEVEL=info, the default; to /dev/null)',
      perConnection: warm,
      baseline: bare,
    },
    rotating: {
      id: 'gateway-b',
      label: 'gateway (b) 1,000 tokens rotating',
      perConnection: rotating(tokens, connections),
      baseline: bare,
    },
    forged: {
      id: 'gateway-c',
      label: 'gateway (c) 1,000 tokens, 10 % forged',
      perConnection: rotatingWithForged(tokens, connections),
      baseline: bare,
    },
    warmPaced: {
      id: 'gateway-a-paced',
      label: `gateway (a) @ ${rate} req/s`,
      perConnection: warm,
      baseline: 'bare-paced',
      paced,
    },
  } satisfies Record<string, Scenario>;
}
