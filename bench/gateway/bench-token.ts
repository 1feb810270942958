// The verified token the bench's stand-ins use: the ablated gateway's fixed token, and the
// identity the `bare-proxy-headers` reference sends upstream.
import { scopeFields, type VerifiedToken } from '../../src/gateway/token-cache.ts';

export const BENCH_TOKEN: VerifiedToken = {
  sub: 'm_bench',
  client_id: 'bench-app',
  ...scopeFields(['content:read']),
  site: 's_bench',
  installation: 'inst_bench',
  jti: 'jti-bench',
  exp: Math.floor(Date.now() / 1000) + 24 * 3_600,
};
