#!/bin/sh
# npm test: brings Node 22+, the dependencies, Redis and Chromium, then type-checks, lints
# and runs the whole vitest suite. Extra arguments go to vitest (e.g. a file filter).
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/scripts/env.sh"
. "$ROOT/scripts/system-deps.sh"
cd "$ROOT"
node_modules/.bin/tsc -p .
node_modules/.bin/biome ci --reporter=summary .
exec node node_modules/vitest/vitest.mjs run "$@"
