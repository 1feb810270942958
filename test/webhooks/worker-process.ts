// A webhook worker in its own process, as `scopegate start --role worker` would run it:
// the Redis store and createWebhooks().startWorker(); prints "ready" once consuming.
import { createLogger } from '../../src/log.ts';
import { sitepackCatalogue } from '../../src/scopes/index.ts';
import { createRedisStore } from '../../src/store/redis/index.ts';
import { createWebhooks, retrySchedule } from '../../src/webhooks/index.ts';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const redisUrl = env('WH_REDIS_URL');
const prefix = env('WH_PREFIX');
const store = createRedisStore({ url: redisUrl, prefix });
const webhooks = createWebhooks({
  store,
  catalogue: sitepackCatalogue(),
  sealingKey: Buffer.from(env('WH_SEALING_KEY'), 'hex'),
  allowPrivateAddresses: true,
  logger: createLogger({ level: process.env.LOG_LEVEL ?? 'silent' }),
  redisUrl,
  prefix,
  schedule: retrySchedule([100, 200, 300], { jitter: 0.1 }),
  concurrency: Number(process.env.WH_CONCURRENCY ?? 4),
  lockDurationMs: 1000,
  attemptTimeoutMs: 5000,
});
await webhooks.startWorker();
process.stdout.write('ready\n');

process.on('SIGTERM', async () => {
  await webhooks.close();
  await store.close();
  process.exit(0);
});
