#!/bin/sh
# npm run test:faults: the fault and load suite (test/faults, vitest.faults.config.ts) —
# Redis killed, paused and restarted, upstream and webhook receiver down, and minutes of
# mixed load. Brings Node, the dependencies and Redis like scripts/test.sh. Durations:
# FAULTS_RECEIVER_DOWN_MS (120000), FAULTS_LOAD_SECONDS (300), FAULTS_LOAD_CONNECTIONS (16).
# Extra arguments go to vitest (e.g. a file filter).
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/scripts/env.sh"
. "$ROOT/scripts/system-deps.sh"
cd "$ROOT"
exec node node_modules/vitest/vitest.mjs run -c vitest.faults.config.ts "$@"
