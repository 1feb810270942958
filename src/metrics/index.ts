// The process's Prometheus metrics (prom-client), one registry per running system so that
// several systems in one test process never share counts. Served at /metrics by the
// admin listener; every role records into the same registry.
import { Counter, collectDefaultMetrics, Gauge, type LabelValues, Registry } from 'prom-client';
import { HotHistogram, type HotIncrement, hotCounter } from './hot.ts';

/** Latency buckets in seconds: 0.1 ms to 10 s. */
const SECONDS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 0.5, 2.5, 10];

export interface Metrics {
  registry: Registry;
  /** Answers by role, route pattern and status. */
  requests: Counter<'role' | 'route' | 'status'>;
  /** Gateway outcomes: `forwarded`, or the refusing step and its error code. */
  gatewayDecisions: Counter<'step' | 'reason'>;
  /** Token verification at the gateway (a cache hit included). */
  authSeconds: HotHistogram;
  /** From sending upstream to the upstream's response headers. */
  upstreamSeconds: HotHistogram;
  /** Tokens issued by the authorization server, by kind. */
  tokensIssued: Counter<'kind'>;
  /** Revocations by who asked: operator, merchant, app, scopegate. */
  revocations: Counter<'by'>;
  /** Webhook delivery attempts by outcome: delivered, retry, dead_letter, gone, cancelled. */
  webhookAttempts: Counter<'outcome'>;
  /** A gauge read at scrape time. */
  observe(name: string, help: string, read: () => number | Promise<number>): void;
  /** A per-request increment of `counter` that costs two map lookups (see hot.ts). */
  hot<T extends string>(
    counter: Counter<T>,
    labelsOf: (first: string, second: string | number) => LabelValues<T>,
  ): HotIncrement;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  // Event-loop lag sampled every 50 ms: prom-client's 10 ms default woke every process 100
  // times a second, about 1 % of a core (10 ms of CPU a second) on an idle gateway.
  collectDefaultMetrics({
    register: registry,
    prefix: 'scopegate_',
    eventLoopMonitoringPrecision: 50,
  });
  const registers = [registry];
  // Hot counters are flushed into their prom-client counter when it is scraped.
  const flushes = new Map<object, (() => void)[]>();
  const collect = function (this: object) {
    for (const flush of flushes.get(this) ?? []) flush();
  };
  const metrics: Metrics = {
    registry,
    requests: new Counter({
      name: 'scopegate_http_requests_total',
      help: 'HTTP answers by listener role, route pattern and status',
      labelNames: ['role', 'route', 'status'],
      registers,
      collect,
    }),
    gatewayDecisions: new Counter({
      name: 'scopegate_gateway_decisions_total',
      help: 'Gateway outcomes: forwarded, or the refusing pipeline step and error code',
      labelNames: ['step', 'reason'],
      registers,
      collect,
    }),
    authSeconds: new HotHistogram({
      name: 'scopegate_gateway_auth_seconds',
      help: 'Access-token verification time at the gateway (cache hits included)',
      buckets: SECONDS,
      registry,
    }),
    upstreamSeconds: new HotHistogram({
      name: 'scopegate_gateway_upstream_seconds',
      help: 'Time from forwarding a request to the upstream answer headers',
      buckets: SECONDS,
      registry,
    }),
    tokensIssued: new Counter({
      name: 'scopegate_tokens_issued_total',
      help: 'Tokens issued by the authorization server, by kind',
      labelNames: ['kind'],
      registers,
    }),
    revocations: new Counter({
      name: 'scopegate_revocations_total',
      help: 'Installations revoked, by who asked (operator, merchant, app, scopegate)',
      labelNames: ['by'],
      registers,
    }),
    webhookAttempts: new Counter({
      name: 'scopegate_webhook_attempts_total',
      help: 'Webhook delivery attempts by outcome',
      labelNames: ['outcome'],
      registers,
    }),
    hot(counter, labelsOf) {
      return hotCounter(counter, labelsOf, (flush) => {
        flushes.set(counter, [...(flushes.get(counter) ?? []), flush]);
      });
    },
    observe(name, help, read) {
      new Gauge({
        name,
        help,
        registers,
        async collect() {
          this.set(await read());
        },
      });
    },
  };
  return metrics;
}
