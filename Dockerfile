# syntax=docker/dockerfile:1
# scopegate: Node 24 LTS runs the TypeScript sources directly (type stripping), so the
# image holds the production dependencies, src/ and config/ — nothing is built, and no dev
# dependency, .tools/, keys/, test/ or bench/ is copied. See docs/deployment.md.

FROM node:24-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# `npm install` from the lockfile, not `npm ci`: ci refuses this lockfile because it lacks
# biome's platform packages the registry does not serve (see scripts/env.sh). With
# --omit=dev only the runtime dependencies are installed, at the lockfile's versions.
# No install script is needed (msgpackr-extract ships prebuilt binaries as packages).
RUN npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error

FROM node:24-slim
ENV NODE_ENV=production \
    KEYS_DIR=/keys \
    CONFIG_DIR=/app/config
WORKDIR /app
# Application files stay owned by root: the process (user node) can read, not change them.
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY src ./src
COPY config ./config
# KEYS_DIR: owned by the runtime user, private. A named volume mounted here starts with
# this ownership and mode; the key files themselves are never part of the image.
RUN mkdir -p /keys && chown node:node /keys && chmod 0700 /keys \
 && printf '#!/bin/sh\nexec node /app/src/cli/main.ts "$@"\n' > /usr/local/bin/scopegate \
 && chmod 0755 /usr/local/bin/scopegate
# Health of the listener this container's role opens (read from PID 1's --role): auth and
# all → AUTH_PORT, gateway → GATEWAY_PORT, admin → ADMIN_PORT on ADMIN_HOST; a worker has
# no listener, so a running worker is healthy. Ports come from the environment (defaults
# otherwise), not from scopegate.json. /healthz: the process answers; load balancers
# should use /readyz (the store answers too).
COPY <<'EOF' /usr/local/lib/scopegate-healthcheck.cjs
const { readFileSync } = require('node:fs');
const http = require('node:http');

const args = readFileSync('/proc/1/cmdline', 'utf8').split('\0');
const at = args.indexOf('--role');
const inline = args.find((a) => a.startsWith('--role='));
const role = at >= 0 ? args[at + 1] : inline ? inline.slice('--role='.length) : 'all';
if (role === 'worker') process.exit(0);

const env = process.env;
let host = '127.0.0.1';
let port = env.AUTH_PORT || 3000;
if (role === 'gateway') port = env.GATEWAY_PORT || 8080;
if (role === 'admin') {
  port = env.ADMIN_PORT || 9090;
  const wildcard = ['', '0.0.0.0', '::'].includes(env.ADMIN_HOST || '');
  if (!wildcard) host = env.ADMIN_HOST;
}
const req = http.get({ host, port, path: '/healthz', timeout: 2500 }, (res) => {
  process.exit(res.statusCode === 200 ? 0 : 1);
});
req.on('timeout', () => req.destroy(new Error('timeout')));
req.on('error', () => process.exit(1));
EOF
USER node
EXPOSE 3000 8080 9090
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "/usr/local/lib/scopegate-healthcheck.cjs"]
# node itself is PID 1 (not bin/scopegate, whose scripts/env.sh may install Node or
# dependencies): it handles SIGTERM with a graceful shutdown.
ENTRYPOINT ["node", "src/cli/main.ts"]
CMD ["start", "--role", "all"]
