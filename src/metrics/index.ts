// The process's Prometheus metrics (prom-client), one registry per running system so that
// several systems in one test process never share counts. Served at /metrics by the
// admin listener; every role records into the same registry.
import {
  Counter,
  collectDefaultMetrics,
  Gauge,
  Histogram,
  type LabelValues,
  Registry,
} from 'prom-client';

/** Latency buckets in seconds: 0.1 ms to 10 s. */
const SECONDS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 0.5, 2.5, 10];

export interface Metrics {
  registry: Registry;
  /** Answers by role, route pattern and status. */
  requests: Counter<'role' | 'route' | 'status'>;
  /** Gateway outcomes: `forwarded`, or the refusing step and its error code. */
  gatewayDecisions: Counter<'step' | 'reason'>;
  /** Token verification at the gateway (a cache hit included). */
  authSeconds: Histogram;
  /** From sending upstream to the upstream's response headers. */
  upstreamSeconds: Histogram;
  /** Tokens issued by the authorization server, by kind. */
  tokensIssued: Counter<'kind'>;
  /** Revocations by who asked: operator, merchant, app, scopegate. */
  revocations: Counter<'by'>;
  /** Webhook delivery attempts by outcome: delivered, retry, dead_letter, gone, cancelled. */
  webhookAttempts: Counter<'outcome'>;
  /** A gauge read at scrape time. */
  observe(name: string, help: string, read: () => number | Promise<number>): void;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'scopegate_' });
  const registers = [registry];
  const metrics: Metrics = {
    registry,
    requests: new Counter({
      name: 'scopegate_http_requests_total',
      help: 'HTTP answers by listener role, route pattern and status',
      labelNames: ['role', 'route', 'status'],
      registers,
    }),
    gatewayDecisions: new Counter({
      name: 'scopegate_gateway_decisions_total',
      help: 'Gateway outcomes: forwarded, or the refusing pipeline step and error code',
      labelNames: ['step', 'reason'],
      registers,
    }),
    authSeconds: new Histogram({
      name: 'scopegate_gateway_auth_seconds',
      help: 'Access-token verification time at the gateway (cache hits included)',
      buckets: SECONDS,
      registers,
    }),
    upstreamSeconds: new Histogram({
      name: 'scopegate_gateway_upstream_seconds',
      help: 'Time from forwarding a request to the upstream answer headers',
      buckets: SECONDS,
      registers,
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

/** A counter child per label set, bound once: `inc` on the hot path costs no label hashing. */
export function boundCounter<T extends string>(
  counter: Counter<T>,
): (labels: LabelValues<T>, key: string) => void {
  const children = new Map<string, Counter.Internal>();
  return (labels, key) => {
    let child = children.get(key);
    if (!child) {
      child = counter.labels(labels);
      children.set(key, child);
    }
    child.inc();
  };
}
